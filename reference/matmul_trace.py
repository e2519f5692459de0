"""Record matrix-multiply throughput with PyTorch: the numbers behind the CPU-vs-GPU chapter.

For square products of growing size, times the median of several runs after warm-ups and
reports GFLOP/s (2·n³ floating-point operations per product). CPU always; CUDA when present
(float32 and bfloat16). Writes traces/matmul_<device>.json.

Usage: python -m reference.matmul_trace [--device cpu|cuda] [--sizes 64 128 …]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from .meta import ROOT, trace_metadata

DEFAULT_SIZES = (64, 128, 256, 512, 1024, 2048)
GPU_SIZES = (*DEFAULT_SIZES, 4096, 8192)


def time_matmul(n: int, device: str, dtype: torch.dtype, repeats: int = 5) -> float:
    """Median seconds for one n×n by n×n product."""
    generator = torch.Generator(device="cpu").manual_seed(n)
    a = torch.randn(n, n, generator=generator).to(device=device, dtype=dtype)
    b = torch.randn(n, n, generator=generator).to(device=device, dtype=dtype)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for _ in range(2):
        a @ b
    sync()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        sync()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def record(device: str, sizes: tuple[int, ...], dtypes: tuple[str, ...]) -> dict:
    """The trace: for each dtype and size, seconds and GFLOP/s."""
    rows = []
    for dtype_name in dtypes:
        dtype = getattr(torch, dtype_name)
        for n in sizes:
            seconds = time_matmul(n, device, dtype)
            rows.append(
                {
                    "n": n,
                    "dtype": dtype_name,
                    "seconds": seconds,
                    "gflops": 2 * n**3 / seconds / 1e9,
                }
            )
    return {
        "meta": trace_metadata(
            "matmul_throughput",
            device,
            ",".join(dtypes),
            seed=0,
            note="median of 5 timed products after 2 warm-ups",
        ),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--sizes", type=int, nargs="*")
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args(argv)
    on_gpu = options.device == "cuda"
    sizes = tuple(options.sizes or (GPU_SIZES if on_gpu else DEFAULT_SIZES))
    dtypes = ("float32", "bfloat16") if on_gpu else ("float32",)
    trace = record(options.device, sizes, dtypes)
    out = options.out or ROOT / "traces" / f"matmul_{options.device}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(trace, indent=1) + "\n")
    for row in trace["rows"]:
        print(f"{options.device} {row['dtype']:>8} n={row['n']:>5}: {row['gflops']:10.1f} GFLOP/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
