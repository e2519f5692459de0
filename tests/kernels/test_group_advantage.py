"""GRPO's group-relative advantages against the formula in PyTorch, as Hugging Face TRL's
GRPOTrainer writes it, a group worked by hand, and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyodide_kernels.maths.group_advantage import group_advantages


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=16))
def test_it_matches_trls_formula_in_torch(torch, rewards):
    r = torch.tensor(rewards, dtype=torch.float64)
    expected = (r - r.mean()) / (r.std() + 1e-4)  # TRL: rewards.view(-1, G).std(dim=1)
    result = group_advantages(rewards)
    assert result["advantages"].tolist() == pytest.approx(expected.tolist(), abs=1e-9)
    assert abs(sum(result["advantages"])) < 1e-6  # the group's advantages cancel out


def test_one_right_answer_in_four_by_hand():
    """Rewards 1, 0, 0, 0: mean 1/4, sample variance (9/16 + 3 · 1/16) / 3 = 1/4, so std 1/2;
    the right answer's advantage is (1 − 1/4) / (1/2) = 3/2, each wrong one's −1/2."""
    result = group_advantages([1, 0, 0, 0], eps=0)
    assert result["mean"] == 0.25 and result["std"] == 0.5
    assert result["advantages"].tolist() == [1.5, -0.5, -0.5, -0.5]
    assert result["pushed_up"] == [True, False, False, False]


def test_a_group_that_agrees_teaches_nothing():
    for same in ([1, 1, 1, 1], [0, 0, 0, 0]):
        result = group_advantages(same)
        assert result["advantages"].tolist() == [0, 0, 0, 0] and not result["learns"]
    with pytest.raises(ValueError, match="rewards: a group has 2"):
        group_advantages([1])
