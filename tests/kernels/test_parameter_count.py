"""Parameters counted from a shape: the counts their makers published (Hugging Face's model
cards, Meta's), this project's own PyTorch GPT built at other shapes, the shipped weights'
size, and the parts' own invariants; a wrong shape names its field."""

from __future__ import annotations

import pytest

from pyodide_kernels.maths.parameter_count import GPT2_SMALL, parameter_parts
from pyodide_kernels.model import load
from pyodide_kernels.on_model.real_models import model_shapes, site_model_shape

#: Published totals: GPT-2's from Hugging Face's model cards, Llama's from the safetensors index
#: sizes Meta's repositories list; GPT-3's paper gives 175.0 billion (rounded).
PUBLISHED = {
    "GPT-2 small": 124_439_808,
    "GPT-2 XL": 1_557_611_200,
    "Llama 3 8B": 8_030_261_248,
    "Llama 3 70B": 70_553_706_496,
    "Llama 3.1 405B": 405_853_388_800,
}


def test_the_published_counts_come_out_of_the_published_shapes():
    counted = {m["name"]: m["parameters"]["total"] for m in model_shapes()["models"]}
    for name, total in PUBLISHED.items():
        assert counted[name] == total, name
    assert counted["GPT-3"] == pytest.approx(175.0e9, rel=0.005)


def test_this_sites_count_is_the_shipped_weights_size():
    assert parameter_parts(site_model_shape())["total"] == load().parameters()


@pytest.mark.parametrize(("layers", "width", "heads", "vocab"), [(2, 64, 4, 300), (3, 96, 6, 50)])
def test_gpt2_counts_are_pytorchs_for_the_projects_own_gpt(torch, layers, width, heads, vocab):
    from reference.model import GPT, GPTConfig

    config = GPTConfig(vocab_size=vocab, n_ctx=32, n_embd=width, n_layer=layers, n_head=heads)
    model = GPT(config)
    expected = sum(p.numel() for p in model.parameters())  # tied: the table is counted once
    shape = {
        "family": "gpt2", "n_layer": layers, "n_embd": width, "n_head": heads,
        "n_kv_head": heads, "n_inner": 4 * width, "vocab_size": vocab, "n_ctx": 32,
    }  # fmt: skip
    assert parameter_parts(shape)["total"] == expected


def test_the_parts_add_up_and_move_the_way_the_shape_says():
    parts = parameter_parts(GPT2_SMALL)
    assert sum(v for k, v in parts.items() if k != "total") == parts["total"]
    llama = {**GPT2_SMALL, "family": "llama"}
    fewer_kv = {**llama, "n_kv_head": 4}
    assert parameter_parts(fewer_kv)["attention"] < parameter_parts(llama)["attention"]
    assert parameter_parts(fewer_kv)["mlp"] == parameter_parts(llama)["mlp"]
    untied = parameter_parts({**GPT2_SMALL, "tied": False})
    assert untied["embeddings"] - parts["embeddings"] == 50257 * 768
    deeper = parameter_parts({**GPT2_SMALL, "n_layer": 24})
    assert deeper["embeddings"] == parts["embeddings"] and deeper["mlp"] == 2 * parts["mlp"]


def test_the_shares_of_every_row_sum_to_one():
    result = model_shapes(GPT2_SMALL)
    for row in [*result["models"], result["mine"]]:
        assert sum(row["shares"].values()) == pytest.approx(1.0, rel=1e-12), row["name"]
    assert result["mine"]["parameters"]["total"] == PUBLISHED["GPT-2 small"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"n_head": 7}, "n_head"),
        ({"n_kv_head": 5}, "n_kv_head"),
        ({"n_layer": 0}, "n_layer"),
        ({"n_embd": 1.5}, "n_embd"),
        ({"vocab_size": "many"}, "vocab_size"),
        ({"family": "bert"}, "family"),
    ],
)
def test_a_wrong_shape_names_its_field(change, field):
    with pytest.raises(ValueError, match=field):
        model_shapes({**GPT2_SMALL, **change})
