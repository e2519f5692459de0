"""Fixtures of the cross-engine suite: the site the Chromium suite builds, served with the probe
(tests/engines/server.py), and one browser of each other engine for the whole run: Firefox over
WebDriver BiDi (Puppeteer) and WebKitGTK over WebDriver (Selenium, under Xvfb).

A test that takes ``engine`` runs once in each; both runs of a test go to the same pytest-xdist
worker as the rest of that engine's tests (``--dist loadgroup``), so each worker starts one
browser, not two. A missing engine skips its tests with the reason (``make test`` installs them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import BASE, built_site  # noqa: F401 (the fixture, shared)

from .engine import Engine, wait_for
from .firefox import firefox_missing, launch_firefox
from .server import ENGINE_RUNTIME_TIMEOUT_S, ObservedSite, serve_observed
from .webkit import launch_webkit, webkit_missing

ENGINES = ("firefox", "webkit")


def engine_missing(name: str) -> str | None:
    """Why ``name`` cannot run here, or None."""
    return firefox_missing() if name == "firefox" else webkit_missing()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test that takes ``engine`` once per engine, grouped onto that engine's worker."""
    if "engine" in metafunc.fixturenames:
        params = []
        for name in ENGINES:
            marks = [pytest.mark.xdist_group(name)]
            why = engine_missing(name)
            if why:
                marks.append(pytest.mark.skip(reason=why))
            params.append(pytest.param(name, marks=marks, id=name))
        metafunc.parametrize("engine", params, indirect=True, scope="session")


@pytest.fixture(scope="session")
def observed_site(built_site: Path) -> Iterator[ObservedSite]:  # noqa: F811
    """The built site under BASE, with the probe, its request log and refusals."""
    with serve_observed(built_site, BASE) as served:
        yield served


@pytest.fixture(scope="session")
def site(observed_site: ObservedSite) -> str:
    """``http://127.0.0.1:PORT/how-llms-work/``, served with the probe."""
    return observed_site.url


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The engine's browser, started once for this worker's tests of it."""
    log = tmp_path_factory.mktemp("engine-logs") / f"{request.param}.log"
    launch = launch_firefox if request.param == "firefox" else launch_webkit
    with launch(log) as browser:
        yield browser


@pytest.fixture
def tab(engine: Engine, observed_site: ObservedSite) -> Iterator[Engine]:
    """The engine, its viewport a laptop's, what the driver saw before the test dropped; after
    the test, what the site stored in this origin is cleared."""
    engine.viewport(1280, 800)
    engine.native()
    yield engine
    try:
        engine.goto(observed_site.url + "404.html")
        engine.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    except Exception:  # noqa: BLE001 (a broken tab must not hide the test's own failure)
        pass


#: What a page that failed to start Python can say about it: the client's message, and how long
#: each runtime file took to arrive.
STARTUP = """() => ({
  message: window.hlw.client.message,
  files: performance.getEntriesByType('resource').filter((e) => e.name.includes('/pyodide/'))
    .map((e) => `${e.name.split('/').pop()} ${Math.round(e.duration)} ms`),
})"""


def settled(engine: Engine, timeout_s: float = 30.0) -> None:
    """Wait until the page's scripts have run (widgets mounted)."""
    wait_for(engine, "() => document.documentElement.dataset.hlwReady === 'true'", timeout_s)


def python_ready(engine: Engine, timeout_s: float = ENGINE_RUNTIME_TIMEOUT_S + 10) -> None:
    """Wait until the page's kernel worker reports Python ready (or fail with what the page
    says: it gives up first)."""
    state = wait_for(
        engine,
        """() => window.hlw && ['ready', 'failed'].includes(window.hlw.client.state)
            && window.hlw.client.state""",
        timeout_s,
    )
    assert state == "ready", engine.evaluate(STARTUP)
