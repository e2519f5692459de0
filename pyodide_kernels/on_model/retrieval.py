"""Retrieval-augmented generation on the real model, and the induction head that makes the copying
work: embed a small library of passages with the model itself, rank them against a query by
cosine similarity, put the best one in the context before the query, continue greedily, and
measure how much of the continuation is copied from the passage and how the induction head
attends while it is.

    embed(text)   = mean over the text's tokens of the residual stream at layer ``EMBED_LAYER``
    score(p)      = cosine(embed(query), embed(p))                 for every passage p
    prompt        = passage ids + ids("\\n") + query ids           (one fixed template)
    copied(t)     = j + 1 when passage[j] is the token before generated token t and
                    passage[j + 1] is token t (the induction pattern: the token after the
                    earlier occurrence of the current token); -1 otherwise
    attention(t)  = the induction head's weight from the position before t to j + 1,
                    against 1 / (keys it can see) if it spread its attention evenly

Why layer 2 (the stream after two of the four blocks): the embeddings (layer 0) only know each
token and its position, and the last layer is shaped for predicting the next token; in between,
the stream mixes in context. Measured on this library, a query made of a passage's first four
words finds that passage 4 times in 12 at layer 0, 9 at layer 1, 11 at layers 2 and 3 and 10 at
layer 4, with the widest winning margins at layer 2 (tests/kernels/test_retrieval.py holds the
11). Mean-pooling hidden states is the simplest sentence embedding; real RAG systems embed with a
separate model trained for it (contrastively, on pairs of queries and passages) and search
millions of passages with an approximate nearest-neighbour index.

The induction head is the one the PyTorch trace names (``traces/induction_cpu.json``: highest
mean attention from a repeated random token to the token after its first occurrence); the labs
find the same head from the weights (labs/roles.py). ``ablate`` zeroes its output in every run.

References: Lewis et al. (2020) "Retrieval-Augmented Generation for Knowledge-Intensive NLP
Tasks"; Reimers & Gurevych (2019) Sentence-BERT (mean pooling); Olsson et al. (2022) "In-context
Learning and Induction Heads". Leaves out: a trained embedding model, chunking documents into
passages, approximate search, sampling, and more than one passage in the context.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np

from .._assets import data_path
from .._validate import as_flag, as_int
from ..maths.embeddings import cosine_matrix
from ..model import NO_HOOKS, HeadScale, Hooks, Model, generate_ids, load, record

__kernels__ = ("retrieval",)

#: The library: twelve famous lines of Shakespeare (public domain), each at most 38 tokens.
PASSAGES: tuple[str, ...] = (
    "But soft, what light through yonder window breaks? It is the east, and Juliet is the sun.",
    "To be, or not to be, that is the question: whether 'tis nobler in the mind to suffer",
    "Now is the winter of our discontent made glorious summer by this sun of York.",
    "Friends, Romans, countrymen, lend me your ears; I come to bury Caesar, not to praise him.",
    "All the world's a stage, and all the men and women merely players.",
    "If music be the food of love, play on; give me excess of it.",
    "Shall I compare thee to a summer's day? Thou art more lovely and more temperate.",
    "The quality of mercy is not strain'd; it droppeth as the gentle rain from heaven.",
    "Once more unto the breach, dear friends, once more; "
    "or close the wall up with our English dead.",
    "Double, double toil and trouble; fire burn and cauldron bubble.",
    "What's in a name? That which we call a rose by any other name would smell as sweet.",
    "Tomorrow, and tomorrow, and tomorrow, creeps in this petty pace from day to day.",
)
EMBED_LAYER = 2  # index into the stream: 0 is the embeddings, 4 the last block's output
SEPARATOR = "\n"  # the template: passage + SEPARATOR + query
DEFAULT_QUERY = "The quality of mercy"
MAX_QUERY_CHARS = 400
MAX_NEW_TOKENS = 64
INDUCTION_TRACE = "traces/induction_cpu.json"


def embed_ids(model: Model, ids: list[int], layer: int = EMBED_LAYER) -> np.ndarray:
    """A text's vector (d,): the mean over its tokens of the residual stream at ``layer``.

    Example: ``embed_ids(load(), load().encode("To be")).shape`` -> (128,)
    """
    stream = record(model, ids)[1].stream[layer]  # (T, d)
    return stream.astype(np.float64).mean(axis=0)  # (d,)


@lru_cache(maxsize=1)
def library_vectors() -> np.ndarray:
    """Every passage's vector, (passages, d), computed once.

    Example: ``library_vectors().shape`` -> (12, 128)
    """
    m = load()
    return np.stack([embed_ids(m, m.encode(p)) for p in PASSAGES])  # (P, d)


@lru_cache(maxsize=1)
def induction_head() -> dict[str, Any]:
    """The induction head the PyTorch trace names, with its induction score.

    Example: ``sorted(induction_head())`` -> ['head', 'layer', 'score']
    """
    found = json.loads(data_path(INDUCTION_TRACE).read_text())["induction_head"]
    return {"layer": int(found["layer"]), "head": int(found["head"]), "score": found["score"]}


def rank(scores: np.ndarray, k: int) -> list[int]:
    """The indices of the k highest scores, highest first (earlier index on ties).

    Example: ``rank(np.array([0.2, 0.9, 0.5]), 2)`` -> [1, 2]
    """
    return [int(i) for i in np.argsort(-scores, kind="stable")[:k]]


def run_length(sequence: list[int], end: int, passage: list[int], j: int) -> int:
    """How many tokens agree going back from ``sequence[end]`` and ``passage[j]`` together.

    Example: ``run_length([7, 5, 6], 2, [5, 6, 9], 1)`` -> 2
    """
    n = 0
    while n <= min(end, j) and sequence[end - n] == passage[j - n]:
        n += 1
    return n


def copy_sources(passage: list[int], before: list[int], generated: list[int]) -> list[int]:
    """For each generated token, the passage position of the token it copies, or -1: position
    j + 1 where passage[j] equals the token before it and passage[j + 1] equals it. Where the
    pair occurs more than once, the occurrence with the longest agreeing run behind it wins
    (the later one on ties).

    Example: ``copy_sources([5, 6, 7], [5], [6, 7, 9])`` -> [1, 2, -1]
    """
    sequence = list(before) + list(generated)
    sources = []
    for s in range(len(before), len(sequence)):
        candidates = [
            (run_length(sequence, s - 1, passage, j), j + 1)
            for j in range(len(passage) - 1)
            if s > 0 and passage[j] == sequence[s - 1] and passage[j + 1] == sequence[s]
        ]
        sources.append(max(candidates)[1] if candidates else -1)
    return sources


def head_attention(
    model: Model, prompt: list[int], generated: list[int], hooks: Hooks
) -> np.ndarray:
    """The induction head's attention rows (steps, keys) over prompt + generated, one from the
    position before each generated token (the query that predicted it).

    Example: ``head_attention(m, ids, new, NO_HOOKS).shape`` -> (len(new), len(ids) + len(new) - 1)
    """
    head = induction_head()
    ids = prompt + generated[:-1]
    weights = record(model, ids, hooks)[1].attn[head["layer"]][head["head"]]  # (T, T)
    queries = np.arange(len(prompt) - 1, len(ids))  # (steps,)
    return weights[queries]  # (steps, T)


def copy_attention(rows: np.ndarray, sources: list[int], span: int, first: int) -> dict[str, Any]:
    """Per generated token: the head's attention to the passage (its first ``span`` keys) and to
    the copied position (None where nothing is copied), with what even attention would give;
    ``first`` is the query position of the first generated token.

    Example: ``copy_attention(np.array([[0.5, 0.5]]), [0], 1, 1)["to_copied"]`` -> [0.5]
    """
    keys = np.arange(first, first + len(sources)) + 1  # (steps,) keys each query sees
    to_copied = [float(rows[i, s]) if s >= 0 else None for i, s in enumerate(sources)]
    copied = [i for i, s in enumerate(sources) if s >= 0]
    return {
        "to_passage": rows[:, :span].sum(axis=1),  # (steps,)
        "passage_uniform": span / keys,  # (steps,)
        "to_copied": to_copied,
        "uniform": 1.0 / keys,  # (steps,)
        "mean_to_copied": float(np.mean([to_copied[i] for i in copied])) if copied else 0.0,
        "mean_uniform": float(np.mean(1.0 / keys[copied])) if copied else 0.0,
    }


def check_query(query: Any, model: Model) -> list[int]:
    """The query's token ids, or a readable error.

    Example: ``len(check_query("To be", load()))`` -> 2
    """
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query: type a few words to look up")
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"query: at most {MAX_QUERY_CHARS} characters, got {len(query)}")
    return model.encode(query)


def choose(use: Any, ranked: list[int]) -> int:
    """The passage to put in the context: the best-ranked one, or the reader's index.

    Example: ``choose("best", [3, 1])`` -> 3
    """
    if use == "best":
        return ranked[0]
    return as_int(use, "use", 0, len(PASSAGES) - 1)


def retrieval(
    query: Any = DEFAULT_QUERY,
    k: Any = 3,
    use: Any = "best",
    tokens: Any = 24,
    ablate: Any = False,
) -> dict[str, Any]:
    """Rank the library against the query, continue the query greedily with and without the
    chosen passage before it, and measure what the continuation copies from the passage and how
    the induction head attends to it (``ablate`` zeroes that head in every run).

    Example: ``retrieval()["ranked"][0]["index"]`` -> 7
    """
    m = load()
    query_ids = check_query(query, m)
    top = as_int(k, "k", 1, len(PASSAGES))
    steps = as_int(tokens, "tokens", 1, MAX_NEW_TOKENS)
    as_flag(ablate, "ablate")
    scores = cosine_matrix(embed_ids(m, query_ids)[None], library_vectors())[0]  # (P,)
    ranked = rank(scores, len(PASSAGES))
    chosen = choose(use, ranked)
    passage = m.encode(PASSAGES[chosen])
    prompt = passage + m.encode(SEPARATOR) + query_ids
    if len(prompt) + steps > m.n_ctx:
        raise ValueError(
            f"query: too long: passage ({len(passage)}) + newline + query ({len(query_ids)}) + "
            f"{steps} new tokens exceed the {m.n_ctx}-token context window"
        )
    head = induction_head()
    hooks = Hooks(head=HeadScale(head["layer"], head["head"], 0.0)) if ablate else NO_HOOKS
    with_ids = generate_ids(m, prompt, steps, hooks=hooks)
    without_ids = generate_ids(m, query_ids, steps, hooks=hooks)
    sources = copy_sources(passage, prompt, with_ids)
    rows = head_attention(m, prompt, with_ids, hooks)  # (steps, T)
    return {
        "query": query,
        "embed_layer": EMBED_LAYER,
        "library": list(PASSAGES),
        "cosine": scores,
        "ranked": [
            {"index": i, "passage": PASSAGES[i], "cosine": float(scores[i])} for i in ranked[:top]
        ],
        "chosen": chosen,
        "passage": PASSAGES[chosen],
        "passage_tokens": len(passage),
        "prompt_ids": prompt,
        "prompt_tokens": [m.token_text(i) for i in prompt],
        "with_passage": [m.token_text(i) for i in with_ids],
        "without_passage": [m.token_text(i) for i in without_ids],
        "with_ids": with_ids,
        "without_ids": without_ids,
        "copied_from": sources,
        "copied": sum(s >= 0 for s in sources),
        "copied_without": sum(s >= 0 for s in copy_sources(passage, query_ids, without_ids)),
        "attention": copy_attention(rows, sources, len(passage), len(prompt) - 1),
        "head": head,
        "ablated": ablate,
    }
