"""Metadata every trace carries: what produced it, where, when, from which revision.

Example: ``trace_metadata("matmul", device="cpu", dtype="float32", seed=0)["schema"]`` -> 1
"""

from __future__ import annotations

import datetime
import platform
from pathlib import Path
from typing import Any

from sitebuild.files import git_revision

SCHEMA_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent


def cpu_name() -> str:
    """The processor's model name from /proc/cpuinfo, else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "cpu"


def trace_metadata(kind: str, device: str, dtype: str, seed: int, **extra: Any) -> dict[str, Any]:
    """The header of a trace file."""
    import torch

    name = torch.cuda.get_device_name(0) if device == "cuda" else cpu_name()
    return {
        "schema": SCHEMA_VERSION,
        "kind": kind,
        "device": device,
        "device_name": name,
        "dtype": dtype,
        "torch": torch.__version__,
        "seed": seed,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_revision": git_revision(ROOT),
        "threads": torch.get_num_threads(),
        **extra,
    }
