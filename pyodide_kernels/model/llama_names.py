"""Hugging Face Llama weights under the names and layout the NumPy model reads: the GPT-2's
names, every weight stored (in, out) for ``x @ W``, and the projections a step applies to the
same input side by side in one matrix (one matmul each in the browser, not three):

    model.embed_tokens                         -> wte            (vocab, d)
    layers.i.input_layernorm                   -> h.i.ln_1       (d,)  gain only
    layers.i.self_attn.{q,k,v}_proj (out, in)  -> h.i.attn.c_attn (d, (nh + 2 nkv) hs)
    layers.i.self_attn.o_proj                  -> h.i.attn.c_proj (nh hs, d)
    layers.i.post_attention_layernorm          -> h.i.ln_2       (d,)
    layers.i.mlp.{gate,up}_proj                -> h.i.mlp.c_fc   (d, 2 f): gate, then up
    layers.i.mlp.down_proj                     -> h.i.mlp.c_proj (f, d)
    model.norm                                 -> ln_f           (d,)
    lm_head                                    -> (dropped: tied to wte, checked equal)

Example: ``internal_names(hf)["h.0.attn.c_attn.weight"].shape`` -> (128, 256) for 4 query heads
and 2 key/value heads of 32
"""

from __future__ import annotations

import numpy as np


def internal_names(hf: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays of a Llama state dict (HF names) renamed and laid out for the NumPy model.

    Example: ``internal_names({"model.embed_tokens.weight": e, "model.norm.weight": g})`` ->
    {"wte.weight": e, "ln_f.weight": g}
    """
    out = {"wte.weight": hf["model.embed_tokens.weight"], "ln_f.weight": hf["model.norm.weight"]}
    if "lm_head.weight" in hf and not np.array_equal(hf["lm_head.weight"], out["wte.weight"]):
        raise ValueError("lm_head.weight: expected the tied embedding table")
    layers = sorted({int(k.split(".")[2]) for k in hf if k.startswith("model.layers.")})
    for i in layers:
        src, dst = f"model.layers.{i}.", f"h.{i}."
        out[dst + "ln_1.weight"] = hf[src + "input_layernorm.weight"]
        out[dst + "ln_2.weight"] = hf[src + "post_attention_layernorm.weight"]
        qkv = [hf[f"{src}self_attn.{p}_proj.weight"].T for p in "qkv"]
        out[dst + "attn.c_attn.weight"] = np.concatenate(qkv, axis=1)
        out[dst + "attn.c_proj.weight"] = hf[src + "self_attn.o_proj.weight"].T
        gate_up = [hf[f"{src}mlp.{p}_proj.weight"].T for p in ("gate", "up")]
        out[dst + "mlp.c_fc.weight"] = np.concatenate(gate_up, axis=1)
        out[dst + "mlp.c_proj.weight"] = hf[src + "mlp.down_proj.weight"].T
    return out
