"""Attention: seed 002's dry run and seed 001's three steps, PyTorch's scaled_dot_product_attention,
and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.dispatch import call
from pyodide_kernels.maths.attention import (
    SEED_K,
    SEED_Q,
    SEED_V,
    attention,
    attention_problem,
    causal_mask,
    dot_product,
    scaled_dot_product,
)
from pyodide_kernels.maths.by_hand import attention_by_hand, weighted_sum


def test_seed_002_dry_run_every_number():
    steps = attention(SEED_Q, SEED_K, SEED_V)
    assert steps["scores"].tolist() == [[1, 1, 2], [1, 1, 0], [2, 0, 1]]
    assert steps["scale"] == 2
    assert steps["scaled"].tolist() == [[0.5, 0.5, 1.0], [0.5, 0.5, 0.0], [1.0, 0.0, 0.5]]
    assert np.round(steps["weights"], 2).tolist() == [
        [0.27, 0.27, 0.45],
        [0.38, 0.38, 0.23],
        [0.51, 0.19, 0.31],
    ]
    # The seed mixes rounded weights and writes 0.72; exact weights give 0.726.
    seed_style = np.round(steps["weights"][0], 2) @ np.asarray(SEED_V, float)
    assert np.round(seed_style, 2).tolist() == [0.72, 0.72, 0.27, 0.27]
    assert np.allclose(steps["output"][0], [0.72, 0.72, 0.27, 0.27], atol=0.01)


def test_seed_001_three_steps():
    hand = attention_by_hand()
    assert hand["warmup"]["dot"]["score"] == pytest.approx(-1.4)
    assert round(hand["warmup"]["softmax"]["probs"][0], 2) == 0.66
    assert weighted_sum([0.66, 0.24, 0.10], [1, 0, 0])["total"] == pytest.approx(0.66)
    assert round(hand["warmup"]["mix"]["total"], 2) == 0.66


def test_causal_mask_blocks_the_future_and_zeroes_its_weight():
    steps = attention(SEED_Q, SEED_K, SEED_V, causal=True)
    assert causal_mask(3, 3).tolist() == [
        [True, False, False],
        [True, True, False],
        [True, True, True],
    ]
    assert np.isneginf(steps["masked"][0, 1:]).all()
    assert steps["weights"][0].tolist() == [1.0, 0.0, 0.0]
    assert np.allclose(steps["output"][0], SEED_V[0])
    assert causal_mask(1, 4).tolist() == [[True, True, True, True]]  # a decode step sees all


@given(st.integers(0, 2**32 - 1), st.booleans())
def test_fresh_problems_are_reproducible_and_rows_sum_to_one(seed, causal):
    a, b = attention_problem(seed, causal), attention_problem(seed, causal)
    assert a["q"].tolist() == b["q"].tolist()
    assert np.allclose(a["weights"].sum(axis=1), 1.0)
    assert np.all(np.isfinite(a["output"]))


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ({"q": [[1, 2]], "k": [[1, 2, 3]], "v": [[1]]}, "k: rows must have d_k = 2"),
        ({"q": [[1]], "k": [[1], [2]], "v": [[1]]}, "v: expected one row per key"),
        ({"q": [1, 2], "k": [[1, 2]], "v": [[1]]}, "q: expected a 2-d array"),
    ],
)
def test_mismatched_shapes_name_the_argument(args, reason):
    with pytest.raises(ValueError, match=reason):
        attention(**args)


def test_dot_product_needs_equal_lengths():
    with pytest.raises(ValueError, match="k: expected 3 values"):
        dot_product([1, 2, 3], [1, 2])


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize(("t", "d", "seed"), [(1, 4, 0), (5, 8, 1), (16, 32, 2), (9, 3, 3)])
def test_against_torch_scaled_dot_product_attention(torch, t, d, seed, causal):
    rng = np.random.default_rng(seed)
    q, k, v = (rng.normal(size=(t, d)) for _ in range(3))
    for dtype, tolerance in ((np.float64, 1e-6), (np.float32, 1e-4)):
        arrays = [x.astype(dtype) for x in (q, k, v)]
        expected = torch.nn.functional.scaled_dot_product_attention(
            *(torch.from_numpy(x) for x in arrays), is_causal=causal
        ).numpy()
        got = scaled_dot_product(*arrays, causal=causal)["output"]
        assert got.dtype == dtype, "float32 must stay float32"
        assert np.max(np.abs(got - expected)) < tolerance


def test_the_projection_step_by_hand_and_as_pytorchs_linear_layers(torch):
    worked = call("attention_by_hand", {})["projection"]
    assert worked["x"] == [1.0, 2.0, 0.0]
    assert (worked["q"], worked["k"], worked["v"]) == ([1.0, 2.0], [2.0, 1.0], [1.0, 5.0])
    for seed in (None, 3, 11):
        part = call("attention_by_hand", {"seed": seed})["projection"]
        x = torch.tensor(part["x"], dtype=torch.float64)
        for role in ("q", "k", "v"):
            w = torch.tensor(part[f"w_{role}"], dtype=torch.float64)  # (3, 2): x · W
            expected = torch.nn.functional.linear(x, w.T)  # a Linear layer stores Wᵀ
            assert part[role] == expected.tolist(), (seed, role)
            assert all(float(v).is_integer() for v in part[role])  # whole numbers by hand


def test_a_seed_draws_its_own_projections_again_and_another_seed_new_ones():
    fresh = call("attention_by_hand", {"seed": 3})
    assert fresh["projection"] != call("attention_by_hand", {"seed": 4})["projection"]
    assert fresh["projection"] == call("attention_by_hand", {"seed": 3})["projection"]
