"""The positional-encoding explorer: the model's first attention layer matches PyTorch, word
order is invisible to it without positions (any shuffle) and visible with them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyodide_kernels.maths.positional import sinusoidal_table
from pyodide_kernels.model import load
from pyodide_kernels.on_model.position_explorer import (
    first_layer_attention,
    order_blindness,
    position_explorer,
)


def torch_first_layer(torch, ids: list[int], with_positions: bool) -> np.ndarray:  # noqa: ANN001
    """Layer 0's unmasked attention, written with torch's own layer_norm, linear and sdpa."""
    w = {k: torch.from_numpy(v).double() for k, v in np.load("traces/model.npz").items()}
    x = w["wte.weight"][ids] + (w["wpe.weight"][: len(ids)] if with_positions else 0)
    h = torch.nn.functional.layer_norm(x, (x.shape[-1],), w["h.0.ln_1.weight"], w["h.0.ln_1.bias"])
    qkv = h @ w["h.0.attn.c_attn.weight"] + w["h.0.attn.c_attn.bias"]
    heads = load().n_head
    q, k, v = (t.reshape(len(ids), heads, -1).transpose(0, 1) for t in qkv.chunk(3, dim=-1))
    y = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=False)
    y = y.transpose(0, 1).reshape(len(ids), -1)
    return (y @ w["h.0.attn.c_proj.weight"] + w["h.0.attn.c_proj.bias"]).numpy()


@pytest.mark.parametrize("with_positions", [False, True])
def test_the_first_layer_matches_pytorch(torch, with_positions):
    ids = load().encode(" the king loves the queen")
    ours = first_layer_attention(load(), ids, with_positions)
    np.testing.assert_allclose(ours, torch_first_layer(torch, ids, with_positions), atol=1e-10)


WORDS = ["the", "king", "loves", "queen", "Romeo", "night", "!"]


@settings(max_examples=25, deadline=None)
@given(st.permutations(WORDS[:5]))
def test_any_shuffle_is_invisible_without_positions_and_visible_with_them(order):
    result = order_blindness(" ".join(WORDS[:5]), " ".join(order))
    assert result["same_without"]
    assert all(row["without"] < 1e-9 for row in result["words"])
    if list(order) != WORDS[:5]:
        assert max(row["with"] for row in result["words"]) > 0.01


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("dog bites man", "cat bites man", "same words"),
        ("", "man", "first: type a short sentence"),
        ("a " * 13, "a " * 13, "at most 12 words"),
        ("dog bites man", 7, "second: type a short sentence"),
    ],
)
def test_bad_sentences_get_a_message(first, second, message):
    with pytest.raises(ValueError, match=message):
        order_blindness(first, second)


def test_the_tables_are_the_sinusoids_and_the_models_own_positions():
    result = position_explorer(positions=16, d=8)
    np.testing.assert_array_equal(result["sinusoidal"], sinusoidal_table(16, 8)["table"])
    np.testing.assert_array_equal(result["learned"], load().w["wpe.weight"][:16, :8])
    heat = np.asarray(result["learned_heat"])
    assert heat.min() == 0 and heat.max() == 1
