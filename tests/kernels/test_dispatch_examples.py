"""Every kernel answers a JSON example through the dispatch, and the answer is strict JSON.

A kernel whose arguments all have defaults is also called with ``{}``; a kernel that needs
arguments must have a row in ``EXAMPLES`` (the test names the missing kernel).
"""

from __future__ import annotations

import inspect
import json

import pytest

from pyodide_kernels.dispatch import call, kernel_names, kernel_table

EXAMPLES: dict[str, dict] = {
    "activations": {"x": [-2, -0.5, 0, 0.5, 2]},
    "attention": {
        "q": [[1, 0], [0, 1]],
        "k": [[1, 0], [0, 1]],
        "v": [[1, 2], [3, 4]],
        "causal": True,
    },
    "attention_by_hand": {"seed": 3},
    "attention_problem": {"seed": 1, "causal": True, "tokens": 4, "d_k": 2},
    "run_edited": {
        "kernel": "softmax",
        "functions": [{"name": "softmax", "module": "pyodide_kernels.maths.softmax"}],
        "source": "def softmax(logits):\n    return {'probs': [1.0]}\n",
        "args": {"logits": [0, 0]},
    },
    "beam_search_table": {"table": [[1, 1.2, -9], [0, 0, 0], [0, 0, 0]], "width": 2, "steps": 2},
    "beam_search_steps": {"table": [[0, 2, 1.8], [1, 1, 1], [3, 0, 0]], "width": 2, "steps": 3},
    "bpe_encode": {"text": "lower", "train_text": "low lower lowest", "num_merges": 5},
    "bpe_train": {"text": "aaabdaaabac", "num_merges": 3, "encode": ["aaab", "dab"]},
    "cl100k_decode": {"ids": [9906, 1917]},
    "cl100k_encode": {"text": "Hello world"},
    "input_vector": {"token": [0.78, 0.30, -0.12, 0.45], "position": [0.91, -0.42, 0.14, -0.99]},
    "model_tokenize": {"text": "To be, or not"},
    "tokenizer_compare": {"text": "Hello world"},
    "cosine_similarity": {"a": [1, 0], "b": [1, 1]},
    "cross_entropy": {"logits": [[2, 1, 0.1], [0, 0, 0]], "targets": [0, 2]},
    "decoding_comparator": {"temperature": 0.5, "top_k": 2, "top_p": 0.9, "seed": 4},
    "decoding_table": {"logits": [2, 1, 0.5, 0], "tokens": ["on", "the", "mat", "in"]},
    "gpt_attention": {"prompt": "To be, or not to be"},
    "gpt_embedding_neighbours": {"token": " king", "n": 5},
    "gpt_embedding_explorer": {"text": "queen", "pick": 1, "n": 4},
    "attention_heatmap": {"prompt": "O Romeo, Romeo, wherefore art thou", "layer": 3, "head": 0},
    "residual_stream": {"prompt": "To be, or not", "position": 2},
    "loss_curve": {"every": 10},
    "teacher_forcing": {"text": "To be, or not", "k": 2},
    "reward_preference": {"chosen": 2.0, "rejected": 0.5},
    "dpo_loss": {"policy_chosen": -10, "policy_rejected": -14, "beta": 0.2},
    "rlhf_steps": {"chosen": 1.0, "rejected": -1.0, "kl": 3.0, "beta": 0.1},
    "chinchilla": {"parameters": 7e9},
    "lab_run": {"lab": "head-scale", "tokens": 8, "params": {"scale": 0.0}},
    "kv_cache_story": {"prompt": 3, "new_tokens": 4, "measure": True, "timed_tokens": 4},
    "time_generation": {"prompt": "ROMEO:", "new_tokens": 4, "use_cache": False},
    "matmul_story": {"rows": 6, "lanes": 3},
    "model_decoding": {"prompt": "ROMEO:", "max_new_tokens": 6, "beam": 2, "seed": 3},
    "quantize_matrix": {"name": "h.2.mlp.c_proj.weight", "scheme": "tensor"},
    "order_blindness": {"first": "the king loves", "second": "loves the king"},
    "position_explorer": {"positions": 8, "d": 8},
    "rope_wheel": {"pair": 1, "positions": 4, "d": 8},
    "gpt_encode": {"text": "To be, or not"},
    "gpt_generate": {"prompt": "ROMEO:", "max_new_tokens": 12, "temperature": 0.8, "seed": 3},
    "gpt_logit_lens": {"prompt": "To be, or not"},
    "gpt_loss": {"text": "To be, or not to be, that is the question."},
    "gpt_next_tokens": {"prompt": "To be, or not to", "k": 5},
    "gpt_patch": {"clean": "Enter KING HENRY", "corrupted": "Enter KING RICHARD"},
    "dot_product": {"q": [1.5, -0.5, 2.0], "k": [0.8, 1.2, -1.0]},
    "embedding_lookup": {"table": [[1, 0], [0, 1]], "ids": [1, 0, 1]},
    "kv_cache_bytes": {"layers": 2, "n_head": 4, "n_kv_head": 2, "head_dim": 8, "tokens": 16},
    "kv_cache_costs": {"prompt": 4, "new_tokens": 3, "d": 8, "layers": 2},
    "learned_positions": {"table": [[0, 1], [1, 0], [1, 1]], "token_vectors": [[5, 5], [6, 6]]},
    "matmul_schedule": {"rows": 6, "cols": 2, "inner": 3, "lanes": 4},
    "moe_route": {"tokens": 5, "experts": 3, "k": 2, "d": 4, "seed": 2},
    "multi_head_attention": {"tokens": 3, "d": 8, "n_head": 4, "n_kv_head": 1, "causal": False},
    "nearest_neighbours": {"table": [[1, 0], [0.9, 0.1], [0, 1]], "id": 0, "n": 2},
    "normalize": {"x": [1, 2, 3, 4], "kind": "rms", "eps": 1e-6},
    "rope_relative": {"q": [1, 0, 1, 0], "k": [0, 1, 1, 1], "offset": 2, "positions": 4},
    "rope_rotation": {"vector": [1, 0, 0, 1], "position": 3},
    "sample": {"logits": [2, 1, 0.5, 0], "temperature": 0.7, "top_p": 0.9, "seed": 5, "draws": 10},
    "sampling_distribution": {"logits": [2, 1, 0.5, 0], "top_k": 2},
    "sinusoidal_table": {"positions": 4, "d": 6},
    "softmax": {"logits": [2, 1, 0.1]},
    "softmax_quiz": {"seed": 7},
    "weighted_sum": {"weights": [0.66, 0.24, 0.1], "values": [1, 0, 0]},
}


def needs_arguments(name: str) -> bool:
    parameters = inspect.signature(kernel_table()[name]).parameters.values()
    return any(p.default is inspect.Parameter.empty for p in parameters)


@pytest.mark.parametrize("name", kernel_names())
def test_every_kernel_answers_its_example_as_strict_json(name):
    if name not in EXAMPLES:
        assert not needs_arguments(name), f"{name} needs arguments: add a row to EXAMPLES"
    args = json.loads(json.dumps(EXAMPLES.get(name, {})))  # exactly what a page would send
    result = call(name, args)
    assert isinstance(result, dict) and result
    text = json.dumps(result, allow_nan=False)
    assert json.loads(text) == result
    if not needs_arguments(name):
        json.dumps(call(name, {}), allow_nan=False)


def test_the_table_names_only_real_kernels():
    assert set(EXAMPLES) <= set(kernel_names())
