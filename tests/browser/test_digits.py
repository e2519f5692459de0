"""What a reader sees does not depend on where it was computed: every widget, recomputed live in
the browser on its build-time arguments, shows exactly the digits and words the build wrote.

Parity tests compare numbers to a tolerance; this one compares the text on the page, so a last
bit that moves a shown digit (a value on a rounding edge) would fail here.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from sitebuild.pages.chapters import gather_chapters

from ..conftest import REPO
from .conftest import wait_for_python

CHAPTERS = [c.url for c in gather_chapters(REPO / "content", REPO)]
#: Labs show their results only after the reader runs them (tests/browser/test_labs.py checks
#: those numbers against CPython's); their build-time text is the question and the settings.
NOT_RECOMPUTED = ("lab-",)

RECOMPUTE_ALL = """async (skip) => {
  const out = [];
  for (const w of window.hlw.widgets) {
    const name = w.root.dataset.widget;
    if (skip.some((prefix) => name.startsWith(prefix))) continue;
    const body = w.root.querySelector('.widget-body');
    const before = body.innerText;
    await w.compute({});
    out.push({name, before, after: body.innerText});
  }
  return out;
}"""


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_widget_shows_the_builds_digits_when_recomputed_live(page: Page, site_url, chapter):
    page.goto(site_url + chapter)
    wait_for_python(page)
    shown = page.evaluate(RECOMPUTE_ALL, list(NOT_RECOMPUTED))
    different = [w["name"] for w in shown if w["before"] != w["after"]]
    details = {
        w["name"]: (w["before"][:300], w["after"][:300]) for w in shown if w["name"] in different
    }
    assert not different, details
