"""Each deterministic lab's effect on its default settings, as PyTorch recorded it with its own
forward hooks (traces/labs_cpu.json, reference/labs.py), equals the NumPy lab the site runs."""

from __future__ import annotations

import json

import pytest

from pyodide_kernels.labs import lab_run
from tests.conftest import REPO

TRACE = json.loads((REPO / "traces" / "labs_cpu.json").read_text())


def test_the_trace_says_where_it_came_from():
    assert TRACE["meta"]["kind"] == "labs" and TRACE["meta"]["torch"].startswith("2.")
    assert len(TRACE["labs"]) >= 8


@pytest.mark.parametrize("lab", sorted(TRACE["labs"]))
def test_numpy_reproduces_the_pytorch_effect(lab):
    effect = lab_run(lab)["effect"]
    recorded = TRACE["labs"][lab]
    assert effect["base"] == pytest.approx(recorded["base"], rel=1e-4, abs=1e-7)
    assert effect["tweak"] == pytest.approx(recorded["tweak"], rel=1e-4, abs=1e-7)
