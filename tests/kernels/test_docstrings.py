"""House style, enforced and checked: every public kernel function shows a worked example, every
module says what it leaves out or cites its references, and every example that can run does run
and gives the result its docstring promises (to the digits shown).

An example reads ``Example: ``EXPRESSION`` -> RESULT``. It is run when RESULT is a Python
literal and EXPRESSION uses only the module's own names (``m``, ``s`` stand for objects the
reader builds first, so those examples are read, not run).
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import re
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import pyodide_kernels
from pyodide_kernels.dispatch import kernel_modules

#: Every module of the package: the layers' modules, the model's, the helpers.
MODULES = [
    info.name
    for info in pkgutil.walk_packages(pyodide_kernels.__path__, "pyodide_kernels.")
    if not info.name.endswith("__main__")
]
EXAMPLE = re.compile(r"``(?P<expression>[^`]+?)``\s*->\s*(?P<result>.+?)(?:\n\s*\n|;|$)", re.S)


def public_functions(module: ModuleType) -> list[tuple[str, Any]]:
    """The module's own public functions."""
    return [
        (name, fn)
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_")
    ]


def runnable_example(doc: str) -> tuple[str, Any] | None:
    """(expression, promised value) of a docstring's first example, when it can be run.

    Example: ``runnable_example("Example: ``len([1])`` -> 1")`` -> ('len([1])', 1)
    """
    found = re.search(r"Example[^:]*:(.*)", doc, re.S)
    match = EXAMPLE.search(found.group(1)) if found else None
    if match is None:
        return None
    try:
        promised = ast.literal_eval(match["result"].strip())
        ast.parse(match["expression"], mode="eval")
    except (ValueError, SyntaxError):
        return None
    return match["expression"], promised


def names_of(expression: str) -> set[str]:
    """The free names an expression reads. Example: ``names_of("f(x)[0]")`` -> {'f', 'x'}"""
    return {n.id for n in ast.walk(ast.parse(expression, mode="eval")) if isinstance(n, ast.Name)}


def shown_like(promised: Any, actual: Any) -> bool:
    """Whether ``actual`` is what the docstring shows: a dict shows some of the keys; numbers
    agree to about the three decimals a docstring prints; integers shown as integers exactly.

    Example: ``shown_like({"a": 0.659}, {"a": 0.65900306, "b": 2})`` -> True
    """
    if isinstance(actual, np.ndarray):
        actual = actual.tolist()
    if isinstance(actual, np.generic):
        actual = actual.item()
    if isinstance(promised, dict):
        return isinstance(actual, dict) and all(
            k in actual and shown_like(v, actual[k]) for k, v in promised.items()
        )
    if isinstance(promised, (list, tuple)):
        return (
            isinstance(actual, (list, tuple))
            and len(actual) == len(promised)
            and all(shown_like(p, a) for p, a in zip(promised, actual, strict=True))
        )
    if isinstance(promised, bool) or promised is None or isinstance(promised, str):
        return actual == promised
    if isinstance(promised, int) and isinstance(actual, int) and not isinstance(actual, bool):
        return actual == promised
    if isinstance(promised, (int, float)) and isinstance(actual, (int, float)):
        return abs(actual - promised) <= max(5e-4, 1e-3 * abs(promised))
    return False


@pytest.mark.parametrize("module_name", MODULES)
def test_public_functions_have_a_worked_example(module_name):
    module = importlib.import_module(module_name)
    lacking = [n for n, fn in public_functions(module) if "Example" not in (fn.__doc__ or "")]
    assert not lacking, f"{module_name}: no 'Example:' in {lacking}"
    assert module.__doc__, f"{module_name} says nothing of what it is"


@pytest.mark.parametrize("module_name", kernel_modules())
def test_kernel_modules_cite_their_references_or_say_what_they_leave_out(module_name):
    doc = importlib.import_module(module_name).__doc__
    assert "Leaves out" in doc or "References" in doc


@pytest.mark.parametrize("module_name", MODULES)
def test_every_runnable_example_gives_what_it_promises(module_name):
    module = importlib.import_module(module_name)
    namespace = {"np": np, **vars(module)}
    wrong = []
    for name, fn in public_functions(module):
        example = runnable_example(fn.__doc__ or "")
        if example is None:
            continue
        expression, promised = example
        if not names_of(expression) <= set(namespace) | set(dir(builtins)):
            continue  # it names an object the reader makes first (m, s, …)
        actual = eval(expression, namespace)  # noqa: S307 (our own docstrings)
        if not shown_like(promised, actual):
            wrong.append(f"{name}: {expression} -> {actual!r}, the docstring says {promised!r}")
    assert not wrong, "\n".join(wrong)


def test_most_examples_run():
    """A guard on the guard: the examples the test above runs are most of them, not a few."""
    ran = total = 0
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for _, fn in public_functions(module):
            total += 1
            ran += runnable_example(fn.__doc__ or "") is not None
    assert ran >= 0.5 * total, f"only {ran} of {total} examples can be run"
