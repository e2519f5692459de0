"""Every kernel gives the same answer in the browser's Pyodide as in CPython. A kernel without an
example here fails the first test, so new kernels cannot skip the check."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pyodide_kernels.dispatch import call, kernel_names

from .conftest import wait_for_python

CL100K = ["data/cl100k_base.tiktoken"]
EXAMPLES: dict[str, tuple[dict, list[str]]] = {
    "activations": ({"x": [-2, -0.5, 0, 0.5, 2]}, []),
    "attention": (
        {"q": [[1, 0], [0, 1]], "k": [[1, 1], [0, 1]], "v": [[1, 2], [3, 4]], "causal": True},
        [],
    ),
    "attention_by_hand": ({"seed": 7, "causal": True}, []),
    "attention_problem": ({"seed": 3}, []),
    "beam_search_table": (
        {"table": [[1.0, 1.2, -9], [0, 0, 0], [0, 0, 0]], "width": 2, "steps": 3},
        [],
    ),
    "bpe_encode": (
        {"text": "Héllo 👋 lowest", "train_text": "low lower lowest lowly " * 3, "num_merges": 12},
        [],
    ),
    "bpe_train": (
        {
            "text": "the cat sat on the mat",
            "num_merges": 6,
            "mode": "char",
            "encode": ["that", "mat"],
        },
        [],
    ),
    "cl100k_decode": ({"ids": [62012, 279, 3177, 574, 389, 13]}, CL100K),
    "cl100k_encode": ({"text": "Emoji 👩🏽‍💻, RTL שלום, digits 1234567\n  code: {x}"}, CL100K),
    "cosine_similarity": ({"a": [1, 2, 3], "b": [3, 2, 1]}, []),
    "cross_entropy": ({"logits": [[2, 1, 0.1], [0, 3, 1]], "targets": [0, 1]}, []),
    "decoding_comparator": ({"temperature": 1.3, "top_k": 3, "top_p": 0.9, "seed": 8}, []),
    "decoding_table": ({}, []),
    "dot_product": ({"q": [1.5, -0.5, 2.0], "k": [0.8, 1.2, -1.0]}, []),
    "embedding_lookup": ({"table": [[1, 0], [0, 1], [1, 1]], "ids": [2, 0]}, []),
    "kv_cache_bytes": ({}, []),
    "kv_cache_costs": ({"prompt": 16, "new_tokens": 8}, []),
    "matmul_schedule": ({"rows": 12, "lanes": 4}, []),
    "moe_route": ({"tokens": 6, "experts": 4, "k": 2, "seed": 5}, []),
    "multi_head_attention": ({"tokens": 5, "d": 8, "n_head": 4, "n_kv_head": 2, "seed": 2}, []),
    "nearest_neighbours": ({"table": [[1, 0], [0.9, 0.1], [0, 1], [-1, 0]], "id": 0, "n": 2}, []),
    "normalize": ({"x": [1, 2, 3, 4], "kind": "layer"}, []),
    "rope_relative": ({"q": [1, 0, 1, 0], "k": [0, 1, 1, 1], "offset": 2}, []),
    "rope_rotation": ({"vector": [1, 0, 0, 1], "position": 3}, []),
    "sample": ({"logits": [2, 1, 0.5, 0], "top_p": 0.9, "seed": 11, "draws": 50}, []),
    "sampling_distribution": ({"logits": [2, 1, 0.5, 0], "temperature": 0.7, "top_k": 3}, []),
    "sinusoidal_table": ({"positions": 16, "d": 8}, []),
    "softmax": ({"logits": [1000.0, -1000.0, 0.0]}, []),
    "softmax_quiz": ({"seed": 42, "size": 4}, []),
    "weighted_sum": ({"weights": [0.66, 0.24, 0.10], "values": [1, 0, 0]}, []),
}


def test_every_kernel_has_a_parity_example():
    assert sorted(EXAMPLES) == kernel_names()


def numbers_close(a, b) -> bool:
    """Equal JSON, numbers within 1e-9 relative (numpy builds may round the last bit)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(numbers_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(numbers_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return a == pytest.approx(b, rel=1e-9, abs=1e-12)
    return a == b


def test_every_kernel_agrees_between_cpython_and_the_browser(page: Page, site_url):
    page.goto(site_url + "tokenization.html")
    wait_for_python(page)
    different = []
    for name, (args, data) in sorted(EXAMPLES.items()):
        in_browser = page.evaluate(
            "([k, a, d]) => window.hlw.client.call(k, a, d)", [name, args, data]
        )
        if not numbers_close(in_browser, call(name, args)):
            different.append(name)
    assert not different
