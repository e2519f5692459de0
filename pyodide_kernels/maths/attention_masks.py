"""Who may attend to whom: the attention masks of the transformer's three families, and of
sliding-window attention. Row i is a query, column j a key; True lets query i read key j.

    encoder-only (BERT)              every token reads every token: bidirectional
    decoder-only (GPT, Llama)        token i reads tokens 0 … i: causal, the generator's mask
    encoder–decoder (T5, the 2017    the encoder's own attention is bidirectional, the decoder's
      Transformer)                   causal, and its cross-attention lets every target token
                                     read every source token
    sliding window (Mistral)         causal, and only the last ``window`` tokens

The causal masks are ``attention.causal_mask``, the one the attention kernels use.

References: Vaswani et al. (2017); Devlin et al. (2019, BERT); Raffel et al. (2020, T5);
Beltagy et al. (2020, Longformer) and Jiang et al. (2023, Mistral 7B) for the sliding window.
Leaves out: padding masks, prefix-LM masks.

Example: ``attention_masks(tokens=3)["visible"]["decoder"]`` -> 6
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int
from .attention import causal_mask

__kernels__ = ("attention_masks",)

MAX_TOKENS = 16


def sliding_window_mask(tokens: int, window: int) -> np.ndarray:
    """Causal attention over at most the last ``window`` tokens (the query's own included).

    Example: ``sliding_window_mask(3, 2).tolist()`` -> [[True, False, False], [True, True,
    False], [False, True, True]]
    """
    i, j = np.arange(tokens)[:, None], np.arange(tokens)[None, :]
    return causal_mask(tokens, tokens) & (i - j < window)


def attention_masks(tokens: Any = 6, window: Any = 3, source_tokens: Any = 4) -> dict[str, Any]:
    """Every family's masks for ``tokens`` tokens (``source_tokens`` on the encoder's side of an
    encoder–decoder), how many query-key pairs each lets through, and how many keys the last
    token reads (the keys and values a decoder must keep).

    Example: ``attention_masks(tokens=4, window=2)["keys_read_by_last"]`` ->
    {"encoder": 4, "decoder": 4, "sliding": 2, "cross": 4}
    """
    t = as_int(tokens, "tokens", 1, MAX_TOKENS)
    w = as_int(window, "window", 1, MAX_TOKENS)
    s = as_int(source_tokens, "source_tokens", 1, MAX_TOKENS)
    masks = {
        "encoder": np.ones((t, t), dtype=bool),
        "decoder": causal_mask(t, t),
        "sliding": sliding_window_mask(t, w),
        "cross": np.ones((t, s), dtype=bool),  # decoder queries, encoder keys
    }
    return {
        **masks,
        "tokens": t, "window": w, "source_tokens": s,
        "visible": {name: int(mask.sum()) for name, mask in masks.items()},
        "keys_read_by_last": {name: int(mask[-1].sum()) for name, mask in masks.items()},
    }  # fmt: skip
