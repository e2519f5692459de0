"""Inference on hardware, for the inference chapter: the KV cache's saving in work and its
cost in memory (with recorded and live timings of the real model), a matrix product done row by
row or many rows at once (with recorded throughputs), and five generations of datacenter GPUs.

Reads ``traces/kvcache_*.json`` and ``traces/matmul_*.json`` (recorded by reference/bench.py
and reference/matmul_trace.py) and ``data/gpus.json`` (NVIDIA's published figures, each with
its source). Leaves out: batching, which is how servers actually fill a GPU.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import Any

from .._assets import data_path
from .._validate import as_int
from ..maths.costs import kv_cache_costs, matmul_schedule
from ..model import Model, check_prompt, generate_ids, load, load_named
from .real_models import full_window_cache, published_model, site_model_shape

__kernels__ = ("kv_cache_story", "time_generation", "matmul_story", "gpu_specs")

DEVICES = {"cpu": "this project's 2-core CPU", "cuda": "an H100 GPU"}


@lru_cache(maxsize=8)
def read_trace(name: str) -> dict[str, Any]:
    """One recorded trace file under traces/. Example: ``read_trace("kvcache_cpu")["rows"][0]``"""
    return json.loads(data_path(f"traces/{name}.json").read_text())


def recorded_kv_timings() -> list[dict[str, Any]]:
    """Tokens/s with and without a cache, by sequence length, for each recorded device.

    Example: ``recorded_kv_timings()[0]["device"]`` -> 'cpu'
    """
    out = []
    for device in DEVICES:
        trace = read_trace(f"kvcache_{device}")
        rows = {(r["length"], r["kv_cache"]): r["tokens_per_second"] for r in trace["rows"]}
        for length in sorted({length for length, _ in rows}):
            out.append({"device": device, "device_name": trace["meta"]["device_name"],
                        "length": length, "without": rows[(length, False)],
                        "with": rows[(length, True)]})  # fmt: skip
    return out


def time_generation(
    prompt: Any = "ROMEO:", new_tokens: Any = 32, use_cache: bool = True, model: Any = "gpt2"
) -> dict:
    """Greedy generation by a shipped model, timed where it runs (CPython at build time, the
    browser live).

    Example: ``time_generation("ROMEO:", 4)["tokens"]`` -> 4
    """
    m = load_named(model)
    ids = check_prompt(prompt, m, room=1)
    n = as_int(new_tokens, "new_tokens", 1, 200)
    n = min(n, m.n_ctx - len(ids))
    started = time.perf_counter()
    new = generate_ids(m, ids, n, use_cache=use_cache is True)
    seconds = time.perf_counter() - started
    return {"tokens": n, "seconds": seconds, "tokens_per_second": n / seconds,
            "use_cache": use_cache is True, "text": m.decode(new)}  # fmt: skip


def kv_cache_story(
    prompt: Any = 6, new_tokens: Any = 10, measure: bool = False, timed_tokens: Any = 48
) -> dict[str, Any]:
    """The animation's numbers: work per decode step with and without a cache for the real
    model's sizes, the cache's bytes, the recorded timings, and (``measure``) a live timing.

    Example: ``kv_cache_story(2, 3)["costs"]["with_cache"]`` -> MACs of 3 cached steps
    """
    m = load()
    costs = kv_cache_costs(
        prompt, new_tokens, m.d, m.n_layer, m.w["wte.weight"].itemsize, m.config.n_inner
    )
    result: dict[str, Any] = {
        "prompt": int(costs["lengths"][0] - 1),
        "costs": costs,
        "saving": costs["total_without"] / costs["total_with"],
        "recorded": recorded_kv_timings(),
        "model": {"d": m.d, "layers": m.n_layer},
        "cache_sizes": cache_sizes(m),
    }
    if measure is True:
        text = "KING HENRY:\nNow, lords, for France!"
        result["live"] = {
            "with": time_generation(text, timed_tokens, True),
            "without": time_generation(text, timed_tokens, False),
        }
        result["live"]["speedup"] = (
            result["live"]["with"]["tokens_per_second"]
            / result["live"]["without"]["tokens_per_second"]
        )
    return result


def cache_sizes(model: Model) -> dict[str, Any]:
    """A full window's KV cache for this model (float32, as it runs here) and for Llama 3 8B
    (bfloat16, its published shape in data/models.json).

    Example: ``cache_sizes(load())["this model"]["bytes"]["MHA"]`` -> 524288 (512 KiB)
    """
    ours = full_window_cache(site_model_shape(), model.w["wte.weight"].itemsize)
    return {"this model": ours, "Llama 3 8B": full_window_cache(published_model("Llama 3 8B"), 2)}


def best_rate(name: str, dtype: str) -> dict[str, Any]:
    """The highest recorded GFLOP/s of one trace for one dtype, with its matrix size, the device
    and the threads it ran on (from the trace's metadata).

    Example: ``best_rate("matmul_cpu", "float32")["gflops"]`` -> about 170 on this machine
    """
    trace = read_trace(name)
    rows = [r for r in trace["rows"] if r["dtype"] == dtype]
    best = max(rows, key=lambda r: r["gflops"])
    meta = trace["meta"]
    return {
        "gflops": best["gflops"],
        "n": best["n"],
        "device_name": meta["device_name"],
        "threads": meta["threads"],
    }


def matmul_story(rows: Any = 12, lanes: Any = 4) -> dict[str, Any]:
    """Ticks of a (rows × rows) product on one lane and on ``lanes`` lanes, and the measured
    throughputs of a CPU and an H100 on large products.

    Example: ``matmul_story(8, 4)["schedule"]["gpu_ticks"]`` -> 2
    """
    r = as_int(rows, "rows", 1, 64)
    schedule = matmul_schedule(r, r, r, lanes)
    cpu = best_rate("matmul_cpu", "float32")
    gpu32 = best_rate("matmul_cuda", "float32")
    gpu16 = best_rate("matmul_cuda", "bfloat16")
    return {
        "schedule": schedule,
        "rows": r,
        "cpu": cpu,
        "gpu_fp32": gpu32,
        "gpu_bf16": gpu16,
        "ratio_fp32": gpu32["gflops"] / cpu["gflops"],
        "ratio_bf16": gpu16["gflops"] / cpu["gflops"],
    }


def gpu_specs() -> dict[str, Any]:
    """Published specifications of five datacenter GPUs, with their sources, the growth from
    the first to the last, and our own measured H100 bf16 throughput beside its datasheet.

    Example: ``gpu_specs()["gpus"][0]["name"]`` -> 'V100'
    """
    table = json.loads(data_path("data/gpus.json").read_text())
    gpus = table["gpus"]
    for gpu in gpus:
        for key in ("tflops_16bit", "memory_gb", "bandwidth_tbs"):
            if not isinstance(gpu[key], (int, float)) or gpu[key] <= 0:
                raise ValueError(f"data/gpus.json: {gpu['name']}.{key} must be a positive number")
        if not gpu["source"]["url"].startswith("https://"):
            raise ValueError(f"data/gpus.json: {gpu['name']} needs a source URL")
    first, last = gpus[0], gpus[-1]
    measured = best_rate("matmul_cuda", "bfloat16")
    h100 = next(g for g in gpus if g["name"] == "H100")
    return {
        "gpus": gpus,
        "note": table["note"],
        "growth": {k: last[k] / first[k] for k in ("tflops_16bit", "memory_gb", "bandwidth_tbs")},
        "measured": {
            "name": "H100 (measured here)",
            "tflops_16bit": measured["gflops"] / 1000,
            "n": measured["n"],
            "share_of_datasheet": measured["gflops"] / 1000 / h100["tflops_16bit"],
        },  # fmt: skip
    }
