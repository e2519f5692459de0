"""The labs: every tweak at zero strength is the identity, each changes what it should, bad
parameters get a message, and the command line prints the browser kernel's numbers."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from pyodide_kernels.dispatch import call
from pyodide_kernels.labs import LABS, lab_run

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


@pytest.mark.parametrize(
    ("lab", "params"),
    [
        ("head-scale", {"scale": 3.0}),
        ("head-ablation", {}),
        ("nudge-neuron", {"add": 20.0}),
        ("zero-embeddings", {"fraction": 0.5}),
        ("residual-noise", {"scale": 4.0}),
        ("boost-positions", {"scale": 5.0}),
        ("style-bias", {"bias": 5.0}),
    ],
)
def test_a_real_tweak_changes_the_measured_effect(lab, params):
    result = lab_run(lab, params=params)
    assert result["effect"]["tweak"] != result["effect"]["base"]


def test_patching_with_the_clean_run_itself_restores_the_clean_answer_everywhere():
    clean = LABS["patching"].params["clean"]
    result = lab_run("patching", params={"clean": clean, "corrupted": clean})
    grid = np.asarray(result["figure"]["values"])
    np.testing.assert_allclose(grid, result["effect"]["base"], rtol=1e-6)
    default = lab_run("patching")
    assert default["effect"]["base"] > 0.5 > 0.01 > default["effect"]["tweak"]


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
    from pyodide_kernels.gpt import gpt_next_tokens

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


def test_the_command_line_prints_the_kernels_numbers(repo):
    done = subprocess.run(
        [sys.executable, "-m", "pyodide_kernels.labs", "head-scale", "--config",
         "pyodide_kernels/labs/config.yaml", "--set", "scale=0.5", "--seed", "3", "--json"],
        capture_output=True, text=True, cwd=repo, check=True,
    )  # fmt: skip
    printed = json.loads(done.stdout)
    expected = call(
        "lab_run", {"lab": "head-scale", "seed": 3, "params": {"layer": 3, "head": 0, "scale": 0.5}}
    )
    assert printed == expected
    text = subprocess.run(
        [sys.executable, "-m", "pyodide_kernels.labs", "head-scale", "--set", "layer=9"],
        capture_output=True, text=True, cwd=repo,
    )  # fmt: skip
    assert text.returncode == 2 and "layer" in text.stderr
