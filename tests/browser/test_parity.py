"""Every kernel gives the same answer in the browser's Pyodide as in CPython, on the JSON
examples of tests/kernels/test_dispatch_examples.py (one table for both checks)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pyodide_kernels.dispatch import call, kernel_names, kernel_table
from sitebuild.registry import load_registry

from ..conftest import REPO
from ..kernels.test_dispatch_examples import EXAMPLES, needs_arguments
from .conftest import (
    FLOAT32,
    FLOAT64,
    boot_from_snapshot_at_once,
    boot_report,
    numbers_close,
    wait_for_python,
)

#: Every data file the widgets declare: the worker fetches them once, before the first call.
DATA = sorted({f for widget in load_registry(REPO / "widgets.toml").values() for f in widget.data})
#: Kernels that run the float32 model (or read its weights) agree to float32 precision.
MODEL_MODULES = {
    "gpt", "tokenizers", "token_vectors", "position_explorer", "attention_map", "residual",
    "training", "quantize", "hardware", "model_decoding", "labs",
}  # fmt: skip
#: Measured durations and random draws differ from run to run, and versions from CPython's;
#: everything else must agree.
TIMINGS = {"seconds", "tokens_per_second", "speedup"}
TIMINGS |= {"python_random", "numpy_random", "python", "numpy", "platform"}


def without_timings(value):
    """The result with its measured durations left out."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in TIMINGS}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def test_every_kernel_has_an_example_or_needs_no_arguments():
    for name in kernel_names():
        assert name in EXAMPLES or not needs_arguments(name), name


@pytest.mark.parametrize("boot", ["compiled", "snapshot"])
def test_every_kernel_agrees_between_cpython_and_the_browser(page: Page, site_url, boot):
    if boot == "snapshot":
        boot_from_snapshot_at_once(page)
    page.goto(site_url + "tokenization.html")
    wait_for_python(page)
    assert boot_report(page)["kind"] == boot
    different = []
    for name in kernel_names():
        args = EXAMPLES.get(name, {})
        in_browser = page.evaluate(
            "([k, a, d]) => window.hlw.client.call(k, a, d)", [name, args, DATA]
        )
        module = kernel_table()[name].__module__.rsplit(".", 1)[-1]
        tolerance = FLOAT32 if module in MODEL_MODULES else FLOAT64
        expected = without_timings(call(name, args))
        if not numbers_close(without_timings(in_browser), expected, tolerance):
            different.append(name)
    assert not different
