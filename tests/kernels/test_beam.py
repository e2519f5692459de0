"""Beam search: the exercise's toy model worked by hand, a brute-force enumeration of every
sequence, greedy's argmax chain, PyTorch's log-softmax, and the invariants of every step."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.maths.beam import beam_search, beam_search_steps, beam_search_table

#: Chapter 5's exercise ``beam-two``: the logits after token 0, 1 and 2.
EXERCISE = [[0.0, 2.0, 1.8], [1.0, 1.0, 1.0], [3.0, 0.0, 0.0]]


def log_probs(row: list[float]) -> list[float]:
    """log-softmax written out in plain floats, the reference for the kernel's own."""
    norm = math.log(sum(math.exp(z) for z in row))
    return [z - norm for z in row]


def sequence_total(table: list[list[float]], tokens: list[int]) -> float:
    """The sum of each token's log-probability after the one before it."""
    return sum(log_probs(table[a])[b] for a, b in itertools.pairwise(tokens))


def brute_force(table: list[list[float]], start: int, steps: int) -> tuple[list[int], float]:
    """The most probable sequence of ``steps`` tokens after ``start``, over all of them."""
    every = ([start, *rest] for rest in itertools.product(range(len(table)), repeat=steps))
    best = max(every, key=lambda tokens: sequence_total(table, tokens))
    return best, sequence_total(table, best)


def greedy_chain(table: list[list[float]], start: int, steps: int) -> list[int]:
    """Always the argmax after the last token."""
    tokens = [start]
    for _ in range(steps):
        tokens.append(int(np.argmax(table[tokens[-1]])))
    return tokens


def random_table(tokens: int, seed: int) -> list[list[float]]:
    return np.random.default_rng(seed).normal(0, 2, (tokens, tokens)).tolist()


def test_the_exercise_by_hand():
    # log-softmax(0, 2, 1.8) = (-2.67, -0.67, -0.87); after token 1 every token is -1.10, after
    # token 2 token 0 is -0.10: the beam's best, 0 -> 2 -> 0, totals -0.96
    result = beam_search_steps(EXERCISE, start=0, width=2, steps=2)
    first = result["steps"][0]
    assert [row["tokens"] for row in first] == [[0, 1], [0, 2], [0, 0]]
    assert [round(row["log_prob"], 2) for row in first] == [-0.67, -0.87, -2.67]
    assert [row["kept"] for row in first] == [True, True, False]
    assert result["best"] == [0, 2, 0]
    assert round(result["best_log_prob"], 2) == -0.96
    exercise = beam_search_table(EXERCISE, start=0, width=2, steps=2)
    assert exercise["steps"][1][0]["log_prob"] == result["best_log_prob"]


def test_on_the_exercises_table_a_beam_of_two_beats_greedy():
    # greedy takes token 1 and meets a flat row; a beam of two keeps token 2 and its sure row
    for width, steps in itertools.product([1, 2, 3], [1, 2, 3, 4]):
        result = beam_search_steps(EXERCISE, width=width, steps=steps)
        assert result["greedy"] == greedy_chain(EXERCISE, 0, steps)
        gain = result["best_log_prob"] - result["greedy_log_prob"]
        assert result["gain"] == pytest.approx(gain, abs=1e-12)
        if width == 1 or steps == 1:
            assert result["gain"] == pytest.approx(0.0, abs=1e-12)
        else:
            assert result["gain"] > 0.5


def test_beam_search_finds_a_better_sequence_than_greedy():
    # After 0, token 1 is likelier (greedy takes it) but leads to a flat row; token 0 does not.
    table = [[1.0, 1.2, -9.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    result = beam_search_steps(table, start=0, width=2, steps=2)
    assert result["greedy"] == [0, 1, 0] == beam_search_table(table, width=1, steps=2)["best"]
    assert result["best"] == [0, 0, 1] == beam_search_table(table, width=2, steps=2)["best"]
    assert result["gain"] == pytest.approx(
        sequence_total(table, [0, 0, 1]) - sequence_total(table, [0, 1, 0])
    )
    # log-softmax(1, 1.2, -9) is (-0.80, -0.60, -10.8), a flat row -1.10 each: beam's -0.80 - 0.60
    # beats greedy's -0.60 - 1.10 by 0.30
    assert round(result["gain"], 2) == 0.30
    history = beam_search(lambda seq: np.array([0.0, -1.0]), [5], width=2, steps=2)
    assert history[-1][0][0] == [5, 0, 0]


@pytest.mark.parametrize(("tokens", "steps"), [(3, 2), (2, 3), (3, 1), (1, 4), (2, 2)])
@pytest.mark.parametrize("seed", range(8))
def test_a_beam_wide_enough_to_keep_everything_finds_the_brute_force_best(tokens, steps, seed):
    table = random_table(tokens, seed)
    width = min(tokens**steps, 10)
    assert width == tokens**steps  # the beam holds every sequence: the search is exhaustive
    result = beam_search_steps(table, start=tokens - 1, width=width, steps=steps)
    best, total = brute_force(table, tokens - 1, steps)
    assert result["best"] == best
    assert result["best_log_prob"] == pytest.approx(total, rel=1e-12)
    assert result["gain"] >= -1e-12  # exhaustive: never below greedy


@pytest.mark.parametrize(("tokens", "steps"), [(3, 4), (5, 3), (1, 2)])
@pytest.mark.parametrize("seed", range(6))
def test_width_one_is_the_greedy_argmax_chain(tokens, steps, seed):
    table = random_table(tokens, seed)
    result = beam_search_steps(table, width=1, steps=steps)
    chain = greedy_chain(table, 0, steps)
    assert result["greedy"] == result["best"] == chain
    assert result["greedy_log_prob"] == pytest.approx(sequence_total(table, chain), rel=1e-12)
    assert [sum(row["kept"] for row in step) for step in result["steps"]] == [1] * steps


@pytest.mark.parametrize("width", [1, 2, 3])
def test_each_steps_log_probability_is_torchs_log_softmax(torch, width):
    table = random_table(4, seed=width)
    reference = torch.log_softmax(torch.tensor(table, dtype=torch.float64), dim=-1)
    for step in beam_search_steps(table, width=width, steps=3)["steps"]:
        for row in step:
            previous, token = row["tokens"][-2:]
            assert row["log_prob"] == pytest.approx(float(reference[previous, token]), rel=1e-12)


tables = st.integers(1, 4).flatmap(
    lambda n: st.lists(
        st.lists(st.integers(-3, 3).map(float), min_size=n, max_size=n), min_size=n, max_size=n
    )
)


@given(table=tables, width=st.integers(1, 4), steps=st.integers(1, 4), data=st.data())
def test_every_step_keeps_at_most_width_sorted_candidates_whose_totals_add_up(
    table, width, steps, data
):
    start = data.draw(st.integers(0, len(table) - 1))
    result = beam_search_steps(table, start=start, width=width, steps=steps)
    kept = [[start]]
    for step in result["steps"]:
        totals = [row["total"] for row in step]
        assert totals == sorted(totals, reverse=True)
        assert [row["kept"] for row in step] == [i < width for i in range(len(step))]
        assert sum(row["kept"] for row in step) <= width
        assert len(step) == len(kept) * len(table)  # every kept beam, extended by every token
        for row in step:
            previous, token = row["tokens"][-2:]
            assert row["tokens"][:-1] in kept
            assert row["log_prob"] == pytest.approx(log_probs(table[previous])[token], abs=1e-12)
            assert row["total"] == pytest.approx(sequence_total(table, row["tokens"]), abs=1e-9)
        kept = [row["tokens"] for row in step if row["kept"]]
    assert result["best"] == kept[0]
    assert result["best_log_prob"] == result["steps"][-1][0]["total"]
    assert result["gain"] == result["best_log_prob"] - result["greedy_log_prob"]
    history = beam_search_table(table, start=start, width=width, steps=steps)["steps"]
    for step, beams in zip(result["steps"], history, strict=True):  # the exercise's kernel agrees
        assert [r["tokens"] for r in step if r["kept"]] == [b["tokens"] for b in beams]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ({"table": [[0, 1, 2], [1, 0, 2]]}, "table: expected a square table"),
        ({"table": []}, "table: expected a 2-d array"),
        ({"table": [[0, float("nan")], [0, 0]]}, "table: every value must be a finite number"),
        ({"table": [["a"]]}, "table: expected numbers"),
        ({"table": EXERCISE, "start": 3}, "start: must be at most 2"),
        ({"table": EXERCISE, "width": 0}, "width: must be at least 1"),
        ({"table": EXERCISE, "steps": 11}, "steps: must be at most 10"),
        ({"table": EXERCISE, "steps": 1.5}, "steps: expected an integer"),
    ],
)
@pytest.mark.parametrize("kernel", [beam_search_steps, beam_search_table])
def test_bad_input_names_the_argument(kernel, args, reason):
    with pytest.raises(ValueError, match=reason):
        kernel(**args)
