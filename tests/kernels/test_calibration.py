"""Calibration of the real model on held-out text (pyodide_kernels/on_model/calibration.py) and
its maths (pyodide_kernels/maths/calibration.py): the NumPy logits match the PyTorch model's on
the same windows; the bins and the ECE match an independent torch.bucketize computation; the
hand-worked cases; the invariants; temperature's effects, in direction and size; the held-out
loss against the training run's validation loss; and traces/heldout.json regenerates the same.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from pyodide_kernels.dispatch import call_json
from pyodide_kernels.maths.calibration import (
    bin_index,
    expected_calibration_error,
    max_calibration_error,
    reliability_bins,
    temperature_scan,
    top1,
)
from pyodide_kernels.on_model.calibration import GRID, heldout, heldout_logits, model_calibration
from tests.conftest import REPO

TRACE = REPO / "traces" / "heldout.json"


@pytest.fixture(scope="module")
def torch_model(torch):
    from reference.traces import load_model

    model, _ = load_model(Path("traces"), "cpu")
    return model.eval()


@pytest.fixture(scope="module")
def torch_logits(torch, torch_model):
    """PyTorch's logits (W·T, V) for the same windows, in one batch."""
    ids = torch.tensor([w["ids"][:-1] for w in heldout()["windows"]])  # (W, T)
    with torch.no_grad():
        return torch_model(ids).flatten(0, 1).double()  # (W·T, V)


def torch_bins(torch, confidences, correct, bins: int) -> dict:
    """The reliability diagram again, by torch.bucketize and scatter-adds: an independent
    implementation of the same binning rule (edge_b < c <= edge_(b+1))."""
    c = torch.as_tensor(np.asarray(confidences), dtype=torch.float64)
    y = torch.as_tensor(np.asarray(correct), dtype=torch.float64)
    inner = torch.as_tensor(np.linspace(0.0, 1.0, bins + 1)[1:-1])
    index = torch.bucketize(c, inner, right=False)
    count = torch.zeros(bins, dtype=torch.float64).index_add_(0, index, torch.ones_like(c))
    conf = torch.zeros(bins, dtype=torch.float64).index_add_(0, index, c) / count
    acc = torch.zeros(bins, dtype=torch.float64).index_add_(0, index, y) / count
    gap = (acc - conf).abs()
    filled = count > 0
    ece = float((count[filled] / c.numel() * gap[filled]).sum())
    return {"count": count, "confidence": conf, "accuracy": acc, "ece": ece,
            "mce": float(gap[filled].max())}  # fmt: skip


# --- the model against PyTorch -------------------------------------------------------------


def test_numpy_logits_and_probabilities_match_pytorch(torch, torch_logits):
    ours, targets = heldout_logits()
    assert ours.shape == (16 * 128, 1024) == tuple(torch_logits.shape)
    np.testing.assert_allclose(ours, torch_logits.numpy(), atol=2e-4)  # float32, ~1e-5 typical
    probs = torch_logits.softmax(-1).numpy()
    ours_probs = np.exp(ours - ours.max(1, keepdims=True))
    ours_probs /= ours_probs.sum(1, keepdims=True)
    np.testing.assert_allclose(ours_probs, probs, atol=1e-5)
    loss = torch.nn.functional.cross_entropy(torch_logits, torch.as_tensor(targets)).item()
    assert model_calibration()["loss"] == pytest.approx(loss, abs=1e-5)


def test_confidences_and_hits_match_pytorch(torch, torch_logits):
    _, targets = heldout_logits()
    top = torch_logits.softmax(-1).max(-1)
    ours = top1(*heldout_logits())
    np.testing.assert_allclose(ours["confidence"], top.values.numpy(), atol=1e-5)
    same = ours["correct"] == (top.indices.numpy() == targets)
    assert same.mean() == 1.0  # no near-tie flips the top token on these windows


@pytest.mark.parametrize("bins", [1, 5, 10, 15, 50])
@pytest.mark.parametrize("temperature", [0.7, 1.0, 1.3])
def test_the_bins_and_the_ece_match_torch_bucketize(torch, bins, temperature):
    ours = model_calibration(temperature, bins)
    scored = top1(*heldout_logits(), temperature=temperature)
    theirs = torch_bins(torch, scored["confidence"], scored["correct"], bins)
    np.testing.assert_array_equal(ours["bins"]["count"], theirs["count"].numpy())
    for key in ("confidence", "accuracy"):
        np.testing.assert_allclose(ours["bins"][key], theirs[key].numpy(), atol=1e-6)
    assert ours["ece"] == pytest.approx(theirs["ece"], abs=1e-6)
    assert ours["mce"] == pytest.approx(theirs["mce"], abs=1e-6)


def test_the_ece_from_pytorch_own_probabilities_agrees(torch, torch_logits):
    _, targets = heldout_logits()
    top = torch_logits.softmax(-1).max(-1)
    theirs = torch_bins(torch, top.values.numpy(), top.indices.numpy() == targets, 10)
    assert model_calibration()["ece"] == pytest.approx(theirs["ece"], abs=1e-5)


# --- hand-worked cases -------------------------------------------------------------------


def test_a_perfectly_calibrated_toy_has_no_error():
    # 10 predictions at 0.7 with 7 right, 10 at 0.2 with 2 right, 5 at 1.0 all right
    conf = [0.7] * 10 + [0.2] * 10 + [1.0] * 5
    correct = [1] * 7 + [0] * 3 + [1] * 2 + [0] * 8 + [1] * 5
    assert expected_calibration_error(conf, correct, 10) == pytest.approx(0.0, abs=1e-12)
    assert max_calibration_error(conf, correct, 10) == pytest.approx(0.0, abs=1e-12)


def test_confident_and_wrong_is_an_error_near_one():
    assert expected_calibration_error([1.0] * 8, [0] * 8, 10) == 1.0
    assert expected_calibration_error([0.99] * 8, [0] * 8, 10) == pytest.approx(0.99)
    # …and humble and right is the mirror image: a gap of 1 - 0.05
    assert expected_calibration_error([0.05] * 4, [1] * 4, 10) == pytest.approx(0.95)


def test_the_worked_example_by_hand():
    # bin (0.8, 0.9]: conf 0.9, acc 0.5 (gap 0.4); bin (0.5, 0.6]: conf 0.6, acc 0.5 (gap 0.1)
    conf, correct = [0.9, 0.9, 0.6, 0.6], [1, 0, 1, 0]
    assert expected_calibration_error(conf, correct, 10) == pytest.approx(0.5 * 0.4 + 0.5 * 0.1)
    assert max_calibration_error(conf, correct, 10) == pytest.approx(0.4)
    # one bin only: the ECE is |mean accuracy - mean confidence|
    assert expected_calibration_error(conf, correct, 1) == pytest.approx(0.75 - 0.5)


def test_bin_edges_follow_the_right_closed_rule():
    assert bin_index([0.0, 0.1, 0.1000001, 0.5, 0.9999, 1.0], 10).tolist() == [0, 0, 1, 4, 9, 9]
    table = reliability_bins([0.05, 0.95], [1, 0], 10)
    assert table["count"].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert np.isnan(table["accuracy"][1])  # an empty bin has no accuracy


# --- invariants on the model -------------------------------------------------------------


@pytest.mark.parametrize("bins", [1, 7, 10, 20])
@pytest.mark.parametrize("temperature", [0.3, 1.0, 2.5])
def test_bins_are_a_partition_and_the_ece_is_bounded(bins, temperature):
    r = model_calibration(temperature, bins)
    count = r["bins"]["count"]
    assert count.sum() == r["predictions"] == 16 * 128
    filled = count > 0
    acc, conf, edges = (r["bins"][k] for k in ("accuracy", "confidence", "edges"))
    assert np.all((acc[filled] >= 0) & (acc[filled] <= 1))
    assert np.all(conf[filled] > edges[:-1][filled] - 1e-12)
    assert np.all(conf[filled] <= edges[1:][filled] + 1e-12)
    assert 0 <= r["ece"] <= r["mce"] + 1e-12 <= 1 + 1e-12
    # the counts weight the bins: their weighted accuracy is the overall accuracy
    assert np.sum(count[filled] * acc[filled]) / count.sum() == pytest.approx(r["accuracy"])


def test_temperature_moves_confidence_but_never_accuracy():
    runs = [model_calibration(t) for t in (0.5, 0.8, 1.0, 1.5, 3.0)]
    assert len({r["accuracy"] for r in runs}) == 1
    means = [r["mean_confidence"] for r in runs]
    assert all(a > b for a, b in zip(means, means[1:], strict=False))


def test_the_model_is_overconfident_and_a_warmer_temperature_helps():
    r = model_calibration()
    # at T = 1 the mean confidence exceeds the accuracy by about 4 points (0.367 against 0.328)
    assert 0.01 < r["mean_confidence"] - r["accuracy"] < 0.1
    assert r["best_temperature_ece"] > 1.0 and r["best_temperature_nll"] > 1.0
    best = model_calibration(r["best_temperature_ece"])
    assert best["ece"] < 0.7 * r["ece"]  # 0.024 against 0.045
    assert best["loss"] < r["loss"]
    scan = r["scan"]
    assert scan["ece"][GRID.index(1.0)] == pytest.approx(r["ece"], abs=1e-12)
    assert scan["nll"][GRID.index(1.0)] == pytest.approx(r["loss"], abs=1e-12)
    assert min(scan["ece"]) == pytest.approx(best["ece"], abs=1e-12)


def test_a_huge_temperature_makes_every_prediction_uniform():
    r = model_calibration(1000)
    assert r["mean_confidence"] == pytest.approx(1 / 1024, rel=0.05)
    assert r["bins"]["count"][0] == r["predictions"]
    assert r["loss"] == pytest.approx(math.log(1024), abs=0.02)  # 6.921 against 6.931
    scored = top1(*heldout_logits(), temperature=1e7)
    np.testing.assert_allclose(scored["confidence"], 1 / 1024, rtol=1e-5)
    # every confidence in the first bin, where accuracy is the model's: ECE = acc - 1/1024
    assert r["ece"] == pytest.approx(r["accuracy"] - r["mean_confidence"], abs=1e-12)


def test_the_scan_finds_the_minimum_of_its_grid():
    logits, targets = heldout_logits()
    scan = temperature_scan(logits, targets, [0.5, 1.0, 2.0], 10)
    assert scan["best_nll"] == 1.0 and scan["best_ece"] == 1.0
    assert scan["nll"][0] > scan["nll"][1] < scan["nll"][2]


# --- the held-out loss against the training run ------------------------------------------


def test_the_heldout_loss_is_close_to_the_recorded_validation_loss():
    """The training run's last validation loss (traces/loss_curve.json: 8 batches × 32 random
    windows of the validation works, 32,768 predictions) and this sample's (16 evenly spaced
    windows, 2,048 predictions) measure the same thing on different samples of the same works.
    The 16 windows' mean losses spread with a standard deviation of about 0.27 nats, so the
    sample mean has a standard error of about 0.07: 0.25 nats is over three of them."""
    recorded = json.loads((REPO / "traces" / "loss_curve.json").read_text())["validation"][-1]
    r = model_calibration()
    assert r["loss"] == pytest.approx(recorded, abs=0.25)
    assert r["perplexity"] == pytest.approx(math.exp(r["loss"]))
    assert r["loss"] < math.log(1024) - 3  # far better than guessing uniformly


# --- the trace ---------------------------------------------------------------------------


def test_the_trace_is_small_and_well_formed():
    assert TRACE.stat().st_size < 60_000
    trace = json.loads(TRACE.read_text())
    assert trace["meta"]["kind"] == "heldout" and trace["meta"]["split"] == "validation"
    assert len(trace["windows"]) == 16
    for w in trace["windows"]:
        assert len(w["ids"]) == 129 and all(0 <= i < 1024 for i in w["ids"])
        assert w["work"] in trace["meta"]["validation_works"]


def test_the_trace_regenerates_the_same_windows(torch):
    from reference.corpus import CACHE, TEXTS, load
    from reference.heldout import sample

    if not (CACHE / TEXTS).is_dir():
        pytest.skip("the raw corpus is not in .cache/corpus (reference.corpus.fetch() gets it)")
    fresh = sample(load(CACHE / TEXTS))
    recorded = json.loads(TRACE.read_text())["windows"]
    assert [w["ids"] for w in fresh] == [w["ids"] for w in recorded]
    assert [(w["work"], w["offset"], w["text"]) for w in fresh] == [
        (w["work"], w["offset"], w["text"]) for w in recorded
    ]


def test_the_windows_are_stretches_of_the_scored_validation_tokens():
    """The training run scored its validation loss on .cache/tokens.npz's validation stream
    (the whole validation text encoded at once); each window is a stretch of it."""
    cache = REPO / ".cache" / "tokens.npz"
    if not cache.is_file():
        pytest.skip("no .cache/tokens.npz (reference.train writes it)")
    with np.load(cache) as npz:
        stream = " " + " ".join(map(str, npz["validation"].tolist())) + " "
    for w in heldout()["windows"]:
        assert " " + " ".join(map(str, w["ids"])) + " " in stream, w["work"]


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"temperature": 0}, "temperature: must be between"),
        ({"temperature": -1}, "temperature: must be between"),
        ({"temperature": "warm"}, "temperature: expected a number"),
        ({"bins": 0}, "bins: must be at least 1"),
        ({"bins": 51}, "bins: must be at most 50"),
        ({"bins": 2.5}, "bins: expected an integer"),
    ],
)
def test_bad_requests_get_a_message(args, message):
    with pytest.raises(ValueError, match=message):
        model_calibration(**args)


def test_the_dispatch_answers_strict_json_with_empty_bins_as_nan_strings():
    answer = json.loads(call_json("model_calibration", json.dumps({"bins": 50})))
    result = answer["result"]
    assert len(result["bins"]["count"]) == 50
    assert result["predictions"] == 2048
