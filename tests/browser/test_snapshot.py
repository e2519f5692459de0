"""The memory snapshot in a real Chromium: a first visit boots from the compiled files and caches
the snapshot, the next page restores it; after a restore NumPy computes, the random generators
are reseeded, and every refusal (missing or truncated file, other layout, other Pyodide) falls back
to the compiled boot with the reason recorded; a failed early compile of Pyodide's WebAssembly
leaves the snapshot boot to Pyodide's own compile. (The kernels' parity after a restore:
test_parity.py.)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from sitebuild.httpd import serve_site

from .conftest import BASE, boot_from_snapshot_at_once, boot_report, wait_for_python


@pytest.fixture
def page(fresh_page: Page) -> Page:
    """Every test here starts from a first visit: nothing cached by another test's boot."""
    return fresh_page


CHECK = "() => window.hlw.client.call('runtime_check', {})"


def start(page: Page, url: str) -> dict:
    """Open ``url``, wait for Python, return how it booted."""
    page.goto(url)
    wait_for_python(page)
    return boot_report(page)


def site_without(site: Path, missing: Path, out: Path) -> Path:
    """A view of ``site`` at ``out`` without the file ``missing`` (relative): links to everything
    else, real folders only along the missing file's path.

    Example: ``site_without(site, Path("a/b.js"), out)`` serves ``site/a/c.js`` but not ``b.js``.
    """
    out.mkdir(parents=True)
    source, view = site, out
    for part in missing.parts:
        for entry in source.iterdir():
            if entry.name != part:
                (view / entry.name).symlink_to(entry)
        source, view = source / part, view / part
        if source.is_dir():
            view.mkdir()
    return out


def runtime_folder(built_site: Path) -> Path:
    """The site's runtime folder (``pyodide/0.27.7-<hash>/``), as its pages are told."""
    config = json.loads((built_site / "site-config.json").read_text())
    return built_site / config["pyodide"].removeprefix(config["base"])


def snapshot_meta(built_site: Path) -> dict:
    (meta,) = (built_site / "pyodide" / "snapshot").glob("*.json")
    return json.loads(meta.read_text())


def test_the_build_serves_a_snapshot_bound_to_the_files_it_was_made_from(built_site: Path):
    meta = snapshot_meta(built_site)
    folder = built_site / "pyodide" / "snapshot"
    assert meta["pyodide"] == "0.27.7"
    assert "Chrome/" in meta["made_in"] and meta["layout"]["table"] > 0
    assert meta["layout"]["heapBase"] > 0
    for label, digest in meta["inputs"].items():
        if label.startswith("python/"):  # the worker's own files, in the hashed assets folder
            (served,) = (built_site / "assets").glob(f"*/{label}")
        else:
            served = runtime_folder(built_site) / label
        assert hashlib.sha256(served.read_bytes()).hexdigest() == digest, label
    assert {"pyodide.asm.wasm", "python_stdlib.pyc.zip", "python/snapshot.js"} <= set(
        meta["inputs"]
    )
    files = (folder / meta["files"]).read_bytes()
    last_path, last_offset, last_size = meta["index"][-1]
    assert last_offset + last_size == len(files) == meta["filesBytes"]
    stored = (folder / meta["snapshot"]).read_bytes()
    assert len(stored) == meta["storedBytes"] == sum(size for _, size in meta["runs"])
    assert meta["bytes"] > meta["storedBytes"] and meta["runs"][-1][0] < meta["bytes"]
    assert meta["libraries"] == sorted(p for p, _, _ in meta["index"] if p.endswith(".so"))
    assert any("_multiarray_umath" in p for p in meta["libraries"])
    header = (folder / meta["snapshot"]).read_bytes()[:4]
    assert int.from_bytes(header, "little") == 1886286592  # Pyodide's snapshot magic number


def test_a_first_visit_caches_the_snapshot_and_the_next_page_restores_it(
    context: BrowserContext, quiz_url, site_url
):
    first = context.new_page()
    booted = start(first, quiz_url)
    assert booted["kind"] == "compiled"
    assert booted["fallbacks"] == ["snapshot: not in the browser's cache yet"]
    first.wait_for_function("() => window.hlw.client.snapshotCached === true", timeout=60_000)
    second = context.new_page()
    assert start(second, site_url + "tokenization.html") == {"kind": "snapshot", "fallbacks": []}
    assert second.evaluate("() => window.hlw.client.call('softmax', {logits: [0, 0]})")[
        "probs"
    ] == [0.5, 0.5]


def test_after_a_restore_numpy_computes_and_random_draws_are_fresh(
    context: BrowserContext, quiz_url
):
    reports = []
    for _ in range(2):
        page = context.new_page()
        boot_from_snapshot_at_once(page)
        booted = start(page, quiz_url)
        assert booted["kind"] == "snapshot", booted["fallbacks"]
        reports.append(page.evaluate(CHECK))
        page.close()
    for report in reports:
        assert report["solve"] == [2.0, 3.0]
        assert report["rfft"] == [1.0, 1.0, 1.0]
        assert report["eigenvalues"] == [1.0, 3.0]
        assert report["platform"] == "emscripten" and report["numpy"] == "2.0.2"
    # both restores start from the same heap: only a reseed makes their draws differ
    assert reports[0]["python_random"] != reports[1]["python_random"]
    assert reports[0]["numpy_random"] != reports[1]["numpy_random"]


def test_a_missing_snapshot_falls_back_to_the_compiled_files(page: Page, quiz_url):
    boot_from_snapshot_at_once(page)
    page.route("**/pyodide/snapshot/*.bin", lambda route: route.fulfill(status=404, body="no"))
    booted = start(page, quiz_url)
    assert booted["kind"] == "compiled"
    assert len(booted["fallbacks"]) == 1 and "HTTP 404" in booted["fallbacks"][0]
    assert page.evaluate(CHECK)["solve"] == [2.0, 3.0]


def altered_meta(page: Page, change) -> None:  # noqa: ANN001
    """Serve the snapshot's metadata with ``change`` applied to it."""

    def handle(route):  # noqa: ANN001, ANN202
        response = route.fetch()
        meta = response.json()
        change(meta)
        route.fulfill(response=response, body=json.dumps(meta))

    page.route("**/pyodide/snapshot/*.json", handle)


def test_a_snapshot_from_another_memory_layout_is_refused(page: Page, quiz_url):
    boot_from_snapshot_at_once(page)
    altered_meta(page, lambda meta: meta["layout"].update(table=meta["layout"]["table"] + 1))
    booted = start(page, quiz_url)
    assert booted["kind"] == "compiled"
    assert "memory layout differs from the snapshot's" in booted["fallbacks"][0]
    assert page.evaluate(CHECK)["eigenvalues"] == [1.0, 3.0]


def test_a_snapshot_for_another_pyodide_is_refused(page: Page, quiz_url):
    boot_from_snapshot_at_once(page)
    altered_meta(page, lambda meta: meta.update(pyodide="0.26.0"))
    booted = start(page, quiz_url)
    assert booted["kind"] == "compiled"
    reason = "snapshot: the snapshot was made for Pyodide 0.26.0, this is 0.27.7"
    assert booted["fallbacks"] == [reason]


def test_a_truncated_snapshot_is_refused_before_pyodide_sees_it(page: Page, quiz_url, built_site):
    # (given a too-small heap, Pyodide's instantiation fails without ever answering)
    boot_from_snapshot_at_once(page)
    page.route(
        lambda url: url.endswith(".bin") and not url.endswith("-files.bin"),
        lambda route: route.fulfill(status=200, body=bytes(64)),
    )
    booted = start(page, quiz_url)
    assert booted["kind"] == "compiled"
    expected = snapshot_meta(built_site)["storedBytes"]
    reason = f"snapshot: the snapshot is 64 bytes, its metadata says {expected}"
    assert booted["fallbacks"] == [reason]


def test_a_truncated_files_bundle_is_refused(page: Page, quiz_url, built_site):
    boot_from_snapshot_at_once(page)
    page.route("**/pyodide/snapshot/*-files.bin", lambda route: route.fulfill(body=bytes(10)))
    booted = start(page, quiz_url)
    assert booted["kind"] == "compiled"
    expected = snapshot_meta(built_site)["filesBytes"]
    reason = f"snapshot: the snapshot's file bundle is 10 bytes, its metadata says {expected}"
    assert booted["fallbacks"] == [reason]


def test_a_snapshot_boot_fetches_pyodides_webassembly_once(page: Page, quiz_url):
    boot_from_snapshot_at_once(page)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith(".wasm") else None)
    assert start(page, quiz_url) == {"kind": "snapshot", "fallbacks": []}
    assert len(asked) == 1 and asked[0].endswith("/pyodide.asm.wasm")


def test_the_module_is_fetched_again_when_the_early_compile_fails(page: Page, quiz_url):
    # the snapshot boot compiles pyodide.asm.wasm while it reads the snapshot (its first request
    # for the file); if that fails, it fetches and compiles the file again when Pyodide asks
    boot_from_snapshot_at_once(page)
    requests = []

    def handle(route):  # noqa: ANN001, ANN202
        requests.append(route.request.url)
        if len(requests) == 1:
            route.fulfill(body=b"\0asm broken", headers={"content-type": "application/wasm"})
        else:
            route.continue_()

    page.route("**/pyodide.asm.wasm", handle)
    assert start(page, quiz_url) == {"kind": "snapshot", "fallbacks": []}
    assert len(requests) == 2
    assert page.evaluate(CHECK)["solve"] == [2.0, 3.0]


def test_a_snapshot_reader_that_cannot_start_sends_the_boot_to_the_compiled_files(
    page: Page, built_site, tmp_path
):
    # page.route does not see a worker's own workers: the reader is missing from a copy of the
    # site served on its own port (the shared site stays whole for the other worker's tests).
    (reader,) = (built_site / "assets").glob("*/python/snapshot-reader.js")
    site = site_without(built_site, reader.relative_to(built_site), tmp_path / "site")
    with serve_site(site, BASE) as url:
        boot_from_snapshot_at_once(page)
        booted = start(page, f"{url}from-logits-to-a-token.html")
    assert booted == {
        "kind": "compiled",
        "fallbacks": ["snapshot: the snapshot's reader did not start"],
    }
