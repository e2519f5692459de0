"""Mixture-of-experts routing: top-k experts per token, renormalised gates, load, mixed output."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.maths.moe import mix_experts, moe_route, route
from pyodide_kernels.maths.softmax import stable_softmax


@given(st.integers(1, 30), st.integers(1, 8), st.integers(0, 1000))
def test_each_token_gets_k_distinct_experts_with_weights_summing_to_one(tokens, experts, seed):
    k = 1 + seed % experts
    result = moe_route(tokens, experts, k, 4, seed)
    assert result["experts"].shape == (tokens, k)
    assert np.allclose(result["weights"].sum(-1), 1.0)
    assert result["load"].sum() == tokens * k
    assert all(len(set(row)) == k for row in result["experts"].tolist())
    # the chosen experts are the ones with the highest gates
    gates = result["gates"]
    chosen = np.take_along_axis(gates, result["experts"], -1)
    assert np.all(chosen.min(-1) >= np.sort(gates, -1)[:, -k])


def test_routing_by_hand():
    experts, weights = route(np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 3.0]]), 2)
    assert experts.tolist() == [[0, 1], [2, 0]]
    e = np.exp([2.0, 1.0])
    assert weights[0].tolist() == pytest.approx((e / e.sum()).tolist())
    result = moe_route(experts=3, k=1, scores=[[2, 1, 0], [0, 5, 0], [0, 4, 1]])
    assert result["load"].tolist() == [1, 2, 0]


@pytest.mark.parametrize(
    ("tokens", "n_expert", "k", "seed"), [(5, 4, 1, 0), (9, 4, 2, 1), (6, 3, 3, 2)]
)
def test_mixed_output_equals_the_dense_gate_weighted_sum(tokens, n_expert, k, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(tokens, 6))
    w = rng.normal(size=(n_expert, 6, 6))
    scores = rng.normal(size=(tokens, n_expert))
    chosen, weights = route(scores, k)
    # dense form: run every expert, zero the gates outside each token's top k, renormalise
    gates = stable_softmax(scores)
    keep = np.zeros_like(gates)
    np.put_along_axis(keep, chosen, 1.0, -1)
    sparse = gates * keep / (gates * keep).sum(-1, keepdims=True)  # (T, E)
    dense = np.einsum("te,ted->td", sparse, np.einsum("td,edf->tef", x, w))
    assert np.allclose(mix_experts(x, chosen, weights, w), dense)


def test_bad_settings_name_the_argument():
    with pytest.raises(ValueError, match="^k"):
        moe_route(experts=2, k=3)
    with pytest.raises(ValueError, match="scores: expected 4 columns"):
        moe_route(experts=4, scores=[[1, 2]])
