"""The real model's next-token bars: the model's own distribution is PyTorch's softmax of the
traced logits with PyTorch's entropy; the sampler's is an independent PyTorch filter's
(temperature, then top-k, then the nucleus as Holtzman et al. define it); and the invariants a
reader can see: no setting truncates nothing, top-k 1 is certain, a colder temperature is less
uncertain, a wider nucleus keeps more."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from pyodide_kernels.on_model.next_token_choice import gpt_next_token_choice
from tests.conftest import REPO

TRACED = json.loads((REPO / "traces/prompts_cpu.json").read_text())["prompts"]
PROMPT = TRACED[1]["prompt"]  # "To be, or not to be, that is the question:"


def torch_filtered(torch, logits, temperature: float, top_k: int, top_p: float):  # noqa: ANN001, ANN201
    """The sampler's distribution, written again in PyTorch the usual way: scale, keep the k
    largest, then drop every sorted token after the one whose cumulative probability reaches p."""
    scaled = torch.tensor(logits, dtype=torch.float64) / temperature
    if top_k:
        floor = torch.topk(scaled, top_k).values[-1]
        scaled = scaled.masked_fill(scaled < floor, -math.inf)
    probs = scaled.softmax(-1)
    if top_p < 1:
        sorted_probs, order = probs.sort(descending=True, stable=True)
        before = sorted_probs.cumsum(-1) - sorted_probs  # the mass ahead of each token
        drop = order[before >= top_p - 1e-12]
        probs[drop] = 0
        probs = probs / probs.sum()
    return probs


def test_the_models_distribution_and_entropy_are_pytorchs(torch):
    traced = TRACED[1]
    result = gpt_next_token_choice(PROMPT, shown=20)
    assert result["tokens"] == traced["tokens"]
    logits = torch.tensor(traced["last_logits"], dtype=torch.float64)
    probs = logits.softmax(-1)
    for row in result["rows"]:
        assert row["logit"] == pytest.approx(traced["last_logits"][row["id"]], abs=1e-4)
        assert row["model"] == pytest.approx(float(probs[row["id"]]), rel=1e-4)
    expected = float(torch.distributions.Categorical(logits=logits).entropy())
    assert result["model"]["entropy"] == pytest.approx(expected, rel=1e-5)
    assert result["model"]["equally_likely"] == pytest.approx(math.exp(expected), rel=1e-5)


@pytest.mark.parametrize(
    ("temperature", "top_k", "top_p"),
    [(0.7, 0, 0.9), (1.3, 20, 1.0), (1.0, 5, 0.5), (0.5, 0, 0.95)],
)
def test_the_samplers_distribution_is_an_independent_pytorch_filters(
    torch, temperature, top_k, top_p
):
    result = gpt_next_token_choice(PROMPT, temperature, top_k, top_p, shown=50)
    full = np.asarray(TRACED[1]["last_logits"], dtype=np.float64)
    expected = torch_filtered(torch, full, temperature, top_k, top_p)
    assert result["kept"] == int((expected > 0).sum())
    for row in result["rows"]:
        assert row["drawn"] == pytest.approx(float(expected[row["id"]]), rel=1e-4, abs=1e-9)
        assert row["kept"] == bool(expected[row["id"]] > 0)
    h = float(torch.distributions.Categorical(probs=expected).entropy())
    assert result["drawn"]["entropy"] == pytest.approx(h, rel=1e-4, abs=1e-9)


def test_no_setting_truncates_nothing():
    result = gpt_next_token_choice(PROMPT)
    assert result["kept"] == result["vocab"]
    assert result["drawn"]["entropy"] == pytest.approx(result["model"]["entropy"], rel=1e-12)
    model = [r["model"] for r in result["rows"]]
    assert [r["drawn"] for r in result["rows"]] == pytest.approx(model, rel=1e-12)
    assert model == sorted(model, reverse=True)


@pytest.mark.parametrize("settings", [{"top_k": 1}, {"temperature": 0}, {"top_p": 0}])
def test_keeping_only_the_favourite_is_certain(settings):
    result = gpt_next_token_choice(PROMPT, **settings)
    assert result["kept"] == 1
    assert result["rows"][0]["drawn"] == 1.0 and not any(r["kept"] for r in result["rows"][1:])
    assert result["drawn"] == {"entropy": 0.0, "equally_likely": 1.0}


def test_a_colder_temperature_is_less_uncertain_and_a_wider_nucleus_keeps_more():
    entropies = [gpt_next_token_choice(PROMPT, t)["drawn"]["entropy"] for t in (0.5, 1.0, 1.5)]
    assert entropies == sorted(entropies) and entropies[0] < entropies[2]
    kept = [gpt_next_token_choice(PROMPT, 1.0, 0, p)["kept"] for p in (0.5, 0.8, 0.95, 1.0)]
    assert kept == sorted(kept) and kept[0] < kept[-1]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ({"temperature": -1}, "temperature"),
        ({"top_p": 2}, "top_p"),
        ({"top_k": -3}, "top_k"),
        ({"shown": 0}, "shown"),
        ({"prompt": ""}, "prompt"),
    ],
)
def test_bad_settings_name_the_argument(args, reason):
    with pytest.raises(ValueError, match=reason):
        gpt_next_token_choice(**args)
