"""softmax: seed 001's worked numbers, PyTorch, and invariants (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.dispatch import jsonable
from pyodide_kernels.maths.softmax import softmax, softmax_quiz, stable_softmax


def test_seed_001_softmax_of_2_1_point1():
    steps = softmax([2.0, 1.0, 0.1])
    assert np.round(steps["exps"], 2).tolist() == [7.39, 2.72, 1.11]
    assert round(steps["total"], 2) == 11.21  # the seed adds rounded terms: 11.22
    assert round(7.39 / 11.22, 2) == round(steps["probs"][0], 2) == 0.66
    assert np.round(steps["probs"], 2).tolist() == [0.66, 0.24, 0.10]


@given(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=50))
def test_probabilities_are_finite_and_sum_to_one(logits):
    probs = softmax(logits)["probs"]
    assert np.all(np.isfinite(probs)) and np.all(probs >= 0)
    assert probs.sum() == pytest.approx(1.0, abs=1e-12)


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=20), st.floats(-100, 100))
def test_adding_a_constant_changes_nothing(logits, shift):
    assert np.allclose(
        softmax(logits)["probs"], softmax(np.add(logits, shift))["probs"], atol=1e-12
    )


@pytest.mark.parametrize(
    ("logits", "reason"),
    [
        ([], "logits: expected at least 1 value"),
        ([[1, 2]], "logits: expected a 1-d array"),
        (["a"], "logits: expected numbers"),
        ([1, float("nan")], "logits: every value must be finite"),
    ],
)
def test_bad_logits_raise_a_value_error_naming_the_argument(logits, reason):
    with pytest.raises(ValueError, match=reason.replace("finite", "a finite")):
        softmax(logits)


def test_a_fresh_quiz_is_deterministic_in_its_seed_and_bounded():
    a, b, c = softmax_quiz(seed=11), softmax_quiz(seed=11), softmax_quiz(seed=12)
    assert jsonable(a) == jsonable(b) and a["logits"].tolist() != c["logits"].tolist()
    assert np.all(np.abs(a["logits"]) <= 3) and list(a["logits"]) == sorted(a["logits"])[::-1]
    assert a["answer"] == a["probs"][0]
    with pytest.raises(ValueError, match="size: must be at most 6"):
        softmax_quiz(seed=1, size=7)


def test_against_torch_in_float64_and_float32(torch):
    rng = np.random.default_rng(0)
    for dtype, tolerance in ((np.float64, 1e-6), (np.float32, 1e-4)):
        x = (rng.normal(size=(7, 33)) * 10).astype(dtype)
        expected = torch.softmax(torch.from_numpy(x), dim=-1).numpy()
        got = stable_softmax(x)
        assert got.dtype == dtype
        assert np.max(np.abs(got - expected)) < tolerance
