"""The last step, the unembedding: the final vector of the last position, after the final layer
norm, against every row of the unembedding matrix, one dot product each, gives one logit per
token of the vocabulary. This model ties the unembedding to the embedding table (W_U = wte), so a
token scores high when the final vector points the way that token's own embedding points.

    h = ln_f(x_last)               (d,)
    logit_i = h · W_U[i]            for every token i:  (vocab,)

References: Press & Wolf (2017), tied embeddings. Leaves out: the logit lens at earlier layers
(see ``lens``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int
from ..maths.softmax import stable_softmax
from ..model import check_prompt, load, record
from ..model.layers import final_norm

__kernels__ = ("unembedding",)


def unembedding(prompt: Any = "To be, or not to be, that is the", k: Any = 8) -> dict[str, Any]:
    """The final vector, the unembedding's shape, and the k tokens with the highest logits, each
    with its dot product, the length of its row and the cosine between the two.

    Example: ``unembedding("To be", 1)["top"][0]["logit"]`` -> the largest of 1024 logits
    """
    m = load()
    ids = check_prompt(prompt, m)
    x = record(m, ids)[1].stream[-1, -1]  # (d,): the last position after the last block
    final = final_norm(m, x[None])[0]  # (d,)
    table = m.w["wte.weight"]  # (vocab, d): W_U, tied to the embeddings
    logits = final.astype(np.float64) @ table.T.astype(np.float64)  # (vocab,)
    probs = stable_softmax(logits)
    order = np.argsort(-logits, kind="stable")[: as_int(k, "k", 1, 50)]
    norms = np.linalg.norm(table.astype(np.float64), axis=1)
    size = float(np.linalg.norm(final.astype(np.float64)))
    return {
        "tokens": [m.token_text(i) for i in ids],
        "final": final,
        "final_norm": size,
        "shape": list(table.shape),
        "top": [
            {
                "id": int(i),
                "token": m.token_text(int(i)),
                "logit": float(logits[i]),
                "prob": float(probs[i]),
                "row_norm": float(norms[i]),
                "cosine": float(logits[i] / (norms[i] * size)),
            }
            for i in order
        ],
    }
