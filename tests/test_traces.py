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
