"""GPT-4's tokenizer (cl100k_base) in pure Python: the same token ids as tiktoken.

Two steps, as tiktoken does them:
1. pre-tokenize: split text into pieces with cl100k's pattern, written out by hand below because
   Python's ``re`` has no ``\\p{L}``. The pattern (tiktoken's current form) tries, at each
   position, in order:
       '(?i:[sdmt]|ll|ve|re)            contractions: 's 't 're 've 'm 'll 'd, any case
       [^\\r\\n\\p{L}\\p{N}]?+\\p{L}++       an optional non-letter, non-digit, then letters
       \\p{N}{1,3}+                       one to three digits
        ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+       optional space, symbols, trailing newlines
       \\s++$                             whitespace that ends the text
       \\s*[\\r\\n]                        whitespace up to and including its last newline
       \\s+(?!\\S)                         whitespace but the last char before a non-space
       \\s                                one whitespace char
2. byte-pair merge each piece's UTF-8 bytes, always merging the adjacent pair whose result has the
   lowest rank (leftmost on ties), until no pair is in the table.

Ranks come from data/cl100k_base.tiktoken (see data/SOURCES.md), read once per process.
Special tokens such as <|endoftext|> are encoded as plain text (tiktoken's encode_ordinary).
Letters and digits follow Python's ``unicodedata`` (Unicode 14 in CPython 3.11, 15 in Pyodide):
characters newer than that may be classed differently from tiktoken.

References: OpenAI's tiktoken (cl100k_base definition and merge algorithm).
Leaves out: special tokens, other encodings (o200k_base, r50k_base).

Example: ``cl100k_encode("Cause the light was on.")["ids"]`` -> [62012, 279, 3177, 574, 389, 13]
"""

from __future__ import annotations

import base64
import functools
import heapq
import unicodedata
from typing import Any

from .._assets import data_path

__kernels__ = ("cl100k_encode", "cl100k_decode")

RANKS_FILE = "data/cl100k_base.tiktoken"
MAX_CHARS = 100_000
#: Unicode's White_Space property (what ``\\s`` means in tiktoken's regex engine).
WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
NEWLINES = frozenset("\r\n")
#: Case-insensitive contraction endings; "ſ" (long s) folds to "s" under Unicode case folding.
CONTRACTIONS = (("s", "S", "ſ"), ("d", "D"), ("m", "M"), ("t", "T"))
LONG_CONTRACTIONS = ("ll", "ve", "re")


@functools.lru_cache(maxsize=8192)
def char_class(c: str) -> str:
    """'L' letter, 'N' number, 'S' whitespace, or 'O' other. Example: ``char_class("é")`` -> 'L'"""
    if c in WHITESPACE:
        return "S"
    category = unicodedata.category(c)[0]
    return category if category in "LN" else "O"


def contraction_at(text: str, i: int) -> int:
    """Length of a contraction starting at i, or 0. Example: ``contraction_at("I'll", 1)`` -> 3"""
    if text[i] != "'" or i + 1 >= len(text):
        return 0
    nxt = text[i + 1]
    if any(nxt in forms for forms in CONTRACTIONS):
        return 2
    if text[i + 1 : i + 3].lower() in LONG_CONTRACTIONS:
        return 3
    return 0


def run_end(text: str, i: int, kind: str) -> int:
    """First index at or after i whose character is not of class ``kind``.

    Example: ``run_end("abc1", 0, "L")`` -> 3
    """
    while i < len(text) and char_class(text[i]) == kind:
        i += 1
    return i


def next_piece(text: str, i: int) -> int:
    """End of the piece that starts at i (tiktoken's alternation, tried in order).

    Example: ``next_piece("a  b", 1)`` -> 2 (one space; the other goes with "b")
    """
    n, here = len(text), char_class(text[i])
    length = contraction_at(text, i)
    if length:
        return i + length
    if here == "L":
        return run_end(text, i, "L")
    if here != "N" and text[i] not in NEWLINES and i + 1 < n and char_class(text[i + 1]) == "L":
        return run_end(text, i + 1, "L")
    if here == "N":
        end = i
        while end < n and end - i < 3 and char_class(text[end]) == "N":
            end += 1
        return end
    start = i + 1 if text[i] == " " and i + 1 < n and char_class(text[i + 1]) == "O" else i
    if char_class(text[start]) == "O":
        end = run_end(text, start, "O")
        while end < n and text[end] in NEWLINES:
            end += 1
        return end
    return whitespace_end(text, i)


def whitespace_end(text: str, i: int) -> int:
    """End of a whitespace piece starting at i: through its last newline, else all but the
    last space when something follows (that space belongs to the next word).

    Example: ``whitespace_end("a  b", 1)`` -> 2
    """
    end = run_end(text, i, "S")
    if end == len(text):
        return end
    last_newline = max((k for k in range(i, end) if text[k] in NEWLINES), default=-1)
    if last_newline >= 0:
        return last_newline + 1
    return end - 1 if end - 1 > i else i + 1


def pre_tokenize(text: str) -> list[str]:
    """Split text as cl100k's pattern does. Example: ``pre_tokenize("Hi there!")`` ->
    ['Hi', ' there', '!']"""
    pieces, i = [], 0
    while i < len(text):
        end = next_piece(text, i)
        pieces.append(text[i:end])
        i = end
    return pieces


@functools.lru_cache(maxsize=1)
def load_ranks() -> dict[bytes, int]:
    """The rank table, parsed once per process (about 100 000 lines)."""
    ranks: dict[bytes, int] = {}
    decode = base64.b64decode
    for line in data_path(RANKS_FILE).read_bytes().splitlines():
        token, rank = line.split()
        ranks[decode(token)] = int(rank)
    return ranks


@functools.lru_cache(maxsize=1)
def load_tokens() -> dict[int, bytes]:
    """Rank -> token bytes, for decoding."""
    return {rank: token for token, rank in load_ranks().items()}


def byte_pair_merge(piece: bytes, ranks: dict[bytes, int]) -> list[int]:
    """Token ids of one piece. Example: ``byte_pair_merge(b" light", ranks)`` -> [3177]

    The parts are a linked list over byte offsets and the candidate merges a heap ordered by
    (rank, offset), so the pick is the same as rescanning every pair for the lowest rank,
    leftmost on ties, but a 10,000-byte piece takes milliseconds instead of seconds. A heap
    entry is stale once either part has changed: it is then skipped.
    """
    if piece in ranks:
        return [ranks[piece]]
    n = len(piece)
    after = list(range(1, n + 1))  # after[i]: where the part starting at i ends
    before = list(range(-1, n - 1))  # before[i]: where the part before it starts
    alive = [True] * n
    heap = [(ranks[piece[i : i + 2]], i) for i in range(n - 1) if piece[i : i + 2] in ranks]
    heapq.heapify(heap)

    def push(i: int) -> None:
        """Offer the merge of the part at ``i`` with the next one, if it is a token."""
        j = after[i]
        if j < n:
            rank = ranks.get(piece[i : after[j]])
            if rank is not None:
                heapq.heappush(heap, (rank, i))

    while heap:
        rank, i = heapq.heappop(heap)
        j = after[i] if alive[i] else n
        if j >= n or ranks.get(piece[i : after[j]]) != rank:
            continue  # stale: a neighbour merged since this entry was pushed
        alive[j] = False
        after[i] = after[j]
        if after[i] < n:
            before[after[i]] = i
        if before[i] >= 0:
            push(before[i])
        push(i)
    ids, i = [], 0
    while i < n:
        ids.append(ranks[piece[i : after[i]]])
        i = after[i]
    return ids


def encode(text: str) -> list[int]:
    """Token ids of ``text``, identical to tiktoken's ``encode_ordinary``.

    Example: ``encode(" the")`` -> [279]
    """
    ranks = load_ranks()
    cache: dict[str, list[int]] = {}
    ids: list[int] = []
    for piece in pre_tokenize(text):
        if piece not in cache:
            cache[piece] = byte_pair_merge(piece.encode("utf-8"), ranks)
        ids.extend(cache[piece])
    return ids


def show(token: bytes) -> str:
    """A token as text; bytes that are not whole UTF-8 characters appear as \\xNN.

    Example: ``show(b"\\xe2\\x80")`` -> '\\\\xe2\\\\x80'
    """
    return token.decode("utf-8", errors="backslashreplace")


def check_text(text: Any) -> str:
    """Text within the size limit. Example: ``check_text(None)`` raises ValueError("text: …")"""
    if not isinstance(text, str):
        raise ValueError("text: expected a string of text")
    if len(text) > MAX_CHARS:
        raise ValueError(f"text: at most {MAX_CHARS:,} characters at a time, got {len(text):,}")
    return text


def cl100k_encode(text: Any) -> dict[str, Any]:
    """Encode with cl100k_base: ids, each token shown as text, the pre-tokenizer's pieces.

    Example: ``cl100k_encode("Cause the light was on.")["tokens"]`` ->
    ['Cause', ' the', ' light', ' was', ' on', '.']
    """
    ids = encode(check_text(text))
    tokens = load_tokens()
    return {
        "ids": ids,
        "tokens": [show(tokens[i]) for i in ids],
        "count": len(ids),
        "characters": len(text),
        "pieces": pre_tokenize(text),
    }


def cl100k_decode(ids: Any) -> dict[str, Any]:
    """Text of token ids. Example: ``cl100k_decode([62012, 279])["text"]`` -> 'Cause the'"""
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise ValueError("ids: expected a list of integer token ids")
    tokens = load_tokens()
    unknown = [i for i in ids if i not in tokens]
    if unknown:
        raise ValueError(f"ids: {unknown[0]} is not a cl100k_base token id")
    return {"text": b"".join(tokens[i] for i in ids).decode("utf-8", errors="replace")}
