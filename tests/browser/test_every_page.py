"""Every page the build writes, in the session's warm profile (pages restore Python from the
cached snapshot, the fastest boot), each visited once: loaded at a phone's width (375 px) in
dark mode, watched until settled and a little after, then turned, in the same tab, to a
laptop's width in light mode. In that visit (tests/browser/page_checks.py holds each check):

- layout: no page moves under the reader once it has painted (CLS ≤ 0.1, the limit of "good"),
  measured at the phone's width, where Lighthouse measures it and where a change of text moves
  the most (lines wrap more); and no page scrolls sideways at either width;
- accessibility: axe-core finds no WCAG 2.2 A/AA violation, every rule at each width in its
  scheme, so each width and each scheme meets the whole rule set (colours depend on the scheme,
  not the width); an embed page holds its chapter's widget markup, so it runs axe once, at the
  laptop's width (its chapter checks the other);
- digits: on a chapter, every widget recomputed live in the browser on its build-time arguments
  shows exactly the text the build wrote (parity tests compare numbers to a tolerance; this
  compares what the reader sees, so a last bit that moves a shown digit fails here).

A chapter, home, search, glossary and 404 are watched until their Python is ready (the widgets'
status lines and the header badge change then). An embed page is watched until its widget is
mounted, with its Python kept from starting: what an embed adds to its chapter's markup is its
widget's own drawing, done at mount, and Python's start (1.5 s of CPU, more than half an embed
visit) is the chapters' own, checked there. The embed then shows what a reader whose browser
cannot start Python sees.

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
    sideways_problems,
    wcag_problems,
)

LAPTOP = (1280, "light")
PHONE = (375, "dark")
CHAPTERS = set(chapter_pages())
#: Two frames: what the browser needs to lay a page out again at another width.
NEXT_FRAMES = """() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(done)))"""


def open_settled(page: Page, url: str, path: str) -> None:
    """Open ``path`` at the phone's width in its scheme, recording layout shifts from the start;
    return once it has settled (page_checks.settled_when) and SETTLE_MS more have passed."""
    width, scheme = PHONE
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    page.add_init_script(f"({RECORD_SHIFTS})()")
    page.goto(url + path)
    page.wait_for_function(settled_when(path), timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)


def turn_to(page: Page, width: int, scheme: str) -> None:
    """The same tab at another width and scheme, laid out again (the theme follows the
    system's scheme when the reader has chosen none)."""
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    page.wait_for_function("(s) => document.documentElement.dataset.theme === s", arg=scheme)
    page.evaluate(NEXT_FRAMES)


@pytest.mark.parametrize("path", every_page())
def test_every_page_holds_still_fits_both_screens_is_accessible_and_shows_the_builds_digits(
    page: Page, site_url: str, path: str
):
    embed = path.startswith("embed/")
    if embed:  # see the module docstring
        page.route("**/kernel-worker.js", lambda route: route.abort())
    open_settled(page, site_url, path)
    if path.startswith("search"):
        page.wait_for_selector(".pagefind-ui__search-input")
    problems = layout_problems(page, path, PHONE[0])
    if not embed:
        problems += wcag_problems(page, path)
    turn_to(page, *LAPTOP)
    problems += sideways_problems(page, path, LAPTOP[0])
    problems += wcag_problems(page, path)
    if path in CHAPTERS:
        problems += digit_problems(page, path)
    assert not problems, "\n".join(problems)
