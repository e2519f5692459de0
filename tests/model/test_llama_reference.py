"""The Llama-style reference model (reference/llama.py) against Hugging Face's LlamaForCausalLM:
the same names, shapes, parameter count and logits; its grouped-query attention and RoPE; and the
GPT-2 path of reference/train.py left as it was."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pyodide_kernels.maths.parameter_count import parameter_parts
from tests.conftest import REPO

TRAINED = REPO / "traces" / "llama" / "model.npz"
#: The shipped GPT-2's count (reference/model.py, traces/loss_curve.json).
GPT2_PARAMETERS = 940_800


@pytest.fixture(scope="module")
def llama(torch):  # noqa: ANN001, ANN201 (the module)
    from reference import llama

    return llama


def small_model(llama, torch, seed: int = 0):  # noqa: ANN001, ANN201
    """A random reference Llama with its norms moved off 1, so that they count in the check."""
    torch.manual_seed(seed)
    model = llama.Llama(llama.LlamaConfig())
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 1:
                p.add_(0.3 * torch.randn_like(p))
    return model.eval()


def hf_model(transformers, config, arrays: dict):  # noqa: ANN001, ANN201
    import torch

    hf = transformers.LlamaForCausalLM(transformers.LlamaConfig(**config.to_hf_dict()))
    hf.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in arrays.items()})
    return hf.eval()


def sequences(torch, vocab: int = 1024):  # noqa: ANN001, ANN201
    gen = torch.Generator().manual_seed(7)
    return [torch.randint(0, vocab, (2, T), generator=gen) for T in (1, 17, 128)]


def test_names_and_shapes_are_hugging_faces(llama, torch, transformers) -> None:
    config = llama.LlamaConfig()
    ours = llama.Llama(config).state_dict()
    hf = transformers.LlamaForCausalLM(transformers.LlamaConfig(**config.to_hf_dict()))
    theirs = hf.state_dict()
    assert list(ours) == list(theirs)
    assert {k: tuple(v.shape) for k, v in ours.items()} == {
        k: tuple(v.shape) for k, v in theirs.items()
    }
    # grouped-query attention: 2 key/value heads of 32, 4 query heads
    assert tuple(ours["model.layers.0.self_attn.k_proj.weight"].shape) == (2 * 32, 128)
    assert tuple(ours["model.layers.0.self_attn.v_proj.weight"].shape) == (2 * 32, 128)
    assert tuple(ours["model.layers.0.self_attn.q_proj.weight"].shape) == (4 * 32, 128)
    assert not any(k.endswith("bias") for k in ours)


def test_random_model_matches_hugging_face_logits(llama, torch, transformers) -> None:
    model = small_model(llama, torch)
    hf = hf_model(transformers, model.config, model.state_arrays())
    with torch.no_grad():
        for idx in sequences(torch):
            ours, theirs = model(idx), hf(idx).logits  # (B, T, vocab)
            assert ours.shape == theirs.shape
            assert (ours - theirs).abs().max().item() < 1e-4


def test_parameter_count_equals_hugging_face_and_the_sites_formula(
    llama, torch, transformers
) -> None:
    config = llama.LlamaConfig()
    model = llama.Llama(config)
    hf = transformers.LlamaForCausalLM(transformers.LlamaConfig(**config.to_hf_dict()))
    shape = {
        "family": "llama", "tied": True, "n_layer": 4, "n_embd": 128, "n_head": 4,
        "n_kv_head": 2, "n_inner": config.n_inner, "vocab_size": 1024, "n_ctx": 128,
    }  # fmt: skip
    count = model.num_parameters()
    assert count == sum(p.numel() for p in hf.parameters())
    assert count == parameter_parts(shape)["total"] == 943_232
    # the MLP width makes it the GPT-2's size within 0.3 %
    assert abs(count - GPT2_PARAMETERS) / GPT2_PARAMETERS < 0.003


def test_embeddings_are_tied(llama, torch) -> None:
    model = llama.Llama(llama.LlamaConfig())
    assert model.lm_head.weight is model.model.embed_tokens.weight
    arrays = model.state_arrays()
    np.testing.assert_array_equal(arrays["lm_head.weight"], arrays["model.embed_tokens.weight"])


def test_rope_scores_depend_only_on_the_offset(llama, torch) -> None:
    """q·k after RoPE at positions (m, n) equals the same q, k at (m + s, n + s)."""
    hd = 32
    gen = torch.Generator().manual_seed(3)
    q, k = torch.randn(hd, generator=gen), torch.randn(hd, generator=gen)
    cos, sin = llama.rope_angles(128, hd, 10000.0)  # (T, hd) each

    def score(m: int, n: int) -> float:
        qm = llama.apply_rope(q, cos[m], sin[m])
        kn = llama.apply_rope(k, cos[n], sin[n])
        return float(qm @ kn)

    for m, n, s in ((5, 2, 40), (100, 0, 27), (9, 9, 110)):
        assert score(m, n) == pytest.approx(score(m + s, n + s), abs=1e-4)
    assert score(0, 0) == pytest.approx(float(q @ k), abs=1e-5)  # position 0: no turn
    # a rotation keeps lengths
    turned = llama.apply_rope(q, cos[77], sin[77])
    assert float(turned.norm()) == pytest.approx(float(q.norm()), rel=1e-5)


def test_query_heads_share_key_value_heads(llama, torch) -> None:
    """Heads 0 and 1 read key/value head 0, heads 2 and 3 head 1 (HF's repeat_kv): with equal
    query rows in heads 0 and 1 their attention is the same, and 0 and 2 differ."""
    model = small_model(llama, torch)
    attn = model.model.layers[0].self_attn
    with torch.no_grad():
        attn.q_proj.weight[32:64] = attn.q_proj.weight[0:32]
        attn.q_proj.weight[64:96] = attn.q_proj.weight[0:32]
        idx = sequences(torch)[1]
        _, _, weights = model(idx, return_hidden=True)
    w = weights[0]  # (B, nh, T, T)
    assert (w[:, 0] - w[:, 1]).abs().max().item() < 1e-6
    assert (w[:, 0] - w[:, 2]).abs().max().item() > 1e-3


def test_from_arrays_round_trips(llama, torch) -> None:
    model = small_model(llama, torch)
    again = llama.Llama.from_arrays(model.state_arrays(), model.config)
    idx = sequences(torch)[1]
    with torch.no_grad():
        assert (model(idx) - again(idx)).abs().max().item() < 1e-6


@pytest.mark.skipif(not TRAINED.is_file(), reason="traces/llama/model.npz not trained yet")
def test_trained_model_matches_hugging_face(llama, torch, transformers) -> None:
    arrays = dict(np.load(TRAINED))
    record = json.loads((TRAINED.parent / "model.json").read_text())
    config = llama.LlamaConfig(**record["config"])
    assert record["hf_config"] == config.to_hf_dict()
    assert all(a.dtype == np.float32 for a in arrays.values())
    model = llama.Llama.from_arrays(arrays, config).eval()
    hf = hf_model(transformers, config, arrays)
    with torch.no_grad():
        for idx in sequences(torch):
            assert (model(idx) - hf(idx).logits).abs().max().item() < 1e-4


def test_train_defaults_to_the_gpt2(torch, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped GPT-2's recipe is untouched: ``--arch`` defaults to gpt2, the size is the
    shipped one, and the Llama option reuses the shipped tokenizer rather than training one."""
    import argparse

    from reference import train
    from reference.model import GPT, GPTConfig

    assert GPT(GPTConfig()).num_parameters() == GPT2_PARAMETERS
    seen: dict = {}

    def stop(self, args=None, namespace=None):  # noqa: ANN001, ANN202
        seen["args"] = original(self, args, namespace)
        raise SystemExit(0)

    original = argparse.ArgumentParser.parse_args
    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", stop)
    monkeypatch.setattr("sys.argv", ["reference.train"])
    with pytest.raises(SystemExit):
        train.main()
    assert seen["args"].arch == "gpt2"
    shipped = json.loads((REPO / "traces" / "tokenizer.json").read_text())
    tok = train.tokenizer_json(train.shipped_tokenizer())
    assert tok["merges"] == shipped["merges"] and tok["tokens"] == shipped["tokens"]
