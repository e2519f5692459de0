"""Shared argument checks for every kernel: turn JSON-ish input into NumPy arrays or numbers, or
raise a ``ValueError`` whose message starts with the argument's name.

Example: ``as_vector([1, 2], "logits")`` -> array([1., 2.]); ``as_vector([], "logits")`` raises
``ValueError("logits: expected at least 1 value, got 0")``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def as_array(value: Any, name: str, ndim: int, dtype: Any = np.float64) -> np.ndarray:
    """A finite array of exactly ``ndim`` dimensions, none of them empty.

    Example: ``as_array([[1, 2]], "q", 2).shape`` -> (1, 2)
    """
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected numbers in a {ndim}-d array ({exc})") from None
    if array.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-d array, got {array.ndim}-d")
    if array.size == 0:
        raise ValueError(f"{name}: expected at least 1 value, got 0")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name}: every value must be a finite number")
    return array


def as_vector(value: Any, name: str, dtype: Any = np.float64) -> np.ndarray:
    """A finite, non-empty 1-d array. Example: ``as_vector((3, 4), "x")`` -> array([3., 4.])"""
    return as_array(value, name, 1, dtype)


def as_matrix(value: Any, name: str, dtype: Any = np.float64) -> np.ndarray:
    """A finite, non-empty 2-d array. Example: ``as_matrix([[1]], "k").shape`` -> (1, 1)"""
    return as_array(value, name, 2, dtype)


def as_number(value: Any, name: str, low: float = -math.inf, high: float = math.inf) -> float:
    """A finite float within ``[low, high]``.

    Example: ``as_number("0.5", "temperature", 0)`` -> 0.5
    """
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected a number, got a boolean")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    if not low <= number <= high:
        raise ValueError(f"{name}: must be between {low:g} and {high:g}, got {number:g}")
    return number


def as_int(value: Any, name: str, low: int | None = None, high: int | None = None) -> int:
    """An integer within ``[low, high]`` (floats with no fraction are accepted).

    Example: ``as_int(3.0, "k", 1)`` -> 3
    """
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected an integer, got a boolean")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected an integer, got {value!r}") from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    integer = int(number)
    if low is not None and integer < low:
        raise ValueError(f"{name}: must be at least {low}, got {integer}")
    if high is not None and integer > high:
        raise ValueError(f"{name}: must be at most {high}, got {integer}")
    return integer


def parse_value(text: str) -> Any:
    """A value typed as text (a Markdown block's line, a ``--set`` option): JSON when it parses,
    else the text itself, stripped.

    Example: ``parse_value("[1, 2]")`` -> [1, 2]; ``parse_value(" hello ")`` -> 'hello'
    """
    try:
        return json.loads(text)
    except ValueError:
        return text.strip()


def as_flag(value: Any, name: str) -> bool:
    """A true/false argument; a number or a string is refused, naming the argument.

    Example: ``as_flag(False, "ablate")`` -> False
    """
    if not isinstance(value, bool):
        raise ValueError(f"{name}: expected true or false, got {value!r}")
    return value


def as_seed(value: Any, name: str = "seed") -> int:
    """A seed for ``np.random.default_rng``: an integer from 0 to 2**32 - 1.

    Example: ``as_seed(7)`` -> 7
    """
    return as_int(value, name, 0, 2**32 - 1)
