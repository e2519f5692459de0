"""Distillation's loss against PyTorch's kl_div and cross_entropy (the form Hinton et al.'s
soft targets take in PyTorch code), and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyodide_kernels.maths.distillation import distillation_loss

logits = st.lists(st.floats(-20, 20, allow_nan=False), min_size=5, max_size=5)


@settings(max_examples=50, deadline=None)
@given(logits, logits, st.floats(0.5, 8), st.floats(0, 1), st.integers(0, 4))
def test_it_matches_torch(torch, teacher, student, temperature, alpha, label):
    f = torch.nn.functional
    zt = torch.tensor(teacher, dtype=torch.float64)
    zs = torch.tensor(student, dtype=torch.float64)
    soft = f.kl_div(f.log_softmax(zs / temperature, -1), f.log_softmax(zt / temperature, -1),
                    reduction="sum", log_target=True) * temperature**2  # fmt: skip
    hard = f.cross_entropy(zs[None], torch.tensor([label]))
    result = distillation_loss(teacher, student, temperature, alpha, label)
    assert result["soft_loss"] == pytest.approx(float(soft), rel=1e-9, abs=1e-9)
    assert result["hard_loss"] == pytest.approx(float(hard), rel=1e-9)
    mixed = alpha * float(soft) + (1 - alpha) * float(hard)
    assert result["loss"] == pytest.approx(mixed, abs=1e-9)


def test_a_student_that_agrees_has_no_soft_loss_and_heat_softens_the_targets():
    assert distillation_loss([2, 1, 0], [2, 1, 0])["kl"] == pytest.approx(0, abs=1e-15)
    cold = distillation_loss(temperature=1)["soft_targets"]
    hot = distillation_loss(temperature=4)["soft_targets"]
    assert max(hot) < max(cold) and min(hot) > min(cold)
    assert np.sum(hot) == pytest.approx(1)
    with pytest.raises(ValueError, match="student: expected 4 logits"):
        distillation_loss(student=[1, 2])
