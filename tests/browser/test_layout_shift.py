"""Layout stability: no page moves under the reader once it has painted, and none scrolls
sideways.

Each page is loaded at a phone's width (375 px) and a laptop's (1280 px) and watched until it is
settled and a little after: a chapter until its Python is ready (the widgets' status lines and the
header badge change then), an embed page until its widget is mounted (what an embed adds to a
chapter's markup is its widget's own drawing, which happens then; the status line and its change
at Python's start are the chapters' own, checked there), so 18 pages boot Python, not 90;
its cumulative layout shift (CLS, the largest session window of ``layout-shift`` entries not
caused by input, as Core Web Vitals count it) must stay at or below 0.1, the limit of "good".
A failure names the elements that moved, where from and where to. The same visit checks that
the page is no wider than the screen.

Every page and width is a test of its own (two workers share them), in the session's warm
browser profile, where pages restore Python from the cached memory snapshot, the fastest boot.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from sitebuild.pages.chapters import gather_chapters
from sitebuild.pages.registry import load_registry
from tests.conftest import REPO

#: Core Web Vitals' upper bound for a "good" CLS.
GOOD_CLS = 0.1
WIDTHS = [375, 1280]
#: How long to keep watching once Python is ready, in ms.
SETTLE_MS = 500
#: How long a page may take to have Python ready, in s.
PAGE_TIMEOUT_S = 60

#: Before any script of the page runs: record every layout shift with the nodes that moved.
RECORD_SHIFTS = """() => {
  const describe = (node) => {
    if (!node) return "(a node since removed)";
    const element = node.nodeType === 1 ? node : node.parentElement;
    if (!element) return "#text";
    const own = element.tagName.toLowerCase() + (element.id ? `#${element.id}` : "")
      + [...element.classList].map((c) => `.${c}`).join("");
    const holder = element.parentElement?.closest("[id]");
    return holder ? `${own} in #${holder.id}` : own;
  };
  const rect = (r) => (r.width || r.height
    ? `${Math.round(r.y)}+${Math.round(r.height)}` : "out of view");
  window.hlwShifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.hlwShifts.push({
        time: entry.startTime, value: entry.value, input: entry.hadRecentInput,
        sources: (entry.sources || []).map((s) =>
          `${describe(s.node)} (y+height ${rect(s.previousRect)} -> ${rect(s.currentRect)})`),
      });
    }
  }).observe({ type: "layout-shift", buffered: true });
}"""

#: True once the page's scripts ran and, if it has widgets, its Python is ready.
SETTLED = """() => document.documentElement.dataset.hlwReady === 'true'
  && (!window.hlw.widgets.length || window.hlw.client.state === 'ready')"""
#: True once an embed page's widget is mounted.
MOUNTED = "() => document.documentElement.dataset.hlwReady === 'true'"


def settled_when(path: str) -> str:
    """What a page waits for before its settling time starts (see the module docstring)."""
    return MOUNTED if path.startswith("embed/") else SETTLED


def cumulative_layout_shift(entries: list[dict]) -> tuple[float, list[dict]]:
    """CLS as Core Web Vitals define it: shifts without recent input, grouped into session
    windows (a gap under 1 s, at most 5 s long); the largest window's sum, and its entries.

    Example: ``cumulative_layout_shift([{"time": 0, "value": .05, "input": False},
    {"time": 500, "value": .02, "input": False}, {"time": 3000, "value": .04, "input": False}])``
    -> (0.07, [the first two entries])
    """
    windows: list[list[dict]] = []
    for entry in sorted((e for e in entries if not e["input"]), key=lambda e: e["time"]):
        current = windows[-1] if windows else None
        if (
            current
            and entry["time"] - current[-1]["time"] < 1000
            and (entry["time"] - current[0]["time"] < 5000)
        ):
            current.append(entry)
        else:
            windows.append([entry])
    if not windows:
        return 0.0, []
    worst = max(windows, key=lambda window: sum(e["value"] for e in window))
    return sum(e["value"] for e in worst), worst


def describe_shifts(entries: list[dict]) -> str:
    """The shifts of one session window, one line per entry and one per node that moved."""
    lines = []
    for entry in entries:
        lines.append(f"    at {entry['time']:.0f} ms, {entry['value']:.3f}:")
        lines.extend(f"      {source}" for source in entry["sources"])
    return "\n".join(lines)


def pages_to_measure() -> list[str]:
    """Every page the build writes: chapters, home, search, 404 and every widget's embed page,
    as paths under the site's base."""
    chapters = [c.url for c in gather_chapters(REPO / "content", REPO)]
    embeds = [f"embed/{name}.html" for name in sorted(load_registry(REPO / "widgets.toml"))]
    return [*chapters, "index.html", "search.html", "404.html", *embeds]


def open_tab(warm_context, width: int) -> Page:  # noqa: ANN001
    """A tab of the session's warm profile at ``width`` (pages restore Python from the cached
    snapshot there), recording layout shifts from its first paint."""
    page = warm_context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    page.add_init_script(f"({RECORD_SHIFTS})()")
    return page


@pytest.mark.parametrize("path", pages_to_measure())
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_shifts_its_layout(warm_context, site_url: str, width: int, path: str):
    tab = open_tab(warm_context, width)
    try:
        tab.goto(site_url + path)
        tab.wait_for_function(settled_when(path), timeout=PAGE_TIMEOUT_S * 1000)
        tab.wait_for_timeout(SETTLE_MS)
        cls, window = cumulative_layout_shift(tab.evaluate("window.hlwShifts"))
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        tab.close()
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px wide"
    if cls > GOOD_CLS:
        pytest.fail(
            f"{path} shifts at {width} px wide: CLS {cls:.3f} (above {GOOD_CLS}):\n"
            + describe_shifts(window)
        )
