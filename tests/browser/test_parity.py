"""Every kernel gives the same answer in the browser's Pyodide as in CPython, on the JSON
examples of tests/kernels/test_dispatch_examples.py (one table for both checks)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pyodide_kernels.dispatch import call, kernel_names

from ..kernels.test_dispatch_examples import EXAMPLES, needs_arguments
from .conftest import wait_for_python

#: Data files a kernel reads, fetched by the worker before the call (as widgets.toml declares).
MODEL = ["traces/model.npz", "traces/tokenizer.json", "traces/model.json"]
DATA = {
    "cl100k_encode": ["data/cl100k_base.tiktoken"],
    "cl100k_decode": ["data/cl100k_base.tiktoken"],
    **{name: MODEL for name in kernel_names() if name.startswith("gpt_")},
}


def test_every_kernel_has_an_example_or_needs_no_arguments():
    for name in kernel_names():
        assert name in EXAMPLES or not needs_arguments(name), name


#: float64 kernels agree to rounding; the model runs in float32, where WebAssembly's NumPy sums
#: in another order than CPython's, so its numbers agree to float32 precision (tokens exactly).
FLOAT64 = {"rel": 1e-9, "abs": 1e-12}
FLOAT32 = {"rel": 1e-4, "abs": 1e-5}


def numbers_close(a, b, tolerance=FLOAT64) -> bool:  # noqa: B006 (read-only default)
    """Equal JSON structure and strings; numbers within ``tolerance``."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(numbers_close(a[k], b[k], tolerance) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            numbers_close(x, y, tolerance) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return a == pytest.approx(b, **tolerance)
    return a == b


def test_every_kernel_agrees_between_cpython_and_the_browser(page: Page, site_url):
    page.goto(site_url + "tokenization.html")
    wait_for_python(page)
    different = []
    for name in kernel_names():
        args = EXAMPLES.get(name, {})
        in_browser = page.evaluate(
            "([k, a, d]) => window.hlw.client.call(k, a, d)", [name, args, DATA.get(name, [])]
        )
        tolerance = FLOAT32 if name.startswith("gpt_") else FLOAT64
        if not numbers_close(in_browser, call(name, args), tolerance):
            different.append(name)
    assert not different
