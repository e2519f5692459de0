"""The adaptation calculator: full fine-tuning, LoRA and prompting compared on a real model's
published shape (data/models.json) or this site's, with the costs of maths/lora_size.py.

Example: ``adaptation("Llama 3 8B", 16, "qv")["costs"]["lora"]["trained"]`` -> 6815744

References: Hu et al. (2021), LoRA. Leaves out: mixture-of-experts models (none is listed).
"""

from __future__ import annotations

from typing import Any

from .._validate import as_int
from ..maths.lora_size import TARGETS, adaptation_costs, matrix_shapes
from .real_models import published_table, site_model_shape

__kernels__ = ("adaptation",)


def model_named(name: Any) -> dict[str, Any]:
    """This site's model or a published one, by the name the calculator's menu shows.

    Example: ``model_named("this site's model")["n_layer"]`` -> 4
    """
    shapes = [site_model_shape(), *published_table()["models"]]
    for shape in shapes:
        if shape["name"] == name:
            return shape
    names = ", ".join(s["name"] for s in shapes)
    raise ValueError(f"model: one of {names}")


def adaptation(model: Any = "Llama 3 8B", rank: Any = 16, targets: Any = "qv") -> dict[str, Any]:
    """What each way of adapting ``model`` trains and needs in memory, LoRA at ``rank`` on
    ``targets`` ("qv", "attention" or "all"), with the matrices LoRA adapts.

    Example: ``adaptation("this site's model", 4, "attention")["costs"]["lora"]["trained"]``
    -> 16384
    """
    shape = model_named(model)
    r = as_int(rank, "rank", 1, 1024)
    if targets not in TARGETS:
        raise ValueError(f"targets: one of {', '.join(TARGETS)}")
    shapes = matrix_shapes(shape)
    return {
        "model": shape["name"],
        "models": [site_model_shape()["name"], *(m["name"] for m in published_table()["models"])],
        "rank": r,
        "targets": targets,
        "matrices": [
            {"name": n, "d_in": i, "d_out": o, "full": i * o, "lora": r * (i + o)}
            for n, (i, o) in shapes.items()
            if n in TARGETS[targets]
        ],
        "layers": shape["n_layer"],
        "costs": with_units(adaptation_costs(shape, r, targets)),
    }


def with_units(costs: dict[str, Any]) -> dict[str, Any]:
    """Each way's costs with the units a reader reads them in: the share in per cent, training
    memory in GiB, the saved file in MiB.

    Example: ``with_units({"total": 10, "lora": {"trained": 1, "share": 0.1,
    "memory_bytes": 2**30, "saved_bytes": 2**20}})["lora"]["memory_gib"]`` -> 1.0
    """
    return {
        name: row
        if name == "total"
        else {
            **row,
            "percent": 100 * row["share"],
            "memory_gib": row["memory_bytes"] / 2**30,
            "saved_mib": row["saved_bytes"] / 2**20,
        }
        for name, row in costs.items()
    }
