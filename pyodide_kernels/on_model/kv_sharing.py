"""Grouped-query attention seen from the KV cache: n_head query heads share n_kv_head key/value
heads, each group of n_head / n_kv_head query heads reading one, so the cache keeps n_kv_head
heads' keys and values per token instead of n_head. The queries keep their own matrices, so the
heads of one group still look at different tokens.

    group(h) = h // (n_head / n_kv_head)          the key/value head query head h reads
    cache per token = 2 (K and V) × layers × n_kv_head × head size × bytes per number
    saving against full multi-head attention = n_head / n_kv_head

Example: ``kv_sharing(8, 2)["saving"]`` -> 4.0 (8 query heads in 2 groups of 4)

References: Shazeer (2019) for multi-query attention; Ainslie et al. (2023) for GQA. Leaves out:
how a multi-head model is turned into a GQA one (Ainslie et al. mean-pool its heads and train on).
"""

from __future__ import annotations

from typing import Any

from .._validate import as_int, as_seed
from ..maths.multihead import multi_head_attention
from .real_models import full_window_cache, published_table, site_model_shape

__kernels__ = ("kv_sharing",)


def head_groups(n_head: int, n_kv_head: int) -> list[list[int]]:
    """The query heads that read each key/value head, in order.

    Example: ``head_groups(4, 2)`` -> [[0, 1], [2, 3]]
    """
    size = n_head // n_kv_head
    return [list(range(g * size, (g + 1) * size)) for g in range(n_kv_head)]


def cache_row(model: dict[str, Any], bytes_per_number: int) -> dict[str, Any]:
    """One model's KV cache per token and over its whole context, as it is built (its own
    key/value heads) and as it would be with one key/value head per query head.

    Example: ``cache_row(published_model("Llama 3 8B"), 2)["per_token"]`` -> 131 072 bytes
    (2 × 32 layers × 8 heads × 128 numbers × 2 bytes: 128 KiB)
    """
    window = full_window_cache(model, bytes_per_number)
    built, full = window["bytes"]["GQA"], window["bytes"]["MHA"]
    return {
        "name": model["name"],
        "n_head": model["n_head"],
        "n_kv_head": model["n_kv_head"],
        "per_token": built // model["n_ctx"],
        "per_token_mha": full // model["n_ctx"],
        "saving": full / built,
        "context": model["n_ctx"],
        "context_mib": built / 2**20,
    }


def kv_sharing(
    n_head: Any = 8,
    n_kv_head: Any = 2,
    tokens: Any = 5,
    head_size: Any = 4,
    seed: Any = 0,
    bytes_per_number: Any = 2,
) -> dict[str, Any]:
    """One layer's attention with random projections (``seed``) and ``n_kv_head`` key/value
    heads for ``n_head`` query heads: which query heads share which key/value head, where each
    query head's last token looks, the cache per token against full multi-head attention, and
    the same for this site's model and the real models (``bytes_per_number`` for those: 2 is
    16-bit).

    Example: ``kv_sharing(8, 8)["saving"]`` -> 1.0 (full multi-head attention: nothing shared)
    """
    heads = as_int(n_head, "n_head", 1, 16)
    kv = as_int(n_kv_head, "n_kv_head", 1, heads)  # multi_head_attention checks it divides
    size = as_int(head_size, "head_size", 1, 64)
    width = as_int(bytes_per_number, "bytes_per_number", 1, 8)
    attention = multi_head_attention(tokens, heads * size, heads, kv, True, as_seed(seed))
    models = [site_model_shape(), *published_table()["models"]]
    return {
        "n_head": heads,
        "n_kv_head": kv,
        "choices": [k for k in range(1, heads + 1) if heads % k == 0],
        "groups": head_groups(heads, kv),
        "reads": [h // (heads // kv) for h in range(heads)],  # the K/V head each query head reads
        "last_weights": attention["weights"][:, -1, :],  # (n_head, T): the last token's query
        "per_token": 2 * kv * size,
        "per_token_mha": 2 * heads * size,
        "saving": heads / kv,
        "models": [cache_row(m, width) for m in models],
        "bytes_per_number": width,
    }
