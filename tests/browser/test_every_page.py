"""Every page the build writes, in the session's warm profile (pages restore Python from the
cached snapshot, the fastest boot), watched until settled and a little after, and checked in
that visit (tests/browser/page_checks.py holds each check):

- layout: no page moves under the reader once it has painted (CLS ≤ 0.1, the limit of "good"),
  and none scrolls sideways;
- accessibility: axe-core finds no WCAG 2.2 A/AA violation, every rule at each width in one
  scheme, so each width and each scheme meets the whole rule set (colours depend on the scheme,
  not the width);
- digits: on a chapter, every widget recomputed live in the browser on its build-time arguments
  shows exactly the text the build wrote (parity tests compare numbers to a tolerance; this
  compares what the reader sees, so a last bit that moves a shown digit fails here). The text
  does not depend on the width, so this runs at the laptop's.

A chapter, home, search, glossary and 404 are visited twice: at a laptop's width in light mode
and at a phone's (375 px) in dark mode, each watched until its Python is ready (the widgets'
status lines and the header badge change then), each checked for all three.

An embed page is visited once, with its Python kept from starting: what an embed adds to its
chapter's markup is its widget's own drawing, done at mount, and Python's start (1.5 s of CPU,
more than half an embed visit) is the chapters' own, checked there. The embed then shows what a
reader whose browser cannot start Python sees. It loads at the phone's width in dark mode,
where a page embedding it is most cramped and where Lighthouse measures the CLS, and is watched
until its widget is mounted; then the same tab turns to the laptop's width in light mode and
must not scroll sideways there either, and axe runs once (the embed holds its chapter's widget
markup, whose other width and scheme the chapter's visits check).

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
    embed_pages,
    every_page,
    layout_problems,
    settled_when,
    sideways_problems,
    wcag_problems,
)

LAPTOP = (1280, "light")
PHONE = (375, "dark")
CHAPTERS = set(chapter_pages())
EMBEDS = embed_pages()


def open_settled(page: Page, url: str, width: int, scheme: str, path: str) -> None:
    """Open ``path`` at ``width`` in ``scheme``, recording layout shifts from the start; return
    once it has settled (page_checks.settled_when) and SETTLE_MS more have passed."""
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    page.add_init_script(f"({RECORD_SHIFTS})()")
    page.goto(url + path)
    page.wait_for_function(settled_when(path), timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)


@pytest.mark.parametrize("path", [p for p in every_page() if p not in EMBEDS])
@pytest.mark.parametrize(("width", "scheme"), [LAPTOP, PHONE])
def test_every_page_is_still_accessible_and_shows_the_builds_digits(
    page: Page, site_url: str, width: int, scheme: str, path: str
):
    open_settled(page, site_url, width, scheme, path)
    problems = layout_problems(page, path, width)
    if path.startswith("search"):
        page.wait_for_selector(".pagefind-ui__search-input")
    problems += wcag_problems(page, path)
    if path in CHAPTERS and (width, scheme) == LAPTOP:
        problems += digit_problems(page, path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", EMBEDS)
def test_every_embed_page_holds_still_fits_both_screens_and_is_accessible(
    page: Page, site_url: str, path: str
):
    page.route("**/kernel-worker.js", lambda route: route.abort())  # see the module docstring
    open_settled(page, site_url, *PHONE, path)
    problems = layout_problems(page, path, PHONE[0])
    width, scheme = LAPTOP
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    page.wait_for_function("(s) => document.documentElement.dataset.theme === s", arg=scheme)
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    problems += sideways_problems(page, path, width)
    problems += wcag_problems(page, path)
    assert not problems, "\n".join(problems)
