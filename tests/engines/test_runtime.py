"""The runtime in each engine: a handful of kernels from every layer give CPython's numbers (to
the tolerance of tests/browser/conftest.py: the last bits of exp and of a sum's order differ
between CPUs and WebAssembly engines); without the runtime a page keeps its build-time numbers,
says why and still grades; an embed on another origin resizes its frame."""

from __future__ import annotations

import time
from pathlib import Path

from pyodide_kernels.dispatch import call
from tests.browser.conftest import BASE, blog_post_embedding, numbers_close
from tests.browser.test_parity import DATA, tolerance_of, without_timings
from tests.kernels.test_dispatch_examples import EXAMPLES

from .conftest import python_ready, settled
from .engine import Engine, text_becomes, text_of, wait_for
from .server import ObservedSite

#: One or two kernels of each layer: the hand maths, the tokenizers, the model and a lab.
PARITY = (
    "softmax", "attention", "rope_rotation", "cosine_similarity", "sample", "cl100k_encode",
    "bpe_train", "gpt_next_tokens", "gpt_generate", "residual_stream", "lab_run",
)  # fmt: skip
QUIZ = "figure[data-widget=softmax-quiz]"
PROB = f"{QUIZ} td[data-bind='probs.0']"


def test_kernels_give_cpythons_numbers(tab: Engine, site: str):
    tab.goto(site + "tokenization.html")
    python_ready(tab)
    differ = []
    for name in PARITY:
        args = EXAMPLES.get(name, {})
        in_browser = tab.evaluate("(k, a, d) => window.hlw.client.call(k, a, d)", name, args, DATA)
        expected = call(name, args)
        close = numbers_close(
            without_timings(in_browser), without_timings(expected), tolerance_of(name)
        )
        if not close:
            differ.append(name)
    assert differ == [], f"{tab.name} disagrees with CPython on {differ}"


def test_without_the_runtime_a_page_keeps_its_numbers_and_says_why(
    tab: Engine, site: str, observed_site: ObservedSite
):
    tab.fresh()
    observed_site.refused.add(BASE + "pyodide/")
    try:
        started = time.monotonic()
        tab.goto(site + "attention-and-the-block.html")
        settled(tab)
        built = text_of(tab, PROB)
        status = wait_for(
            tab,
            f"""() => {{ const s = document.querySelector('{QUIZ} [data-status]');
                return s.dataset.state === 'failed' && s.textContent; }}""",
            20,
        )
        assert time.monotonic() - started < 20
    finally:
        observed_site.refused.discard(BASE + "pyodide/")
    assert "Python could not start" in status
    assert text_of(tab, f"{QUIZ} [data-status] button[data-action=retry]") is not None
    assert text_of(tab, PROB) == built != ""
    tab.type(f"{QUIZ} [data-answer=answer]", built)
    tab.click(f"{QUIZ} [data-action=check]")
    text_becomes(tab, f"{QUIZ} [data-feedback]", "Correct!", 10)


def test_an_embed_on_another_origin_resizes_its_frame(tab: Engine, site: str, tmp_path: Path):
    with blog_post_embedding(site, "attention-by-hand", tmp_path) as post:
        tab.goto(post)
        height = wait_for(
            tab,
            """() => { const h = parseFloat(document.querySelector('iframe').style.height);
                return h > 800 && h; }""",
            30,
        )
    assert height > 800
