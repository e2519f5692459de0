"""The NumPy GPT (pyodide_kernels/model/) is the PyTorch model (reference/model.py) on the shipped
weights; its layers equal the teaching kernels; its KV cache, hooks and generation behave; the
committed traces follow their schema and regenerate to the same numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels import dispatch
from pyodide_kernels.maths.bpe import encode_word, split_words
from pyodide_kernels.maths.ffn import gelu_tanh
from pyodide_kernels.maths.norms import layer_norm as teaching_layer_norm
from pyodide_kernels.model import (
    KVCache,
    forward,
    forward_from,
    generate_ids,
    load,
    parse_hooks,
    record,
)
from pyodide_kernels.model import layers as gpt
from pyodide_kernels.model.weights import Norm
from pyodide_kernels.on_model.lens import gpt_logit_lens
from pyodide_kernels.on_model.next_tokens import gpt_encode, gpt_generate, gpt_loss, gpt_next_tokens
from pyodide_kernels.on_model.patching import gpt_patch

ROOT = Path(__file__).resolve().parent.parent.parent
TRACES = ROOT / "traces"
PROMPTS = [p["prompt"] for p in json.loads((TRACES / "prompts_cpu.json").read_text())["prompts"]]


@pytest.fixture(scope="module")
def model():
    return load()


@pytest.fixture(scope="module")
def torch_model(torch):
    from reference.traces import load_model

    return torch, load_model(TRACES, "cpu")[0]


@pytest.fixture(params=["matmul", "einsum"])
def projections(request, monkeypatch):
    """Both routes ``gpt.project`` takes: CPython's matmul and the browser's einsum."""
    monkeypatch.setattr(gpt, "EINSUM_PROJECTIONS", request.param == "einsum")
    return request.param


@given(st.integers(1, 9), st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_both_projection_routes_compute_x_times_w(t, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((t, n_in)).astype(np.float32)
    w = rng.standard_normal((n_in, n_out)).astype(np.float32)
    expected = x.astype(np.float64) @ w.astype(np.float64)
    platform_route = gpt.EINSUM_PROJECTIONS
    for route in (True, False):
        gpt.EINSUM_PROJECTIONS = route
        try:
            got = gpt.project(x, w)
        finally:
            gpt.EINSUM_PROJECTIONS = platform_route
        assert got.dtype == np.float32 and got.shape == (t, n_out)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * np.sqrt(n_in))


def test_layer_norm_and_gelu_match_their_formulas():
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((5, 128)) * 3 + 1).astype(np.float32)
    g, b = rng.standard_normal(128).astype(np.float32), rng.standard_normal(128).astype(np.float32)
    x64 = x.astype(np.float64)
    norm = (x64 - x64.mean(-1, keepdims=True)) / np.sqrt(x64.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(gpt.layer_norm(x, Norm(g, b)), norm * g + b, atol=2e-5)
    assert gpt.layer_norm(x, Norm(g, b)).dtype == np.float32
    assert np.array_equal(x64, x.astype(np.float64))  # the input is left alone
    gelu = 0.5 * x64 * (1 + np.tanh(np.sqrt(2 / np.pi) * (x64 + 0.044715 * x64**3)))
    np.testing.assert_allclose(gpt.gelu(x), gelu, atol=1e-5)
    assert gpt.gelu(x).dtype == np.float32


def test_the_models_float32_layers_equal_the_teaching_kernels():
    """One piece of maths, two implementations: the model's fast float32 layer norm and GELU
    (pyodide_kernels/model/layers.py) against maths/norms.py and maths/ffn.py."""
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((7, 128)) * 2).astype(np.float32)
    g, b = rng.standard_normal(128).astype(np.float32), rng.standard_normal(128).astype(np.float32)
    fast, teaching = gpt.layer_norm(x, Norm(g, b)), teaching_layer_norm(x, g, b, 1e-5)
    assert fast.dtype == teaching.dtype == np.float32
    np.testing.assert_allclose(fast, teaching, atol=3e-6, rtol=1e-5)
    np.testing.assert_allclose(gpt.gelu(x), gelu_tanh(x), atol=1e-6, rtol=1e-6)
    block = load().blocks[0]
    h = x[:2]
    np.testing.assert_allclose(
        gpt.layer_norm(h, block.ln_1), teaching_layer_norm(h, *block.ln_1, 1e-5), atol=3e-6
    )


def test_weights_file_is_small_float32_with_gpt2_names():
    assert (TRACES / "model.npz").stat().st_size <= 4 * 1024 * 1024
    with np.load(TRACES / "model.npz") as npz:
        assert {npz[k].dtype for k in npz.files} == {np.dtype("float32")}
        names = set(npz.files)
    assert {"wte.weight", "wpe.weight", "ln_f.weight", "h.0.attn.c_attn.weight"} <= names
    assert {"h.3.mlp.c_fc.bias", "h.3.mlp.c_proj.weight", "h.0.ln_2.bias"} <= names
    assert "lm_head.weight" not in names  # tied to wte


@pytest.mark.parametrize("prompt", PROMPTS)
def test_numpy_logits_match_pytorch(model, torch_model, prompt, projections):
    torch, reference = torch_model
    ids = model.encode(prompt)
    ours = forward(model, ids)
    assert ours.dtype == np.float32
    with torch.no_grad():
        theirs = reference(torch.tensor([ids]))[0].numpy()
    assert np.abs(ours - theirs).max() < 1e-4


@pytest.mark.parametrize("prompt", PROMPTS)
def test_kv_cache_decoding_equals_full_forward(model, prompt, projections):
    ids = model.encode(prompt)
    full = forward(model, ids)
    cache, rows = KVCache(model.config), []
    for token in ids:
        rows.append(forward(model, [token], cache)[0])
    assert cache.length == len(ids)
    np.testing.assert_allclose(np.stack(rows), full, atol=1e-4)


@pytest.mark.parametrize("prompt", PROMPTS)
def test_a_prefilled_cache_then_one_token_at_a_time_equals_full_forward(model, prompt):
    ids = model.encode(prompt)
    cache = KVCache(model.config)
    rows = list(forward(model, ids[:3], cache))  # prefill: the prompt at once
    rows += [forward(model, [token], cache)[0] for token in ids[3:]]  # decode: one per step
    np.testing.assert_allclose(np.stack(rows), forward(model, ids), atol=1e-4)
    full = KVCache(model.config)
    forward(model, ids, full)
    np.testing.assert_allclose(cache.k[:, :, : len(ids)], full.k[:, :, : len(ids)], atol=1e-5)
    np.testing.assert_allclose(cache.v[:, :, : len(ids)], full.v[:, :, : len(ids)], atol=1e-5)


@pytest.mark.parametrize("after", [-1, 0, 2, 3])
def test_running_on_from_a_recorded_stream_and_cache_gives_the_same_logits(model, after):
    ids = model.encode(PROMPTS[1])
    logits, rec = record(model, ids)
    cache = KVCache(model.config)
    forward(model, ids, cache)
    p = 5
    rest = forward_from(
        model, rec.stream[after + 1, p:], after, np.arange(p, len(ids)), cache.prefix(p)
    )
    np.testing.assert_allclose(rest, logits[p:], atol=1e-4)


@pytest.mark.parametrize("index", range(len(PROMPTS)))
def test_generation_matches_the_pytorch_trace(model, index, projections):
    recorded = json.loads((TRACES / "prompts_cpu.json").read_text())["prompts"][index]
    ids = model.encode(recorded["prompt"])
    assert ids == recorded["ids"]
    greedy = generate_ids(model, ids, len(recorded["greedy"]["ids"]))
    assert greedy == recorded["greedy"]["ids"]
    s = recorded["sampled"]
    sampled = generate_ids(model, ids, len(s["ids"]), s["temperature"], s["top_k"], None, s["seed"])
    assert sampled == s["ids"]


def test_cached_and_uncached_generation_agree(model):
    ids = model.encode(PROMPTS[0])
    a = generate_ids(model, ids, 30, 1.0, None, None, 5, use_cache=True)
    b = generate_ids(model, ids, 30, 1.0, None, None, 5, use_cache=False)
    assert a == b


def resid_patch(model, ids, layer, position):
    stream = record(model, ids)[1].stream
    return {"layer": layer, "position": position, "vector": stream[layer + 1, position].tolist()}


IDENTITY_HOOKS = [
    {"head": {"layer": 1, "head": 2, "scale": 1.0}},
    {"noise": {"layer": 2, "scale": 0.0, "seed": 3}},
    {"neuron": {"layer": 0, "index": 17, "add": 0.0}},
    {"pos_scale": 1.0},
    {"embed_zero": {"start": 5, "stop": 5}},
    {"logit_bias": {"token": 11, "bias": 0.0}},
    "patch",
]


@pytest.mark.parametrize(
    "hooks", IDENTITY_HOOKS, ids=lambda h: h if isinstance(h, str) else next(iter(h))
)
def test_hooks_at_strength_zero_are_the_identity(model, hooks):
    ids = model.encode(PROMPTS[1])
    if hooks == "patch":
        hooks = {"patch": resid_patch(model, ids, 1, 4)}
    clean = forward(model, ids)
    hooked = forward(model, ids, hooks=parse_hooks(hooks, model.config))
    np.testing.assert_array_equal(hooked, clean)


CHANGING_HOOKS = [
    {"head": {"layer": 1, "head": 2, "scale": 0.0}},
    {"noise": {"layer": 2, "scale": 0.5, "seed": 3}},
    {"neuron": {"layer": 0, "index": 17, "add": 5.0}},
    {"pos_scale": 2.0},
    {"embed_zero": {"start": 0, "stop": 64}},
    {"logit_bias": {"token": 11, "bias": 3.0}},
]


@pytest.mark.parametrize("hooks", CHANGING_HOOKS, ids=lambda h: next(iter(h)))
def test_hooks_change_the_logits(model, hooks):
    ids = model.encode(PROMPTS[1])
    clean = forward(model, ids)
    hooked = forward(model, ids, hooks=parse_hooks(hooks, model.config))
    assert np.abs(hooked - clean).max() > 1e-2
    assert hooked.dtype == np.float32


def test_patching_another_run_moves_towards_it(model):
    result = gpt_patch("Good morrow, Romeo.", "Good morrow, Kate.")
    grid = np.asarray(result["grid"])
    # Patching the whole last position after the last block restores the clean prediction.
    assert grid[-1, -1] == pytest.approx(result["clean_prob"], abs=1e-5)


def test_every_patched_cell_equals_a_full_rerun_with_the_patch_hook(model):
    """The grid re-runs only what a patch can change; a full forward pass with the patch hook
    (the slow, obvious way) gives the same probabilities."""
    clean, corrupted = "Good morrow, Romeo.", "Good morrow, Kate."
    result = gpt_patch(clean, corrupted)
    a, b = model.encode(clean), model.encode(corrupted)
    stream, token = record(model, a)[1].stream, model.encode(result["target"])[0]
    for layer, position in [(-1, 0), (-1, 3), (0, 4), (1, 2), (2, len(b) - 1), (3, 1)]:
        patch = {"layer": layer, "position": position, "vector": stream[layer + 1, position]}
        logits = forward(model, b, None, parse_hooks({"patch": patch}, model.config))
        z = logits[-1].astype(np.float64)
        expected = np.exp(z - z.max())[token] / np.exp(z - z.max()).sum()
        assert result["grid"][layer + 1][position] == pytest.approx(expected, rel=1e-4, abs=1e-7)


@pytest.mark.parametrize(
    ("hooks", "name"),
    [
        ({"head": {"layer": 9, "head": 0}}, "layer"),
        ({"head": {"layer": 0, "head": 4}}, "head"),
        ({"neuron": {"layer": 0, "index": 512}}, "index"),
        ({"wat": {}}, "hooks"),
        ({"patch": {"layer": 0, "position": 0, "vector": [1, 2]}}, "vector"),
    ],
)
def test_bad_hooks_name_their_argument(hooks, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        dispatch.call("gpt_generate", {"prompt": "To be", "max_new_tokens": 2, "hooks": hooks})


def test_prompts_are_checked_and_clipped(model):
    with pytest.raises(ValueError, match="^prompt"):
        gpt_next_tokens("")
    long = "and so " * 300
    assert len(gpt_encode(long)["ids"]) == model.n_ctx
    assert len(gpt_generate(long, 3)["ids"]) == 3


def test_seeded_sampling_repeats_and_greedy_never_varies():
    a = gpt_generate("ROMEO:", 20, temperature=1.0, seed=4)
    assert a == gpt_generate("ROMEO:", 20, temperature=1.0, seed=4)
    assert a != gpt_generate("ROMEO:", 20, temperature=1.0, seed=5)
    assert gpt_generate("ROMEO:", 20, seed=1) == gpt_generate("ROMEO:", 20, seed=2)


def test_logit_lens_last_layer_is_the_model_prediction(model):
    lens = gpt_logit_lens(PROMPTS[1])
    top = gpt_next_tokens(PROMPTS[1], 1)["top"][0]["token"]
    assert lens["top"][-1][-1][0]["token"] == top
    assert len(lens["top"]) == model.n_layer + 1


def test_the_model_has_an_induction_head(model):
    trace = json.loads((TRACES / "induction_cpu.json").read_text())
    head = trace["induction_head"]
    ids, span = trace["example_ids"], trace["span"]
    weights = record(model, ids)[1].attn[head["layer"]][head["head"]]
    q = np.arange(span, 2 * span)
    assert weights[q, q - span + 1].mean() > 0.3
    loss = np.asarray(gpt_loss(load().decode(ids))["per_token"])
    assert trace["second_copy_loss"] < trace["first_copy_loss"] - 3
    assert loss.size > 0


def test_dispatch_results_are_json():
    out = dispatch.call("gpt_attention", {"prompt": "To be"})
    json.dumps(out)
    assert np.asarray(out["weights"]).shape[:2] == (4, 4)


@pytest.mark.slow
def test_cpu_traces_regenerate_to_the_same_numbers(torch_model, tmp_path):
    from reference import traces

    traces.main(["--only", "prompts", "--out", str(tmp_path)])
    old = json.loads((TRACES / "prompts_cpu.json").read_text())["prompts"]
    new = json.loads((tmp_path / "prompts_cpu.json").read_text())["prompts"]
    for a, b in zip(old, new, strict=True):
        assert a["ids"] == b["ids"] and a["greedy"] == b["greedy"] and a["sampled"] == b["sampled"]
        np.testing.assert_allclose(a["last_logits"], b["last_logits"], atol=1e-5)
        np.testing.assert_allclose(a["attention"], b["attention"], atol=1e-5)


SCHEMAS = {
    "prompts": {"prompts"},
    "induction": {"span", "first_copy_loss", "second_copy_loss", "head_scores", "induction_head"},
    "kvcache": {"rows"},
    "loss_curve": {"step", "train", "validation", "parameters", "unigram_validation_loss"},
    "tokenizer": {"merges", "tokens", "pattern", "vocab_size"},
    "model_config": {"config"},
}


@pytest.mark.parametrize("path", sorted(TRACES.glob("*.json")), ids=lambda p: p.name)
def test_model_trace_schema(path):
    data = json.loads(path.read_text())
    kind = data["meta"]["kind"]
    if kind not in SCHEMAS:
        pytest.skip(f"{kind} traces are checked in tests/test_traces.py")
    assert SCHEMAS[kind] <= set(data)
    if kind == "prompts":
        for p in data["prompts"]:
            T = len(p["ids"])
            assert np.asarray(p["attention"]).shape == (4, 4, T, T)
            assert np.allclose(np.asarray(p["attention"]).sum(-1), 1, atol=1e-4)
            assert len(p["top_k"]) == 10 and np.asarray(p["logit_lens"]["ids"]).shape == (5, T, 3)
    if kind == "kvcache":
        assert {(r["length"], r["kv_cache"]) for r in data["rows"]} >= {(128, True), (128, False)}
        assert all(r["seconds"] > 0 for r in data["rows"])
    if kind == "loss_curve":
        assert len(data["step"]) == len(data["train"]) == len(data["validation"])
        assert data["validation"][-1] < data["unigram_validation_loss"] - 2
    if kind == "tokenizer":
        assert len(data["tokens"]) == data["vocab_size"] == 256 + len(data["merges"])


@given(st.text(max_size=60))
def test_shipped_tokenizer_round_trips_any_text(text):
    model = load()
    ranks = model.tokenizer.ranks
    ids = [i for w in split_words(text) for i in encode_word(tuple(w.encode()), ranks)]
    assert model.decode(ids) == text
    assert all(0 <= i < model.vocab_size for i in ids)
