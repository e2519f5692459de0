"""This site's model beside real ones: each one's published shape (``data/models.json``, with
its source) and its parameters counted from that shape, part by part
(maths/parameter_count.py); the reader may add a shape of their own.

Example: ``model_shapes()["models"][0]["name"]`` -> 'this site's model'

References: the sources named in data/models.json. Leaves out: mixture-of-experts models.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from .._assets import data_path
from ..maths.multihead import kv_cache_bytes
from ..maths.parameter_count import FIELDS, check_shape, parameter_parts
from ..model import load

__kernels__ = ("model_shapes",)


def site_model_shape() -> dict[str, Any]:
    """The shipped model's shape, read from its configuration (GPT-2 style).

    Example: ``site_model_shape()["n_layer"]`` -> 4
    """
    c = load().config
    return {
        "name": "this site's model", "year": 2026, "family": "gpt2", "n_layer": c.n_layer,
        "n_embd": c.n_embd, "n_head": c.n_head, "n_kv_head": c.n_head, "n_inner": c.n_inner,
        "vocab_size": c.vocab_size, "n_ctx": c.n_ctx, "tied": True,
        "source": {"title": "traces/model.json", "url": ""},
    }  # fmt: skip


def with_parameters(model: dict[str, Any]) -> dict[str, Any]:
    """A model row with its parameter count, each part's count and its share of the total.

    Example: ``with_parameters(site_model_shape())["parameters"]["total"]`` -> 940 800
    """
    parts = parameter_parts(model)
    shares = {k: v / parts["total"] for k, v in parts.items() if k != "total"}
    return {**model, "parameters": parts, "shares": shares}


@lru_cache(maxsize=1)
def published_table() -> dict[str, Any]:
    """data/models.json: the real models' shapes, each with the source it was published in; read
    once (every caller only reads it).

    Example: ``published_table()["models"][0]["name"]`` -> 'GPT-2 small'
    """
    table = json.loads(data_path("data/models.json").read_text(encoding="utf-8"))
    for model in table["models"]:  # each shape is checked as it is counted
        if not model["source"]["url"].startswith("https://"):
            raise ValueError(f"data/models.json: {model['name']} needs a source URL")
    return table


def published_model(name: str) -> dict[str, Any]:
    """One real model's row of data/models.json, by name.

    Example: ``published_model("Llama 3 8B")["n_kv_head"]`` -> 8
    """
    for model in published_table()["models"]:
        if model["name"] == name:
            return model
    raise ValueError(f"data/models.json: no model named {name!r}")


def full_window_cache(model: dict[str, Any], bytes_per_number: int) -> dict[str, Any]:
    """A model's KV cache over its whole context window (kv_cache_bytes of its shape): "GQA" is
    the cache as built, with its own key/value heads; "MHA" with one per query head.

    Example: ``full_window_cache(published_model("Llama 3 8B"), 2)["gib"]["GQA"]`` -> 1.0
    """
    return kv_cache_bytes(
        layers=model["n_layer"], n_head=model["n_head"], n_kv_head=model["n_kv_head"],
        head_dim=model["n_embd"] // model["n_head"], tokens=model["n_ctx"],
        bytes_per_number=bytes_per_number,
    )  # fmt: skip


def model_shapes(mine: Any = None) -> dict[str, Any]:
    """Every model's shape and parameters, this site's first; ``mine`` (a shape with the
    fields of ``FIELDS`` and a family) is counted too.

    Example: ``model_shapes({"family": "llama", "n_layer": 2, "n_embd": 64, "n_head": 4,
    "n_kv_head": 2, "n_inner": 128, "vocab_size": 100, "n_ctx": 64})["mine"]["parameters"]``
    -> the parts of that small Llama
    """
    table = published_table()
    models = [site_model_shape(), *table["models"]]
    given = None
    if mine is not None:
        given = with_parameters({"name": "your model", **check_shape(mine)})
    return {
        "models": [with_parameters(m) for m in models],
        "mine": given,
        "fields": list(FIELDS),
        "note": table["note"],
    }
