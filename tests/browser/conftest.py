"""Browser fixtures: the real site built once (under a sub-path, runtime vendored), served over
HTTP on 127.0.0.1, and Debian's Chromium driven by pytest-playwright.

Every test here is marked ``browser``; they skip, with the reason, where /usr/bin/chromium is
missing (``make test`` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitebuild.build import BuildConfig, build
from sitebuild.chromium import LAUNCH_ARGS, chromium_path
from sitebuild.httpd import serve_site

BASE = "/how-llms-work/"
CHROMIUM = chromium_path()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    missing = not Path(CHROMIUM).exists()
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"no Chromium at {CHROMIUM}: run `make test`, which installs it"
                    )
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches Debian's Chromium (Playwright cannot download its own here)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once for the session under the sub-path BASE."""
    root = Path(__file__).resolve().parents[2]
    out = tmp_path_factory.mktemp("site")
    build(BuildConfig(root=root, out_dir=out, base_url=BASE))
    return out


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT/how-llms-work/``"""
    with serve_site(built_site, BASE) as url:
        yield url


@pytest.fixture(scope="session")
def other_origin_url(site_url: str) -> str:
    """The same server seen from another origin (localhost instead of 127.0.0.1)."""
    return site_url.replace("127.0.0.1", "localhost")


@pytest.fixture
def chapter_url(site_url: str) -> str:
    """The chapter holding attention by hand."""
    return f"{site_url}attention-and-the-block.html"


@pytest.fixture
def quiz_url(site_url: str) -> str:
    """The chapter holding the softmax quiz."""
    return f"{site_url}from-logits-to-a-token.html"


def wait_for_python(page, timeout_ms: int = 60_000) -> None:  # noqa: ANN001
    """Wait until the page's kernel worker reports Python ready."""
    page.wait_for_function(
        "() => window.hlw && window.hlw.client.state === 'ready'", timeout=timeout_ms
    )


#: float64 kernels agree to rounding; the model runs in float32, where WebAssembly's NumPy sums
#: in another order than CPython's, so its numbers agree to float32 precision (tokens exactly).
FLOAT64 = {"rel": 1e-9, "abs": 1e-12}
FLOAT32 = {"rel": 1e-4, "abs": 1e-5}


def numbers_close(a, b, tolerance=FLOAT64) -> bool:  # noqa: B006 (read-only default)
    """Equal JSON structure and strings; numbers within ``tolerance``."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(numbers_close(a[k], b[k], tolerance) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            numbers_close(x, y, tolerance) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return a == pytest.approx(b, **tolerance)
    return a == b


def boot_from_snapshot_at_once(page) -> None:  # noqa: ANN001
    """Make the pages ask for the memory snapshot even when the browser has not cached it (a
    site's first visit otherwise boots from the compiled files and caches the snapshot)."""

    def handle(route):  # noqa: ANN001, ANN202
        response = route.fetch()
        body = response.text().replace(
            '"pyodideSnapshotCachedOnly":true', '"pyodideSnapshotCachedOnly":false'
        )
        route.fulfill(response=response, body=body)

    page.route("**/*.html", handle)


def boot_report(page) -> dict:  # noqa: ANN001
    """How the page's Python started: kind (snapshot, compiled or plain) and the fallbacks."""
    return page.evaluate(
        "() => ({kind: window.hlw.client.bootKind, fallbacks: window.hlw.client.fallbacks})"
    )
