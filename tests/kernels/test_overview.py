"""The overview figure's numbers: the model card is the configuration and the weights, the
stages' parameters add up to the model's, and one prompt's trip through it is the model's own
(checked against PyTorch's hidden states and its entropy)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from pyodide_kernels.maths.softmax import entropy
from pyodide_kernels.model import load
from pyodide_kernels.on_model.next_tokens import gpt_next_tokens
from pyodide_kernels.on_model.overview import model_overview
from tests.conftest import REPO

PROMPT = "To be, or not to be, that is the"


def test_the_card_is_the_saved_configuration_and_the_parameters_add_up():
    card = model_overview(PROMPT)["card"]
    saved = json.loads((REPO / "traces/model.json").read_text())["config"]
    for key in ("n_layer", "n_head", "n_embd", "n_ctx", "vocab_size"):
        assert card[key] == saved[key], key
    assert card["head_size"] * card["n_head"] == card["n_embd"]
    assert card["n_inner"] == 4 * card["n_embd"]
    parts = card["stage_parameters"]
    total = parts["wte"] + parts["wpe"] + card["n_layer"] * parts["block"] + parts["ln_f"]
    assert total == card["parameters"] == load().parameters()
    assert parts["wte"] == card["vocab_size"] * card["n_embd"]  # the unembedding reuses it


def test_the_trip_is_the_models_own():
    result = model_overview(PROMPT, 3)
    assert result["tokens"] == gpt_next_tokens(PROMPT, 3)["tokens"]
    assert result["top"] == gpt_next_tokens(PROMPT, 3)["top"]
    assert len(result["residual_norms"]) == load().n_layer + 1
    heads = result["heads"]
    assert [len(layer) for layer in heads] == [load().n_head] * load().n_layer
    assert all(
        0 < h["weight"] <= 1 and 0 <= h["position"] < len(result["tokens"])
        for layer in heads
        for h in layer
    )
    assert 0 < result["entropy"] < result["uniform_entropy"] == pytest.approx(math.log(1024))
    assert result["entropy_bits"] == pytest.approx(result["entropy"] / math.log(2))


def test_the_stream_and_the_entropy_match_pytorch(torch):
    from reference.traces import load_model

    reference = load_model(Path(REPO / "traces"), "cpu")[0].eval()
    ids = load().encode(PROMPT)
    with torch.no_grad():
        logits, hidden, _ = reference(torch.tensor([ids]), return_hidden=True)
    expected = [float(h[0, -1].double().norm()) for h in hidden]
    result = model_overview(PROMPT)
    np.testing.assert_allclose(result["residual_norms"], expected, rtol=1e-4)
    dist = torch.distributions.Categorical(logits=logits[0, -1].double())
    assert result["entropy"] == pytest.approx(float(dist.entropy()), rel=1e-5)


def test_entropy_by_hand():
    assert entropy(np.array([0.5, 0.5])) == pytest.approx(math.log(2))
    assert entropy(np.array([1.0, 0.0])) == 0.0
    assert entropy(np.full(4, 0.25)) == pytest.approx(math.log(4))
