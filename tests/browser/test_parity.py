"""Every kernel gives the same answer in the browser's Pyodide as in CPython, on the JSON
examples of tests/kernels/test_dispatch_examples.py (one table for both checks)."""

from __future__ import annotations

from playwright.sync_api import Page

from pyodide_kernels.dispatch import call, kernel_names

from ..kernels.test_dispatch_examples import EXAMPLES, needs_arguments
from .conftest import FLOAT32, FLOAT64, numbers_close, wait_for_python

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
