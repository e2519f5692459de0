"""Retrieval-augmented generation on the real model against the PyTorch reference: the cosine
scores are the same mean-pooled hidden states' cosines recomputed with torch, the continuations
are torch's greedy continuations of the same prompt ids, the passage in the context makes the
model copy it, the induction head attends to what is copied, and zeroing that head stops it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pyodide_kernels.labs.roles import head_roles
from pyodide_kernels.model import load
from pyodide_kernels.on_model.retrieval import (
    DEFAULT_QUERY,
    EMBED_LAYER,
    PASSAGES,
    copy_sources,
    induction_head,
    retrieval,
)

QUERIES = [DEFAULT_QUERY, "Friends, Romans, countrymen, lend", "a rose by any other name"]


@pytest.fixture(scope="module")
def torch_model(torch):
    from reference.traces import load_model

    model, _ = load_model(Path("traces"), "cpu")
    return model.eval()


@pytest.fixture(scope="module")
def default():
    return retrieval()


def torch_vector(torch, model, ids: list[int]):
    """The mean over tokens of torch's residual stream at the embedding layer, float64."""
    with torch.no_grad():
        _, hidden, _ = model(torch.tensor([ids]), return_hidden=True)
    return hidden[EMBED_LAYER][0].double().mean(0)


def torch_greedy(torch, model, ids: list[int], steps: int) -> list[int]:
    """Greedy continuation, recomputing the whole context each step (no cache)."""
    context = list(ids)
    with torch.no_grad():
        for _ in range(steps):
            context.append(int(model(torch.tensor([context]))[0, -1].argmax()))
    return context[len(ids) :]


@pytest.mark.parametrize("query", QUERIES)
def test_cosines_match_torch_hidden_states(torch, torch_model, query):
    m = load()
    library = torch.stack([torch_vector(torch, torch_model, m.encode(p)) for p in PASSAGES])
    q = torch_vector(torch, torch_model, m.encode(query))
    expected = torch.nn.functional.cosine_similarity(q[None], library, dim=1).numpy()
    ours = retrieval(query)
    np.testing.assert_allclose(ours["cosine"], expected, atol=1e-5)
    assert ours["ranked"][0]["index"] == int(np.argmax(expected))


@pytest.mark.parametrize("query", QUERIES[:2])
def test_continuations_are_torchs_greedy_ones(torch, torch_model, query):
    ours = retrieval(query, tokens=24)
    assert ours["with_ids"] == torch_greedy(torch, torch_model, ours["prompt_ids"], 24)
    query_ids = load().encode(query)
    assert ours["without_ids"] == torch_greedy(torch, torch_model, query_ids, 24)


def test_the_default_query_retrieves_its_passage(default):
    assert default["ranked"][0]["index"] == default["chosen"] == 7
    assert PASSAGES[7].startswith(DEFAULT_QUERY)
    best, second = (r["cosine"] for r in default["ranked"][:2])
    assert best == pytest.approx(0.799, abs=0.01)
    assert best - second > 0.04  # measured 0.056


def test_the_passage_in_context_is_copied(default):
    # Measured: 22 of 24 tokens copied with the passage before the query, 0 without.
    assert default["copied"] >= 18
    assert default["copied_without"] <= 1
    text = "".join(default["with_passage"])
    assert text.startswith(" is not strain'd; it droppeth as the gentle rain from heaven.")
    sources = default["copied_from"]
    assert all(-1 <= s < default["passage_tokens"] for s in sources)
    # copying walks forward through the passage, one position per token, to its last token
    # (then the newline and the query again: "\nThe qual" copies positions 1, 2)
    end = default["passage_tokens"]
    assert sources[:20] == list(range(end - 20, end))


def test_another_query_copies_too():
    out = retrieval("Friends, Romans, countrymen, lend")
    assert out["chosen"] == 3
    assert out["copied"] >= 18 and out["copied_without"] <= 2  # measured 22 and 1


def test_the_wrong_passage_gives_nothing_to_copy():
    assert retrieval(use=0)["copied"] <= 2  # measured 1: Juliet's lines do not go on "mercy"


def test_the_induction_head_attends_to_the_copied_token(default):
    attention = default["attention"]
    copied = [a for a in attention["to_copied"] if a is not None]
    assert len(copied) == default["copied"]
    # Measured: 0.83 on average against 0.021 for even attention (about 39 times).
    assert attention["mean_to_copied"] > 0.6
    assert attention["mean_to_copied"] > 20 * attention["mean_uniform"]
    # and it reads the passage more than its share of the keys (0.85 against 0.59)
    assert np.mean(attention["to_passage"]) > np.mean(attention["passage_uniform"]) + 0.15
    assert np.all(attention["to_passage"] <= 1 + 1e-6)


def test_ablating_the_induction_head_stops_the_copying(default):
    ablated = retrieval(ablate=True)
    assert ablated["ablated"] and ablated["head"] == default["head"]
    # Measured: 22 copied tokens with the head, 0 without it.
    assert ablated["copied"] <= default["copied"] - 15
    assert ablated["copied"] <= 3


def test_the_head_is_the_one_the_labs_find():
    head = induction_head()
    found = head_roles(load())["induction_head"]
    assert (head["layer"], head["head"]) == (found["layer"], found["head"]) == (3, 0)
    assert head["score"] > 0.5


@pytest.mark.parametrize("index", range(len(PASSAGES)))
def test_a_passage_as_the_query_finds_itself(index):
    out = retrieval(PASSAGES[index], k=1)
    assert out["ranked"][0]["index"] == index
    assert out["ranked"][0]["cosine"] == pytest.approx(1.0, abs=1e-6)


def test_first_words_find_their_passage_at_the_embedding_layer():
    found = [
        retrieval(" ".join(p.split()[:4]), k=1)["ranked"][0]["index"] == i
        for i, p in enumerate(PASSAGES)
    ]
    assert sum(found) >= 11  # measured 11 of 12 ("Now is the winter" finds the rose)


def test_passages_fit_the_context():
    m = load()
    assert 8 <= len(PASSAGES) <= 16
    assert max(len(m.encode(p)) for p in PASSAGES) <= 40


def test_copy_sources_by_hand():
    # "1 2" occurs twice in the passage: the occurrence whose run agrees further back wins
    assert copy_sources([7, 1, 2, 8, 1, 2], [8, 1], [2, 9]) == [5, -1]
    assert copy_sources([7, 1, 2, 8, 1, 2], [7, 1], [2]) == [2]
    assert copy_sources([1, 2, 3, 1, 4], [0, 1], [2, 3]) == [1, 2]
    assert copy_sources([5, 6, 7], [], [5, 6]) == [-1, 1]


def test_ranked_is_sorted_and_k_long(default):
    assert len(default["ranked"]) == 3
    scores = [r["cosine"] for r in default["ranked"]]
    assert scores == sorted(scores, reverse=True)
    assert np.all(np.abs(default["cosine"]) <= 1 + 1e-9)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"query": ""}, "query: type a few words"),
        ({"query": "   "}, "query: type a few words"),
        ({"query": 3}, "query: type a few words"),
        ({"query": "x" * 500}, "at most 400 characters"),
        ({"query": "and the king " * 30}, "too long"),
        ({"tokens": 0}, "tokens"),
        ({"tokens": 100}, "tokens"),
        ({"k": 0}, "k"),
        ({"use": 12}, "use"),
        ({"use": "worst"}, "use"),
        ({"ablate": "yes"}, "ablate"),
    ],
)
def test_bad_requests_get_a_message(args, message):
    with pytest.raises(ValueError, match=message):
        retrieval(**args)


def test_the_other_heads_of_its_layer_are_not_needed(default):
    from pyodide_kernels.model import HeadScale, Hooks, generate_ids

    m, head = load(), default["head"]
    passage = m.encode(default["passage"])
    for other in set(range(m.n_head)) - {head["head"]}:
        hooks = Hooks(head=HeadScale(head["layer"], other, 0.0))
        new = generate_ids(m, default["prompt_ids"], 24, hooks=hooks)
        copied = sum(s >= 0 for s in copy_sources(passage, default["prompt_ids"], new))
        assert copied >= default["copied"] - 2  # measured: 22, as without any ablation
