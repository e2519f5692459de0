"""A health report of the Python that runs the kernels: NumPy's linear algebra and FFT give the
textbook answers, and the random generators draw fresh numbers.

The browser tests call it after every way of starting Python (plain, byte-compiled, restored
from a memory snapshot). A snapshot freezes the generators' state with the rest of the heap, so
two restores that were not reseeded would draw the same "random" numbers: the draws here let a
test see that they differ.

Leaves out: str hashing's seed, which a running interpreter cannot change (a snapshot keeps the
one it was made with).

Example: ``runtime_check()["solve"]`` -> [2.0, 3.0]
"""

from __future__ import annotations

import random
import sys
from typing import Any

import numpy as np

__kernels__ = ("runtime_check",)


def runtime_check() -> dict[str, Any]:
    """Solve a 2x2 system, transform an impulse, and draw from Python's and NumPy's global
    generators; report the versions.

    Example: ``runtime_check()["rfft"]`` -> [1.0, 1.0, 1.0] (an impulse has a flat spectrum)
    """
    solve = np.linalg.solve(np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([9.0, 8.0]))
    spectrum = np.fft.rfft(np.array([1.0, 0.0, 0.0, 0.0]))
    eigen = np.linalg.eigvalsh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    return {
        "solve": [round(float(v), 12) for v in solve],
        "rfft": [round(float(v), 12) for v in spectrum.real],
        "eigenvalues": [round(float(v), 12) for v in eigen],
        "python_random": random.random(),
        "numpy_random": float(np.random.random()),  # noqa: NPY002 (the global generator is the point)
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "platform": sys.platform,
    }
