"""axe-core (bundled by axe-playwright-python) finds no WCAG 2.2 A/AA violation on any page, in
light and dark mode, at desktop width and at 375 px. Embed pages hold the same widget markup as
the chapters (checked in every variant), so they are checked once, at desktop width in light
mode, which keeps the suite's time in proportion."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Only violations are asked for: axe then skips detailing the passing nodes (2-4x faster on
#: the long pages) and finds exactly the same violations.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_no_wcag_violations(page: Page, site_url, built_site, scheme, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    axe = Axe()
    problems = []
    pages = sorted(
        p.relative_to(built_site).as_posix()
        for p in built_site.rglob("*.html")
        if "pagefind" not in p.parts
        and ("embed" not in p.parts or (width, scheme) == (1280, "light"))
    )
    for name in pages:
        page.goto(site_url + name)
        page.wait_for_function("() => document.documentElement.dataset.hlwReady === 'true'")
        if name.startswith("search"):
            page.wait_for_selector(".pagefind-ui__search-input")
        results = axe.run(page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{name}: {violation['id']} ({violation['help']}) {targets}")
    assert not problems, "\n".join(problems)
