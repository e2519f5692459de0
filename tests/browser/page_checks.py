"""What every page is checked for, once it has settled, as functions of one visit: its layout
shifts (CLS), whether it scrolls sideways, axe-core's WCAG 2.2 A/AA violations, and whether its
widgets, recomputed live, show the digits the build wrote. tests/browser/test_every_page.py runs
them all in a single visit per page and variant.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from sitebuild.pages.chapters import gather_chapters
from sitebuild.pages.registry import load_registry
from tests.conftest import REPO

#: Core Web Vitals' upper bound for a "good" CLS.
GOOD_CLS = 0.1
#: How long to keep watching once the page has settled, in ms: some fifteen frames after the
#: last change a page makes by itself (its Python ready, or its widget mounted).
SETTLE_MS = 250
#: How long a page may take to settle, in ms.
PAGE_TIMEOUT_MS = 60_000

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Only violations are asked for: axe then skips detailing the passing nodes (2-4x faster on
#: the long pages) and finds exactly the same violations.
EVERY_RULE = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

#: Labs show their results only after the reader runs them (tests/browser/test_labs.py checks
#: those numbers against CPython's); their build-time text is the question and the settings.
NOT_RECOMPUTED = ("lab-",)

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


def chapter_pages() -> list[str]:
    """Every chapter's path under the site's base, in reading order."""
    return [c.url for c in gather_chapters(REPO / "content", REPO)]


def embed_pages() -> list[str]:
    """One embed page per widget of the registry."""
    return [f"embed/{name}.html" for name in sorted(load_registry(REPO / "widgets.toml"))]


def one_embed_per_module() -> list[str]:
    """The embed pages of widgets with a module of their own: a family's members (the labs)
    share one module and template, so the first stands for the rest.

    Example: ``[p for p in one_embed_per_module() if p.startswith("embed/lab-")]`` -> one page
    """
    registry = load_registry(REPO / "widgets.toml")
    first: dict[str, str] = {}
    for name in sorted(registry):
        first.setdefault(registry[name].module, f"embed/{name}.html")
    return sorted(first.values())


def every_page(embeds: list[str] | None = None) -> list[str]:
    """Every page the build writes: chapters, home, search, glossary, 404 and every widget's
    embed page (or only ``embeds``, such as ``one_embed_per_module()``).

    Example: ``every_page()[0]`` -> 'the-pipeline.html'
    """
    return [
        *chapter_pages(),
        "index.html",
        "search.html",
        "glossary.html",
        "404.html",
        *(embed_pages() if embeds is None else embeds),
    ]


def settled_when(path: str) -> str:
    """What a page waits for before its settling time starts: a chapter until its Python is
    ready, an embed page until its widget is mounted (tests/browser/test_every_page.py says
    why)."""
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


def sideways_problems(page: Page, path: str, width: int) -> list[str]:
    """A page wider than the screen, by how much."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return [f"{path} scrolls sideways by {overflow} px at {width} px wide"] if overflow > 0 else []


def layout_problems(page: Page, path: str, width: int) -> list[str]:
    """A settled page's CLS above GOOD_CLS (naming what moved, from where to where), and a
    page wider than the screen."""
    problems = sideways_problems(page, path, width)
    cls, window = cumulative_layout_shift(page.evaluate("window.hlwShifts"))
    if cls > GOOD_CLS:
        problems.append(
            f"{path} shifts at {width} px wide: CLS {cls:.3f} (above {GOOD_CLS}):\n"
            + describe_shifts(window)
        )
    return problems


def wcag_problems(page: Page, path: str, within: str | None = None) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it stands (or in the elements the
    selector ``within`` picks), three nodes each."""
    results = Axe().run(page, context=within, options=EVERY_RULE)
    return [
        f"{path}: {v['id']} ({v['help']}) {[node['target'] for node in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def digit_problems(page: Page, path: str) -> list[str]:
    """Each widget (labs aside) recomputed live on its build-time arguments: the widgets whose
    text then differs from what the build wrote, with both texts' beginnings."""
    shown = page.evaluate(RECOMPUTE_ALL, list(NOT_RECOMPUTED))
    return [
        f"{path}: {w['name']} shows other text live:\n  built {w['before'][:300]!r}"
        f"\n  live  {w['after'][:300]!r}"
        for w in shown
        if w["before"] != w["after"]
    ]
