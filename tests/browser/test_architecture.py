"""The architecture figure: drawn from the model's configuration, filled live by the model in
the browser with CPython's numbers, every stage reachable by keyboard and linked to a section
that exists, and still while the live values arrive."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call
from sitebuild.pages.numbers import fixed
from sitebuild.pages.render import visible
from tests.conftest import REPO

from .conftest import FLOAT32, numbers_close, wait_for_python

FIGURE = "figure[data-widget=architecture]"
CONFIG = json.loads((REPO / "traces" / "model.json").read_text())["config"]
PROMPT = "O Romeo, Romeo, wherefore art thou"


def grouped(n: int) -> str:
    """Example: ``grouped(1024)`` -> '1,024'"""
    return f"{n:,}"


@pytest.fixture
def pipeline(page: Page, site_url) -> Page:
    page.goto(site_url + "the-pipeline.html")
    return page


def test_the_shapes_are_the_models_configuration(pipeline: Page):
    figure = pipeline.locator(FIGURE)
    d, vocab = CONFIG["n_embd"], CONFIG["vocab_size"]
    head = d // CONFIG["n_head"]
    dims = figure.locator(".arch-dims").all_text_contents()
    for rows, cols in [(vocab, d), (CONFIG["n_ctx"], d), (d, head), (d, 4 * d), (4 * d, d)]:
        assert f"{grouped(rows)} × {grouped(cols)}" in dims
    card = dict(
        zip(
            figure.locator(".arch-card dt").all_text_contents(),
            figure.locator(".arch-card dd").all_text_contents(),
            strict=True,
        )
    )
    assert card["Blocks"] == str(CONFIG["n_layer"])
    assert card["Heads per block"] == f"{CONFIG['n_head']} × {head} wide"
    assert card["Vocabulary"] == f"{grouped(vocab)} tokens"
    assert card["Parameters"] == grouped(call("model_overview", {})["card"]["parameters"])
    expect(figure.locator(".arch-blocks tbody tr")).to_have_count(CONFIG["n_layer"])


def test_the_live_values_are_cpythons_for_the_readers_prompt(pipeline: Page):
    wait_for_python(pipeline)
    figure = pipeline.locator(FIGURE)
    figure.locator("[data-prompt]").fill(PROMPT)
    figure.locator("[data-prompt]").press("Enter")
    expected = call("model_overview", {"prompt": PROMPT})
    expect(figure.locator("[data-tokens] .token")).to_have_count(
        len(expected["tokens"]), timeout=30_000
    )
    expect(figure).to_have_attribute("data-live", "true")
    state = pipeline.evaluate(
        "() => window.hlw.widgets.find((w) => w.root.dataset.widget === 'architecture').state"
    )
    assert state["ids"] == expected["ids"]
    assert [t["id"] for t in state["top"]] == [t["id"] for t in expected["top"]]
    for key in ("residual_norms", "entropy"):
        assert numbers_close(state[key], expected[key], FLOAT32), key
    shown = figure.locator("[data-tokens] .token-text").all_text_contents()
    assert shown == [visible(t) for t in expected["tokens"]]
    expect(figure.locator("[data-bind=entropy]")).to_have_text(fixed(expected["entropy"], 2))
    last = figure.locator(".arch-blocks tbody tr").last.locator("td")
    expect(last.first).to_have_text(fixed(expected["residual_norms"][-1], 1))
    target = expected["heads"][-1][0]
    expect(last.nth(1)).to_have_text(f"{visible(target['token'])} {fixed(target['weight'], 2)}")


def test_every_stage_is_reached_by_keyboard_and_links_to_a_section(pipeline: Page, site_url):
    stages = pipeline.locator(f"{FIGURE} .arch-stage")
    links = pipeline.locator(f"{FIGURE} .arch-flow a")
    hrefs = links.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    expect(stages).to_have_count(6)
    assert stages.evaluate_all("(s) => s.every((li) => li.querySelector('a.arch-name'))")
    pipeline.locator(f"{FIGURE} [data-action=trace]").focus()
    reached = []
    for _ in range(len(hrefs) + 3):
        pipeline.keyboard.press("Tab")
        reached.append(pipeline.evaluate("() => document.activeElement.getAttribute('href')"))
    assert [h for h in reached if h in hrefs][: len(hrefs)] == hrefs
    for href in sorted(set(hrefs)):
        anchor = urlsplit(href).fragment
        response = pipeline.request.get(urljoin(site_url, href))
        assert response.ok, href
        html = response.text()
        assert re.search(rf'id="{re.escape(anchor)}"', html), href


def test_each_chapter_highlights_the_stage_it_opens(page: Page, site_url):
    page.goto(site_url + "tokenization.html")
    current = page.locator(f"{FIGURE} .arch-stage[aria-current=step]")
    expect(current).to_have_count(1)
    expect(current.locator(".arch-here")).to_have_text("this chapter")
    expect(page.locator(f"{FIGURE} .arch-card")).to_have_count(0)


def test_the_live_values_arrive_without_moving_the_page(pipeline: Page):
    wait_for_python(pipeline)
    pipeline.evaluate("""() => {
      window.__shifts = [];
      new PerformanceObserver((list) => window.__shifts.push(...list.getEntries()
        .map((e) => e.value))).observe({type: "layout-shift"});
    }""")
    pipeline.evaluate(
        "() => window.hlw.widgets.find((w) => w.root.dataset.widget === 'architecture').compute({})"
    )
    expect(pipeline.locator(FIGURE)).to_have_attribute("data-live", "true")
    assert sum(pipeline.evaluate("() => window.__shifts")) == 0
