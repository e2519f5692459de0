"""House style, enforced: every public kernel function shows a worked example, and every kernel
module says what it leaves out or cites its references."""

from __future__ import annotations

import importlib
import inspect

import pytest

from pyodide_kernels.dispatch import MODULES


@pytest.mark.parametrize("module_name", MODULES)
def test_public_functions_have_a_worked_example(module_name):
    module = importlib.import_module(f"pyodide_kernels.{module_name}")
    lacking = [
        name
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__
        and not name.startswith("_")
        and "Example" not in (fn.__doc__ or "")
    ]
    assert not lacking, f"{module_name}: no 'Example:' in {lacking}"
    assert "Leaves out" in module.__doc__ or "References" in module.__doc__
