"""Tokens per second of the small GPT, with and without a KV cache, for the NumPy kernel in
CPython and for PyTorch on CPU, in one run (a script, not a test).

Each figure decodes ``--tokens`` greedy tokens after a short prompt (best of ``--repeats``);
"without cache" recomputes the whole window for every new token. PyTorch uses 2 threads (the
development machine's cores). Usage: ``python -m reference.bench [--tokens 100]``.

Example: ``python -m reference.bench`` -> a table of four tokens/s figures
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from pyodide_kernels.model import generate_ids, load

from .meta import ROOT, cpu_name
from .traces import cached_step, load_model

PROMPT = "ROMEO:\nBut soft, what light through yonder window breaks?"


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="tokens/s of the small GPT")
    parser.add_argument("--tokens", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    model = load()
    ids = model.encode(PROMPT)
    n = args.tokens
    rows = {}
    for cached in (True, False):
        seconds = best_of(args.repeats, lambda c=cached: generate_ids(model, ids, n, use_cache=c))
        rows[f"numpy {'with' if cached else 'without'} KV cache"] = n / seconds
    reference, _ = load_model(ROOT / "traces", "cpu")

    @torch.no_grad()
    def torch_decode(cached: bool) -> None:
        context = list(ids)
        if cached:
            cache: list = [None] * reference.config.n_layer
            for pos, token in enumerate(context[:-1]):
                cached_step(reference, token, cache, pos)
            for _ in range(n):
                logits = cached_step(reference, context[-1], cache, len(context) - 1)
                context.append(int(logits.argmax()))
                if len(context) >= reference.config.n_ctx:
                    break  # the cache fills the window; keep the figure honest
        else:
            for _ in range(n):
                window = torch.tensor([context[-reference.config.n_ctx :]])
                context.append(int(reference(window)[0, -1].argmax()))

    for cached in (True, False):
        seconds = best_of(args.repeats, lambda c=cached: torch_decode(c))
        done = min(n, reference.config.n_ctx - len(ids)) if cached else n
        rows[f"torch cpu {'with' if cached else 'without'} KV cache"] = done / seconds
    print(
        f"{n} greedy tokens after a {len(ids)}-token prompt on {cpu_name()}, "
        f"numpy {np.__version__}, torch {torch.__version__}"
    )
    for name, rate in rows.items():
        print(f"{name:30s} {rate:8.0f} tokens/s")


if __name__ == "__main__":
    main()
