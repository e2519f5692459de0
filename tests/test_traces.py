"""Every committed trace passes its schema: metadata complete, rows consistent with themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TRACES = sorted((Path(__file__).resolve().parent.parent / "traces").glob("*.json"))
META_FIELDS = {
    "schema",
    "kind",
    "device",
    "device_name",
    "dtype",
    "torch",
    "seed",
    "date",
    "git_revision",
}


def test_there_are_traces():
    assert TRACES


@pytest.mark.parametrize("path", TRACES, ids=lambda p: p.name)
def test_trace_metadata(path):
    meta = json.loads(path.read_text())["meta"]
    assert META_FIELDS <= set(meta), META_FIELDS - set(meta)
    assert meta["schema"] == 1 and meta["device"] in ("cpu", "cuda")
    assert meta["git_revision"] != "unknown"


@pytest.mark.parametrize(
    "path", [p for p in TRACES if p.name.startswith("matmul")], ids=lambda p: p.name
)
def test_matmul_rows_are_consistent(path):
    rows = json.loads(path.read_text())["rows"]
    assert {row["n"] for row in rows} >= {64, 256, 1024}
    for row in rows:
        assert row["seconds"] > 0
        assert row["gflops"] == pytest.approx(2 * row["n"] ** 3 / row["seconds"] / 1e9)


CHECKPOINTS = Path(__file__).resolve().parent.parent / "traces" / "checkpoints_cpu.json"


def test_the_checkpoint_trace_shows_the_induction_head_forming():
    from pyodide_kernels.on_model.formation import phase_change, series

    trace = json.loads(CHECKPOINTS.read_text())
    s = series(trace)
    assert len(s["step"]) >= 20 and s["step"][0] == 0
    assert list(s["step"]) == sorted(s["step"])
    assert s["induction_score"][0] < 0.2 and s["induction_score"][-1] > 0.5  # it turns on
    late, early = s["induction_score"][-3:].mean(), s["induction_score"][:3].mean()
    assert late > early + 0.4
    phase = phase_change(s)
    assert phase["second_copy_before"] - phase["second_copy_after"] > 1.0
    assert phase["score_after"] > phase["score_before"]
    assert s["second_copy"][-1] < s["second_copy"].max() - 5  # copying learned


def test_the_numpy_labs_agree_with_the_pytorch_trace_on_every_shipped_checkpoint():
    import numpy as np

    from pyodide_kernels.labs.checkpoints import SHIPPED, checkpoint_model
    from pyodide_kernels.labs.roles import (
        LENGTH,
        SEEDS,
        head_roles,
        repeated_tokens,
        second_copy_loss,
    )

    trace = json.loads(CHECKPOINTS.read_text())
    assert (trace["length"], tuple(trace["seeds"])) == (LENGTH, SEEDS)
    rows = {row["step"]: row for row in trace["checkpoints"]}
    for step in SHIPPED:
        model = checkpoint_model(step)
        roles = head_roles(model)
        np.testing.assert_allclose(roles["induction"], rows[step]["induction"], atol=1e-4)
        np.testing.assert_allclose(roles["previous_token"], rows[step]["previous_token"], atol=1e-4)
        copies = [repeated_tokens(model.vocab_size, LENGTH, s) for s in SEEDS]
        second = np.mean([second_copy_loss(model, ids, LENGTH) for ids in copies])
        assert second == pytest.approx(rows[step]["second_copy"], abs=1e-3)
