"""The real proof that the vendored runtime works: Node loads ``site/pyodide/`` with Pyodide's own
loader, ``loadPackage("pyodide-kernels")`` brings NumPy from the local lock, and a kernel answers.
Run for the plain files and for the byte-compiled ones the worker boots from first."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from sitebuild.runtime.vendor import vendor_runtime
from tests.conftest import one_at_a_time

SMOKE = Path(__file__).with_name("node_smoke.mjs")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is needed to run Pyodide"),
]


@pytest.fixture(scope="module")
def vendored(tmp_path_factory, run_dir) -> Path:
    site = tmp_path_factory.mktemp("site")
    with one_at_a_time(run_dir, "repo-cache"):  # it may download and compile into .cache/
        written = vendor_runtime(site, ROOT / ".cache", ROOT)
    assert written["compiled"] is True
    return site / written["index_url"]


@pytest.mark.parametrize("flavour", ["plain", "compiled"])
def test_node_loads_the_vendored_runtime_and_runs_a_kernel(vendored, flavour):
    done = subprocess.run(
        ["node", str(SMOKE), str(vendored), flavour],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["numpy"] == "2.0.2"
    assert report["loaded"] == ["Loading numpy, pyodide-kernels", "Loaded numpy, pyodide-kernels"]
    # the compiled flavour must really run NumPy, the kernels and the stdlib from .pyc
    suffix = ".pyc" if flavour == "compiled" else ".py"
    assert [Path(f).suffix for f in report["files"]] == [suffix] * 3, report["files"]
    logits = np.array([2.0, 1.0, 0.1])
    expected = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(report["answer"]["result"]["probs"], expected, rtol=1e-12)
