"""The labs: every tweak at zero strength is the identity, each changes what it should, bad
parameters get a message, and the command line prints the browser kernel's numbers."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from pyodide_kernels.dispatch import call
from pyodide_kernels.labs import LABS, SHARED, lab_run
from pyodide_kernels.labs.induction import repeated_tokens
from pyodide_kernels.maths.loss import next_token_losses
from pyodide_kernels.model import NO_HOOKS, HeadScale, Hooks, forward, load

IDENTITY = [
    ("head-scale", {"scale": 1.0}),
    ("nudge-neuron", {"add": 0.0}),
    ("zero-embeddings", {"fraction": 0.0}),
    ("residual-noise", {"scale": 0.0}),
    ("boost-positions", {"scale": 1.0}),
    ("style-bias", {"bias": 0.0}),
]


@pytest.mark.parametrize(("lab", "params"), IDENTITY)
def test_zero_strength_changes_nothing(lab, params):
    result = lab_run(lab, params=params)
    assert result["tweak"]["text"] == result["base"]["text"]
    assert result["tweak"]["top"] == result["base"]["top"]
    assert result["effect"]["tweak"] == result["effect"]["base"]


#: Each tweak's effect, with its direction and a size it must at least reach (base -> tweak).
DIRECTIONS = [
    # tripling a head's output pushes the stream off what later layers expect: the loss rises
    ("head-scale", {"scale": 3.0}, "up", 0.1),
    # the layer-0 head the ablation grid finds most needed: without it the loss jumps
    ("head-ablation", {"layer": 0, "head": 2}, "up", 0.5),
    # a neuron pushed hard raises the probability of the token its output row points at
    ("nudge-neuron", {"add": 20.0}, "up", 0.005),
    ("nudge-neuron", {"add": -20.0}, "down", 0.0002),
    # half of every embedding gone: the text falls apart
    ("zero-embeddings", {"fraction": 0.5}, "up", 1.0),
    ("residual-noise", {"scale": 4.0}, "up", 1.0),
    # positions five times louder drown the tokens' own vectors
    ("boost-positions", {"scale": 5.0}, "up", 1.0),
    # a bias on the comma's logit: more commas, or none at all
    ("style-bias", {"bias": 5.0}, "up", 0.3),
    ("style-bias", {"bias": -5.0}, "down", 0.02),
]


@pytest.mark.parametrize(("lab", "params", "direction", "size"), DIRECTIONS)
def test_a_real_tweak_moves_the_effect_its_way_by_at_least_its_size(lab, params, direction, size):
    effect = lab_run(lab, params=params)["effect"]
    change = effect["tweak"] - effect["base"]
    assert (change if direction == "up" else -change) >= size, effect


def test_the_ablation_grid_is_each_heads_own_ablation():
    grid = np.asarray(lab_run("head-ablation")["figure"]["values"])
    for layer, head in [(0, 2), (2, 0), (3, 1)]:
        alone = lab_run("head-ablation", params={"layer": layer, "head": head})["effect"]
        assert grid[layer, head] == pytest.approx(alone["tweak"] - alone["base"], abs=1e-9)


def test_ablating_the_induction_head_breaks_the_copy_of_a_repeated_sequence():
    model, length = load(), 24
    ids = repeated_tokens(model.vocab_size, length, seed=1)
    head = induction_head(model)
    second_copy = slice(length, None)

    def loss(hooks):
        return next_token_losses(forward(model, ids, None, hooks), ids)[second_copy].mean()

    ablated = loss(Hooks(head=HeadScale(head[0], head[1], 0.0)))
    assert ablated - loss(NO_HOOKS) >= 5  # nats: without that head the model cannot copy


def induction_head(model) -> tuple[int, int]:  # noqa: ANN001
    """The head the induction lab scores highest (found from the weights, not typed)."""
    best = lab_run("induction")["best_head"]
    return best["layer"], best["head"]


def test_noise_hurts_more_as_it_grows_after_every_block():
    grid = np.asarray(lab_run("residual-noise")["figure"]["values"])  # (layers, scales)
    assert np.all(np.diff(grid, axis=1) > 0)


def test_zeroing_more_of_the_embeddings_costs_more():
    curve = lab_run("zero-embeddings")["figure"]["y"]
    assert np.all(np.diff(curve) > 0)


def test_the_weight_image_spans_both_heads_from_its_darkest_to_its_brightest_weight():
    from pyodide_kernels.labs.weights import head_slice

    model = load()
    result = lab_run("weight-matrix", params={"layer": 1, "head": 2, "matrix": "v"})
    figure = result["figure"]
    base, tweak = head_slice(model, 1, 0, "v"), head_slice(model, 1, 2, "v")
    assert figure["low"] == min(base.min(), tweak.min())
    assert figure["high"] == max(base.max(), tweak.max())
    np.testing.assert_allclose(
        figure["low"] + np.asarray(figure["heat"]) * (figure["high"] - figure["low"]),
        tweak,
        atol=0.0051 * (figure["high"] - figure["low"]) + 1e-7,  # heat: 2 decimals
    )
    assert "values" not in figure  # shown only as an image: the weights are not sent twice


def test_patching_with_the_clean_run_itself_restores_the_clean_answer_everywhere():
    clean = LABS["patching"].params["clean"]
    result = lab_run("patching", params={"clean": clean, "corrupted": clean})
    grid = np.asarray(result["figure"]["values"])
    np.testing.assert_allclose(grid, result["effect"]["base"], rtol=1e-6)


def test_patching_finds_the_changed_name_and_nothing_before_it():
    result = lab_run("patching")
    effect, grid = result["effect"], np.asarray(result["figure"]["values"])  # (L+1, T)
    assert effect["base"] > 0.5  # the clean run names HORATIO's "H"
    assert effect["tweak"] < 0.01  # the corrupted run, naming OPHELIA, does not
    clean, corrupted = (load().encode(LABS["patching"].params[k]) for k in ("clean", "corrupted"))
    first = next(i for i, (a, b) in enumerate(zip(clean, corrupted, strict=True)) if a != b)
    # before the changed name both runs are the same, so patching there changes nothing
    np.testing.assert_allclose(grid[:, :first], effect["tweak"], rtol=1e-4)
    # the clean name's vector, patched in before any block, brings most of the answer back
    assert grid[0, first] > 0.8 * effect["base"]
    # after the last block only the last position reaches the logits: it brings all of it back
    assert grid[-1, -1] == pytest.approx(effect["base"], rel=1e-4)


def test_the_induction_head_copies_the_second_time():
    result = lab_run("induction")
    assert result["effect"]["tweak"] < result["effect"]["base"] - 3
    assert result["best_head"] == {**result["best_head"], "layer": 3, "head": 0}


def test_reproducibility_and_temperatures():
    same = lab_run("reproducibility", params={"fresh_seed": 99})
    assert same["base"]["text"] == same["base"]["again"]
    assert same["effect"] == {**same["effect"], "base": 1.0, "tweak": 0.0}
    assert not same["greedy_varies"]
    temps = lab_run("temperature")
    assert len(set(temps["base"]["samples"])) == 1 and temps["effect"]["tweak"] > 1 / 3


def test_the_logit_lens_ends_with_the_models_own_guess():
    from pyodide_kernels.on_model.next_tokens import gpt_next_tokens

    lens = lab_run("logit-lens", prompt="To be, or not to")
    assert lens["tweak"]["text"] == gpt_next_tokens("To be, or not to", 1)["top"][0]["token"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"lab": "head-scale", "params": {"layer": 9}}, "layer"),
        ({"lab": "head-scale", "params": {"head": -1}}, "head"),
        ({"lab": "head-scale", "params": {"scale": 1e9}}, "scale"),
        ({"lab": "head-scale", "prompt": ""}, "prompt"),
        ({"lab": "nudge-neuron", "params": {"index": 100000}}, "index"),
        ({"lab": "style-bias", "params": {"token": "ho ho"}}, "exactly one token"),
        ({"lab": "no-such-lab"}, "lab: one of"),
        ({"lab": "induction", "params": {"colour": 1}}, "has no 'colour'"),
        ({"lab": "patching", "params": {"clean": "a", "corrupted": "a b c"}}, "tokens"),
    ],
)
def test_bad_parameters_get_a_message(args, message):
    with pytest.raises(ValueError, match=message):
        lab_run(**args)


def test_the_command_line_prints_the_kernels_numbers(repo, tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("tokens: 12\nlabs:\n  head-scale: {layer: 2}\n")
    done = subprocess.run(
        [sys.executable, "-m", "pyodide_kernels.labs", "head-scale", "--config", str(settings),
         "--set", "scale=0.5", "--seed", "3", "--json"],
        capture_output=True, text=True, cwd=repo, check=True,
    )  # fmt: skip
    printed = json.loads(done.stdout)
    # the file's settings, the command line's over them, the registry's for the rest
    params = {**LABS["head-scale"].defaults(load()), "layer": 2, "scale": 0.5}
    expected = call("lab_run", {"lab": "head-scale", "seed": 3, "tokens": 12, "params": params})
    assert printed == expected
    text = subprocess.run(
        [sys.executable, "-m", "pyodide_kernels.labs", "head-scale", "--set", "layer=9"],
        capture_output=True, text=True, cwd=repo,
    )  # fmt: skip
    assert text.returncode == 2 and "layer" in text.stderr


def test_the_command_line_shows_the_registrys_defaults(repo):
    done = subprocess.run(
        [sys.executable, "-m", "pyodide_kernels.labs", "--help"],
        capture_output=True, text=True, cwd=repo, check=True,
    )  # fmt: skip
    assert (
        f"default {SHARED.prompt!r}" in done.stdout and f"default {SHARED.top_k!r}" in done.stdout
    )
