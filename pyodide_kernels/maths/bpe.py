"""Byte-pair encoding: learn merges from text, then encode and decode with them.

Training splits text into words (``split_words``), counts adjacent symbol pairs inside words
only, and repeatedly merges the most frequent pair into a new symbol, recording each merge
(pair, count, new id). Tie-break: among equally frequent pairs, the one that first appeared
earliest (scanning words in order of first appearance, left to right) wins. Encoding applies
the merges in the order they were learned, so an unseen word falls back to smaller pieces.

Two modes:
- ``byte``: symbols start as the 256 byte values (ids 0–255), so any text can be encoded;
  merged symbols get ids 256, 257, … (minbpe's and GPT-2's scheme).
- ``char``: symbols start as the characters of the training words in order of first appearance,
  then "_" for the space between words (seed 002's walkthrough on "low lower lowest lowly").

The word splitter is a simplified GPT-2 pattern in Python's ``re``: contractions, an optional
space and a run of letters, of digits, or of other symbols, and whitespace runs. References:
Sennrich et al. (2016); Karpathy's minbpe. Leaves out: special tokens, byte shuffling.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from .._validate import as_int

__kernels__ = ("bpe_train", "bpe_encode")

WORD_PATTERN = re.compile(
    r"""'(?:s|t|re|ve|m|ll|d)| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+"""
)
SPACE_MARK = "_"
MAX_TEXT = 200_000


def split_words(text: str) -> list[str]:
    """Pre-tokenize into words.

    Example: ``split_words("Hi, you're 42!")`` -> ['Hi', ',', ' you', "'re", ' 42', '!']
    """
    return WORD_PATTERN.findall(text)


Symbols = tuple[int, ...]


def adjacent_pairs(word: Symbols | list[int]) -> list[tuple[int, int]]:
    """Neighbouring symbol pairs. Example: ``adjacent_pairs((1, 2, 3))`` -> [(1, 2), (2, 3)]"""
    return list(zip(word[:-1], word[1:], strict=True))


def merge_word(word: Symbols, pair: tuple[int, int], new: int) -> Symbols:
    """Replace each ``pair`` in ``word`` by ``new``. Example: (1, 2, 1, 2), (1, 2), 9 -> (9, 9)"""
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(new)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def learn_merges(
    words: list[Symbols], first_id: int, count: int
) -> list[tuple[tuple[int, int], int, int]]:
    """The first ``count`` merges over ``words`` (repeats allowed): (pair, frequency, new id).

    Example: ``learn_merges([(0, 1), (0, 1), (1, 0)], 2, 1)`` -> [((0, 1), 2, 2)]
    """
    frequency = Counter(words)
    unique = list(dict.fromkeys(words))  # order of first appearance
    pair_count: Counter[tuple[int, int]] = Counter()
    where: defaultdict[tuple[int, int], set[int]] = defaultdict(set)
    first_seen: dict[tuple[int, int], int] = {}
    for index, word in enumerate(unique):
        for pair in adjacent_pairs(word):
            pair_count[pair] += frequency[word]
            where[pair].add(index)
            first_seen.setdefault(pair, len(first_seen))
    merges = []
    for new in range(first_id, first_id + count):
        live = [p for p, c in pair_count.items() if c > 0]
        if not live:
            break
        best = max(live, key=lambda p: (pair_count[p], -first_seen[p]))
        merges.append((best, pair_count[best], new))
        for index in sorted(where.pop(best, set())):
            old = unique[index]
            updated = merge_word(old, best, new)
            weight = frequency[old]
            for pair in adjacent_pairs(old):
                pair_count[pair] -= weight
            for pair in adjacent_pairs(updated):
                pair_count[pair] += weight
                where[pair].add(index)
                first_seen.setdefault(pair, len(first_seen))
            frequency[updated] = frequency.pop(old)
            unique[index] = updated
        pair_count.pop(best, None)
    return merges


def encode_word(word: Symbols, ranks: dict[tuple[int, int], int]) -> list[int]:
    """Apply learned merges to one word, earliest-learned first.

    Example: ``encode_word((0, 1, 2), {(0, 1): 3, (3, 2): 4})`` -> [4]
    """
    symbols = list(word)
    while len(symbols) > 1:
        pairs = [(ranks.get(p, 1 << 62), i, p) for i, p in enumerate(adjacent_pairs(symbols))]
        rank, _, pair = min(pairs)
        if rank == 1 << 62:
            break
        symbols = list(merge_word(tuple(symbols), pair, rank))
    return symbols


class Tokenizer:
    """A trained BPE: base symbols, merges, and the vocabulary as display strings."""

    def __init__(self, mode: str, base: list[str], merges: list[tuple[tuple[int, int], int, int]]):
        self.mode, self.base, self.merges = mode, base, merges
        self.ranks = {pair: new for pair, _, new in merges}
        self.pieces: dict[int, bytes | str] = {}
        for i, symbol in enumerate(base):
            self.pieces[i] = bytes([i]) if mode == "byte" else symbol
        for (a, b), _, new in merges:
            self.pieces[new] = self.pieces[a] + self.pieces[b]  # type: ignore[operator]

    def words(self, text: str) -> list[Symbols]:
        """Text -> base-symbol words (char mode: spaces become the '_' symbol)."""
        if self.mode == "byte":
            return [tuple(w.encode("utf-8")) for w in split_words(text)]
        index = {s: i for i, s in enumerate(self.base)}
        out: list[Symbols] = []
        for n, word in enumerate(text.split()):
            if n:
                out.append((index[SPACE_MARK],))
            missing = [c for c in word if c not in index]
            if missing:
                raise ValueError(f"text: character {missing[0]!r} is not in the vocabulary")
            out.append(tuple(index[c] for c in word))
        return out

    def encode(self, text: str) -> list[int]:
        return [i for word in self.words(text) for i in encode_word(word, self.ranks)]

    def decode(self, ids: list[int]) -> str:
        if self.mode == "byte":
            return b"".join(self.pieces[i] for i in ids).decode("utf-8", errors="replace")  # type: ignore[misc]
        return "".join(str(self.pieces[i]) for i in ids).replace(SPACE_MARK, " ")

    def display(self, i: int) -> str:
        piece = self.pieces[i]
        return (
            piece.decode("utf-8", errors="backslashreplace") if isinstance(piece, bytes) else piece
        )


def check_text(text: Any, name: str = "text") -> str:
    """A string within the size limit. Example: ``check_text(42)`` raises ValueError("text: …")"""
    if not isinstance(text, str):
        raise ValueError(f"{name}: expected text")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{name}: at most {MAX_TEXT:,} characters, got {len(text):,}")
    return text


def train(text: str, num_merges: int, mode: str = "byte") -> Tokenizer:
    """Train a tokenizer. Example: ``train("low lower lowest lowly", 3, "char")``'s merges are
    (l, o) -> lo, (lo, w) -> low, (low, e) -> lowe."""
    if mode == "byte":
        base = [bytes([i]).decode("latin-1") for i in range(256)]
        words = [tuple(w.encode("utf-8")) for w in split_words(text)]
    elif mode == "char":
        letters = list(dict.fromkeys(c for c in text if not c.isspace()))
        base = [c for c in letters if c != SPACE_MARK] + [SPACE_MARK]
        index = {c: i for i, c in enumerate(base)}
        words = [tuple(index[c] for c in w) for w in text.split()]
    else:
        raise ValueError("mode: expected 'byte' or 'char'")
    return Tokenizer(mode, base, learn_merges(words, len(base), num_merges))


def merge_tree(tokenizer: Tokenizer, token: int) -> dict[str, Any]:
    """How a token was built: the merge that made it and, below, the two it joined, down to
    single characters or bytes (leaves have no ``parts``).

    Example: with merges l+o -> lo, lo+w -> low: ``merge_tree(t, low)`` ->
    {"token": "low", "parts": [{"token": "lo", "parts": [l, o]}, {"token": "w"}]}
    """
    made = {new: pair for pair, _, new in tokenizer.merges}
    node: dict[str, Any] = {"token": tokenizer.display(token)}
    if token in made:
        node["parts"] = [merge_tree(tokenizer, part) for part in made[token]]
    return node


def bpe_train(
    text: Any = "low lower lowest lowly",
    num_merges: Any = 3,
    mode: str = "char",
    encode: Any = ("lowest", "lowly", "low"),
) -> dict[str, Any]:
    """Train and show every merge with the text after it, plus encodings of a few words.

    Example: ``bpe_train()["encoded"][0]`` -> {"text": "lowest", "ids": [11, 5, 6],
    "tokens": ["lowe", "s", "t"]} (with each token's merge tree under "trees")
    """
    source = check_text(text)
    tokenizer = train(source, as_int(num_merges, "num_merges", 0, 2000), mode)
    steps = []
    applied: list[tuple[tuple[int, int], int, int]] = []
    for merge in tokenizer.merges:
        applied.append(merge)
        partial = Tokenizer(mode, tokenizer.base, applied)
        steps.append(
            {
                "pair": [tokenizer.display(merge[0][0]), tokenizer.display(merge[0][1])],
                "count": merge[1],
                "id": merge[2],
                "token": tokenizer.display(merge[2]),
                "pieces": [partial.display(i) for i in partial.encode(source[:2000])],
            }
        )
    samples = [check_text(s, "encode") for s in ([encode] if isinstance(encode, str) else encode)]
    encoded = []
    for sample in samples:
        ids = tokenizer.encode(sample)
        encoded.append(
            {
                "text": sample,
                "ids": ids,
                "tokens": [tokenizer.display(i) for i in ids],
                "trees": [merge_tree(tokenizer, i) for i in ids],
            }
        )
    vocabulary = (
        [tokenizer.display(i) for i in range(len(tokenizer.base))] if mode == "char" else []
    )
    vocabulary += (
        [tokenizer.display(new) for _, _, new in tokenizer.merges] if mode == "char" else []
    )
    return {
        "mode": mode,
        "base_size": len(tokenizer.base),
        "merges": steps,
        "encoded": encoded,
        "vocabulary": vocabulary,
        "vocab_size": len(tokenizer.base) + len(tokenizer.merges),
    }


def bpe_encode(
    text: Any, train_text: Any, num_merges: Any = 50, mode: str = "byte"
) -> dict[str, Any]:
    """Encode ``text`` with merges learned from ``train_text``; decoding gives the text back.

    Example: ``bpe_encode("low", "low low", 2)["tokens"]`` -> ['low']
    """
    tokenizer = train(
        check_text(train_text, "train_text"), as_int(num_merges, "num_merges", 0, 2000), mode
    )
    ids = tokenizer.encode(check_text(text))
    return {
        "ids": ids,
        "tokens": [tokenizer.display(i) for i in ids],
        "count": len(ids),
        "decoded": tokenizer.decode(ids),
    }
