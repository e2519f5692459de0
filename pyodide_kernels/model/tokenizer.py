"""The model's own tokenizer: byte-level BPE with the merges the reference trainer learned on
Shakespeare (traces/tokenizer.json). The words are split as in ``maths.bpe``; each word's bytes
are merged by rank.

Example: ``load_tokenizer().encode("To be")`` -> the ids of 'To', ' be'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from .._assets import data_path
from ..maths.bpe import encode_word, split_words

TOKENIZER = "traces/tokenizer.json"


@dataclass(frozen=True)
class Tokenizer:
    """Merge ranks and the bytes of every token."""

    ranks: dict[tuple[int, int], int]
    pieces: list[bytes]

    @property
    def vocab_size(self) -> int:
        """How many tokens it knows. Example: 1024 for the shipped model"""
        return len(self.pieces)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``. Example: ``t.encode("")`` -> []"""
        return [i for w in split_words(text) for i in encode_word(tuple(w.encode()), self.ranks)]

    def decode(self, ids: list[int]) -> str:
        """The text of ``ids`` (a character cut in two shows as U+FFFD). Example: ``t.decode([])``
        -> ''"""
        return b"".join(self.pieces[i] for i in ids).decode("utf-8", errors="replace")

    def token_text(self, token: int) -> str:
        """One token as text; bytes cut mid-character show as ``\\x..``.

        Example: ``t.token_text(32)`` -> ' '
        """
        return self.pieces[token].decode("utf-8", errors="backslashreplace")


@lru_cache(maxsize=2)
def load_tokenizer(path: str = TOKENIZER) -> Tokenizer:
    """The tokenizer of the shipped model, read once per process.

    Example: ``load_tokenizer().vocab_size`` -> 1024
    """
    table = json.loads(data_path(path).read_text())
    ranks = {(a, b): new for a, b, new in table["merges"]}
    return Tokenizer(ranks, [bytes.fromhex(h) for h in table["tokens"]])
