"""Static against continuous batching: a step-by-step simulation of a server with ``slots``
batch slots, decoding requests one token per step each.

Each request has an arrival step, a prompt and a number of output tokens. Requests wait in a
first-come-first-served queue. At each step the free slots may take waiting requests:

- *static*: only when every slot is free (the whole batch has finished) does a new batch start,
  with as many waiting requests as fit (up to ``slots``, fewer if fewer wait). No one joins a
  running batch, so a batch lasts as long as its longest member.
- *continuous* (iteration-level, Orca; vLLM): any free slot takes the next waiting request at
  the next step, the lowest-numbered free slot first.

A request that joins at step s has its whole prompt processed in that step (prefill), which also
gives its first output token; each later step gives one more. A request of o output tokens holds
its slot for steps s … s + o − 1. Time to first token is counted to the end of step s; latency to
the end of its last step, both from the start of its arrival step.

A step's cost is the chapter's roofline: the weights are read once per step however many
sequences share it, so

    step seconds = max(weight bytes / bandwidth, 2 · parameters · tokens / peak FLOP/s)

where tokens is what the step processes (1 per decoding sequence, the whole prompt for one that
joins). Decoding a few sequences is memory-bound: the step costs the same for 1 sequence as for
4, until about ``ridge_tokens`` = bytes per parameter · peak / (2 · bandwidth) tokens share it.
A step with no one running still costs one read of the weights (the clock's tick). The defaults
are an 8B-parameter model in 16-bit numbers on an H100 (data/gpus.json).

References: Yu et al. (2022), "Orca: A Distributed Serving System for Transformer-Based
Generative Models" (iteration-level scheduling); Kwon et al. (2023), "Efficient Memory
Management for Large Language Model Serving with PagedAttention" (vLLM). Leaves out: the KV
cache's memory (its reads per step, and the limit it puts on how many sequences fit), chunked
prefill, preemption, timeouts that make static batching wait for a fuller batch, the time
between a request's arrival and its step (arrivals are counted in steps), several GPUs.

Example: ``batching(requests=[[0, 1, 1], [0, 1, 3], [0, 1, 2]], slots=2)["speedup_steps"]``
-> 1.667 (static takes 3 + 2 = 5 steps, continuous 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_matrix, as_number, as_seed

__kernels__ = ("batching",)

POLICIES = ("static", "continuous")
MAX_REQUESTS, MAX_SLOTS, MAX_OUTPUT, MAX_ARRIVAL, MAX_PROMPT = 64, 32, 256, 1000, 8192


def make_requests(
    count: int, seed: int, mean_output: float, max_output: int, mean_prompt: int, gap: float
) -> np.ndarray:
    """(count, 3) rows of [arrival step, prompt tokens, output tokens], drawn from ``seed``:
    outputs geometric with mean ``mean_output`` (cut at ``max_output``), prompts uniform within
    half of ``mean_prompt`` either side, arrivals a Poisson stream ``gap`` steps apart on average
    (the first at step 0; gap 0: all at once).

    Example: ``make_requests(2, 0, 1, 1, 1, 0).tolist()`` -> [[0, 1, 1], [0, 1, 1]]
    """
    rng = np.random.default_rng(seed)
    output = np.minimum(rng.geometric(1 / mean_output, count), max_output)  # (n,)
    low, high = max(1, mean_prompt // 2), mean_prompt + mean_prompt // 2
    prompt = rng.integers(low, high + 1, count)  # (n,)
    arrival = np.floor(np.concatenate([[0.0], np.cumsum(rng.exponential(gap, count - 1))]))
    return np.stack([arrival.astype(np.int64), prompt, output], axis=1)  # (n, 3)


def check_requests(value: Any) -> np.ndarray:
    """Given requests as an integer (n, 3) array of [arrival, prompt, output] rows, or a
    ValueError naming what is wrong.

    Example: ``check_requests([[0, 4, 2]]).tolist()`` -> [[0, 4, 2]]
    """
    rows = as_matrix(value, "requests")
    if rows.shape[1] != 3:
        raise ValueError("requests: expected rows of [arrival step, prompt tokens, output tokens]")
    if rows.shape[0] > MAX_REQUESTS:
        raise ValueError(f"requests: at most {MAX_REQUESTS} requests, got {rows.shape[0]}")
    if np.any(rows != np.round(rows)):
        raise ValueError("requests: arrival, prompt and output must be whole numbers")
    limits = {"arrival step": (0, MAX_ARRIVAL), "prompt tokens": (1, MAX_PROMPT),
              "output tokens": (1, MAX_OUTPUT)}  # fmt: skip
    for column, (name, (low, high)) in zip(rows.T, limits.items(), strict=True):
        if column.min() < low or column.max() > high:
            raise ValueError(f"requests: {name} must be from {low} to {high}")
    return rows.astype(np.int64)


def simulate(requests: np.ndarray, slots: int, policy: str) -> np.ndarray:
    """The (slots, steps) occupancy grid: which request holds each slot at each step, −1 for an
    empty slot. The queue is first come, first served (ties by request id); the run ends at the
    step the last request finishes.

    Example: ``simulate(np.array([[0, 1, 1], [0, 1, 3], [0, 1, 2]]), 2, "static").tolist()``
    -> [[0, -1, -1, 2, 2], [1, 1, 1, -1, -1]]
    """
    arrival, output = requests[:, 0], requests[:, 2]
    queue = sorted(range(len(requests)), key=lambda i: (arrival[i], i))
    holder = np.full(slots, -1)  # (slots,) request in each slot
    left = np.zeros(slots, dtype=np.int64)  # (slots,) tokens it still has to produce
    columns: list[np.ndarray] = []
    step = 0
    while queue or np.any(holder >= 0):
        if policy == "continuous" or np.all(holder < 0):
            for slot in np.flatnonzero(holder < 0):
                if queue and arrival[queue[0]] <= step:
                    holder[slot] = queue.pop(0)
                    left[slot] = output[holder[slot]]
        columns.append(holder.copy())
        left[holder >= 0] -= 1
        holder[left == 0] = -1
        step += 1
    return np.stack(columns, axis=1)  # (slots, steps)


def joins_and_finishes(grid: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(join step, last step) of every request, read off the grid.

    Example (request 0 holds steps 0 and 1, request 1 step 2):
    ``[a.tolist() for a in joins_and_finishes(np.array([[0, 0, 1]]), 2)]`` -> [[0, 2], [1, 2]]
    """
    steps = np.broadcast_to(np.arange(grid.shape[1]), grid.shape)  # (slots, steps)
    join = np.array([steps[grid == i].min() for i in range(count)])  # (n,)
    finish = np.array([steps[grid == i].max() for i in range(count)])  # (n,)
    return join, finish


def step_tokens(grid: np.ndarray, requests: np.ndarray) -> np.ndarray:
    """Tokens each step processes: a request's whole prompt at the step it joins, then 1 a step.

    Example: ``step_tokens(np.array([[0, 0], [-1, 1]]), np.array([[0, 5, 2], [0, 3, 1]])).tolist()``
    -> [5, 4]
    """
    join, _ = joins_and_finishes(grid, len(requests))
    steps = np.arange(grid.shape[1])  # (steps,)
    held = grid >= 0  # (slots, steps)
    ids = np.where(held, grid, 0)  # (slots, steps)
    joining = held & (join[ids] == steps)
    per_cell = np.where(joining, requests[ids, 1], held.astype(np.int64))  # (slots, steps)
    return per_cell.sum(axis=0)  # (steps,)


def step_seconds(
    tokens: np.ndarray, params: float, bytes_per_param: float, bandwidth: float, peak: float
) -> np.ndarray:
    """Roofline time of each step: reading the weights once, or the FLOPs of its tokens
    (2 per parameter per token), whichever takes longer. ``bandwidth`` in bytes/s, ``peak`` in
    FLOP/s.

    Example: ``step_seconds(np.array([1, 300]), 1e9, 2, 1e12, 1e14).tolist()`` -> [0.002, 0.006]
    """
    memory = params * bytes_per_param / bandwidth
    compute = 2 * params * tokens / peak  # (steps,)
    return np.maximum(memory, compute)


def percentiles(values: np.ndarray) -> dict[str, float]:
    """Mean, median and 90th percentile (NumPy's linear interpolation).

    Example: ``percentiles(np.array([1.0, 2.0, 3.0]))`` -> {"mean": 2.0, "p50": 2.0, "p90": 2.8}
    """
    p50, p90 = np.percentile(values, [50, 90])
    return {"mean": float(values.mean()), "p50": float(p50), "p90": float(p90)}


def summarise(grid: np.ndarray, requests: np.ndarray, seconds: np.ndarray) -> dict[str, Any]:
    """A policy's schedule and its measures: steps, simulated seconds, output tokens per
    second, latency and time to first token per request (in steps and seconds) with their mean,
    p50 and p90 in seconds, and the share of slot-steps that produced a token.

    Example: ``summarise(np.array([[0, 0]]), np.array([[0, 1, 2]]), np.ones(2))["throughput"]``
    -> 1.0
    """
    join, finish = joins_and_finishes(grid, len(requests))
    arrival = requests[:, 0]
    end = np.cumsum(seconds)  # (steps,) clock at the end of each step
    start = end - seconds  # (steps,)
    latency, ttft = end[finish] - start[arrival], end[join] - start[arrival]  # (n,)
    busy = int(np.sum(grid >= 0))
    stats_latency, stats_ttft = percentiles(latency), percentiles(ttft)
    return {
        "grid": grid, "steps": grid.shape[1], "seconds": float(end[-1]),
        "step_seconds": seconds, "join": join, "finish": finish,
        "latency_steps": finish + 1 - arrival, "ttft_steps": join + 1 - arrival,
        "latency_s": latency, "ttft_s": ttft,
        "throughput": float(requests[:, 2].sum() / end[-1]),
        **{f"latency_{k}": v for k, v in stats_latency.items()},
        **{f"ttft_{k}": v for k, v in stats_ttft.items()},
        "busy_slot_steps": busy, "utilisation": busy / grid.size,
        "bars": bars(grid, join, finish),
    }  # fmt: skip


def bars(grid: np.ndarray, join: np.ndarray, finish: np.ndarray) -> list[dict[str, int]]:
    """Each request's bar in a chart of the schedule: its slot, first step and steps held.

    Example: ``bars(np.array([[0, 0, -1]]), np.array([0]), np.array([1]))``
    -> [{'request': 0, 'slot': 0, 'start': 0, 'length': 2}]
    """
    slot = [int(np.flatnonzero((grid == r).any(axis=1))[0]) for r in range(len(join))]
    return [
        {"request": r, "slot": slot[r], "start": int(j), "length": int(f - j + 1)}
        for r, (j, f) in enumerate(zip(join, finish, strict=True))
    ]


def read_requests(
    requests: Any, seed: Any, mean_output: Any, max_output: Any, mean_prompt: Any, gap: Any
) -> np.ndarray:
    """The requests to serve: the given rows, or ``requests`` of them drawn from the seed.

    Example: ``read_requests([[2, 8, 3]], 0, 16, 64, 128, 2).tolist()`` -> [[2, 8, 3]]
    """
    if isinstance(requests, (list, tuple, np.ndarray)):
        return check_requests(requests)
    count = as_int(requests, "requests", 1, MAX_REQUESTS)
    longest = as_int(max_output, "max_output", 1, MAX_OUTPUT)
    return make_requests(
        count,
        as_seed(seed),
        as_number(mean_output, "mean_output", 1, MAX_OUTPUT),
        longest,
        as_int(mean_prompt, "mean_prompt", 1, MAX_PROMPT * 2 // 3),
        as_number(gap, "arrival_gap", 0, 10),
    )


def batching(
    policy: Any = "both",
    requests: Any = 12,
    slots: Any = 4,
    seed: Any = 0,
    mean_output: Any = 16,
    max_output: Any = 64,
    mean_prompt: Any = 128,
    arrival_gap: Any = 2.0,
    params_billion: Any = 8.0,  # Llama 3 8B-sized
    bytes_per_param: Any = 2.0,  # bfloat16
    bandwidth_tbs: Any = 3.35,  # H100 SXM, data/gpus.json
    tflops: Any = 989.5,  # H100 SXM dense BF16, data/gpus.json
) -> dict[str, Any]:
    """Serve the same requests under static and/or continuous batching (``policy`` "static",
    "continuous" or "both"); ``requests`` is a count to draw from ``seed`` or a list of
    [arrival step, prompt tokens, output tokens] rows. With both, ``speedup`` is static's
    simulated seconds over continuous's, ``speedup_steps`` the same for steps.

    Example: ``batching(requests=[[0, 1, 1], [0, 1, 3], [0, 1, 2]],
    slots=2)["continuous"]["grid"]`` -> [[0, 2, 2], [1, 1, 1]]
    """
    if not isinstance(policy, str) or policy not in (*POLICIES, "both"):
        raise ValueError('policy: expected "static", "continuous" or "both"')
    rows = read_requests(requests, seed, mean_output, max_output, mean_prompt, arrival_gap)
    width = as_int(slots, "slots", 1, MAX_SLOTS)
    params = as_number(params_billion, "params_billion", 0.001, 2000) * 1e9
    size = as_number(bytes_per_param, "bytes_per_param", 0.125, 8)
    bandwidth = as_number(bandwidth_tbs, "bandwidth_tbs", 0.01, 100) * 1e12
    peak = as_number(tflops, "tflops", 0.01, 100_000) * 1e12
    result: dict[str, Any] = {
        "requests": rows,
        "slots": width,
        "total_tokens": int(rows[:, 2].sum()),
        "ridge_tokens": size * peak / (2 * bandwidth),
        "memory_step_s": params * size / bandwidth,
    }
    for name in POLICIES if policy == "both" else (policy,):
        grid = simulate(rows, width, name)
        seconds = step_seconds(step_tokens(grid, rows), params, size, bandwidth, peak)
        result[name] = summarise(grid, rows, seconds)
    if policy == "both":
        result["speedup"] = result["static"]["seconds"] / result["continuous"]["seconds"]
        result["speedup_steps"] = result["static"]["steps"] / result["continuous"]["steps"]
    return result
