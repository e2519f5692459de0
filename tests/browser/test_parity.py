"""Every kernel gives the same answer in the browser's Pyodide as in CPython, on the JSON
examples of tests/kernels/test_dispatch_examples.py (one table for both checks), to a stated
tolerance, and still does when CPython's NumPy is kept off this CPU's faster SIMD paths."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page

from pyodide_kernels.dispatch import call, kernel_names, kernel_table
from sitebuild.pages.registry import load_registry

from ..conftest import REPO
from ..kernels.test_dispatch_examples import EXAMPLES, needs_arguments
from .conftest import (
    FLOAT32,
    FLOAT64,
    boot_from_snapshot_at_once,
    boot_report,
    cpython_results,
    numbers_close,
    simd_targets_above_baseline,
    wait_for_python,
)

#: Every data file the widgets declare: the worker fetches them once, before the first call.
DATA = sorted({f for widget in load_registry(REPO / "widgets.toml").values() for f in widget.data})
#: Kernels that run the float32 model (or read its weights) agree to float32 precision: the
#: layers built on it.
MODEL_LAYERS = ("on_model", "labs")
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


def tolerance_of(name: str) -> dict[str, float]:
    """float32 precision for the model's kernels, float64 rounding for the rest."""
    layer = kernel_table()[name].__module__.split(".")[1]
    return FLOAT32 if layer in MODEL_LAYERS else FLOAT64


def browser_results(page: Page) -> dict[str, object]:
    """Every kernel's example, computed by the page's Python."""
    return {
        name: page.evaluate(
            "([k, a, d]) => window.hlw.client.call(k, a, d)", [name, EXAMPLES.get(name, {}), DATA]
        )
        for name in kernel_names()
    }


def disagreeing(in_browser: dict[str, object], in_cpython: dict[str, object]) -> list[str]:
    """The kernels whose two results differ beyond their tolerance."""
    return [
        name
        for name in kernel_names()
        if not numbers_close(
            without_timings(in_browser[name]), without_timings(in_cpython[name]), tolerance_of(name)
        )
    ]


def cpython_examples() -> dict[str, object]:
    """Every kernel's example, computed by this CPython."""
    return {name: call(name, EXAMPLES.get(name, {})) for name in kernel_names()}


def booted_results(context: BrowserContext, site_url: str, boot: str) -> dict[str, object]:
    """Every kernel's example computed by a first visit's Python (nothing cached, so the boot
    is the one asked for), after checking that it booted that way."""
    page = context.new_page()
    try:
        if boot == "snapshot":
            boot_from_snapshot_at_once(page)
        page.goto(site_url + "tokenization.html")
        wait_for_python(page)
        assert boot_report(page)["kind"] == boot
        return browser_results(page)
    finally:
        page.close()


@pytest.fixture(scope="module")
def restored_results(browser, browser_context_args, site_url):  # noqa: ANN001, ANN201
    """The browser's results after a snapshot restore, computed once (per xdist worker) for the
    two tests that compare them."""
    context = browser.new_context(**browser_context_args)
    try:
        yield booted_results(context, site_url, "snapshot")
    finally:
        context.close()


def test_every_kernel_agrees_between_cpython_and_the_compiled_boot(context, site_url):  # noqa: ANN001
    found = booted_results(context, site_url, "compiled")
    assert not disagreeing(found, cpython_examples())


def test_every_kernel_agrees_between_cpython_and_a_restored_snapshot(restored_results):  # noqa: ANN001
    assert not disagreeing(restored_results, cpython_examples())


def test_the_agreement_holds_when_cpythons_numpy_takes_other_simd_paths(restored_results):  # noqa: ANN001
    """The tolerance is not tuned to this CPU: with NumPy kept to its baseline instructions
    (NPY_DISABLE_CPU_FEATURES: AVX2, the AVX-512 family, whatever this CPU adds), CPython's
    last bits move and the browser still agrees."""
    faster = simd_targets_above_baseline()
    if not faster:
        pytest.skip("this CPU has no SIMD target above NumPy's baseline to turn off")
    calls = [(name, EXAMPLES.get(name, {})) for name in kernel_names()]
    baseline = dict(zip(kernel_names(), cpython_results(calls, faster), strict=True))
    assert not disagreeing(restored_results, baseline)
