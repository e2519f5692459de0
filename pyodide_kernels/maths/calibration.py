"""Calibration: does a model's confidence match how often it is right? For every prediction take
its top-1 probability (the confidence) and whether that token was the true one; sort the
predictions into B equal-width confidence bins ((0, 1/B], (1/B, 2/B], …, ((B-1)/B, 1]; a
confidence of exactly 0 goes in the first) and compare, bin by bin, the mean confidence with
the accuracy. A calibrated model's points lie on the diagonal of the reliability diagram.

    ECE = Σ_b (n_b / N) · |acc_b − conf_b|        expected calibration error (weighted gap)
    MCE = max over non-empty bins of |acc_b − conf_b|

Dividing the logits by a temperature T before the softmax leaves every top-1 token (and so the
accuracy) unchanged but moves the confidences: T > 1 lowers them, T < 1 raises them; as T → ∞
every confidence tends to 1/V. Temperature scaling picks the T with the lowest ECE or NLL.

References: Guo, Pleiss, Sun & Weinberger (2017), "On Calibration of Modern Neural Networks";
Naeini, Cooper & Hauskrecht (2015), "Obtaining Well Calibrated Probabilities Using Bayesian
Binning". Leaves out: adaptive (equal-mass) bins, classwise ECE, fitting T by gradient.

Example: ``expected_calibration_error([0.9, 0.9, 0.6, 0.6], [1, 0, 1, 0], 10)`` -> 0.25
"""

from __future__ import annotations

from typing import Any

import numpy as np


def bin_edges(bins: int) -> np.ndarray:
    """The B + 1 edges of B equal-width bins over [0, 1].

    Example: ``bin_edges(4).tolist()`` -> [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    return np.linspace(0.0, 1.0, bins + 1)


def bin_index(confidences: Any, bins: int) -> np.ndarray:
    """The bin of each confidence: b where edge_b < c ≤ edge_(b+1) (0 itself in bin 0), the
    rule of ``torch.bucketize(c, inner_edges)``.

    Example: ``bin_index([0.0, 0.25, 0.26, 1.0], 4).tolist()`` -> [0, 0, 1, 3]
    """
    c = np.asarray(confidences, dtype=np.float64)  # (N,)
    return np.searchsorted(bin_edges(bins)[1:-1], c, side="left")  # (N,)


def reliability_bins(confidences: Any, correct: Any, bins: int = 10) -> dict[str, Any]:
    """Per bin: how many predictions (``count``), their mean confidence and their accuracy
    (NaN where a bin is empty), the gap |accuracy − confidence| and the bin's edges.

    Example: ``reliability_bins([0.9, 0.9, 0.4, 0.4], [1, 0, 0, 0], 2)["accuracy"].tolist()``
    -> [0.0, 0.5]
    """
    c = np.asarray(confidences, dtype=np.float64)  # (N,)
    y = np.asarray(correct, dtype=np.float64)  # (N,)
    index = bin_index(c, bins)  # (N,)
    count = np.bincount(index, minlength=bins)  # (B,)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.bincount(index, weights=c, minlength=bins) / count  # (B,)
        accuracy = np.bincount(index, weights=y, minlength=bins) / count  # (B,)
    return {
        "edges": bin_edges(bins),
        "count": count,
        "confidence": confidence,
        "accuracy": accuracy,
        "gap": np.abs(accuracy - confidence),
    }


def expected_calibration_error(confidences: Any, correct: Any, bins: int = 10) -> float:
    """Σ_b (n_b / N) |acc_b − conf_b|: the gap of each bin, weighted by its share of the
    predictions (0 for a calibrated model, near 1 for one sure of every wrong answer).

    Example: ``expected_calibration_error([1.0, 1.0], [0, 0], 10)`` -> 1.0
    """
    table = reliability_bins(confidences, correct, bins)
    filled = table["count"] > 0
    share = table["count"][filled] / table["count"].sum()
    return float(np.sum(share * table["gap"][filled]))


def max_calibration_error(confidences: Any, correct: Any, bins: int = 10) -> float:
    """The largest gap |acc_b − conf_b| of any non-empty bin (never below the ECE).

    Example: ``max_calibration_error([0.9, 0.9, 0.6, 0.6], [1, 0, 1, 0], 10)`` -> 0.4
    """
    table = reliability_bins(confidences, correct, bins)
    return float(np.max(table["gap"][table["count"] > 0]))


def top1(logits: np.ndarray, targets: Any, temperature: float = 1.0) -> dict[str, np.ndarray]:
    """For logits (N, V) divided by ``temperature``: each row's top-1 probability
    (``confidence``), whether its top-1 token is the target (``correct``) and −ln p(target)
    (``nll``), all (N,), in float64.

    Example: ``top1(np.array([[2.0, 0.0], [0.0, 0.0]]), [0, 1])["correct"].tolist()`` ->
    [True, False]
    """
    z = np.asarray(logits, dtype=np.float64) / temperature  # (N, V)
    y = np.asarray(targets, dtype=np.int64)  # (N,)
    rows = np.arange(z.shape[0])
    best = np.argmax(z, axis=1)  # (N,): ties go to the lowest id, as torch.argmax's first
    top = z[rows, best]  # (N,)
    target = z[rows, y] - top  # (N,)
    z -= top[:, None]
    np.exp(z, out=z)  # subtle: one exp per logit, in place; the top one is exp(0) = 1
    total = z.sum(axis=1)  # (N,)
    return {
        "confidence": 1.0 / total,
        "correct": best == y,
        "nll": np.log(total) - target,
    }


def temperature_scan(
    logits: np.ndarray, targets: Any, temperatures: Any, bins: int = 10
) -> dict[str, Any]:
    """ECE and mean NLL (nats) at each temperature, and the temperature that minimises each.

    Example: ``temperature_scan(np.array([[1.0, 0.0]]), [0], [1, 2])["best_nll"]`` -> 1.0
    """
    ts = np.asarray(temperatures, dtype=np.float64)  # (K,)
    ece, nll = np.empty(ts.size), np.empty(ts.size)
    for k, t in enumerate(ts):
        scored = top1(logits, targets, float(t))
        ece[k] = expected_calibration_error(scored["confidence"], scored["correct"], bins)
        nll[k] = scored["nll"].mean()
    return {
        "temperatures": ts,
        "ece": ece,
        "nll": nll,
        "best_ece": float(ts[np.argmin(ece)]),
        "best_nll": float(ts[np.argmin(nll)]),
    }
