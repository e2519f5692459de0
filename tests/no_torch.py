"""A pytest plugin that hides PyTorch, so the suite runs as it would on a machine without the
optional reference extra: ``python -m pytest -p tests.no_torch tests/kernels``.

Example: with it, ``import torch`` raises ModuleNotFoundError and the ``torch`` fixture skips.
"""

from __future__ import annotations

import importlib.abc
import sys


class HideTorch(importlib.abc.MetaPathFinder):
    """Refuses to find ``torch`` and its submodules."""

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001, ANN201, ARG002
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by tests.no_torch)")
        return None


if "torch" in sys.modules:
    raise RuntimeError("tests.no_torch must load before anything imports torch (use -p)")
sys.meta_path.insert(0, HideTorch())
