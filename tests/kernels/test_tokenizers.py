"""The project model's tokenizer against tiktoken running the same vocabulary (an independent
BPE implementation in Rust), plus round trips; and the side-by-side kernel's shape."""

from __future__ import annotations

import pytest
import tiktoken
from hypothesis import given, settings
from hypothesis import strategies as st

from pyodide_kernels.maths.bpe import WORD_PATTERN
from pyodide_kernels.maths.cl100k import cl100k_encode
from pyodide_kernels.model import load
from pyodide_kernels.model.tokenizer import load_tokenizer
from pyodide_kernels.on_model.tokenizers import model_tokenize, tokenizer_compare

SHAKESPEARE = """HAMLET. To be, or not to be, that is the question:
Whether 'tis nobler in the mind to suffer
The slings and arrows of outrageous fortune,
Or to take arms against a sea of troubles,
And by opposing end them? To die—to sleep,
No more; and by a sleep to say we end."""


@pytest.fixture(scope="module")
def reference() -> tiktoken.Encoding:
    """tiktoken, given our pieces as its ranks (a piece's rank is its id) and our split pattern."""
    pieces = load_tokenizer().pieces
    ranks = {piece: i for i, piece in enumerate(pieces)}
    return tiktoken.Encoding("hlw", pat_str=WORD_PATTERN.pattern, mergeable_ranks=ranks,
                             special_tokens={})  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        SHAKESPEARE,
        "Cause the light was on.",
        '{"id": 1234567, "ok": true}',
        "👩🏽‍💻 שלום e\u0301",
        "",
    ],
)
def test_the_same_ids_as_tiktoken_with_our_vocabulary(reference, text):
    assert model_tokenize(text)["ids"] == reference.encode(text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_tokens_decode_back_to_the_text(text):
    pieces = load_tokenizer().pieces
    ids = model_tokenize(text)["ids"]
    assert b"".join(pieces[i] for i in ids).decode() == text


def test_it_is_the_tokenizer_the_model_reads_with():
    assert model_tokenize(SHAKESPEARE)["ids"] == load().encode(SHAKESPEARE)


def test_the_comparison_keeps_cl100k_on_top_and_ours_beside_it():
    both = tokenizer_compare("Cause the light was on.")
    assert {k: v for k, v in both.items() if k != "model"} == cl100k_encode(
        "Cause the light was on."
    )
    assert both["model"]["vocabulary"] == 1024
    assert both["model"]["count"] > both["count"]  # a small vocabulary spends more tokens


def test_too_much_text_is_refused_with_the_limit():
    with pytest.raises(ValueError, match="at most 100,000 characters"):
        model_tokenize("x" * 100_001)
