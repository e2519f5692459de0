"""Browser fixtures: the real site built once (under a sub-path, runtime vendored), served over
HTTP on 127.0.0.1, and Debian's Chromium driven by pytest-playwright.

Every test here is marked ``browser``; they skip, with the reason, where /usr/bin/chromium is
missing (``make test`` installs it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sitebuild.build import BuildConfig, build
from sitebuild.httpd import serve_site
from sitebuild.pages.heat_image import heat_number
from sitebuild.pages.palette import heat_colour, rgb
from sitebuild.runtime.chromium import LAUNCH_ARGS, chromium_path
from tests.conftest import REPO, one_at_a_time

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
def warm_context(browser, browser_context_args):  # noqa: ANN001, ANN201
    """One browser profile for the session, as a reader's later visits: the first page boots
    Python from the compiled files and caches the memory snapshot, later pages restore it (about
    1 s instead of 4). Tests of a first visit take ``fresh_page`` instead."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture
def page(warm_context):  # noqa: ANN001, ANN201
    """A new tab in the warm profile; what the test stored in localStorage goes with it."""
    tab = warm_context.new_page()
    yield tab
    if tab.url.startswith("http"):
        tab.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    tab.close()


#: For a case on a shared tab: clear what a widget's live result sets (its data-live, its
#: message), so the case then waits for its own result, not one an earlier case left.
#: Example: ``widget.evaluate(CLEAR_RESULT)``
CLEAR_RESULT = """(widget) => {
  widget.removeAttribute('data-live');
  const said = widget.querySelector('[data-feedback]');
  if (said) said.textContent = '';
}"""


@contextmanager
def shared_tab(warm_context, url: str, python: bool = True) -> Iterator:  # noqa: ANN001
    """One tab of the warm profile at ``url`` (with its Python ready, unless ``python`` is
    False), for a module's tests that each give one widget another input: the page loads and
    boots once, not once a case. A case clears the answer it waits for before it acts, so a
    result left by the case before cannot pass for its own.

    Example: ``with shared_tab(warm_context, site_url + "labs.html") as tab: ...``
    """
    tab = warm_context.new_page()
    try:
        tab.goto(url)
        if python:
            wait_for_python(tab)
        yield tab
    finally:
        tab.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        tab.close()


@pytest.fixture
def fresh_page(context):  # noqa: ANN001, ANN201
    """A tab in a new, empty profile (pytest-playwright's own context): a first visit, with
    nothing cached, no snapshot in Cache Storage."""
    return context.new_page()


@pytest.fixture(scope="session")
def built_site(run_dir: Path) -> Path:
    """The real site, built once for the whole run (its workers share it) under the sub-path
    BASE."""
    out = run_dir / "site"
    with one_at_a_time(run_dir, "repo-cache"):
        if not (run_dir / "site.built").is_file():
            build(BuildConfig(root=REPO, out_dir=out, base_url=BASE))
            (run_dir / "site.built").touch()
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
    return f"{site_url}attention-and-the-block.html"


@contextmanager
def blog_post_embedding(site_url: str, widget: str, folder: Path) -> Iterator[str]:
    """A page on another origin (localhost, not 127.0.0.1) that embeds ``widget`` the way the
    embed snippet does, served while the block runs; yields its URL.

    Example: ``with blog_post_embedding(site_url, "attention-by-hand", tmp_path) as post: ...``
    """
    (folder / "post.html").write_text(f"""<!doctype html><title>host</title><p>A blog post.</p>
        <iframe src="{site_url}embed/{widget}.html" data-hlw-embed
          style="width:100%;border:0;height:150px"></iframe>
        <script src="{site_url}embed/host.js"></script>""")
    with serve_site(folder, "/", host="localhost") as host_url:
        yield host_url + "post.html"


def wait_for_python(page, timeout_ms: int = 60_000) -> None:  # noqa: ANN001
    """Wait until the page's kernel worker reports Python ready."""
    page.wait_for_function(
        "() => window.hlw && window.hlw.client.state === 'ready'", timeout=timeout_ms
    )


#: How close the browser's numbers must be to CPython's. The last bits of ``exp``, ``log`` and of
#: a sum's order differ between CPUs (NumPy picks SIMD paths at run time) and between CPython and
#: WebAssembly, so floats are compared with a tolerance: float64 maths to a relative 1e-9; the
#: model runs in float32, so its numbers agree to float32 precision. Integers, strings, shapes
#: and tokens must agree exactly.
FLOAT64 = {"rel": 1e-9, "abs": 1e-12}
FLOAT32 = {"rel": 1e-4, "abs": 1e-5}


def simd_targets_above_baseline() -> list[str]:
    """The CPU features NumPy dispatches to on this machine beyond its compiled-in baseline
    (AVX2's X86_V3, the AVX-512 family …). Example: ['X86_V3'] on an AVX2 machine."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def cpython_results(calls: list[tuple[str, dict]], disabled_features: list[str]) -> list:
    """Each ``(kernel, args)`` computed by CPython in a child process whose NumPy may not use
    ``disabled_features`` (``NPY_DISABLE_CPU_FEATURES``), so it takes other SIMD paths."""
    script = (
        "import json, sys\n"
        "from pyodide_kernels.dispatch import call\n"
        "print(json.dumps([call(k, a) for k, a in json.load(sys.stdin)]))\n"
    )
    already = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").split()
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(already + disabled_features)}
    done = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(calls), capture_output=True, text=True,
        env=env, check=True, timeout=600,
    )  # fmt: skip
    return json.loads(done.stdout)


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


#: The image's pixels as [[r, g, b], ...] rows, read back through a canvas.
READ_PIXELS = """async (image) => {
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
  const g = canvas.getContext("2d");
  g.drawImage(image, 0, 0);
  const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
  const rows = [];
  for (let r = 0; r < canvas.height; r++) {
    const row = [];
    for (let c = 0; c < canvas.width; c++) {
      const at = 4 * (r * canvas.width + c);
      row.push([data[at], data[at + 1], data[at + 2]]);
    }
    rows.push(row);
  }
  return rows;
}"""


def heat_colours(heat: list[list[float]]) -> list[list[list[int]]]:
    """The palette colour of every heat value, as [[r, g, b], ...] rows (what READ_PIXELS
    reads from an image drawn from ``heat``)."""
    return [[list(rgb(heat_colour(heat_number(v)))) for v in row] for row in heat]
