"""Torch is optional: without the reference extra the kernel, build and model tests still
collect and run, and every PyTorch comparison skips, saying why."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import NO_TORCH, REPO


def pytest_run(*args: str) -> subprocess.CompletedProcess:
    """pytest in a child process with PyTorch hidden (tests/no_torch.py)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.no_torch", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )


def test_every_suite_but_the_browsers_collects_without_torch():
    done = pytest_run("--collect-only", "-q", "tests/kernels", "tests/model", "tests/sitebuild")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "error" not in done.stdout.lower().split("collected")[-1]


def test_torch_comparisons_skip_with_the_reason_and_the_rest_runs():
    done = pytest_run("-q", "-rs", "tests/kernels/test_softmax.py", "tests/kernels/test_norms.py")
    assert done.returncode == 0, done.stdout[-3000:]
    assert NO_TORCH in done.stdout
    assert " passed" in done.stdout and " skipped" in done.stdout
