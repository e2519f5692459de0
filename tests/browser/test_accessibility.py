"""axe-core (bundled by axe-playwright-python) finds no WCAG 2.2 A/AA violation on any page, in
light and dark mode, at desktop width and at 375 px.

Every rule runs at 1280 px in light mode and at 375 px in dark mode, so each width and each
scheme meets the whole rule set once. The colour scheme changes colours only, so the two crossed
variants (1280 px dark, 375 px light) run the one rule that reads colours, ``color-contrast``,
which is also the costly one. Embed pages hold the same widget markup as the chapters, so they are
checked once, with every rule, at desktop width in light mode.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from sitebuild.pages.chapters import gather_chapters
from sitebuild.pages.registry import load_registry
from tests.conftest import REPO

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Only violations are asked for: axe then skips detailing the passing nodes (2-4x faster on
#: the long pages) and finds exactly the same violations.
EVERY_RULE = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
COLOURS_ONLY = {
    "runOnly": {"type": "rule", "values": ["color-contrast"]},
    "resultTypes": ["violations"],
}
#: The (width, scheme) pairs that run every rule; the others run COLOURS_ONLY.
EVERY_RULE_AT = {(1280, "light"), (375, "dark")}


def site_pages() -> list[str]:
    """Every page the build writes but the embeds: the chapters, the home, search and 404."""
    chapters = [c.url for c in gather_chapters(REPO / "content", REPO)]
    return [*chapters, "index.html", "search.html", "404.html"]


def embed_pages() -> list[str]:
    """One embed page per widget of the registry."""
    return [f"embed/{name}.html" for name in sorted(load_registry(REPO / "widgets.toml"))]


#: Each page in each variant is a test of its own, so two workers share them evenly.
VARIANTS = [
    (name, width, scheme)
    for width in (1280, 375)
    for scheme in ("light", "dark")
    for name in site_pages() + (embed_pages() if (width, scheme) == (1280, "light") else [])
]


@pytest.mark.parametrize(("name", "width", "scheme"), VARIANTS)
def test_no_wcag_violations(page: Page, site_url, name, width, scheme):
    # axe reads the page as built (a reader's first paint, and what a failed runtime leaves):
    # Python's boot on every one of 81 pages would double this file's time
    page.route("**/kernel-worker.js", lambda route: route.abort())
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + name)
    page.wait_for_function("() => document.documentElement.dataset.hlwReady === 'true'")
    if name.startswith("search"):
        page.wait_for_selector(".pagefind-ui__search-input")
    options = EVERY_RULE if (width, scheme) in EVERY_RULE_AT else COLOURS_ONLY
    results = Axe().run(page, options=options)
    problems = [
        f"{name}: {v['id']} ({v['help']}) {[node['target'] for node in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert not problems, "\n".join(problems)
