"""The induction-formation kernel reads the checkpoint trace faithfully: the step it picks, its
curves in the chart's unit square, and the phase change it reports."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.on_model.formation import (
    chart_points,
    induction_formation,
    phase_change,
    read_trace,
    series,
)


def test_chart_points_span_the_unit_square():
    assert chart_points(np.array([0, 5, 10]), np.array([0.0, 2.0, 4.0]), 4.0) == [
        [0.0, 0.0], [0.5, 0.5], [1.0, 1.0],
    ]  # fmt: skip


def test_a_checkpoint_is_the_traces_own_row():
    trace = read_trace()
    for index in (0, len(trace["steps"]) - 1):
        shown, row = induction_formation(index), trace["checkpoints"][index]
        assert shown["step"] == row["step"] and shown["second_copy"] == row["second_copy"]
        np.testing.assert_array_equal(shown["induction"], row["induction"])
        head = trace["induction_head"]
        assert shown["induction_score"] == row["induction"][head["layer"]][head["head"]]


def test_it_opens_where_the_second_copy_has_fallen_halfway():
    s = series(read_trace())
    shown = induction_formation()
    worst, last = s["second_copy"].max(), s["second_copy"][-1]
    assert shown["second_copy"] <= (worst + last) / 2
    assert s["second_copy"][shown["index"] - 1] > (worst + last) / 2
    phase = phase_change(s)
    assert phase["step_before"] < phase["step_after"]


def test_a_bad_index_is_refused():
    with pytest.raises(ValueError, match="index"):
        induction_formation(999)
