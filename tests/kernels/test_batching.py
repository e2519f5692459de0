"""Static and continuous batching: a schedule worked by hand, invariants of every schedule, and
an independent event-driven scheduler (each request's start computed from the slots' free
times, no step loop) that must give the same grids, plus the roofline step cost by hand."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyodide_kernels._assets import data_path
from pyodide_kernels.maths.batching import batching, simulate, step_tokens

HAND = [[0, 1, 1], [0, 1, 3], [0, 1, 2]]  # outputs 1, 3, 2, all arriving at step 0
MEMORY_STEP = 8e9 * 2 / 3.35e12  # the defaults: 8B parameters, 2 bytes each, 3.35 TB/s
rows = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 400), st.integers(1, 20)), min_size=1, max_size=14
)


def grid_from(starts: dict[int, tuple[int, int]], requests: np.ndarray, slots: int) -> np.ndarray:
    """The occupancy grid of {request: (slot, start step)}."""
    steps = max(start + requests[i, 2] for i, (_, start) in starts.items())
    grid = np.full((slots, steps), -1)
    for i, (slot, start) in starts.items():
        grid[slot, start : start + requests[i, 2]] = i
    return grid


def continuous_by_events(requests: np.ndarray, slots: int) -> np.ndarray:
    """First come, first served onto identical slots: a request starts when it has arrived, the
    one before it has started, and a slot is free; it takes the lowest-numbered free slot."""
    free_at, previous, starts = [0] * slots, 0, {}
    for i in sorted(range(len(requests)), key=lambda i: (requests[i, 0], i)):
        start = max(int(requests[i, 0]), previous, min(free_at))
        slot = next(s for s in range(slots) if free_at[s] <= start)
        free_at[slot], previous, starts[i] = start + int(requests[i, 2]), start, (slot, start)
    return grid_from(starts, requests, slots)


def static_by_events(requests: np.ndarray, slots: int) -> np.ndarray:
    """Batches: when the last one ends (or the next request arrives, if later), everyone waiting
    starts together, up to ``slots``; the batch ends with its longest member."""
    queue = sorted(range(len(requests)), key=lambda i: (requests[i, 0], i))
    clock, starts = 0, {}
    while queue:
        clock = max(clock, int(requests[queue[0], 0]))
        batch = [i for i in queue if requests[i, 0] <= clock][:slots]
        for slot, i in enumerate(batch):
            starts[i] = (slot, clock)
            queue.remove(i)
        clock += max(int(requests[i, 2]) for i in batch)
    return grid_from(starts, requests, slots)


def test_a_schedule_worked_by_hand():
    result = batching(requests=HAND, slots=2)
    static, continuous = result["static"], result["continuous"]
    # static: requests 0 and 1 start together; 2 waits for 1's third token, then runs 2 steps
    assert static["grid"].tolist() == [[0, -1, -1, 2, 2], [1, 1, 1, -1, -1]]
    # continuous: request 2 takes request 0's slot as soon as it is free
    assert continuous["grid"].tolist() == [[0, 2, 2], [1, 1, 1]]
    assert (static["steps"], continuous["steps"]) == (5, 3)
    assert static["latency_steps"].tolist() == [1, 3, 5]
    assert continuous["latency_steps"].tolist() == [1, 3, 3]
    assert static["ttft_steps"].tolist() == [1, 1, 4]
    assert continuous["ttft_steps"].tolist() == [1, 1, 2]
    assert (static["busy_slot_steps"], continuous["busy_slot_steps"]) == (6, 6)
    assert static["utilisation"] == pytest.approx(6 / 10)
    assert continuous["utilisation"] == pytest.approx(1.0)
    assert result["speedup_steps"] == pytest.approx(5 / 3)
    # one-token prompts: every step is memory-bound, one read of the weights
    assert static["seconds"] == pytest.approx(5 * MEMORY_STEP, rel=1e-12)
    assert continuous["throughput"] == pytest.approx(6 / (3 * MEMORY_STEP), rel=1e-12)
    assert result["speedup"] == pytest.approx(5 / 3, rel=1e-12)
    assert continuous["latency_p50"] == pytest.approx(3 * MEMORY_STEP, rel=1e-12)
    # p90 of [1, 5, 3] steps' worth of seconds, by linear interpolation: 3 + 0.8 · 2
    assert static["latency_p90"] == pytest.approx(4.6 * MEMORY_STEP, rel=1e-12)


def test_a_long_prompt_makes_its_step_compute_bound():
    """1000 prompt tokens: 2 · 8e9 · 1000 FLOPs at 989.5 TFLOP/s (16.2 ms) exceed one read of the
    weights (4.78 ms); the second step decodes one token and is memory-bound again."""
    result = batching("continuous", requests=[[0, 1000, 2]], slots=1)
    prefill = 2 * 8e9 * 1000 / 989.5e12
    assert result["continuous"]["step_seconds"].tolist() == pytest.approx(
        [prefill, MEMORY_STEP], rel=1e-12
    )
    assert result["ridge_tokens"] == pytest.approx(2 * 989.5 / (2 * 3.35), rel=1e-12)
    assert 290 < result["ridge_tokens"] < 300
    assert result["continuous"]["ttft_s"][0] == pytest.approx(prefill, rel=1e-12)


def test_the_default_costs_are_the_h100_of_data_gpus_json():
    h100 = next(g for g in json.loads(data_path("data/gpus.json").read_text())["gpus"]
                if g["name"] == "H100")  # fmt: skip
    result = batching("static", requests=1)
    assert result["memory_step_s"] == pytest.approx(16e9 / (h100["bandwidth_tbs"] * 1e12))
    assert result["ridge_tokens"] == pytest.approx(h100["tflops_16bit"] / h100["bandwidth_tbs"])


def test_step_tokens_count_a_prompt_once_then_one_token_a_step():
    requests = np.array([[0, 5, 2], [1, 7, 2]])
    grid = simulate(requests, 2, "continuous")
    assert grid.tolist() == [[0, 0, -1], [-1, 1, 1]]
    assert step_tokens(grid, requests).tolist() == [5, 1 + 7, 1]


def check_schedule(grid: np.ndarray, requests: np.ndarray, slots: int) -> None:
    """What every schedule must satisfy, whatever the policy."""
    assert grid.shape[0] == slots
    assert set(np.unique(grid)) <= {-1, *range(len(requests))}
    assert np.any(grid[:, -1] >= 0)  # the run ends when the last request does
    order = sorted(range(len(requests)), key=lambda i: (requests[i, 0], i))
    joins = []
    for i in range(len(requests)):
        slot_ids, steps = np.nonzero(grid == i)
        # exactly its output tokens, one a step, in one slot, without a break
        assert len(steps) == requests[i, 2]
        assert len(set(slot_ids)) == 1
        assert steps.tolist() == list(range(steps[0], steps[0] + requests[i, 2]))
        assert steps[0] >= requests[i, 0]  # never before it arrives
        joins.append(steps[0])
    assert [joins[i] for i in order] == sorted(joins)  # first come, first served


@settings(max_examples=150, deadline=None)
@given(rows, st.integers(1, 5))
def test_every_schedule_is_sound_and_continuous_is_never_worse(given_rows, slots):
    requests = np.array(given_rows)
    result = batching(requests=given_rows, slots=slots)
    static, continuous = result["static"], result["continuous"]
    for schedule in (static, continuous):
        check_schedule(schedule["grid"], requests, slots)
        assert schedule["busy_slot_steps"] == requests[:, 2].sum()
    assert continuous["steps"] <= static["steps"]
    assert continuous["utilisation"] >= static["utilisation"] - 1e-12
    # every request finishes no later (each starts no later: a proof by induction on the queue)
    assert np.all(continuous["finish"] <= static["finish"])
    assert np.all(continuous["join"] <= static["join"])


@settings(max_examples=150, deadline=None)
@given(rows, st.integers(1, 5))
def test_the_step_loop_matches_an_event_driven_scheduler(given_rows, slots):
    requests = np.array(given_rows)
    assert np.array_equal(simulate(requests, slots, "continuous"),
                          continuous_by_events(requests, slots))  # fmt: skip
    assert np.array_equal(simulate(requests, slots, "static"), static_by_events(requests, slots))


@pytest.mark.parametrize("seed", range(40))
def test_drawn_requests_behave_like_given_ones(seed):
    slots = 1 + seed % 6
    result = batching(requests=20, slots=slots, seed=seed, arrival_gap=seed % 4)
    requests = result["requests"]
    assert requests.shape == (20, 3) and requests[0, 0] == 0
    assert np.all(np.diff(requests[:, 0]) >= 0) and np.all(requests[:, 2] <= 64)
    for policy in ("static", "continuous"):
        check_schedule(result[policy]["grid"], requests, slots)
    assert np.array_equal(result["continuous"]["grid"], continuous_by_events(requests, slots))
    assert result["continuous"]["steps"] <= result["static"]["steps"]
    assert result["speedup"] >= 1 - 1e-12


@pytest.mark.parametrize(("count", "slots", "length"), [(3, 2, 4), (8, 4, 1), (9, 3, 7)])
def test_equal_lengths_arriving_together_give_the_same_schedule(count, slots, length):
    requests = [[0, 10 + i, length] for i in range(count)]
    result = batching(requests=requests, slots=slots)
    assert np.array_equal(result["static"]["grid"], result["continuous"]["grid"])
    assert result["static"]["steps"] == -(-count // slots) * length
    assert result["speedup"] == pytest.approx(1.0, rel=1e-12)


def test_the_default_run_continuous_serves_faster_and_answers_sooner():
    result = batching()
    static, continuous = result["static"], result["continuous"]
    assert (static["steps"], continuous["steps"]) == (157, 86)
    assert result["speedup"] == pytest.approx(1.843, abs=2e-3)
    assert continuous["throughput"] > 1.8 * static["throughput"]
    assert continuous["utilisation"] > 0.7 > 0.4 > static["utilisation"]
    assert continuous["latency_mean"] < 0.5 * static["latency_mean"]
    assert continuous["ttft_p90"] < 0.2 * static["ttft_p90"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"policy": "dynamic"}, "policy: expected"),
        ({"policy": ["static"]}, "policy: expected"),
        ({"requests": 0}, "requests: must be at least 1"),
        ({"requests": 65}, "requests: must be at most 64"),
        ({"requests": [[0, 1]]}, "requests: expected rows of"),
        ({"requests": [[0, 1, 0]]}, "requests: output tokens must be from 1"),
        ({"requests": [[-1, 1, 2]]}, "requests: arrival step must be from 0"),
        ({"requests": [[0, 0, 2]]}, "requests: prompt tokens must be from 1"),
        ({"requests": [[0, 1, 1.5]]}, "requests: arrival, prompt and output must be whole"),
        ({"requests": [[0, 1, 1]] * 65}, "requests: at most 64 requests"),
        ({"requests": []}, "requests: expected a 2-d array"),
        ({"slots": 0}, "slots: must be at least 1"),
        ({"mean_output": 0.5}, "mean_output: must be between 1"),
        ({"arrival_gap": -1}, "arrival_gap: must be between 0"),
        ({"tflops": 0}, "tflops: must be between"),
    ],
)
def test_bad_input_is_named(args, message):
    with pytest.raises(ValueError, match=message):
        batching(**args)
