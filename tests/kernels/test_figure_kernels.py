"""The kernels behind the figures: every head's projections of one token, the unembedding, a
word's BPE merge tree, and the KV cache's size, against PyTorch and hand-worked numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pyodide_kernels.maths.bpe import bpe_train
from pyodide_kernels.model import load
from pyodide_kernels.on_model.hardware import cache_sizes
from pyodide_kernels.on_model.projections import head_projections
from pyodide_kernels.on_model.unembedding import unembedding
from tests.conftest import REPO

PROMPT = "To be, or not to be, that is the"


@pytest.fixture(scope="module")
def reference(torch):
    from reference.traces import load_model

    return load_model(Path(REPO / "traces"), "cpu")[0].eval()


@pytest.mark.parametrize(("layer", "position"), [(0, -1), (2, 3)])
def test_each_head_projects_the_whole_vector_as_pytorch_does(torch, reference, layer, position):
    ids = load().encode(PROMPT)
    with torch.no_grad():
        _, hidden, _ = reference(torch.tensor([ids]), return_hidden=True)
        block = reference.h[layer]
        h = block.ln_1(hidden[layer])[0, position]  # (d,)
        qkv = block.attn.c_attn(h)  # (3d,)
    result = head_projections(PROMPT, position, layer)
    np.testing.assert_allclose(result["normed"], h.numpy(), atol=1e-5)
    d, hs = load().d, load().config.head_size
    for head in result["heads"]:
        j = head["head"]
        for part, offset in (("q", 0), ("k", d), ("v", 2 * d)):
            expected = qkv[offset + j * hs : offset + (j + 1) * hs].numpy()
            np.testing.assert_allclose(head[part], expected, atol=1e-4)
    assert result["shapes"]["w_head"] == [d, hs] and result["shapes"]["concat"] == [d]


def test_the_unembedding_is_a_dot_product_with_every_row(torch, reference):
    ids = load().encode(PROMPT)
    with torch.no_grad():
        logits = reference(torch.tensor([ids]))[0, -1].double().numpy()
    result = unembedding(PROMPT, 5)
    assert [t["id"] for t in result["top"]] == list(np.argsort(-logits, kind="stable")[:5])
    table = load().w["wte.weight"].astype(np.float64)
    final = np.asarray(result["final"], dtype=np.float64)
    for t in result["top"]:
        assert t["logit"] == pytest.approx(logits[t["id"]], abs=1e-4)
        assert t["logit"] == pytest.approx(final @ table[t["id"]], rel=1e-9)
        assert t["cosine"] == pytest.approx(t["logit"] / (t["row_norm"] * result["final_norm"]))
    assert result["shape"] == [load().vocab_size, load().d]


def test_a_merge_tree_rebuilds_its_token_from_its_leaves():
    result = bpe_train("low lower lowest lowly", 3, "char", ["lowest"])
    (lowest,) = result["encoded"]

    def leaves(node):
        return [node["token"]] if "parts" not in node else sum(map(leaves, node["parts"]), [])

    def consistent(node):
        parts = node.get("parts", [])
        return not parts or (
            node["token"] == "".join(p["token"] for p in parts) and all(map(consistent, parts))
        )

    for token, tree in zip(lowest["tokens"], lowest["trees"], strict=True):
        assert tree["token"] == token and "".join(leaves(tree)) == token and consistent(tree)
    # worked by hand: the three merges are l+o, lo+w, low+e, so "lowe" is ((l o) w) e
    assert lowest["trees"][0] == {
        "token": "lowe",
        "parts": [
            {"token": "low", "parts": [{"token": "lo", "parts": [{"token": "l"}, {"token": "o"}]},
                                       {"token": "w"}]},
            {"token": "e"},
        ],
    }  # fmt: skip


def test_the_cache_sizes_worked_by_hand():
    sizes = cache_sizes(load())
    # this model: 2 (K, V) x 4 layers x 4 heads x 32 numbers x 128 tokens x 4 bytes
    assert sizes["this model"]["bytes"]["MHA"] == 2 * 4 * 4 * 32 * 128 * 4 == 512 * 1024
    # Llama 3 8B: 2 x 32 layers x 8 key/value heads x 128 x 8192 tokens x 2 bytes = 1 GiB
    assert sizes["Llama 3 8B"]["bytes"]["GQA"] == 2**30
    assert sizes["Llama 3 8B"]["gib"]["MHA"] == 4.0
