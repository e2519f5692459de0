"""Call any kernel by name with JSON arguments: the one door used by the build, the CLI and the
browser worker, so all three compute the same thing.

Every kernel module lists its public entry points in ``__kernels__``; this module finds them in
the packages named in ``LAYERS`` (and ``EXTRA``), so a new kernel module needs no list.
Arguments arrive as a JSON object (keyword arguments); results leave as JSON, with NumPy arrays
turned into nested lists and non-finite floats written as the strings ``"Infinity"``,
``"-Infinity"`` and ``"NaN"`` (JSON has no spelling for them; JavaScript's ``Number()`` reads
those strings back).

Example:
    call("softmax", {"logits": [2.0, 1.0, 0.1]})["probs"][0] -> 0.659...
"""

from __future__ import annotations

import importlib
import json
import math
import pkgutil
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

#: The layers, in the order they build on each other; every module of these packages that lists
#: ``__kernels__`` joins the dispatch (nothing else names them). Inside a layer, a module may use
#: only the layers before it (tests/kernels/test_layers.py holds that).
LAYERS: tuple[str, ...] = ("maths", "model", "on_model", "labs")
#: Modules outside the layers that answer kernels too: the runtime's own health check, and the
#: reader's edited version of any kernel (the code panel).
EXTRA: tuple[str, ...] = ("runtime_check", "edited")


def kernel_modules() -> list[str]:
    """Every kernel module's full name, layer by layer, then the extras, sorted inside each.

    Example: ``kernel_modules()[0]`` -> 'pyodide_kernels.maths.attention'
    """
    names = []
    for layer in LAYERS:
        package = importlib.import_module(f"{__package__}.{layer}")
        found = pkgutil.iter_modules(package.__path__, prefix=f"{package.__name__}.")
        names += sorted(info.name for info in found if not info.name.endswith("__main__"))
    names += [f"{__package__}.{name}" for name in EXTRA]
    return [name for name in names if hasattr(importlib.import_module(name), "__kernels__")]


@lru_cache(maxsize=1)
def kernel_table() -> dict[str, Callable[..., Any]]:
    """Map every kernel name to its function, gathered from ``kernel_modules()``.

    Example: ``"softmax" in kernel_table()`` -> True
    """
    table: dict[str, Callable[..., Any]] = {}
    for module_name in kernel_modules():
        module = importlib.import_module(module_name)
        for name in module.__kernels__:
            if name in table:
                raise RuntimeError(f"kernel {name!r} is defined twice ({module_name})")
            table[name] = getattr(module, name)
    return table


def kernel_names() -> list[str]:
    """Sorted names of every kernel. Example: ``kernel_names()[:1]`` -> ['activation_curves']"""
    return sorted(kernel_table())


def shortest_decimals(values: np.ndarray) -> np.ndarray:
    """float32 numbers as the shortest decimals that read back as the same float32 (other dtypes
    as they are). ``tolist()`` would write each float32 as the float64 it equals, with twice the
    digits (0.1 → 0.10000000149011612): a page's state would carry noise digits, losslessly.

    Example: ``shortest_decimals(np.float32([0.1])).tolist()`` -> [0.1]
    """
    if values.dtype != np.float32:
        return values
    return values.astype(str).astype(np.float64)


def jsonable(value: Any) -> Any:
    """Turn a kernel result into plain JSON data.

    Example: ``jsonable({"x": np.array([1.0, -np.inf])})`` -> {'x': [1.0, '-Infinity']}
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(shortest_decimals(value).tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        number = (
            float(shortest_decimals(np.asarray(value)))
            if isinstance(value, np.float32)
            else float(value)
        )
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        return number
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"a kernel returned {type(value).__name__}, which JSON cannot hold")


def call(name: str, args: dict[str, Any] | None = None) -> Any:
    """Run kernel ``name`` with keyword ``args`` and return its result as JSON data.

    Raises ``KeyError`` for an unknown kernel and whatever the kernel raises (a ``ValueError``
    naming the argument, for bad input).

    Example: ``call("softmax", {"logits": [0, 0]})["probs"]`` -> [0.5, 0.5]
    """
    table = kernel_table()
    if name not in table:
        raise KeyError(f"unknown kernel {name!r}; known: {', '.join(sorted(table))}")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ValueError("args: expected a JSON object of keyword arguments")
    return jsonable(table[name](**args))


def call_json(name: str, args_json: str) -> str:
    """Run a kernel from JSON text and answer JSON text: ``{"result": ...}`` or ``{"error": ...}``.

    This is what the browser worker and the command line call; errors come back as data, never
    as an exception (a missing data file included).

    Example: ``call_json("softmax", '{"logits": []}')`` -> an error as data: {"error": {"type":
    "ValueError", "message": "logits: expected at least 1 value, got 0"}}
    """
    try:
        try:
            args = json.loads(args_json) if args_json else {}
        except ValueError:
            raise ValueError("args: not valid JSON") from None
        return json.dumps({"result": call(name, args)}, allow_nan=False)
    except (ValueError, TypeError, KeyError, OverflowError, OSError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return json.dumps({"error": {"type": type(exc).__name__, "message": str(message)}})
