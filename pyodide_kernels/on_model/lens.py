"""The logit lens (nostalgebraist 2020): what the model would predict next if it stopped after
the embeddings or after any block, at every position: the final layer norm and the tied
unembedding applied early, to the stream as it is there.

    lens_l = ln_f(x_l) @ wteᵀ          x_l: the residual stream after block l

References: nostalgebraist, "interpreting GPT: the logit lens" (2020). Leaves out: the tuned
lens's learned translators.
"""

from __future__ import annotations

from typing import Any

from .._validate import as_int
from ..model import check_prompt, load, record, top_tokens
from ..model.layers import unembed

__kernels__ = ("gpt_logit_lens",)


def layer_names(n_layer: int) -> list[str]:
    """Where the lens looks: the embeddings, then each block.

    Example: ``layer_names(2)`` -> ['embed', 'h.0', 'h.1']
    """
    return ["embed"] + [f"h.{i}" for i in range(n_layer)]


def gpt_logit_lens(prompt: Any, k: Any = 1) -> dict[str, Any]:
    """Each layer's top-k next tokens at every position, (L+1, T, k).

    Example: ``gpt_logit_lens("To be")["top"][-1][-1][0]["token"]`` -> the model's own guess
    """
    m = load()
    ids = check_prompt(prompt, m)
    kk = as_int(k, "k", 1, 20)
    lens = unembed(m, record(m, ids)[1].stream)  # (L+1, T, vocab)
    return {
        "tokens": [m.token_text(i) for i in ids],
        "layers": layer_names(m.n_layer),
        "top": [[top_tokens(m, row, kk) for row in layer] for layer in lens],  # (L+1, T, k)
    }
