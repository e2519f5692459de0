"""The real model's token vectors: each of its 1,024 tokens is one row of the embedding table
``wte`` (1024, 128) learned in training. Similar rows belong to tokens the model treats alike.

    vector(token) = wte[id]
    neighbours(token) = the other rows with the highest cosine similarity to it

Uses ``embeddings.nearest_neighbours`` (itself excluded) on the shipped weights. Leaves out:
the position vectors (see ``position_explorer``) and the unembedding, which the model ties to
this same table.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int
from ..maths.embeddings import nearest_neighbours
from ..model import Model, load

__kernels__ = ("gpt_embedding_neighbours", "gpt_embedding_explorer")

MAX_WORD = 200  # characters a reader may explore at once


def token_id(token: Any, model: Model) -> int:
    """The id of one token given as text (``" king"``) or as an id.

    Example: ``token_id(" the", load())`` -> the id of " the"
    """
    if isinstance(token, str) and token and not token.lstrip("-").isdigit():
        ids = model.encode(token)
        if len(ids) != 1:
            raise ValueError(f"token: {token!r} is {len(ids)} tokens, expected one")
        return ids[0]
    return as_int(token, "token", 0, model.vocab_size - 1)


def neighbours_of(model: Model, tid: int, n: int) -> list[dict[str, Any]]:
    """The n tokens nearest to token ``tid`` by cosine, most similar first, itself excluded.

    Example: ``neighbours_of(load(), 12, 2)`` -> [{"id": …, "token": …, "cosine": …}, …]
    """
    found = nearest_neighbours(model.w["wte.weight"], tid, n)
    return [
        {"id": int(i), "token": model.token_text(int(i)), "cosine": float(c)}
        for i, c in zip(found["ids"], found["cosine"], strict=True)
    ]


def gpt_embedding_neighbours(token: Any, n: Any = 10) -> dict[str, Any]:
    """Tokens whose embeddings are most similar to ``token`` (text of one token, or its id).

    Example: ``gpt_embedding_neighbours(" king", 3)["neighbours"][0]["token"]`` -> a token
    other than ' king', such as ' queen' or ' prince'
    """
    m = load()
    tid = token_id(token, m)
    return {"token": m.token_text(tid), "neighbours": neighbours_of(m, tid, as_int(n, "n", 1, 50))}


def gpt_embedding_explorer(
    text: Any, pick: Any = 0, n: Any = 8, space: bool = True
) -> dict[str, Any]:
    """Split ``text`` into the model's tokens (after a leading space when ``space``, as a word
    inside a sentence has), take token number ``pick``: its vector, length and nearest neighbours.

    Example: ``gpt_embedding_explorer("king")["token"]`` -> ' king' (128 numbers in "vector")
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text: type a word (or a few) to look up")
    if len(text) > MAX_WORD:
        raise ValueError(f"text: at most {MAX_WORD} characters, got {len(text)}")
    m = load()
    ids = m.encode(" " + text if space is True and not text[0].isspace() else text)
    index = as_int(pick, "pick", 0, len(ids) - 1)
    table = m.w["wte.weight"]
    vector = table[ids[index]]  # (d,)
    low, high = float(table.min()), float(table.max())
    return {
        "pieces": [{"id": i, "token": m.token_text(i)} for i in ids],
        "pick": index,
        "table_shape": list(table.shape),
        "id": ids[index],
        "token": m.token_text(ids[index]),
        "vector": vector,
        "norm": float(np.linalg.norm(vector)),
        "range": [float(vector.min()), float(vector.max())],
        "vector_heat": (vector - low) / (high - low),  # the whole table's range -> [0, 1]
        "neighbours": neighbours_of(m, ids[index], as_int(n, "n", 1, 50)),
    }
