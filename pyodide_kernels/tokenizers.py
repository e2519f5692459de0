"""Two tokenizers side by side: GPT-4's ``cl100k_base`` (100,256 tokens, trained on the web) and
the project model's own byte-level BPE (1,024 tokens, trained on Shakespeare). The same text
costs a different number of tokens in each, and the split shows what each vocabulary learned.

Reads only ``traces/tokenizer.json`` for the model's tokenizer (not the weights), so the
playground stays light. Leaves out: special tokens.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from ._assets import data_path
from .bpe import encode_word, split_words
from .cl100k import check_text, cl100k_encode

__kernels__ = ("model_tokenize", "tokenizer_compare")


@lru_cache(maxsize=1)
def model_vocabulary(path: str = "traces/tokenizer.json") -> tuple[dict, list[bytes]]:
    """The model's merge ranks and the bytes of every token.

    Example: ``len(model_vocabulary()[1])`` -> 1024
    """
    table = json.loads(data_path(path).read_text())
    ranks = {(a, b): new for a, b, new in table["merges"]}
    return ranks, [bytes.fromhex(h) for h in table["tokens"]]


def model_tokenize(text: Any) -> dict[str, Any]:
    """Encode with the project model's tokenizer; bytes cut mid-character show as ``\\x..``.

    Example: ``model_tokenize("To be")["tokens"]`` -> ['To', ' be']
    """
    ranks, pieces = model_vocabulary()
    words = split_words(check_text(text))
    ids = [i for w in words for i in encode_word(tuple(w.encode()), ranks)]
    return {
        "ids": ids,
        "tokens": [pieces[i].decode("utf-8", errors="backslashreplace") for i in ids],
        "count": len(ids),
        "vocabulary": len(pieces),
    }


def tokenizer_compare(text: Any) -> dict[str, Any]:
    """cl100k_base's result (at the top level) with the project model's under ``"model"``.

    Example: ``tokenizer_compare("Cause the light was on.")["model"]["count"]`` -> more than 6
    """
    return {**cl100k_encode(text), "model": model_tokenize(text)}
