"""Attention weights as a heatmap: rows are queries, columns keys. Three sources, one shape:

- ``toy``: the seed's three-token dry run ("The cat sat", d_k = 4), from ``by_hand``;
- ``model``: one head of a real model (the GPT-2 or the Llama) on any prompt, computed now by
  ``model.record``;
- ``trace``: the same head as PyTorch recorded it (``TRACES``: each model's prompts trace), for
  the trace's prompts, with how far this NumPy differs from it.

Leaves out: attention to a BOS token (the model has none) and averaging over heads.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np

from .._assets import data_path
from .._validate import as_int
from ..maths.by_hand import attention_by_hand
from ..model import Model, check_prompt, load_named, parse_hooks, record

__kernels__ = ("attention_heatmap", "gpt_attention")

MAX_TOKENS = 40  # a heatmap wider than this stops being readable
TRACE = "traces/prompts_cpu.json"
#: Each shipped model's PyTorch prompts trace (reference/traces.py).
TRACES = {"gpt2": TRACE, "llama": "traces/llama/prompts_cpu.json"}
SOURCES = ("toy", "model", "trace")


@lru_cache(maxsize=1)
def trace_prompts(path: str = TRACE) -> dict[str, Any]:
    """The PyTorch trace of the model's attention on a few prompts, keyed by prompt.

    Example: ``trace_prompts()["To be, or not to be, that is the question:"]["tokens"][0]`` -> 'To'
    """
    recorded = json.loads(data_path(path).read_text())
    return {"meta": recorded["meta"], **{p["prompt"]: p for p in recorded["prompts"]}}


def strongest(weights: np.ndarray) -> list[int]:
    """For each query row, the key it attends to most.

    Example: ``strongest(np.array([[1.0, 0.0], [0.3, 0.7]]))`` -> [0, 1]
    """
    return [int(i) for i in np.argmax(weights, axis=1)]


def model_weights(m: Model, prompt: str, layer: int, head: int) -> tuple[list[str], np.ndarray]:
    """Tokens and one head's weights (T, T) of a real model, computed now in NumPy.

    Example: ``model_weights(load_named(), "To be", 0, 0)[1].shape`` -> (2, 2)
    """
    if not isinstance(prompt, str) or not prompt.strip():
        raise ValueError("prompt: type some text to look at")
    if len(prompt) > 2000:
        raise ValueError(f"prompt: at most 2000 characters, got {len(prompt)}")
    ids = m.encode(prompt)
    if len(ids) > MAX_TOKENS:
        raise ValueError(
            f"prompt: at most {MAX_TOKENS} tokens for a readable heatmap, yours has {len(ids)}"
        )
    return [m.token_text(i) for i in ids], record(m, ids)[1].attn[layer][head]


def attention_heatmap(
    prompt: Any = "To be, or not to be, that is the question:",
    layer: Any = 0,
    head: Any = 0,
    source: Any = "trace",
    causal: bool = True,
    model: Any = "gpt2",
) -> dict[str, Any]:
    """One attention map with its row and column labels, each row's strongest key, and where
    the numbers come from.

    Example: ``attention_heatmap(source="toy")["tokens"]`` -> ['The', 'cat', 'sat']
    """
    if source not in SOURCES:
        raise ValueError(f"source: one of {', '.join(SOURCES)}")
    m = load_named(model)
    path = TRACES[model]
    result: dict[str, Any] = {
        "source": source,
        "layers": m.n_layer,
        "heads": m.n_head,
        "kv_heads": m.config.kv_heads,
        "recorded_prompts": [p["prompt"] for k, p in trace_prompts(path).items() if k != "meta"],
        "on_demand": {"model": {name: TRACES[name] for name in TRACES if name != "gpt2"}},
    }
    if source == "toy":
        dry = attention_by_hand(causal=bool(causal))["dryrun"]
        weights = np.asarray(dry["weights"])
        tokens, result["layer"], result["head"] = dry["tokens"], 0, 0
    else:
        lay = as_int(layer, "layer", 0, m.n_layer - 1)
        hd = as_int(head, "head", 0, m.n_head - 1)
        result.update(layer=lay, head=hd)
        tokens, weights = model_weights(m, prompt, lay, hd)
        if source == "trace":
            traces = trace_prompts(path)
            if prompt not in traces:
                raise ValueError("prompt: PyTorch recorded only its own prompts; pick one of them")
            recorded = np.asarray(traces[prompt]["attention"][lay][hd])  # (T, T)
            result["numpy_vs_torch"] = float(np.abs(recorded - weights).max())
            result["trace"] = {k: traces["meta"][k] for k in ("device", "dtype", "torch", "date")}
            weights = recorded
    result.update(tokens=tokens, weights=weights, strongest=strongest(weights))
    return result


def gpt_attention(prompt: Any, hooks: Any = None, model: Any = "gpt2") -> dict[str, Any]:
    """Attention weights of every head: (layer, head, query, key).

    Example: ``len(gpt_attention("To be")["weights"])`` -> 4
    """
    m = load_named(model)
    ids = check_prompt(prompt, m)
    weights = record(m, ids, parse_hooks(hooks, m.config))[1].attn
    return {"tokens": [m.token_text(i) for i in ids], "weights": np.stack(weights)}
