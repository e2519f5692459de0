"""Cross-entropy and perplexity against PyTorch, per position and on average."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.maths.loss import cross_entropy, log_softmax

from ._compare import DTYPES, close, random


@pytest.mark.parametrize(("t", "v", "seed"), [(1, 3, 0), (6, 50, 1), (17, 1024, 2)])
def test_cross_entropy_matches_torch(torch, t, v, seed):
    F = torch.nn.functional
    logits = random((t, v), seed) * 4
    targets = np.random.default_rng(seed).integers(0, v, size=t)
    tl, tt = torch.from_numpy(logits), torch.from_numpy(targets)
    result = cross_entropy(logits.tolist(), targets.tolist())
    assert abs(result["mean"] - F.cross_entropy(tl, tt).item()) < 1e-6
    per_position = F.cross_entropy(tl, tt, reduction="none").numpy()
    close(result["per_position"], per_position, np.float64, 1e-6)
    assert result["perplexity"] == pytest.approx(np.exp(per_position.mean()))


@pytest.mark.parametrize(("dtype", "tolerance"), DTYPES)
def test_log_softmax_matches_torch_and_survives_huge_logits(torch, dtype, tolerance):
    F = torch.nn.functional
    logits = (random((5, 40), 3) * 1e4).astype(dtype)
    expected = F.log_softmax(torch.from_numpy(logits), -1).numpy()
    got = log_softmax(logits)
    assert np.all(np.isfinite(got))
    assert got.dtype == dtype
    assert np.max(np.abs(got - expected) / np.maximum(1, np.abs(expected))) < tolerance


def test_seed_001_logits_and_a_uniform_guess():
    assert cross_entropy([[2, 1, 0.1]], [0])["mean"] == pytest.approx(
        -np.log(7.389 / 11.212), abs=1e-3
    )
    uniform = cross_entropy(np.zeros((3, 50)).tolist(), [0, 1, 2])
    assert uniform["perplexity"] == pytest.approx(50)  # a uniform guess is as unsure as 50 coins


@pytest.mark.parametrize(
    ("logits", "targets", "reason"),
    [
        ([[1, 2]], [2], "targets: ids must be integers from 0 to 1"),
        ([[1, 2]], [0.5], "targets: ids must be integers"),
        ([[1, 2]], [0, 1], "targets: expected 1 ids"),
        ([[1, "x"]], [0], "logits"),
    ],
)
def test_bad_input_names_the_argument(logits, targets, reason):
    with pytest.raises(ValueError, match=reason):
        cross_entropy(logits, targets)
