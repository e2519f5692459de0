"""Every lab's debrief is computed from its run: it quotes the run's own numbers, and a change
of settings changes them; the labs that name a head open on the head the weights pick."""

from __future__ import annotations

import re

import numpy as np
import pytest

from pyodide_kernels.labs.registry import FOUND, LABS, lab_list, lab_run
from pyodide_kernels.model import load

#: The patching lab's corrupted prompt with another name in place of OPHELIA.
PATCHING_OTHER = LABS["patching"].params["corrupted"].replace("OPHELIA", "LAERTES")
#: For each lab, a second setting whose debrief must differ from the default's.
OTHER = {
    "weight-matrix": {"params": {"head": 3}},
    "head-ablation": {"params": {"layer": 2, "head": 2}},
    "head-scale": {"params": {"scale": 0.5}},
    "nudge-neuron": {"params": {"add": 30.0}},
    "zero-embeddings": {"params": {"fraction": 0.5}},
    "patching": {"params": {"corrupted": PATCHING_OTHER}},
    "residual-noise": {"params": {"layer": 3}},
    "boost-positions": {"params": {"scale": 0.5}},
    "temperature": {"params": {"temperature": 0.3, "top_k": 2}},
    "logit-lens": {"prompt": "To be, or not to be"},
    "style-bias": {"params": {"bias": 6.0}},
    "reproducibility": {"params": {"fresh_seed": 5}},
    "induction": {"params": {"length": 12}},
    "induction-circuit": {"params": {"layer": 2, "head": 2}},
}  # fmt: skip


def test_every_lab_has_a_second_setting_here():
    assert set(OTHER) == set(LABS)


@pytest.mark.parametrize("name", list(LABS))
def test_a_debrief_follows_the_settings(name):
    first, second = lab_run(name), lab_run(name, **OTHER[name])
    assert first["debrief"] and all(isinstance(p, str) and p for p in first["debrief"])
    assert first["debrief"] != second["debrief"]
    numbers = set(re.findall(r"\d+(?:\.\d+)?", " ".join(first["debrief"])))
    assert numbers, "a debrief quotes the run's numbers"


@pytest.mark.parametrize(
    "name", ["head-ablation", "head-scale", "zero-embeddings", "residual-noise"]
)
def test_a_loss_debrief_quotes_the_effect_it_explains(name):
    result = lab_run(name)
    effect = result["effect"]
    assert f"{effect['base']:.2f} → {effect['tweak']:.2f}" in result["debrief"][0]


def test_the_head_labs_open_on_heads_found_from_the_weights():
    listed = {lab["name"]: lab["params"] for lab in lab_list()["labs"]}
    assert FOUND not in [v for p in listed.values() for v in p.values()]
    ablation = lab_run("head-ablation")
    grid = np.asarray(ablation["figure"]["values"])
    layer, head = np.unravel_index(int(np.argmax(grid)), grid.shape)
    assert listed["head-ablation"] == {"layer": int(layer), "head": int(head)}
    assert ablation["effect"]["tweak"] > ablation["effect"]["base"]  # removing it hurts
    circuit = lab_run("induction-circuit")
    assert listed["induction-circuit"] == {
        k: circuit["circuit"]["induction_head"][k] for k in ("layer", "head")
    }
    named = circuit["circuit"]["induction_head"]
    assert f"layer {named['layer']}, head {named['head']} is the induction head" in " ".join(
        ablation["debrief"]
    )


def test_the_command_line_prints_the_debrief(repo):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pyodide_kernels.labs", "induction", "--set", "length=12"],
        capture_output=True, text=True, cwd=repo, check=True,
    )  # fmt: skip
    assert "-- DEBRIEF" in done.stdout
    words = " ".join(done.stdout.split("-- DEBRIEF", 1)[1].split())
    expected = lab_run("induction", params={"length": 12})["debrief"][0]
    assert " ".join(expected.split()) in words


def test_a_patching_debrief_says_why_the_shared_prompt_is_not_used():
    assert "not the shared prompt" in " ".join(lab_run("patching", prompt="KING:")["debrief"])
    assert load() is load()
