"""Two tokenizers side by side: GPT-4's ``cl100k_base`` (100,256 tokens, trained on the web) and
the project model's own byte-level BPE (1,024 tokens, trained on Shakespeare). The same text
costs a different number of tokens in each, and the split shows what each vocabulary learned.

Reads only ``traces/tokenizer.json`` for the model's tokenizer (not the weights), so the
playground stays light. Leaves out: special tokens.
"""

from __future__ import annotations

from typing import Any

from ..maths.cl100k import check_text, cl100k_encode
from ..model.tokenizer import load_tokenizer

__kernels__ = ("model_tokenize", "tokenizer_compare")


def model_tokenize(text: Any) -> dict[str, Any]:
    """Encode with the project model's tokenizer; bytes cut mid-character show as ``\\x..``.

    Example: ``model_tokenize("To be")["tokens"]`` -> ['To', ' be']
    """
    tokenizer = load_tokenizer()
    ids = tokenizer.encode(check_text(text))
    return {
        "ids": ids,
        "tokens": [tokenizer.token_text(i) for i in ids],
        "count": len(ids),
        "vocabulary": tokenizer.vocab_size,
    }


def tokenizer_compare(text: Any) -> dict[str, Any]:
    """cl100k_base's result (at the top level) with the project model's under ``"model"``.

    Example: ``tokenizer_compare("Cause the light was on.")["model"]["count"]`` -> more than 6
    """
    return {**cl100k_encode(text), "model": model_tokenize(text)}
