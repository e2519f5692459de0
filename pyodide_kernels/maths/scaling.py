"""Compute-optimal training (Hoffmann et al. 2022, "Chinchilla"): for a fixed budget of
training compute, parameters and tokens should grow together, about 20 tokens per parameter.

    training compute  C ≈ 6 · N · D      (N parameters, D tokens; 2 for the forward pass,
                                          4 for the backward pass, per parameter per token)
    compute-optimal   D ≈ 20 · N   ⇒     N = √(C / 120),  D = 20 · N

(Seed 004 writes the ratio as "20 parameters per token"; its own numbers, such as 70 billion
parameters on 1.4 trillion tokens, follow 20 tokens per parameter.) Leaves out: the fitted loss
law itself, and inference cost, which pushes real models to train on far more tokens.
"""

from __future__ import annotations

import math
from typing import Any

from .._validate import as_number

__kernels__ = ("chinchilla",)

FLOPS_PER_PARAMETER_TOKEN = 6


def chinchilla(
    compute: Any = None, parameters: Any = 70e9, tokens_per_parameter: Any = 20.0,
    flops_per_second: Any = 4e14, utilisation: Any = 0.4,
) -> dict[str, Any]:  # fmt: skip
    """Size a compute-optimal run from a compute budget (FLOPs; wins when given) or from a
    parameter count, and how long it takes on accelerators of a given speed and utilisation.

    Example: ``chinchilla(parameters=70e9)["tokens"]`` -> 1.4e12
    """
    ratio = as_number(tokens_per_parameter, "tokens_per_parameter", 0.1, 10_000)
    if compute is None and parameters is None:
        raise ValueError("compute: give either a compute budget or a parameter count")
    if compute is None:
        n = as_number(parameters, "parameters", 1, 1e15)
        c = FLOPS_PER_PARAMETER_TOKEN * n * ratio * n
    else:
        c = as_number(compute, "compute", 1, 1e32)
        n = math.sqrt(c / (FLOPS_PER_PARAMETER_TOKEN * ratio))
    speed = as_number(flops_per_second, "flops_per_second", 1, 1e20)
    used = as_number(utilisation, "utilisation", 0.01, 1)
    seconds = c / (speed * used)
    return {"parameters": n, "tokens": ratio * n, "compute": c, "tokens_per_parameter": ratio,
            "accelerator_seconds": seconds, "accelerator_days": seconds / 86400}  # fmt: skip
