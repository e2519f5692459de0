"""Sampling: seed 002's temperature, top-k and top-p tables, invariants, and reproducible draws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.maths.sampling import (
    SEED_LOGITS,
    decoding_table,
    sample,
    sampling_distribution,
    top_p_keep,
)
from pyodide_kernels.maths.softmax import softmax

SEED_TABLE = {  # seed 002, rounded as the seed prints them
    "greedy (T = 0)": ([1.0, 0.0, 0.0, 0.0], ["on"]),
    "T = 0.5": ([0.83, 0.11, 0.04, 0.02], ["on", "the", "mat", "in"]),
    "T = 1": ([0.58, 0.21, 0.13, 0.08], ["on", "the", "mat", "in"]),
    "T = 2": ([0.41, 0.25, 0.19, 0.15], ["on", "the", "mat", "in"]),
    "top-k = 2": ([0.73, 0.27, 0.0, 0.0], ["on", "the"]),
    "top-p = 0.7": ([0.73, 0.27, 0.0, 0.0], ["on", "the"]),
    "top-p = 0.95": ([0.58, 0.21, 0.13, 0.08], ["on", "the", "mat", "in"]),
}


def test_seed_002_decoding_table():
    rows = {row["name"]: row for row in decoding_table()["rows"]}
    assert list(rows) == list(SEED_TABLE)
    for name, (probs, kept) in SEED_TABLE.items():
        assert np.round(rows[name]["probs"], 2).tolist() == probs, name
        assert rows[name]["kept_tokens"] == kept, name


def test_seed_002_intermediate_sums_are_the_softmax_kernels_steps():
    # seed 002 divides the logits by T, then works e^(z/T) and their sum by hand
    at_half = softmax((np.array(SEED_LOGITS) / 0.5).tolist())
    assert np.round(at_half["exps"], 2).tolist() == [54.6, 7.39, 2.72, 1.0]
    assert round(at_half["total"], 2) == 65.71
    assert round(softmax((np.array(SEED_LOGITS) / 2).tolist())["total"], 2) == 6.65
    rows = {row["name"]: row["probs"] for row in decoding_table()["rows"]}
    np.testing.assert_allclose(rows["T = 0.5"], at_half["exps"] / at_half["total"], rtol=1e-12)


logit_lists = st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=40)


@given(
    logits=logit_lists,
    temperature=st.one_of(st.just(0.0), st.floats(1e-6, 50)),
    top_k=st.one_of(st.none(), st.integers(1, 100)),
    top_p=st.one_of(st.none(), st.floats(0, 1)),
)
def test_distributions_are_finite_sum_to_one_and_live_on_the_kept_set(
    logits, temperature, top_k, top_p
):
    result = sampling_distribution(logits, temperature, top_k, top_p)
    probs, kept = result["probs"], result["kept"]
    assert np.all(np.isfinite(probs)) and probs.sum() == pytest.approx(1.0)
    assert set(np.flatnonzero(probs)) <= set(kept.tolist())
    assert 1 <= len(kept) <= min(len(logits), top_k or len(logits))


def test_top_p_edges():
    probs = np.array([0.5, 0.3, 0.2])
    assert top_p_keep(probs, 0.0).tolist() == [0]
    assert top_p_keep(probs, 1.0).tolist() == [0, 1, 2]
    assert top_p_keep(probs, 0.5).tolist() == [0]  # reaching p exactly is enough


def test_top_p_of_one_keeps_a_tail_too_small_for_the_cumulative_sum():
    # worked by hand: softmax([0, -35, -40]) = [1 - 6.3e-16 - 4.2e-18, 6.3e-16, 4.2e-18]; in
    # float64 the cumulative sum is already 1.0 after the first token, so "reaches p = 1"
    # would stop there, yet both tail tokens can still be drawn
    result = sampling_distribution([0.0, -35.0, -40.0], top_p=1.0)
    assert result["kept"].tolist() == [0, 1, 2]
    assert result["probs"][1] == pytest.approx(np.exp(-35.0), rel=1e-9)
    assert result["probs"][2] == pytest.approx(np.exp(-40.0), rel=1e-9)
    # p < 1 is unchanged: 1 - 1e-9 is reached by the first token alone
    assert sampling_distribution([0.0, -35.0, -40.0], top_p=1 - 1e-9)["kept"].tolist() == [0]
    # a token with probability 0 (underflowed) is still not kept
    assert sampling_distribution([0.0, -800.0], top_p=1.0)["kept"].tolist() == [0]


@given(logits=logit_lists, temperature=st.floats(1e-3, 50))
def test_top_p_of_one_truncates_nothing(logits, temperature):
    plain = sampling_distribution(logits, temperature)
    nucleus = sampling_distribution(logits, temperature, top_p=1.0)
    np.testing.assert_array_equal(nucleus["probs"], plain["probs"])
    assert sorted(nucleus["kept"].tolist()) == np.flatnonzero(plain["before"] > 0).tolist()


def test_draws_repeat_with_the_seed_and_follow_the_distribution():
    a = sample(SEED_LOGITS, seed=3, draws=10000)
    b = sample(SEED_LOGITS, seed=3, draws=10000)
    assert a["draws"].tolist() == b["draws"].tolist()
    assert np.allclose(a["counts"] / 10000, a["probs"], atol=0.02)
    assert sample(SEED_LOGITS, temperature=0, seed=9)["draws"].tolist() == [0]
    assert set(sample(SEED_LOGITS, top_k=2, seed=1, draws=500)["draws"].tolist()) <= {0, 1}


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ({"logits": [1, 2], "temperature": -1}, "temperature: must be between"),
        ({"logits": [1, 2], "top_k": -3}, "top_k: must be at least 1"),
        ({"logits": [1, 2], "top_p": 1.5}, "top_p: must be between"),
        ({"logits": [1, 2], "seed": -1}, "seed: must be at least 0"),
    ],
)
def test_bad_settings_name_the_argument(args, reason):
    with pytest.raises(ValueError, match=reason):
        sample(**args)


@pytest.mark.parametrize(("top_k", "top_p"), [(2, None), (None, 0.9), (3, 0.5)])
def test_greedy_keeps_only_the_argmax_whatever_the_filters(top_k, top_p):
    result = sampling_distribution(SEED_LOGITS, 0, top_k, top_p)
    assert result["kept"].tolist() == [0]
    assert result["probs"].tolist() == [1.0, 0.0, 0.0, 0.0]
