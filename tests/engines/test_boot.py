"""Python in each engine: a first visit boots from the compiled files and caches the memory
snapshot; later pages restore the snapshot where the engine lays out memory as Chromium did when
the build made it (Firefox), and elsewhere (WebKit) refuse it once, say why, and remember the
refusal, so no later page reads or fetches the snapshot again."""

from __future__ import annotations

from .conftest import python_ready
from .engine import Engine, wait_for
from .server import ObservedSite

BOOT = "() => ({kind: window.hlw.client.bootKind, fallbacks: window.hlw.client.fallbacks})"
CHECK = "() => window.hlw.client.call('runtime_check', {})"
CACHED = """() => window.hlw.client.snapshotCached !== undefined
  && {cached: window.hlw.client.snapshotCached}"""
#: How a later page boots, as measured: Firefox 153's function table and heap base are
#: Chromium's, WebKitGTK 2.50's table is longer (19,328 entries against 18,174).
LATER_BOOT = {"firefox": "snapshot", "webkit": "compiled"}
LAYOUT_REFUSED = "snapshot: memory layout differs from the snapshot's"
REMEMBERED = "snapshot: refused on an earlier page: this browser lays out memory otherwise"


def boot(engine: Engine, url: str) -> dict:
    """Open ``url``, wait for Python, check it computes; how it booted."""
    engine.goto(url)
    python_ready(engine)
    assert engine.evaluate(CHECK)["eigenvalues"] == [1.0, 3.0]
    return engine.evaluate(BOOT)


def snapshot_requests(site: ObservedSite, start: int) -> list[str]:
    return [path for path, _ in site.fetched_since(start) if "/pyodide/snapshot/" in path]


def test_python_boots_on_a_first_visit_and_on_later_pages(
    tab: Engine, site: str, observed_site: ObservedSite
):
    tab.fresh()
    first = boot(tab, site + "from-logits-to-a-token.html")
    assert first == {"kind": "compiled", "fallbacks": ["snapshot: not in the browser's cache yet"]}
    assert wait_for(tab, CACHED, 120) == {"cached": True}

    start = len(observed_site.log)
    second = boot(tab, site + "tokenization.html")
    if LATER_BOOT[tab.name] == "compiled":
        assert second["kind"] == "compiled"
        assert second["fallbacks"][0].startswith(LAYOUT_REFUSED), second
        assert wait_for(tab, CACHED, 60) == {"cached": False}  # not fetched again
    third = boot(tab, site + "training.html")
    if LATER_BOOT[tab.name] == "snapshot":
        assert second == third == {"kind": "snapshot", "fallbacks": []}
    else:
        assert third["kind"] == "compiled"
        assert third["fallbacks"][0].startswith(REMEMBERED), third
        assert wait_for(tab, CACHED, 60) == {"cached": False}
    assert snapshot_requests(observed_site, start) == []
