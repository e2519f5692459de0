"""Where kernels find their data files (model weights, tokenizer ranks): one resolver for CPython
and Pyodide, so no other kernel touches the file system.

Data files are named by their path relative to the repository root, e.g. ``traces/model.npz``.
In CPython they are read from the checkout; in the browser the worker fetches each declared file
from the site and writes it under ``HLW_DATA_ROOT`` (``DATA_ROOT`` in static/python/messages.js)
at the same relative path.

Example: ``data_path("traces/model.npz")`` -> PosixPath('/work/main/traces/model.npz')
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that overrides the data root (the browser worker sets it).
DATA_ROOT_VARIABLE = "HLW_DATA_ROOT"


def data_root() -> Path:
    """The folder that data paths are relative to: ``$HLW_DATA_ROOT`` or the repository root.

    Example: ``data_root() / "traces"`` -> the checkout's traces/ folder
    """
    configured = os.environ.get(DATA_ROOT_VARIABLE)
    return Path(configured) if configured else Path(__file__).resolve().parent.parent


def data_path(relative: str) -> Path:
    """The absolute path of a data file; ``FileNotFoundError`` names it when it is absent.

    Example: ``data_path("traces/model.json").name`` -> 'model.json'
    """
    path = data_root() / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"data file {relative!r} is missing (looked in {data_root()}; "
            f"set {DATA_ROOT_VARIABLE} to a checkout of the project)"
        )
    return path
