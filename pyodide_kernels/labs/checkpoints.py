"""The model at a step of training: the labs run on the shipped model or on one of the
checkpoints a rerun of its recipe saved (``reference.train --checkpoints``), whose weights ship
under traces/checkpoints/ for the steps in ``SHIPPED``: before the induction head formed, while
it formed, and at the end.

References: reference/checkpoints.py (which copies these steps' weights and measures every
checkpoint with PyTorch). Leaves out: the other checkpoints' weights (only their measurements
ship, in traces/checkpoints_cpu.json).

Example: ``checkpoint_model(None)`` is ``load()``; ``checkpoint_model(SHIPPED[0]).n_layer`` -> 4
"""

from __future__ import annotations

from typing import Any

from ..model import Model
from ..model.weights import load

#: The steps whose weights ship (reference.checkpoints copies exactly these).
SHIPPED = (1000, 2000, 4400)
WEIGHTS = "traces/checkpoints/step-{:05d}.npz"


def checkpoint_path(step: int) -> str:
    """The data file of one shipped checkpoint. Example: ``checkpoint_path(1000)`` ->
    'traces/checkpoints/step-01000.npz'"""
    return WEIGHTS.format(step)


def checkpoint_model(step: Any) -> Model:
    """The shipped model (``None``) or the run's model after ``step`` steps of training.

    Example: ``checkpoint_model(3)`` raises "checkpoint: one of 1000, 2000, 4400, or none for
    the shipped model"
    """
    if step is None:
        return load()
    if isinstance(step, bool) or not isinstance(step, int) or step not in SHIPPED:
        steps = ", ".join(map(str, SHIPPED))
        raise ValueError(f"checkpoint: one of {steps}, or none for the shipped model")
    return load(checkpoint_path(step))
