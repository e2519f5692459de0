"""The kernel dispatch: the shell door and the JSON door agree with direct calls."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pyodide_kernels.dispatch import call, call_json, jsonable, kernel_names


def test_every_kernel_is_listed_and_callable_from_the_shell(repo):
    listed = subprocess.run(
        [sys.executable, "-m", "pyodide_kernels", "--list"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listed == kernel_names() and "softmax" in listed
    out = subprocess.run(
        [sys.executable, "-m", "pyodide_kernels", "softmax", '{"logits": [0, 0]}'],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert json.loads(out.stdout)["probs"] == [0.5, 0.5]


def test_the_shell_reports_bad_input_and_exits_nonzero(repo):
    out = subprocess.run(
        [sys.executable, "-m", "pyodide_kernels", "softmax", '{"logits": []}'],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1 and "logits: expected at least 1 value" in out.stderr


@pytest.mark.parametrize(
    ("name", "args", "kind"),
    [
        ("softmax", '{"logits": "x"}', "ValueError"),
        ("nope", "{}", "KeyError"),
        ("softmax", "not json", "ValueError"),
        ("softmax", "[1, 2]", "ValueError"),
        ("softmax", '{"wrong": 1}', "TypeError"),
    ],
)
def test_errors_come_back_as_data(name, args, kind):
    answer = json.loads(call_json(name, args))
    assert answer["error"]["type"] == kind and answer["error"]["message"]


def test_non_finite_numbers_survive_json():
    import numpy as np

    assert jsonable({"x": np.array([1.0, -np.inf, np.nan])}) == {"x": [1.0, "-Infinity", "NaN"]}
    masked = call("attention_problem", {"causal": True})["masked"]
    assert masked[0][1] == "-Infinity"
    json.dumps(masked, allow_nan=False)


def test_float32_results_are_written_with_their_own_shortest_digits():
    import numpy as np

    rng = np.random.default_rng(3)
    values = (rng.standard_normal(500) * 10.0 ** rng.integers(-8, 8, 500)).astype(np.float32)
    written = jsonable({"x": values, "one": values[0]})
    # lossless: each decimal reads back as the very same float32
    assert np.array_equal(np.float32(written["x"]), values)
    assert np.float32(written["one"]) == values[0]
    # and no float64 noise: 0.1 in float32 is written 0.1, not 0.10000000149011612
    assert jsonable(np.float32([0.1, 2.5e-7])) == [0.1, 2.5e-07]
    assert len(json.dumps(written["x"])) < 0.7 * len(json.dumps(values.tolist()))
    # float64 stays as it is
    assert jsonable(np.float64([0.1 + 0.2])) == [0.30000000000000004]
