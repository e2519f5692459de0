"""Every page the build writes, visited once at a laptop's width in light mode and once at a
phone's (375 px) in dark mode, in the session's warm profile (pages restore Python from the cached
snapshot, the fastest boot), and watched until settled and a little after. Then, in that one
visit (tests/browser/page_checks.py holds each check):

- layout: no page moves under the reader once it has painted (CLS ≤ 0.1, the limit of "good"),
  and none scrolls sideways. A chapter is watched until its Python is ready (the widgets' status
  lines and the header badge change then); an embed page until its widget is mounted, with its
  Python kept from starting: what an embed adds to a chapter's markup is its widget's own
  drawing, done at mount, and Python's start (1.5 s of CPU, more than half an embed visit) is
  the chapters' own, checked there. The embed then shows what a reader whose browser cannot
  start Python sees, which must not move either;
- accessibility: axe-core finds no WCAG 2.2 A/AA violation, every rule at each width in one
  scheme, so each width and each scheme meets the whole rule set (colours depend on the scheme,
  not the width); an embed page holds the same widget markup as its chapter, so it runs axe once,
  at the laptop's width;
- digits: on a chapter, every widget recomputed live in the browser on its build-time arguments
  shows exactly the text the build wrote (parity tests compare numbers to a tolerance; this
  compares what the reader sees, so a last bit that moves a shown digit fails here). The text
  does not depend on the width, so this runs at the laptop's.

Every problem of a visit is reported together, each naming its page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .page_checks import (
    PAGE_TIMEOUT_MS,
    RECORD_SHIFTS,
    SETTLE_MS,
    chapter_pages,
    digit_problems,
    every_page,
    layout_problems,
    settled_when,
    wcag_problems,
)

#: (width, colour scheme) of the two visits of each page.
VARIANTS = [(1280, "light"), (375, "dark")]
CHAPTERS = set(chapter_pages())


def checks_for(path: str, width: int) -> tuple[bool, bool]:
    """Whether this visit runs axe, and whether it recomputes the digits (see the module
    docstring). Example: ``checks_for("embed/softmax-quiz.html", 375)`` -> (False, False)"""
    axe = not path.startswith("embed/") or width == VARIANTS[0][0]
    digits = path in CHAPTERS and width == VARIANTS[0][0]
    return axe, digits


@pytest.mark.parametrize("path", every_page())
@pytest.mark.parametrize(("width", "scheme"), VARIANTS)
def test_every_page_is_still_accessible_and_shows_the_builds_digits(
    page: Page, site_url: str, width: int, scheme: str, path: str
):
    if path.startswith("embed/"):  # see the module docstring
        page.route("**/kernel-worker.js", lambda route: route.abort())
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    page.add_init_script(f"({RECORD_SHIFTS})()")
    page.goto(site_url + path)
    page.wait_for_function(settled_when(path), timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)
    problems = layout_problems(page, path, width)
    run_axe, recompute = checks_for(path, width)
    if run_axe:
        if path.startswith("search"):
            page.wait_for_selector(".pagefind-ui__search-input")
        problems += wcag_problems(page, path)
    if recompute:
        problems += digit_problems(page, path)
    assert not problems, "\n".join(problems)
