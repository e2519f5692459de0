"""The NumPy model runs the Llama-style design from its configuration alone: its logits are the
reference PyTorch model's and Hugging Face's LlamaForCausalLM's on the shipped weights (and on a
random model, through the renaming), its RMSNorm, SwiGLU and RoPE equal the teaching kernels and
their invariants, its KV cache holds two key/value heads, and every lab's hook applies."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pyodide_kernels.maths.ffn import swiglu as teaching_swiglu
from pyodide_kernels.maths.norms import rms_norm as teaching_rms_norm
from pyodide_kernels.model import (
    KVCache,
    Model,
    forward,
    forward_from,
    generate_ids,
    layers,
    load,
    parse_hooks,
    record,
)
from pyodide_kernels.model.config import GPTConfig
from pyodide_kernels.model.llama_names import internal_names
from pyodide_kernels.model.weights import MODELS, Norm, load_named
from tests.conftest import REPO

PROMPTS = [
    p["prompt"] for p in json.loads((REPO / "traces/prompts_cpu.json").read_text())["prompts"]
]
HF_CONFIG = json.loads((REPO / MODELS["llama"][1]).read_text())["hf_config"]


@pytest.fixture(scope="module")
def llama() -> Model:
    return load_named("llama")


@pytest.fixture(params=["matmul", "einsum"])
def projections(request, monkeypatch):
    """Both routes ``layers.project`` takes: CPython's matmul and the browser's einsum."""
    monkeypatch.setattr(layers, "EINSUM_PROJECTIONS", request.param == "einsum")
    return request.param


@pytest.fixture(scope="module")
def references(torch, transformers):  # noqa: ANN001, ANN201
    """The shipped weights in reference/llama.py's model and in Hugging Face's."""
    from reference import llama as ref

    arrays = dict(np.load(REPO / MODELS["llama"][0]))
    config = ref.LlamaConfig(**json.loads((REPO / MODELS["llama"][1]).read_text())["config"])
    hf = transformers.LlamaForCausalLM(transformers.LlamaConfig(**HF_CONFIG))
    hf.load_state_dict({k: torch.from_numpy(v) for k, v in arrays.items()})
    return torch, ref.Llama.from_arrays(arrays, config).eval(), hf.eval()


def test_the_configuration_is_the_hugging_face_one(llama):
    c = llama.config
    assert (c.norm, c.mlp, c.positions) == ("rms", "swiglu", "rope")
    assert (c.n_head, c.kv_heads, c.group, c.head_size, c.n_inner) == (
        HF_CONFIG["num_attention_heads"],
        HF_CONFIG["num_key_value_heads"],
        2,
        HF_CONFIG["head_dim"],
        HF_CONFIG["intermediate_size"],
    )
    assert load_named("gpt2") is load() and load().config.positions == "learned"
    assert llama.parameters() == 943_232  # lm_head tied: counted once, as HF's own count
    assert "wpe.weight" not in llama.w and "ln_f.bias" not in llama.w
    with pytest.raises(ValueError, match="model"):
        load_named("gpt5")


@pytest.mark.parametrize("prompt", PROMPTS)
def test_numpy_logits_match_pytorch_and_hugging_face(llama, references, prompt, projections):
    torch, reference, hf = references
    ids = llama.encode(prompt)
    ours = forward(llama, ids)
    assert ours.dtype == np.float32
    with torch.no_grad():
        idx = torch.tensor([ids])
        assert np.abs(ours - reference(idx)[0].numpy()).max() < 1e-4
        assert np.abs(ours - hf(idx).logits[0].numpy()).max() < 1e-4


def test_a_full_window_and_past_it_match_hugging_face(llama, references):
    """RoPE has no table to run out of: 256 tokens, twice the training window, still agree."""
    torch, _, hf = references
    ids = np.random.default_rng(3).integers(0, llama.vocab_size, 256).tolist()
    ours = forward(llama, ids)
    with torch.no_grad():
        theirs = hf(torch.tensor([ids])).logits[0].numpy()
    assert np.abs(ours - theirs).max() < 1e-4
    with pytest.raises(ValueError, match="context window"):
        forward(load(), ids)  # the GPT-2's learned table ends at 128


def test_a_random_llama_renamed_runs_as_hugging_faces(torch, transformers):
    """The renaming and the design flags, not only the trained numbers: a random model with its
    norms moved off 1 agrees too."""
    torch.manual_seed(0)
    hf = transformers.LlamaForCausalLM(transformers.LlamaConfig(**HF_CONFIG)).eval()
    with torch.no_grad():
        for p in hf.parameters():
            if p.dim() == 1:
                p.add_(0.3 * torch.randn_like(p))
    arrays = {k: v.numpy().copy() for k, v in hf.state_dict().items()}
    model = Model(GPTConfig.from_llama(HF_CONFIG), internal_names(arrays), load().tokenizer)
    ids = list(range(0, 1000, 37))
    with torch.no_grad():
        theirs = hf(torch.tensor([ids])).logits[0].numpy()
    assert np.abs(forward(model, ids) - theirs).max() < 1e-4


def test_rms_norm_and_swiglu_equal_the_teaching_kernels(llama):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 128)).astype(np.float32)
    gain = llama.blocks[0].ln_1.gain
    np.testing.assert_allclose(
        layers.rms_norm(x, Norm(gain, None), 1e-5), teaching_rms_norm(x, gain, 1e-5), atol=1e-5
    )
    fc, down = llama.blocks[0].c_fc.weight, llama.blocks[0].mlp_proj.weight
    ours = layers.swiglu(x @ fc) @ down
    np.testing.assert_allclose(ours, teaching_swiglu(x, fc[:, :400], fc[:, 400:], down), atol=1e-4)


def test_rope_turns_by_position_and_keeps_only_the_offset(llama):
    rng = np.random.default_rng(1)
    q, k = rng.standard_normal((2, 1, 1, 32)).astype(np.float32)
    c = llama.config
    np.testing.assert_array_equal(layers.rotate(q, np.array([0]), c), q)  # position 0: no turn
    assert np.isclose(np.linalg.norm(layers.rotate(q, np.array([77]), c)), np.linalg.norm(q))
    dots = [
        float((layers.rotate(q, np.array([p + 5]), c) * layers.rotate(k, np.array([p]), c)).sum())
        for p in (0, 40, 200)
    ]
    np.testing.assert_allclose(dots, dots[0], atol=1e-4)


@pytest.mark.parametrize("prompt", PROMPTS[:3])
def test_the_gqa_cache_decodes_as_the_full_forward(llama, prompt, projections):
    ids = llama.encode(prompt)
    cache = KVCache(llama.config)
    assert cache.k.shape == (4, 2, 128, 32)  # half the GPT-2's four key/value heads
    assert cache.k.nbytes * 2 == KVCache(load().config).k.nbytes
    rows = list(forward(llama, ids[:3], cache))
    rows += [forward(llama, [token], cache)[0] for token in ids[3:]]
    np.testing.assert_allclose(np.stack(rows), forward(llama, ids), atol=1e-4)
    assert generate_ids(llama, ids, 12) == generate_ids(llama, ids, 12, use_cache=False)


def test_a_recorded_stream_runs_on_to_the_same_logits(llama):
    ids = llama.encode(PROMPTS[1])
    logits, rec = record(llama, ids)
    assert rec.stream.shape == (5, len(ids), 128) and rec.attn[0].shape[0] == 4
    np.testing.assert_allclose(rec.attn[2].sum(-1), 1.0, atol=1e-5)
    cache = KVCache(llama.config)
    forward(llama, ids, cache)
    rest = forward_from(llama, rec.stream[2, 5:], 1, np.arange(5, len(ids)), cache.prefix(5))
    np.testing.assert_allclose(rest, logits[5:], atol=1e-4)


@pytest.mark.parametrize(
    "hooks",
    [{"head": {"layer": 3, "head": 0}}, {"neuron": {"layer": 1, "index": 399, "add": 5}},
     {"noise": {"layer": 0, "scale": 1.0}}, {"embed_zero": {"stop": 64}},
     {"logit_bias": {"token": 11, "bias": 3}}],
)  # fmt: skip
def test_every_lab_hook_changes_the_llama(llama, hooks):
    ids = llama.encode(PROMPTS[0])
    changed = forward(llama, ids, hooks=parse_hooks(hooks, llama.config))
    assert np.abs(changed - forward(llama, ids)).max() > 1e-3


def test_a_head_hook_removes_one_query_head_and_keeps_its_shared_key_value_head(llama):
    """Under GQA query heads 0 and 1 read key/value head 0: removing query head 0 leaves head 1's
    attention pattern as it was, and a neuron past the SwiGLU width is refused."""
    ids = llama.encode(PROMPTS[0])
    _, plain = record(llama, ids)
    _, ablated = record(llama, ids, parse_hooks({"head": {"layer": 0, "head": 0}}, llama.config))
    np.testing.assert_array_equal(ablated.attn[0][1], plain.attn[0][1])
    with pytest.raises(ValueError, match="index"):
        parse_hooks({"neuron": {"layer": 0, "index": 400}}, llama.config)
    # RoPE has no position table: scaling it changes nothing
    scaled = forward(llama, ids, hooks=parse_hooks({"pos_scale": 0.0}, llama.config))
    np.testing.assert_array_equal(scaled, forward(llama, ids))


@pytest.mark.parametrize("index", range(5))
def test_generation_and_attention_match_the_pytorch_trace(llama, index):
    """traces/llama/prompts_cpu.json (reference/traces.py on the Llama): the same greedy tokens
    and the same attention weights, computed here in NumPy."""
    trace = json.loads((REPO / "traces/llama/prompts_cpu.json").read_text())["prompts"][index]
    ids = llama.encode(trace["prompt"])
    assert ids == trace["ids"]
    assert generate_ids(llama, ids, len(trace["greedy"]["ids"])) == trace["greedy"]["ids"]
    attention = np.stack(record(llama, ids)[1].attn)
    np.testing.assert_allclose(attention, np.asarray(trace["attention"]), atol=1e-5)
