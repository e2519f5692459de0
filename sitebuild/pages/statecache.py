"""Kernel results the build has already computed, kept across builds in ``.cache/``.

Every widget's build-time state and every exercise's answer is a kernel call in CPython; the
same call appears on a chapter and on the widget's embed page, and again on every rebuild. The
cache keys each result by the kernel, its arguments and a fingerprint of everything a kernel can
read (the ``pyodide_kernels`` sources and the data files in ``traces/`` and ``data/``), so an
edit to any of them recomputes everything and nothing stale is ever served.

Example: ``StateCache.open(Path(".cache"), Path(".")).call("softmax", {"logits": [0, 0]})``
-> {"probs": [0.5, 0.5], …}
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyodide_kernels.dispatch import call

from ..files import sweep

INPUTS = ("pyodide_kernels", "traces", "data")


def fingerprint(root: Path) -> str:
    """sha256 over the path, size and modification time of every kernel input (fast; an edit
    changes the time). Example: ``fingerprint(Path("."))`` -> '3f2a…' (16 hex digits)"""
    digest = hashlib.sha256()
    for folder in INPUTS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()[:16]


@dataclass
class StateCache:
    """Results of one fingerprint, read from and written back to one JSON file."""

    path: Path | None
    results: dict[str, Any] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def open(cls, cache_dir: Path, root: Path) -> StateCache:
        """The cache for the current inputs (older fingerprints are dropped on save)."""
        path = cache_dir / "kernel-results" / f"{fingerprint(root)}.json"
        try:
            return cls(path, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return cls(path)

    def call(self, kernel: str, args: dict[str, Any]) -> Any:
        """The kernel's result for these arguments, computed once."""
        key = json.dumps([kernel, args], sort_keys=True)
        if key not in self.results:
            self.results[key] = call(kernel, args)
            self.changed = True
        return self.results[key]

    def save(self) -> None:
        """Write the results if new ones were computed, and remove other fingerprints' files."""
        if self.path is None or not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        sweep(self.path.parent, keep={self.path.name}, pattern="*.json")
        # subtle: written whole, then renamed, so a build running beside this one (make serve and
        # the tests, two test workers) never reads half a file
        partial = self.path.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps(self.results), encoding="utf-8")
        os.replace(partial, self.path)
