"""Layout stability: no chapter and no embed page moves under the reader once it has painted.

Each page is loaded at a phone's width (375 px) and a laptop's (1280 px) and watched until it is
settled and a little after: a chapter until its Python is ready (the widgets' status lines and the
header badge change then), an embed page until its widget is mounted (what an embed adds to a
chapter's markup is its widget's own drawing, which happens then; the status line and its change
at Python's start are the chapters' own, checked there), so 18 pages boot Python, not 84;
its cumulative layout shift (CLS, the largest session window of ``layout-shift`` entries not
caused by input, as Core Web Vitals count it) must stay at or below 0.1, the limit of "good".
A failure names the elements that moved, where from and where to.

A few tabs share the work (each page boots Python in its own worker, so one page loads while
another settles), and every page boots from the memory snapshot, the fastest boot.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import boot_from_snapshot_at_once

#: Core Web Vitals' upper bound for a "good" CLS.
GOOD_CLS = 0.1
WIDTHS = [375, 1280]
#: Pages loading at once, each in its own tab (a boot keeps about one core busy for a second).
TABS = max(2, min(4, os.cpu_count() or 2))
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


def pages_to_measure(site: Path) -> list[str]:
    """Every chapter (from the site's config) and every embed page, as paths under the base."""
    config = json.loads((site / "site-config.json").read_text(encoding="utf-8"))
    chapters = [chapter["url"] for chapter in config["chapters"]]
    embeds = [f"embed/{path.name}" for path in sorted((site / "embed").glob("*.html"))]
    return chapters + embeds


def open_tab(browser_context) -> Page:  # noqa: ANN001
    """A tab that boots from the snapshot and records layout shifts from its first paint."""
    page = browser_context.new_page()
    boot_from_snapshot_at_once(page)
    page.add_init_script(f"({RECORD_SHIFTS})()")
    return page


def measure(tabs: list[Page], site_url: str, paths: list[str]) -> dict[str, tuple[float, list]]:
    """CLS of each path, one page per tab at a time: a tab whose page settled ``SETTLE_MS`` ago
    reports it and takes the next path, while the others go on loading theirs."""
    waiting = list(reversed(paths))
    loading: dict[int, tuple[str, float]] = {}  # tab -> (path, when it started loading)
    settled_at: dict[int, float] = {}
    results = {}
    while waiting or loading:
        for index, tab in enumerate(tabs):
            now = time.monotonic()
            if index not in loading and waiting:
                loading[index] = (waiting.pop(), now)
                tab.goto(site_url + loading[index][0], wait_until="commit")
            elif index not in loading:
                continue
            elif index not in settled_at:
                path, started = loading[index]
                assert now - started < PAGE_TIMEOUT_S, f"{path}: no Python after {PAGE_TIMEOUT_S} s"
                if tab.evaluate(settled_when(path)):
                    settled_at[index] = now
            elif now - settled_at[index] >= SETTLE_MS / 1000:
                del settled_at[index]
                shifts = tab.evaluate("window.hlwShifts")
                results[loading.pop(index)[0]] = cumulative_layout_shift(shifts)
        tabs[0].wait_for_timeout(50)
    return results


def test_session_windows_follow_core_web_vitals():
    shift = lambda time, value, input=False: {"time": time, "value": value, "input": input}  # noqa: E731
    assert cumulative_layout_shift([]) == (0.0, [])
    entries = [shift(0, 0.05), shift(500, 0.02), shift(3000, 0.04), shift(3100, 0.5, input=True)]
    cls, window = cumulative_layout_shift(entries)
    assert cls == pytest.approx(0.07)
    assert window == entries[:2]
    steady = [shift(t, 0.01) for t in range(0, 8000, 500)]  # one gap-free run: 5 s windows
    assert cumulative_layout_shift(steady)[0] == pytest.approx(0.10)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_shifts_its_layout(browser: Browser, built_site: Path, site_url: str, width: int):
    paths = pages_to_measure(built_site)
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        tabs = [open_tab(context) for _ in range(TABS)]
        results = measure(tabs, site_url, paths)
    finally:
        context.close()
    assert len(results) == len(paths) >= 10
    poor = {path: result for path, result in results.items() if result[0] > GOOD_CLS}
    if poor:
        report = "\n".join(
            f"  {path}: CLS {cls:.3f}\n{describe_shifts(window)}"
            for path, (cls, window) in poor.items()
        )
        pytest.fail(f"layout shifts at {width} px wide (CLS above {GOOD_CLS}):\n{report}")
