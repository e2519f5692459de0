"""BPE: seed 002's walkthrough exactly, byte-level round trips on any text, merge bookkeeping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.maths.bpe import bpe_encode, bpe_train, split_words, train


def test_seed_002_walkthrough():
    result = bpe_train("low lower lowest lowly", 3, "char")
    assert [(m["pair"], m["token"], m["id"]) for m in result["merges"]] == [
        (["l", "o"], "lo", 9),
        (["lo", "w"], "low", 10),
        (["low", "e"], "lowe", 11),
    ]
    assert result["merges"][2]["pieces"] == "low _ lowe r _ lowe s t _ low l y".split()
    assert result["vocabulary"] == [
        "l",
        "o",
        "w",
        "e",
        "r",
        "s",
        "t",
        "y",
        "_",
        "lo",
        "low",
        "lowe",
    ]
    encoded = {e["text"]: (e["tokens"], e["ids"]) for e in result["encoded"]}
    assert encoded["lowest"] == (["lowe", "s", "t"], [11, 5, 6])
    assert encoded["lowly"] == (["low", "l", "y"], [10, 0, 7])
    assert encoded["low"] == (["low"], [10])


def test_ties_go_to_the_pair_seen_first():
    merges = train("ab cd", 2, "char").merges
    assert [pair for pair, _, _ in merges] == [(0, 1), (2, 3)]  # (a, b) before (c, d)


def test_merges_record_pair_count_and_new_id():
    tokenizer = train("aaab aaab aaab", 2, "byte")
    (pair, count, new), second = tokenizer.merges
    assert pair == (97, 97) and count == 6 and new == 256  # overlapping pairs count: a a a b
    assert second[2] == 257


def test_a_new_word_falls_back_to_smaller_pieces():
    result = bpe_encode("lowering", "low low low lower", 4, "byte")
    assert "".join(result["tokens"]) == "lowering" and result["count"] > 1


@given(st.text(max_size=200))
def test_byte_level_round_trips_any_text(text):
    assert "".join(split_words(text)) == text
    assert (
        bpe_encode(text, "the quick brown fox jumps over the lazy dog " * 3, 30)["decoded"] == text
    )


def test_char_mode_refuses_unknown_characters_by_name():
    with pytest.raises(ValueError, match="text: character 'z' is not in the vocabulary"):
        bpe_encode("zoo", "low", 1, "char")
    with pytest.raises(ValueError, match="mode: expected 'byte' or 'char'"):
        bpe_encode("a", "a", 1, "word")
