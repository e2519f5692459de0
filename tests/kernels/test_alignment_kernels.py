"""Training, preference, scaling and quantization kernels against independent references:
PyTorch's logsigmoid and int8 quantizers, the recorded training run, Chinchilla's own numbers,
and invariants."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyodide_kernels.maths.preference import dpo_loss, reward_preference, rlhf_steps
from pyodide_kernels.maths.scaling import chinchilla
from pyodide_kernels.model import load
from pyodide_kernels.on_model.next_tokens import gpt_loss
from pyodide_kernels.on_model.quantize import absmax_int8, quantize_matrix
from pyodide_kernels.on_model.training import loss_curve, teacher_forcing

rewards = st.floats(-50, 50, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(rewards, rewards)
def test_the_reward_model_matches_torch_and_is_symmetric(torch, a, b):
    result = reward_preference(a, b)
    expected = -torch.nn.functional.logsigmoid(torch.tensor(a - b, dtype=torch.float64))
    assert result["loss"] == pytest.approx(float(expected), rel=1e-9, abs=1e-12)
    assert result["probability"] + reward_preference(b, a)["probability"] == pytest.approx(1)


def test_dpo_matches_its_formula_in_torch(torch):
    pc, pr, rc, rr, beta = -10.0, -14.0, -12.0, -12.0, 0.1
    logits = beta * ((torch.tensor(pc) - rc) - (torch.tensor(pr) - rr))
    expected = -torch.nn.functional.logsigmoid(logits.double())
    assert dpo_loss(pc, pr, rc, rr, beta)["loss"] == pytest.approx(float(expected), rel=1e-6)
    assert dpo_loss(-5, -5, -5, -5)["loss"] == pytest.approx(math.log(2))


def test_the_rl_objective_is_reward_minus_the_kl_penalty():
    steps = rlhf_steps(chosen=1.0, rejected=0.0, kl=4.0, beta=0.25)
    assert steps["objective"] == pytest.approx(0.0)
    assert rlhf_steps(kl=0.0)["objective"] == rlhf_steps(kl=0.0)["reward"]


def test_chinchillas_own_run_and_the_inverse():
    run = chinchilla(parameters=70e9)
    assert run["tokens"] == pytest.approx(1.4e12)
    assert run["compute"] == pytest.approx(6 * 70e9 * 1.4e12)
    back = chinchilla(compute=run["compute"])
    assert back["parameters"] == pytest.approx(70e9)
    with pytest.raises(ValueError, match="either a compute budget or a parameter count"):
        chinchilla(parameters=None)


@pytest.mark.parametrize("scheme", ["tensor", "column"])
def test_int8_matches_torchs_quantizers(torch, scheme):
    w = load().w["h.1.mlp.c_fc.weight"]
    q, scale = absmax_int8(w, scheme)
    t = torch.from_numpy(w)
    if scheme == "tensor":
        ref = torch.quantize_per_tensor(t, float(scale), 0, torch.qint8)
    else:
        scales = torch.from_numpy(scale[0].astype(np.float64))
        zeros = torch.zeros(len(scales), dtype=torch.int64)
        ref = torch.quantize_per_channel(t, scales, zeros, 1, torch.qint8)
    np.testing.assert_array_equal(q, ref.int_repr().numpy())


def test_quantization_costs_little_and_per_column_costs_less():
    column = quantize_matrix(scheme="column")
    tensor = quantize_matrix(scheme="tensor")
    assert column["relative_error"] < tensor["relative_error"] < 0.05
    assert abs(column["loss_after"] - column["loss_before"]) < 0.01
    assert column["loss_after"] != column["loss_before"]  # the model really ran the int8 weights
    assert column["bytes"]["int8"] < column["bytes"]["float32"] / 3
    with pytest.raises(ValueError, match="block matrices"):
        quantize_matrix(name="wte.weight")


def test_teacher_forcing_is_the_models_loss_position_by_position():
    text = "O Romeo, Romeo, wherefore art thou Romeo?"
    table = teacher_forcing(text)
    assert table["mean_loss"] == pytest.approx(gpt_loss(text)["loss"], rel=1e-9)
    for row in table["positions"]:
        assert row["loss"] == pytest.approx(-math.log(row["prob"]))
    with pytest.raises(ValueError, match="at least two tokens"):
        teacher_forcing("O")


def test_the_loss_curve_is_the_recorded_run():
    run = json.loads(open("traces/loss_curve.json").read())
    curve = loss_curve()
    assert curve["validation"] == run["validation"]
    assert curve["tokens"][-1] == run["tokens_seen"]
    assert curve["perplexity"] == pytest.approx(math.exp(run["validation"][-1]))
    assert curve["table"][-1]["step"] == run["step"][-1]


def test_the_loss_after_is_torchs_model_run_with_the_rounded_weights(torch):
    """loss_with once replaced the weights' dict but not the blocks built from it: the model ran
    its own weights and showed the same loss before and after. PyTorch runs the rounded ones."""
    from pyodide_kernels.model import check_prompt
    from pyodide_kernels.on_model.quantize import TEXT
    from reference.model import GPT, GPTConfig

    name = "h.2.mlp.c_proj.weight"
    result = quantize_matrix(name=name, scheme="tensor")
    m = load()
    q, scale = absmax_int8(m.w[name], "tensor")
    arrays = {**m.w, name: q.astype(np.float32) * scale}
    config = GPTConfig(**json.loads(Path("traces/model.json").read_text())["config"])
    model = GPT.from_arrays(arrays, config).eval()
    ids = check_prompt(TEXT, m)
    with torch.no_grad():
        logits = model(torch.tensor([ids]))[0, :-1].double()
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(ids[1:])).item()
    assert result["loss_after"] == pytest.approx(loss, abs=1e-5)
    assert abs(result["loss_after"] - result["loss_before"]) > 1e-5
