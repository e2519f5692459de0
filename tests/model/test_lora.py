"""The sonnet LoRA adapter: the NumPy model with it merged in gives the logits of PyTorch's model
with the adapter applied unmerged (x W + s (x Aᵀ) Bᵀ); strength 0 or B = 0 is the base model;
the adapter lowers the loss on held-out sonnets by at least 0.05 nats and raises it on unseen
plays by less than 0.1; its size is r · (in + out) per matrix; the kernel's two sides are the
two models' greedy continuations, the adapted one PyTorch's recorded one."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pyodide_kernels.dispatch import call
from pyodide_kernels.model import forward, generate_ids, load
from pyodide_kernels.model.lora import (
    Adapter,
    adapted_model,
    adapter_parameters,
    load_adapter,
    low_rank_change,
    merged_weights,
    pairs_from_arrays,
    with_weights,
)
from pyodide_kernels.on_model.adapter import held_out_losses, mean_loss

from ..conftest import REPO

TRACES = REPO / "traces"
RECORD = json.loads((TRACES / "lora_sonnets.json").read_text())
PROMPTS = ["Shall I compare thee", "ROMEO:\nBut soft", "My mistress' eyes are nothing like", "\n"]


@pytest.fixture(scope="module")
def torch_lora(torch):  # noqa: ANN001, ANN201
    """PyTorch's model (reference/model.py, the shipped weights) with the adapter beside each
    adapted weight, unmerged; ``set_strength`` scales every adapter."""
    from reference.traces import load_model

    model, _ = load_model(TRACES, "cpu")
    with np.load(TRACES / "lora_sonnets.npz") as npz:
        arrays = {k: torch.from_numpy(npz[k]) for k in npz.files}
    scale = RECORD["alpha"] / RECORD["rank"]

    class WithLoRA(torch.nn.Module):
        def __init__(self, base, a, b):  # noqa: ANN001
            super().__init__()
            self.base, self.a, self.b, self.strength = base, a, b, 1.0

        def forward(self, x):  # noqa: ANN001, ANN202
            return self.base(x) + self.strength * scale * (x @ self.a.T) @ self.b.T

    wrappers = []
    for i, block in enumerate(model.h):
        a, b = arrays[f"h.{i}.attn.c_attn.lora_A"], arrays[f"h.{i}.attn.c_attn.lora_B"]
        block.attn.c_attn = WithLoRA(block.attn.c_attn, a, b)
        wrappers.append(block.attn.c_attn)

    def set_strength(strength: float) -> None:
        for w in wrappers:
            w.strength = strength

    model.set_strength = set_strength
    return model


@pytest.mark.parametrize("strength", [1.0, 0.5, 2.0])
@pytest.mark.parametrize("prompt", PROMPTS)
def test_merged_numpy_logits_equal_pytorch_with_the_adapter(torch, torch_lora, prompt, strength):
    ids = load().encode(prompt)
    torch_lora.set_strength(strength)
    with torch.no_grad():
        expected = torch_lora(torch.tensor([ids]))[0].numpy()  # (T, vocab)
    got = forward(adapted_model(strength), ids)
    assert np.abs(got - expected).max() < 1e-4
    assert np.abs(forward(load(), ids) - expected).max() > 1e-2  # and the adapter did something


def test_strength_zero_and_b_zero_give_the_base_model_exactly():
    base, lora = load(), load_adapter()
    zero_b = Adapter(lora.rank, lora.alpha, {k: (a, 0 * b) for k, (a, b) in lora.pairs.items()})
    for merged in (merged_weights(base.w, lora, 0.0), merged_weights(base.w, zero_b, 1.0)):
        assert all(np.array_equal(merged[k], base.w[k]) for k in base.w)
        ids = base.encode(PROMPTS[0])
        assert np.array_equal(forward(with_weights(base, merged), ids), forward(base, ids))


def test_merging_leaves_the_cached_base_model_alone():
    adapted_model(1.0)
    with np.load(TRACES / "model.npz") as npz:
        assert all(np.array_equal(load().w[k], npz[k]) for k in npz.files)
    assert adapted_model(1.0) is adapted_model(1.0)  # cached


def test_the_adapter_lowers_the_held_out_sonnet_loss_and_costs_a_little_on_plays(torch, torch_lora):
    torch_lora.set_strength(1.0)
    n_ctx = torch_lora.config.n_ctx
    encode = load().encode

    def torch_loss(texts: list[str], strength: float) -> float:
        torch_lora.set_strength(strength)
        total, count = 0.0, 0
        for text in texts:
            ids = encode(text)
            for s in range(0, len(ids) - 1, n_ctx):
                w = torch.tensor([ids[s : s + n_ctx + 1]])
                with torch.no_grad():
                    logits = torch_lora(w[:, :-1])[0].double()
                loss = torch.nn.functional.cross_entropy(logits, w[0, 1:], reduction="sum")
                total, count = total + float(loss), count + w.shape[1] - 1
        return total / count

    held = RECORD["held_out"]
    sonnets = {s: torch_loss(held["sonnets"]["texts"], s) for s in (0.0, 1.0)}
    plays = {s: torch_loss(held["plays"]["texts"], s) for s in (0.0, 1.0)}
    assert sonnets[0.0] - sonnets[1.0] > 0.05  # 3.369 -> 3.307 nats
    assert 0 < plays[1.0] - plays[0.0] < 0.1  # 3.185 -> 3.223: the cost of specialising
    for strength, label in ((0.0, "before"), (1.0, "after")):
        recorded = RECORD["loss"][label]
        assert sonnets[strength] == pytest.approx(recorded["sonnets"], abs=1e-4)
        assert plays[strength] == pytest.approx(recorded["plays"], abs=1e-4)
        live = held_out_losses(strength)
        assert live["sonnets"] == pytest.approx(recorded["sonnets"], abs=1e-4)
        assert live["plays"] == pytest.approx(recorded["plays"], abs=1e-4)


def test_half_strength_lands_between():
    losses = [held_out_losses(s)["sonnets"] for s in (0.0, 0.5, 1.0)]
    assert losses[0] > losses[1] > losses[2]


def test_the_held_out_sonnets_are_every_tenth():
    held = RECORD["held_out"]["sonnets"]
    assert held["numbers"] == list(range(10, 151, 10))
    headings = [text.split("\n", 1)[0] for text in held["texts"]]
    assert headings[:3] == ["X", "XX", "XXX"] and headings[-1] == "CL"
    assert all(text.count("\n") >= 14 for text in held["texts"])
    assert RECORD["config"]["targets"] == ["attn.c_attn"] == RECORD["targets"]


def test_parameter_count_is_r_times_in_plus_out_per_matrix():
    lora, base = load_adapter(), load()
    r, d = lora.rank, base.d
    assert set(lora.pairs) == {f"h.{i}.attn.c_attn.weight" for i in range(base.n_layer)}
    for name, (a, b) in lora.pairs.items():
        n_in, n_out = base.w[name].shape
        assert a.shape == (r, n_in) == (4, d) and b.shape == (n_out, r) == (3 * d, 4)
        assert a.dtype == b.dtype == np.float32
    expected = base.n_layer * r * (d + 3 * d)
    assert adapter_parameters(lora) == expected == 8192 == RECORD["trainable_parameters"]
    assert RECORD["model_parameters"] == base.parameters() == 940_800
    assert (TRACES / "lora_sonnets.npz").stat().st_size < 100 * 1024


def test_the_low_rank_change_by_hand():
    a = np.array([[1.0, 2.0]], dtype=np.float32)  # (r=1, in=2)
    b = np.array([[1.0], [0.0], [3.0]], dtype=np.float32)  # (out=3, r=1)
    # (B A)ᵀ = [[1, 0, 3], [2, 0, 6]]: row i is input i's change to each output
    assert low_rank_change(a, b, 0.5).tolist() == [[0.5, 0.0, 1.5], [1.0, 0.0, 3.0]]
    a0, b0 = load_adapter().pairs["h.0.attn.c_attn.weight"]
    assert np.linalg.matrix_rank(low_rank_change(a0, b0, 1.0)) == 4  # (128, 384), rank 4


def test_the_kernel_shows_both_models_greedy_text():
    base = load()
    ids = base.encode("Shall I compare thee")
    result = call("lora_adapter", {"tokens": 40, "adapter": False, "measure": False})
    plain = generate_ids(base, ids, 40)
    assert result["tokens"] == [base.token_text(i) for i in plain] == result["off"]["tokens"]
    on = call("lora_adapter", {"tokens": 40})
    recorded = RECORD["continuations"][0]  # PyTorch's greedy text, adapter off and on
    assert recorded["prompt"] == "Shall I compare thee"
    assert on["on"]["text"] == recorded["on"]["text"] == on["text"]
    assert on["off"]["text"] == recorded["off"]["text"]
    assert on["differs"] == [
        a != b for a, b in zip(on["off"]["tokens"], on["on"]["tokens"], strict=True)
    ]
    assert any(on["differs"]) and not on["differs"][0]  # the first token agrees: ","
    assert on["parameters"] == 8192 and on["share"] == pytest.approx(8192 / 940_800)
    assert on["live"]["on"]["sonnets"] < on["live"]["off"]["sonnets"] - 0.05
    zero = call("lora_adapter", {"strength": 0, "measure": False})
    assert zero["on"] == zero["off"] and not any(zero["differs"])


def test_mean_loss_of_one_window_is_the_plain_cross_entropy():
    base = load()
    ids = base.encode("To be, or not to be, that is the question:")
    logits = forward(base, ids).astype(np.float64)  # (T, vocab)
    top = logits.max(1, keepdims=True)
    logp = logits - top - np.log(np.exp(logits - top).sum(1, keepdims=True))  # (T, vocab)
    expected = -np.mean(logp[np.arange(len(ids) - 1), ids[1:]])
    assert mean_loss(base, ["To be, or not to be, that is the question:"]) == pytest.approx(
        expected, abs=1e-6
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"strength": 3}, "strength: must be between 0 and 2"),
        ({"strength": "lots"}, "strength: expected a number"),
        ({"tokens": 0}, "tokens: must be at least 1"),
        ({"adapter": "yes"}, "adapter: expected true or false"),
        ({"measure": 1}, "measure: expected true or false"),
        ({"prompt": ""}, "prompt: expected non-empty text"),
    ],
)
def test_errors_name_the_argument(args, message):
    with pytest.raises(ValueError, match=message):
        call("lora_adapter", args)


def test_an_adapter_file_that_does_not_pair_is_refused():
    with pytest.raises(ValueError, match="has no lora_B"):
        pairs_from_arrays({"h.0.attn.c_attn.lora_A": np.zeros((4, 128))})
    with pytest.raises(ValueError, match="do not pair"):
        pairs_from_arrays({"x.lora_A": np.zeros((4, 128)), "x.lora_B": np.zeros((384, 3))})
    wrong = Adapter(1, 1.0, {"h.0.attn.c_attn.weight": (np.zeros((1, 5)), np.zeros((5, 1)))})
    with pytest.raises(ValueError, match="h.0.attn.c_attn.weight"):
        merged_weights(load().w, wrong)
