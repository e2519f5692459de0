"""Shared helpers for comparing kernels with PyTorch: seeded inputs and a dtype-aware closeness
check (float64 within 1e-6, float32 within 1e-4, and the kernel must keep the dtype)."""

from __future__ import annotations

import numpy as np

DTYPES = [(np.float64, 1e-6), (np.float32, 1e-4)]
SHAPES = [(1, 4), (5, 16), (7, 33)]


def random(shape, seed, dtype=np.float64):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


def close(got, expected, dtype, tolerance):
    assert got.dtype == dtype, f"{got.dtype} should stay {dtype}"
    assert got.shape == expected.shape
    assert np.max(np.abs(got - expected)) < tolerance
