"""Balancing a mixture of experts: the Switch/Mixtral auxiliary loss against Hugging Face's,
DeepSeek-V3's bias balancing in a seeded simulation, and the fine-grained expert arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyodide_kernels.maths.moe import route
from pyodide_kernels.maths.moe_balance import (
    balance_loss,
    expert_parameter_count,
    load_balancing_loss,
    moe_aux_loss,
    moe_balance,
    moe_parameters,
    route_with_bias,
    sigmoid,
    simulate_balancing,
    update_bias,
)


@pytest.fixture(scope="module")
def hf_loss(transformers):
    from transformers.models.mixtral.modeling_mixtral import load_balancing_loss_func

    return load_balancing_loss_func


@pytest.mark.parametrize(
    ("n_expert", "k", "n_token"),
    [(8, 2, 64), (4, 1, 10), (16, 4, 100), (6, 6, 7), (64, 8, 33), (3, 2, 1)],
)
def test_aux_loss_equals_hugging_face(torch, hf_loss, n_expert, k, n_token):
    logits = torch.randn(n_token, n_expert, generator=torch.Generator().manual_seed(n_token))
    expected = float(hf_loss((logits,), n_expert, k))
    ours = load_balancing_loss(logits.double().numpy(), k)
    assert ours == pytest.approx(expected, abs=1e-6)
    assert load_balancing_loss(logits.double().numpy(), k, per_slot=True) == pytest.approx(
        expected / k, abs=1e-6
    )


def circulant(n_expert: int) -> np.ndarray:
    """Token t prefers expert t most, t + 1 next, …: every expert is chosen and weighed alike."""
    row = np.linspace(3.0, 0.0, n_expert)
    return np.stack([np.roll(row, t) for t in range(n_expert)])  # (E, E)


@pytest.mark.parametrize(("n_expert", "k"), [(4, 1), (8, 2), (8, 3), (5, 5)])
def test_perfect_balance_gives_k_or_one_per_slot(torch, hf_loss, n_expert, k):
    scores = circulant(n_expert)
    assert np.bincount(route(scores, k)[0].ravel(), minlength=n_expert).tolist() == [k] * n_expert
    assert load_balancing_loss(scores, k, per_slot=True) == pytest.approx(1.0, abs=1e-12)
    assert load_balancing_loss(scores, k) == pytest.approx(k, abs=1e-12)
    assert float(hf_loss((torch.tensor(scores),), n_expert, k)) == pytest.approx(k, abs=1e-6)


def test_aux_loss_by_hand():
    # 2 tokens, 3 experts, k = 1: both pick expert 0, so f = (1, 0, 0)
    probs = np.array([[0.6, 0.3, 0.1], [0.8, 0.1, 0.1]])
    chosen = np.array([[0], [0]])
    # E · f_0 · P_0 = 3 · 1 · 0.7
    assert balance_loss(chosen, probs) == pytest.approx(2.1)
    # the worst case, one expert takes every token with probability 1, costs E
    assert load_balancing_loss(np.array([[50.0, 0.0, 0.0]] * 4), 1) == pytest.approx(3.0)


@pytest.mark.parametrize("k", [1, 2])
def test_the_exercise_kernel_shows_the_parts_of_hugging_faces_loss(torch, hf_loss, k):
    scores = [[2.0, 0.0, 1.0], [2.0, 0.0, 0.5], [1.0, 2.0, 0.0], [0.0, 0.0, 3.0]]
    result = moe_aux_loss(scores, k)
    expected = float(hf_loss((torch.tensor(scores, dtype=torch.float64),), 3, k)) / k
    assert result["loss"] == pytest.approx(expected, abs=1e-6)  # Hugging Face sums in float32
    assert result["f"].sum() == pytest.approx(1) and result["P"].sum() == pytest.approx(1)
    assert result["loss"] == pytest.approx(3 * np.sum(result["f"] * result["P"]))


def test_the_exercise_by_hand():
    # three tokens choose expert 0, one expert 1; softmax(2, 0) = (0.881, 0.119)
    result = moe_aux_loss()
    p0 = (3 * 0.8808 + 0.1192) / 4
    assert result["f"].tolist() == [0.75, 0.25]
    assert result["loss"] == pytest.approx(2 * (0.75 * p0 + 0.25 * (1 - p0)), abs=1e-3)


def last(values: np.ndarray, n: int = 10) -> float:
    return float(np.mean(values[-n:]))


def test_bias_balancing_brings_skewed_routing_to_the_noise_floor():
    run = simulate_balancing(8, 2, 256, 40, 1.0, 0.01, 0)
    unskewed = simulate_balancing(8, 2, 256, 40, 0.0, 0.01, 0)
    # without the bias expert 0 keeps more than twice its share; with it, the last ten batches
    # are within 0.1 of what routing with no skew at all gives (sampling noise of 512 slots)
    assert last(run["imbalance_without"]) > 2.1
    assert last(run["imbalance_with"]) < 1.3
    assert last(run["imbalance_without"]) - last(run["imbalance_with"]) > 0.9
    assert last(run["imbalance_with"]) < last(unskewed["imbalance_without"]) + 0.1
    # the first batch is routed before any nudge, so both runs agree there
    assert run["imbalance_with"][0] == pytest.approx(run["imbalance_without"][0])
    # the bias ends up falling from the favoured expert to the shunned one
    assert np.all(np.diff(run["bias"]) > 0)
    assert run["load_with"].sum() == run["load_without"].sum() == 512
    # the auxiliary loss sees it too: from 2.78 to the balanced 2.0
    assert run["aux_loss_without"] > 2.6
    assert run["aux_loss_with"] == pytest.approx(2.0, abs=0.05)


def test_no_nudge_means_no_difference():
    run = simulate_balancing(6, 2, 50, 5, 2.0, 0.0, 3)
    assert np.array_equal(run["imbalance_with"], run["imbalance_without"])
    assert np.array_equal(run["load_with"], run["load_without"])


def test_bias_update_direction():
    bias = update_bias(np.zeros(4), np.array([10, 4, 4, 2]), 0.5)  # mean 5
    assert bias.tolist() == [-0.5, 0.5, 0.5, 0.5]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_bias_chooses_experts_but_not_their_gates(seed):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(20, 8))
    bias = rng.normal(scale=0.3, size=8)
    chosen, gates = route_with_bias(scores, bias, 3)
    # DeepSeek-V3: sigmoid affinities of the chosen experts, normalised over them, no bias
    affinity = np.take_along_axis(sigmoid(scores), chosen, -1)
    assert np.allclose(gates, affinity / affinity.sum(-1, keepdims=True), atol=1e-12)
    # the choice is the top 3 of affinity + bias
    biased = sigmoid(scores) + bias
    assert np.all(np.take_along_axis(biased, chosen, -1).min(-1) >= np.sort(biased, -1)[:, -3])
    # where the bias leaves a token's choice alone, its gates are exactly the unbiased ones
    plain_chosen, plain_gates = route_with_bias(scores, np.zeros(8), 3)
    order, plain_order = np.argsort(chosen, -1), np.argsort(plain_chosen, -1)  # by expert id
    same = np.all(
        np.take_along_axis(chosen, order, -1) == np.take_along_axis(plain_chosen, plain_order, -1),
        axis=-1,
    )
    assert same.any() and not same.all()
    assert np.allclose(
        np.take_along_axis(gates, order, -1)[same],
        np.take_along_axis(plain_gates, plain_order, -1)[same],
        atol=1e-12,
    )
    # unbiased sigmoid top-k picks the same experts as the softmax router in moe.py
    assert np.array_equal(plain_chosen, route(scores, 3)[0])


def test_sigmoid_is_stable_at_the_extremes():
    assert sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist() == [0.0, 0.5, 1.0]


def test_parameters_by_hand():
    # d = 4, expert width 6, SwiGLU: 3 · 4 · 6 = 72 per expert; 5 routed + 1 shared, 2 layers
    counts = expert_parameter_count(4, 6, 5, 2, shared=1, layers=2)
    assert counts == {
        "per_expert": 72, "total": 2 * 6 * 72, "active": 2 * 3 * 72,
        "router": 2 * 4 * 5, "combinations": 10,
    }  # fmt: skip
    assert expert_parameter_count(4, 6, 5, 2, swiglu=False)["per_expert"] == 48


def test_fine_grained_split_keeps_parameters_and_grows_combinations():
    shape = {"d_model": 1024, "d_expert": 4096, "experts": 16, "k": 2, "shared": 0, "layers": 1}
    coarse, fine = moe_parameters(**shape), moe_parameters(**shape, split=4)
    assert (fine["experts"], fine["k"], fine["d_expert"]) == (64, 8, 1024)
    assert fine["total"] == coarse["total"] == 201_326_592
    assert fine["active"] == coarse["active"] == 25_165_824
    assert (coarse["combinations"], fine["combinations"]) == (120, 4_426_165_368)
    assert fine["log10_combinations"] == pytest.approx(math.log10(4_426_165_368))


def test_deepseek_v3_moe_layers():
    # 58 MoE layers of 256 routed + 1 shared SwiGLU experts, 7168 → 2048 → 7168, 8 routed active
    v3 = moe_parameters()
    assert v3["per_expert"] == 3 * 7168 * 2048 == 44_040_192
    assert v3["total"] == 58 * 257 * 44_040_192 == 656_463_101_952  # ≈ 656.5B of the 671B
    assert v3["active"] == 58 * 9 * 44_040_192 == 22_988_980_224  # ≈ 23.0B of the 37B
    assert v3["router"] == 58 * 7168 * 256
    assert v3["combinations"] == math.comb(256, 8) == 409_663_695_276_000


def test_kernel_defaults():
    result = moe_balance()
    assert len(result["imbalance_with"]) == len(result["imbalance_without"]) == 40
    assert result["aux_loss_balanced"] == 2.0
    assert result["ideal_load"] == 64


@pytest.mark.parametrize(
    ("kernel", "args", "message"),
    [
        (moe_balance, {"experts": 4, "k": 5}, "^k: must be at most 4"),
        (moe_balance, {"gamma": -0.1}, "^gamma"),
        (moe_balance, {"experts": 1}, "^experts"),
        (moe_parameters, {"experts": 8, "k": 9}, "^k: must be at most 8"),
        (moe_parameters, {"d_expert": 100, "split": 3}, "^split: the expert width 100"),
        (moe_parameters, {"experts": 512, "split": 4}, "^split: 512 × 4 experts"),
        (moe_parameters, {"swiglu": "yes"}, "^swiglu"),
        (moe_parameters, {"shared": -1}, "^shared"),
    ],
)
def test_bad_settings_name_the_argument(kernel, args, message):
    with pytest.raises(ValueError, match=message):
        kernel(**args)
