"""The real model's token vectors: rows of the shipped embedding table, and neighbours that
agree with PyTorch's cosine similarity computed on the same weights."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.model import load
from pyodide_kernels.on_model.token_vectors import gpt_embedding_explorer, gpt_embedding_neighbours


def torch_neighbours(torch, tid: int, n: int) -> tuple[list[int], list[float]]:  # noqa: ANN001
    table = torch.from_numpy(np.load("traces/model.npz")["wte.weight"]).double()
    cosine = torch.nn.functional.cosine_similarity(table, table[tid][None], dim=1)
    cosine[tid] = -2  # not its own neighbour
    best = torch.topk(cosine, n)
    return best.indices.tolist(), best.values.tolist()


@pytest.mark.parametrize("word", [" king", " love", " the", ","])
def test_neighbours_match_pytorch_and_leave_out_the_token_itself(torch, word):
    result = gpt_embedding_neighbours(word, 8)
    tid = load().encode(word)[0]
    ids, cosines = torch_neighbours(torch, tid, 8)
    assert [row["id"] for row in result["neighbours"]] == ids
    assert [row["cosine"] for row in result["neighbours"]] == pytest.approx(cosines, abs=1e-6)
    assert tid not in [row["id"] for row in result["neighbours"]]


def test_the_explorer_shows_the_picked_tokens_row_of_the_table():
    result = gpt_embedding_explorer("queen", pick=1, n=3)
    m = load()
    ids = m.encode(" queen")
    assert [p["id"] for p in result["pieces"]] == ids
    assert result["id"] == ids[1]
    np.testing.assert_array_equal(result["vector"], m.w["wte.weight"][ids[1]])
    assert result["norm"] == pytest.approx(float(np.linalg.norm(result["vector"])), rel=1e-6)


def test_a_leading_space_is_added_unless_asked_not_to():
    assert gpt_embedding_explorer("king")["pieces"][0]["token"].startswith(" ")
    assert not gpt_embedding_explorer("king", space=False)["pieces"][0]["token"].startswith(" ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"text": ""}, "type a word"),
        ({"text": "   "}, "type a word"),
        ({"text": "x" * 201}, "at most 200 characters"),
        ({"text": "king", "pick": 5}, "pick"),
        ({"text": 12}, "type a word"),
    ],
)
def test_bad_input_gets_a_message(args, message):
    with pytest.raises(ValueError, match=message):
        gpt_embedding_explorer(**args)
