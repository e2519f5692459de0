"""Watch the induction circuit form: a rerun of the shipped model's recipe saved its weights at
24 steps of training, and reference/checkpoints.py measured each with PyTorch (the validation
loss, the loss on both copies of repeated random tokens, every head's previous-token and
induction scores, and the final induction head's attention from the second copy's tokens).
This kernel reads that
trace and picks one step, so a reader can scrub through training and see the loss on the
second copy fall when the heads' scores rise: the phase change of Olsson et al. (2022).

References: traces/checkpoints_cpu.json (reference/checkpoints.py), checked against the NumPy
labs on the shipped checkpoints in tests/test_traces.py. Leaves out: checkpoints not saved (the
curves join the measured steps with straight lines).

Example: ``induction_formation()["phase"]["step_after"]`` -> the first step after the drop
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np

from .._assets import data_path
from .._validate import as_int

__kernels__ = ("induction_formation",)

TRACE = "traces/checkpoints_cpu.json"


@lru_cache(maxsize=1)
def read_trace(path: str = TRACE) -> dict[str, Any]:
    """The checkpoint trace, read once. Example: ``len(read_trace()["steps"])`` -> 24"""
    return json.loads(data_path(path).read_text())


def series(trace: dict[str, Any]) -> dict[str, np.ndarray]:
    """Each measurement across the checkpoints, with the induction head and the previous-token
    head chosen at the last checkpoint (the heads the run ends with).

    Example: ``series(read_trace())["second_copy"][-1]`` -> under 2 nats
    """
    rows = trace["checkpoints"]
    last = rows[-1]
    prev = np.unravel_index(
        int(np.argmax(last["previous_token"])), np.shape(last["previous_token"])
    )
    ind = (trace["induction_head"]["layer"], trace["induction_head"]["head"])
    return {
        "step": np.array([r["step"] for r in rows]),
        "validation": np.array([r["validation"] for r in rows]),
        "first_copy": np.array([r["first_copy"] for r in rows]),
        "second_copy": np.array([r["second_copy"] for r in rows]),
        "induction_score": np.array([r["induction"][ind[0]][ind[1]] for r in rows]),
        "previous_score": np.array([r["previous_token"][prev[0]][prev[1]] for r in rows]),
        "previous_head": np.array(prev),
    }


def phase_change(s: dict[str, np.ndarray]) -> dict[str, Any]:
    """The two checkpoints between which the second copy's loss fell most, and the checkpoint
    where it had fallen halfway from its worst to its last value.

    Example: ``phase_change(series(read_trace()))["second_copy_before"]`` -> about 10 nats
    """
    drops = s["second_copy"][:-1] - s["second_copy"][1:]
    i = int(np.argmax(drops))
    worst = int(np.argmax(s["second_copy"]))
    half = (s["second_copy"][worst] + s["second_copy"][-1]) / 2
    midway = worst + int(np.argmax(s["second_copy"][worst:] <= half))
    return {
        "step_before": int(s["step"][i]),
        "step_after": int(s["step"][i + 1]),
        "second_copy_before": float(s["second_copy"][i]),
        "second_copy_after": float(s["second_copy"][i + 1]),
        "score_before": float(s["induction_score"][i]),
        "score_after": float(s["induction_score"][i + 1]),
        "validation_before": float(s["validation"][i]),
        "validation_after": float(s["validation"][i + 1]),
        "midway_index": midway,
    }


def chart_points(steps: np.ndarray, values: np.ndarray, top: float) -> list[list[float]]:
    """A curve in the chart's unit square: x by step, y from 0 (bottom) to ``top``.

    Example: ``chart_points(np.array([0, 10]), np.array([0.0, 1.0]), 1.0)`` -> [[0, 0], [1, 1]]
    """
    x = steps / steps[-1]
    y = np.clip(values / top, 0.0, 1.0)
    return [[round(float(a), 4), round(float(b), 4)] for a, b in zip(x, y, strict=True)]


def induction_formation(index: Any = None) -> dict[str, Any]:
    """One checkpoint of the run (``index`` into its steps; None: where the second copy's loss
    had fallen halfway), with the curves of the whole run and the heads' scores at that step.

    Example: ``induction_formation(0)["step"]`` -> 0, the untrained model
    """
    trace = read_trace()
    s = series(trace)
    phase = phase_change(s)
    n = len(s["step"])
    i = phase["midway_index"] if index is None else as_int(index, "index", 0, n - 1)
    row = trace["checkpoints"][i]
    top = float(max(s["first_copy"].max(), s["second_copy"].max(), s["validation"].max()))
    ind, prev = trace["induction_head"], s["previous_head"]
    length = trace["length"]
    # the second copy's queries (where copying shows) against every key, as the trace keeps it
    pattern = np.asarray(row["induction_head_attention"])
    induction, previous = np.asarray(row["induction"]), np.asarray(row["previous_token"])
    layers = [f"layer {j}" for j in range(induction.shape[0])]
    heads = [f"head {j}" for j in range(induction.shape[1])]
    return {
        "index": i,
        "count": n,
        "step": int(s["step"][i]),
        "steps": s["step"].tolist(),
        "total_steps": int(s["step"][-1]),
        "loss_top": top,
        "validation": float(s["validation"][i]),
        "first_copy": float(s["first_copy"][i]),
        "second_copy": float(s["second_copy"][i]),
        "induction_head": {"layer": ind["layer"], "head": ind["head"]},
        "previous_head": {"layer": int(prev[0]), "head": int(prev[1])},
        "induction_score": float(s["induction_score"][i]),
        "previous_score": float(s["previous_score"][i]),
        "marker": round(float(s["step"][i] / s["step"][-1]), 4),
        "curves": {
            "validation": chart_points(s["step"], s["validation"], top),
            "second_copy": chart_points(s["step"], s["second_copy"], top),
            "induction_score": chart_points(s["step"], s["induction_score"], 1.0),
            "previous_score": chart_points(s["step"], s["previous_score"], 1.0),
        },
        "induction": induction,
        "previous_token": previous,
        "rows": layers,
        "cols": heads,
        "pattern": pattern,
        "pattern_max": float(pattern.max()),
        "length": length,
        "phase": phase,
        "run": {
            "device": trace["run"]["meta"]["device"],
            "seconds": trace["run"]["training_seconds"],
        },
    }
