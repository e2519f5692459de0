"""How many numbers a decoder-only transformer learns, from its shape alone, part by part.

GPT-2 family (learned positions, biases, LayerNorm with a shift, a two-matrix MLP, the
unembedding tied to the token table):

    embeddings = V·d + C·d        attention = 4d² + 4d        MLP = 2·d·f + f + d
    norms = 2 × 2d per block, + 2d at the end

Llama family (RoPE, so no position table; no biases; RMSNorm, a scale only; grouped-query
attention with kv key/value heads of size hd = d / heads; a three-matrix SwiGLU MLP; an untied
unembedding unless ``tied``):

    embeddings = V·d (+ V·d untied)   attention = 2d² + 2·d·kv·hd   MLP = 3·d·f   norms = 2d, + d

Example: ``parameter_parts(GPT2_SMALL)["total"]`` -> 124 439 808 (GPT-2 small's published
count).

References: Radford et al. (2019) GPT-2; Touvron et al. (2023) and Meta (2024) for Llama.
Leaves out: mixtures of experts, biases in the Llama family (Qwen has some).
"""

from __future__ import annotations

from typing import Any

#: The shape fields every model needs.
FIELDS = ("n_layer", "n_embd", "n_head", "n_kv_head", "n_inner", "vocab_size", "n_ctx")
FAMILIES = ("gpt2", "llama")


def check_shape(shape: dict[str, Any]) -> dict[str, Any]:
    """The shape with whole, positive sizes, heads that divide the width and key/value heads
    that divide the heads; a ValueError names the first field that is wrong.

    Example: ``check_shape({**GPT2_SMALL, "n_head": 7})`` -> ValueError("n_head: …")
    """
    if not isinstance(shape, dict):
        raise ValueError("shape: expected an object with the model's sizes")
    family = shape.get("family", "gpt2")
    if family not in FAMILIES:
        raise ValueError(f"family: one of {', '.join(FAMILIES)}")
    out: dict[str, Any] = {"family": family, "tied": bool(shape.get("tied", family == "gpt2"))}
    for key in FIELDS:
        value = shape.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            raise ValueError(f"{key}: expected a whole number")
        if not 1 <= value <= 10**7:
            raise ValueError(f"{key}: expected a number from 1 to 10 000 000")
        out[key] = int(value)
    if out["n_embd"] % out["n_head"]:
        raise ValueError("n_head: the width must split evenly into the heads")
    if out["n_head"] % out["n_kv_head"]:
        raise ValueError("n_kv_head: the query heads must split evenly into the key/value heads")
    return out


def parameter_parts(shape: dict[str, Any]) -> dict[str, int]:
    """The learned numbers of each part (embeddings, attention, MLP, norms) and their total.

    Example: ``parameter_parts({"family": "gpt2", "n_layer": 4, "n_embd": 128, "n_head": 4,
    "n_kv_head": 4, "n_inner": 512, "vocab_size": 1024, "n_ctx": 128})["total"]`` -> 940 800
    """
    s = check_shape(shape)
    d, f, L, V = s["n_embd"], s["n_inner"], s["n_layer"], s["vocab_size"]
    if s["family"] == "gpt2":
        embeddings = V * d + s["n_ctx"] * d + (0 if s["tied"] else V * d)
        attention = L * (4 * d * d + 4 * d)
        mlp = L * (2 * d * f + f + d)
        norms = L * 4 * d + 2 * d
    else:
        kv_width = s["n_kv_head"] * (d // s["n_head"])
        embeddings = V * d * (1 if s["tied"] else 2)
        attention = L * (2 * d * d + 2 * d * kv_width)
        mlp = L * 3 * d * f
        norms = L * 2 * d + d
    parts = {"embeddings": embeddings, "attention": attention, "mlp": mlp, "norms": norms}
    return {**parts, "total": sum(parts.values())}


#: GPT-2 small's shape, for the examples above.
GPT2_SMALL = {
    "family": "gpt2", "n_layer": 12, "n_embd": 768, "n_head": 12, "n_kv_head": 12,
    "n_inner": 3072, "vocab_size": 50257, "n_ctx": 1024,
}  # fmt: skip
