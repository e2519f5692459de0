"""Embedding lookup, cosine similarity and nearest neighbours, checked against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.maths.embeddings import (
    cosine_similarity,
    embedding_lookup,
    input_vector,
    nearest_neighbours,
)

from ._compare import random

TABLE = [[1, 0], [0.9, 0.1], [0, 1], [-1, 0]]


def test_lookup_similarity_and_neighbours_by_hand():
    assert embedding_lookup(TABLE, [2, 0])["vectors"].tolist() == [[0, 1], [1, 0]]
    assert cosine_similarity([1, 0], [1, 1])["cosine"] == pytest.approx(2**-0.5)
    assert cosine_similarity([1, 0], [-3, 0])["cosine"] == pytest.approx(-1)
    assert cosine_similarity([0, 0], [1, 0])["cosine"] == 0  # no direction, no similarity
    found = nearest_neighbours(TABLE, 0, 3)
    assert found["ids"].tolist() == [1, 2, 3] and 0 not in found["ids"]
    assert found["cosine"][0] == pytest.approx(0.9 / np.hypot(0.9, 0.1))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_against_torch(torch, seed):
    table = random((20, 8), seed)
    ids = np.random.default_rng(seed).integers(0, 20, size=6)
    expected = torch.nn.functional.embedding(torch.from_numpy(ids), torch.from_numpy(table))
    assert np.array_equal(
        embedding_lookup(table.tolist(), ids.tolist())["vectors"], expected.numpy()
    )
    cosines = torch.nn.functional.cosine_similarity(
        torch.from_numpy(table[3])[None], torch.from_numpy(table), dim=-1
    ).numpy()
    cosines[3] = -np.inf
    found = nearest_neighbours(table.tolist(), 3, 5)
    assert found["ids"].tolist() == np.argsort(-cosines)[:5].tolist()
    assert np.max(np.abs(found["cosine"] - cosines[found["ids"]])) < 1e-6
    assert cosine_similarity(table[0].tolist(), table[1].tolist())["cosine"] == pytest.approx(
        torch.nn.functional.cosine_similarity(
            torch.from_numpy(table[0]), torch.from_numpy(table[1]), dim=0
        ).item()
    )


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda: embedding_lookup(TABLE, [4]), "ids: must be integers from 0 to 3"),
        (lambda: embedding_lookup(TABLE, [1.5]), "ids: must be integers"),
        (lambda: cosine_similarity([1, 0], [1, 0, 0]), "b: expected 2 values"),
        (lambda: nearest_neighbours(TABLE, 9), "id"),
        (lambda: nearest_neighbours(TABLE, 0, 4), "n"),
    ],
)
def test_bad_input_names_the_argument(call, reason):
    with pytest.raises(ValueError, match=reason):
        call()


def test_seed_002_cat_at_position_2_is_its_embedding_plus_its_position():
    result = input_vector([0.78, 0.30, -0.12, 0.45], [0.91, -0.42, 0.14, -0.99])
    np.testing.assert_allclose(result["input"], [1.69, -0.12, 0.02, -0.54], atol=1e-12)
    with pytest.raises(ValueError, match="position: expected 4 numbers"):
        input_vector([0.78, 0.30, -0.12, 0.45], [0.91, -0.42])
