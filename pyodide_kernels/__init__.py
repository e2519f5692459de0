"""The project's maths, pure NumPy: the same code runs in CPython (build, tests, CLI) and in the
reader's browser under Pyodide. Call any kernel by name through ``dispatch.call``; see
``python -m pyodide_kernels --list``."""

from .dispatch import call, call_json, kernel_names

__all__ = ["call", "call_json", "kernel_names"]
