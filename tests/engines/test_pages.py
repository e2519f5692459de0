"""Every kind of page the build writes, in each engine: it loads with nothing on the console,
no script error, no policy refusal, no failed or foreign request; and the chapters read in dark
mode on a phone's screen without scrolling sideways."""

from __future__ import annotations

from tests.browser.page_checks import chapter_pages, every_page, one_embed_per_module

from .conftest import settled
from .engine import Engine
from .server import ObservedSite

PROBE = "() => window.hlwProbe"
#: The page's look, read back: its theme, the body's background and how far it scrolls sideways.
LOOK = """() => ({
  theme: document.documentElement.dataset.theme,
  background: getComputedStyle(document.body).backgroundColor,
  width: innerWidth,
  sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
})"""


def visit_problems(engine: Engine, site: ObservedSite, path: str) -> list[str]:
    """Open ``path`` and let its scripts run: what the probe, the driver and the server saw
    go wrong."""
    start = len(site.log)
    engine.goto(site.url + path)
    settled(engine)
    probe = engine.evaluate(PROBE)
    native = engine.native()
    here = site.url.split("/")[2]
    problems = [f"{path}: {error}" for error in probe["errors"] + native["errors"]]
    problems += [f"{path}: asked another host for {url}" for url in probe["foreign"]]
    problems += [f"{path}: asked {host}" for host in native["hosts"] if host != here]
    problems += [
        f"{path}: {asked} answered {status}"
        for asked, status in site.fetched_since(start)
        if status >= 400
    ]
    return problems


def test_every_page_loads_without_an_error_or_a_request_elsewhere(
    tab: Engine, observed_site: ObservedSite
):
    problems = []
    # Chromium visits every embed page; here one per widget module (the labs share one)
    for path in every_page(one_embed_per_module()):
        problems += visit_problems(tab, observed_site, path)
    assert not problems, f"{tab.name} {tab.version}:\n" + "\n".join(problems)


def luminance(css_colour: str) -> float:
    """0 (black) to 1 (white), from ``rgb(r, g, b)``.

    Example: ``luminance("rgb(0, 0, 0)")`` -> 0.0
    """
    r, g, b = (int(part) for part in css_colour.split("(")[1].split(")")[0].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_chapters_read_in_dark_mode_on_a_phone(tab: Engine, site: str):
    tab.viewport(375, 800)
    tab.goto(site + "404.html")
    tab.evaluate("() => localStorage.setItem('hlw-theme', 'dark')")  # what the toggle stores
    problems = []
    for path in chapter_pages():
        tab.goto(site + path)
        settled(tab)
        look = tab.evaluate(LOOK)
        if look["width"] != 375:
            problems.append(f"{path}: the viewport is {look['width']} px, not 375")
        if look["theme"] != "dark" or luminance(look["background"]) > 0.2:
            problems.append(f"{path}: not dark: theme {look['theme']}, body {look['background']}")
        if look["sideways"] > 0:
            problems.append(f"{path}: scrolls sideways by {look['sideways']} px at 375 px")
    assert not problems, f"{tab.name}:\n" + "\n".join(problems)
