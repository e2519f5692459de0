"""How well calibrated the shipped model is on text it never trained on: 16 windows of 129
tokens of the held-out works (``traces/heldout.json``, written by reference/heldout.py), run
through the NumPy model; every one of the 16 × 128 positions is one prediction of the next
token. Its confidence is the top-1 probability, and it is right when that token is the true
next one. The reliability diagram bins the predictions by confidence (``maths.calibration``)
and gives each bin's accuracy; the ECE is the weighted gap between the two. Also the held-out
loss (mean cross-entropy, nats per token), its perplexity, and a temperature dividing the
logits: the accuracy stays put while the confidences, and so the ECE, move.

The logits are computed once per file and cached; a new temperature or bin count only rescores
them (a few milliseconds for the 2048 × 1024 logits).

References: Guo et al. (2017), "On Calibration of Modern Neural Networks" (reliability
diagrams, ECE, temperature scaling). Leaves out: classwise ("all classes") calibration, fitting
the temperature on one split and measuring it on another (the grid here is scored on the same
windows it is chosen on, so its best ECE is optimistic).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

import numpy as np

from .._assets import data_path
from .._validate import as_int, as_number
from ..maths.calibration import (
    expected_calibration_error,
    max_calibration_error,
    reliability_bins,
    temperature_scan,
    top1,
)
from ..model import forward, load

__kernels__ = ("model_calibration",)

HELDOUT = "traces/heldout.json"
#: Temperatures the scan tries: 0.5 to 2.0 in steps of 0.05.
GRID = tuple(round(0.5 + 0.05 * i, 2) for i in range(31))


@lru_cache(maxsize=1)
def heldout(path: str = HELDOUT) -> dict[str, Any]:
    """The held-out windows (work, offset, ids, text) and their trace's meta block.

    Example: ``len(heldout()["windows"][0]["ids"])`` -> 129
    """
    recorded = json.loads(data_path(path).read_text())
    n = load().n_ctx + 1
    for w in recorded["windows"]:
        if len(w["ids"]) != n:
            raise ValueError(f"{path}: a window of {len(w['ids'])} tokens, expected {n}")
    return recorded


@lru_cache(maxsize=1)
def heldout_logits(path: str = HELDOUT) -> tuple[np.ndarray, np.ndarray]:
    """Logits (W·T, V) of every window's first T = n_ctx tokens, and the true next tokens
    (W·T,): the window's tokens 1…T. Cached: a temperature only rescales these.

    Example: ``heldout_logits()[0].shape`` -> (2048, 1024)
    """
    m = load()
    ids = np.array([w["ids"] for w in heldout(path)["windows"]])  # (W, T+1)
    logits = np.stack([forward(m, row[:-1].tolist()) for row in ids])  # (W, T, V)
    return logits.reshape(-1, m.vocab_size), ids[:, 1:].reshape(-1)


@lru_cache(maxsize=8)
def scan_grid(bins: int = 10, path: str = HELDOUT) -> dict[str, Any]:
    """ECE and loss of the held-out windows at every temperature of ``GRID`` (cached per bin
    count: it does not depend on the temperature asked for).

    Example: ``scan_grid()["best_nll"]`` -> 1.1
    """
    logits, targets = heldout_logits(path)
    return temperature_scan(logits, targets, GRID, bins)


def model_calibration(temperature: Any = 1.0, bins: Any = 10) -> dict[str, Any]:
    """The reliability diagram of the real model on held-out text at a temperature: per bin
    its count, mean confidence and accuracy; the ECE and the largest gap; the loss and
    perplexity; and the temperatures (of ``GRID``) with the lowest ECE and the lowest loss.

    Example: ``model_calibration()["predictions"]`` -> 2048
    """
    t = as_number(temperature, "temperature", 0.05, 1000)
    b = as_int(bins, "bins", 1, 50)
    logits, targets = heldout_logits()
    scored = top1(logits, targets, t)
    conf, correct = scored["confidence"], scored["correct"]
    loss = float(scored["nll"].mean())
    scan = scan_grid(b)
    windows = heldout()["windows"]
    return {
        "temperature": t,
        "bins": reliability_bins(conf, correct, b),
        "ece": expected_calibration_error(conf, correct, b),
        "mce": max_calibration_error(conf, correct, b),
        "accuracy": float(correct.mean()),
        "mean_confidence": float(conf.mean()),
        "loss": loss,
        "perplexity": math.exp(loss),
        "predictions": int(targets.size),
        "uniform_confidence": 1.0 / logits.shape[1],
        "scan": scan,
        "best_temperature_ece": scan["best_ece"],
        "best_temperature_nll": scan["best_nll"],
        "works": sorted({w["work"] for w in windows}),
        "windows": len(windows),
    }
