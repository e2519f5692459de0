"""A LoRA adapter for the shipped model (traces/lora_sonnets.npz, trained by reference/lora.py
on Shakespeare's sonnets) and the model with it merged in.

LoRA keeps every weight W frozen and learns, beside it, two thin matrices A (r, in) and
B (out, r), the layout of the paper and of Hugging Face's peft. The layer then computes
``x @ W + scale · (x @ Aᵀ) @ Bᵀ``; since W is stored (in, out), merging gives

    W' = W + scale · (B A)ᵀ          scale = strength · alpha / r

one matrix of W's shape, so the merged model runs exactly as fast as the base model.
``strength`` 0 is the base model, 1 the trained adapter.

Example: ``adapter_parameters(load_adapter())`` -> 8192

References: Hu et al. (2021), "LoRA: Low-Rank Adaptation of Large Language Models".
Leaves out: keeping the adapter unmerged (two extra thin products per layer), several adapters
at once, dropout on the adapter's input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._assets import data_path
from .weights import Model, load

ADAPTER = "traces/lora_sonnets.npz"
RECORD = "traces/lora_sonnets.json"


@dataclass(frozen=True)
class Adapter:
    """A trained adapter: its rank r, alpha, and each adapted weight's (A (r, in), B (out, r)),
    keyed by the weight's GPT-2 name (``h.0.attn.c_attn.weight``)."""

    rank: int
    alpha: float
    pairs: dict[str, tuple[np.ndarray, np.ndarray]]

    @property
    def scale(self) -> float:
        """alpha / r, the factor at strength 1. Example: 8 / 4 -> 2.0"""
        return self.alpha / self.rank


def pairs_from_arrays(arrays: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(A, B) per adapted weight from arrays named ``<module>.lora_A`` / ``<module>.lora_B``.

    Example: ``list(pairs_from_arrays({"h.0.attn.c_attn.lora_A": np.zeros((1, 2)),
    "h.0.attn.c_attn.lora_B": np.zeros((3, 1))}))`` -> ['h.0.attn.c_attn.weight']
    """
    pairs = {}
    for name in sorted(arrays):
        if not name.endswith(".lora_A"):
            continue
        module = name.removesuffix(".lora_A")
        if f"{module}.lora_B" not in arrays:
            raise ValueError(f"adapter: {module}.lora_A has no lora_B beside it")
        a = np.asarray(arrays[name], dtype=np.float32)  # (r, in)
        b = np.asarray(arrays[f"{module}.lora_B"], dtype=np.float32)  # (out, r)
        if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[1]:
            raise ValueError(f"adapter: {module}: A {a.shape} and B {b.shape} do not pair")
        pairs[f"{module}.weight"] = (a, b)
    return pairs


@lru_cache(maxsize=2)
def load_adapter(adapter: str = ADAPTER, record: str = RECORD) -> Adapter:
    """The shipped adapter, read once per process.

    Example: ``load_adapter().rank`` -> 4
    """
    with np.load(data_path(adapter)) as npz:
        arrays = {k: npz[k] for k in npz.files}
    saved = json.loads(data_path(record).read_text())
    return Adapter(int(saved["rank"]), float(saved["alpha"]), pairs_from_arrays(arrays))


def adapter_parameters(adapter: Adapter) -> int:
    """The numbers the adapter trained: r · (in + out) for each adapted matrix.

    Example: ``adapter_parameters(Adapter(2, 2.0, {"w": (np.zeros((2, 3)), np.zeros((5, 2)))}))``
    -> 16
    """
    return int(sum(a.size + b.size for a, b in adapter.pairs.values()))


def low_rank_change(a: np.ndarray, b: np.ndarray, scale: float) -> np.ndarray:
    """The change scale · (B A)ᵀ to a weight stored (in, out), from A (r, in) and B (out, r).

    Example: ``low_rank_change(np.ones((1, 2)), np.array([[1.0], [3.0]]), 0.5).tolist()``
    -> [[0.5, 1.5], [0.5, 1.5]]
    """
    return (np.float32(scale) * (b @ a)).T  # (in, out)


def merged_weights(
    w: dict[str, np.ndarray], adapter: Adapter, strength: float = 1.0
) -> dict[str, np.ndarray]:
    """A new weights dict with every adapted weight replaced by W + strength · (alpha/r) ·
    (B A)ᵀ; the other arrays are shared, and ``w`` is left as it was.

    Example: ``merged_weights({"w": np.zeros((2, 1))}, Adapter(1, 2.0, {"w": (np.ones((1, 2)),
    np.ones((1, 1)))}), 0.5)["w"].tolist()`` -> [[1.0], [1.0]]
    """
    out = dict(w)
    for name, (a, b) in adapter.pairs.items():
        if name not in w:
            raise ValueError(f"adapter: the model has no weight {name}")
        change = low_rank_change(a, b, strength * adapter.scale)  # (in, out)
        if change.shape != w[name].shape:
            raise ValueError(f"adapter: {name} is {w[name].shape}, the change {change.shape}")
        out[name] = (w[name] + change).astype(np.float32)
    return out


def with_weights(base: Model, w: dict[str, np.ndarray]) -> Model:
    """A model with ``base``'s configuration and tokenizer and the weights ``w``.

    Example: ``with_weights(load(), load().w).parameters()`` -> 940800
    """
    return Model(base.config, w, base.tokenizer)


@lru_cache(maxsize=4)
def adapted_model(strength: float = 1.0) -> Model:
    """The shipped model with the shipped adapter merged in at ``strength`` (cached; the base
    model's cached arrays are not touched).

    Example: ``adapted_model(1.0).parameters()`` -> 940800
    """
    base = load()
    return with_weights(base, merged_weights(base.w, load_adapter(), strength))
