"""Speculative decoding at temperature 0 gives greedy decoding's tokens exactly, against the
NumPy model's own greedy loop and against PyTorch's recorded greedy continuations, with fewer
forward passes; prompt lookup's draft and the cache's cut-back worked by hand."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pyodide_kernels.dispatch import call
from pyodide_kernels.model import (
    KVCache,
    Round,
    forward,
    generate_ids,
    load,
    lookup_draft,
    speculative_ids,
)
from pyodide_kernels.on_model.speculative import guessed_flags

from ..conftest import REPO

PROMPTS = json.loads((REPO / "traces" / "prompts_cpu.json").read_text())["prompts"]


@pytest.fixture(scope="module")
def model():  # noqa: ANN201
    return load()


@pytest.mark.parametrize("index", range(len(PROMPTS)))
@pytest.mark.parametrize("draft", [1, 3, 8])
def test_it_gives_pytorchs_greedy_tokens_in_fewer_passes(model, index, draft):
    recorded = PROMPTS[index]
    steps = len(recorded["greedy"]["ids"])
    run = speculative_ids(model, recorded["ids"], steps, draft, 3)
    assert run.tokens == recorded["greedy"]["ids"]
    assert run.passes == 1 + len(run.rounds) < steps  # one prefill, one pass a round
    assert run.accepted <= run.proposed <= draft * len(run.rounds)


@pytest.mark.parametrize("prompt", ["ROMEO:", "To be, or not", "\n\n", "KING HENRY V:\nOnce more"])
@pytest.mark.parametrize("ngram", [1, 2, 4])
def test_it_gives_the_numpy_greedy_loops_tokens(model, prompt, ngram):
    ids = model.encode(prompt)
    assert speculative_ids(model, ids, 50, 4, ngram).tokens == generate_ids(model, ids, 50)


def test_the_kernel_reports_the_draft_and_times_both_ways():
    result = call("speculative_decoding", {"max_new_tokens": 40, "draft_tokens": 4})
    assert result["same_as_greedy"] and len(result["tokens"]) == len(result["guessed"]) == 40
    assert sum(result["guessed"]) == result["accepted"]
    assert result["acceptance_rate"] == pytest.approx(result["accepted"] / result["proposed"])
    assert result["tokens_per_pass"] == pytest.approx(40 / result["passes"]["speculative"])
    assert "live" not in result  # build-time text stays the same; timings only when asked
    timed = call("speculative_decoding", {"max_new_tokens": 40, "measure": True})["live"]
    assert timed["speedup"] == pytest.approx(
        timed["seconds"]["greedy"] / timed["seconds"]["speculative"]
    )
    with pytest.raises(ValueError, match="max_new_tokens"):
        call("speculative_decoding", {"max_new_tokens": 500})


def test_prompt_lookup_by_hand():
    assert lookup_draft([1, 2, 3, 9, 1, 2], 2, 2) == [3, 9]  # "1 2" came before, then "3 9"
    assert lookup_draft([1, 2, 3, 9, 1, 2], 5, 2) == [3, 9, 1, 2]  # up to the text's end
    assert lookup_draft([7, 1, 5, 1], 3, 3) == [5, 1]  # no 3- or 2-gram recurs; "1" does
    assert lookup_draft([1, 2, 3], 3, 2) == []
    assert guessed_flags([Round([4, 5], 1), Round([], 0)], 4) == [
        False, True, False, False,
    ]  # fmt: skip


def test_a_cut_back_cache_continues_as_if_the_guesses_never_ran(model):
    ids = model.encode("ROMEO:")
    cache = KVCache(model.config)
    forward(model, ids, cache)
    forward(model, [5, 6, 7], cache)  # three guesses
    cache.truncate(len(ids) + 1)  # keep the first
    after = forward(model, [9], cache)
    plain = forward(model, [*ids, 5, 9])
    np.testing.assert_allclose(after[-1], plain[-1], atol=1e-4)
    with pytest.raises(ValueError, match="count"):
        cache.truncate(cache.length + 1)
