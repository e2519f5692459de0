"""The snapshot's build side: the wheels' files bundle, the key that names a snapshot, and a
build that may not make one (``make=False``) serving none rather than a stale one."""

from __future__ import annotations

import asyncio
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from sitebuild.runtime.snapshot import (
    SITE_PACKAGES,
    WORKER_INPUTS,
    bundle_wheels,
    outside_event_loop,
    snapshot_key,
    vendor_snapshot,
)


def wheel(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_the_bundle_holds_every_file_at_its_indexed_offset(tmp_path):
    a = wheel(tmp_path / "a.whl", {"pkg/b.pyc": b"bee", "pkg/_x.so": b"\0asm-x", "pkg/a.pyc": b"a"})
    b = wheel(tmp_path / "b.whl", {"other/_y.so": b"\0asm-y", "other/__init__.pyc": b""})
    blob, index, libraries = bundle_wheels([a, b])
    assert [row[0] for row in index] == [
        SITE_PACKAGES + name
        for name in ("pkg/_x.so", "pkg/a.pyc", "pkg/b.pyc", "other/__init__.pyc", "other/_y.so")
    ]
    contents = {path: blob[offset : offset + size] for path, offset, size in index}
    assert contents[SITE_PACKAGES + "pkg/b.pyc"] == b"bee"
    assert contents[SITE_PACKAGES + "other/_y.so"] == b"\0asm-y"
    assert sum(size for _, _, size in index) == len(blob)
    assert libraries == [SITE_PACKAGES + "other/_y.so", SITE_PACKAGES + "pkg/_x.so"]


def test_the_key_changes_with_any_input_byte_or_label(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.write_bytes(b"wasm")
    second.write_bytes(b"stdlib")
    key = snapshot_key({"pyodide.asm.wasm": first, "python_stdlib.pyc.zip": second})
    assert len(key) == 16 and int(key, 16) >= 0
    assert key == snapshot_key({"python_stdlib.pyc.zip": second, "pyodide.asm.wasm": first})
    assert key != snapshot_key({"pyodide.asm.wasm": second, "python_stdlib.pyc.zip": first})
    second.write_bytes(b"stdlib!")
    assert key != snapshot_key({"pyodide.asm.wasm": first, "python_stdlib.pyc.zip": second})


WORKER_URL = "assets/h/python/kernel-worker.js"


def fake_site(tmp_path: Path) -> Path:
    """A site with every input a snapshot needs (not a runnable one)."""
    site = tmp_path / "site"
    runtime, worker = site / "pyodide" / "v", site / "assets" / "h" / "python"
    (runtime / "pyc").mkdir(parents=True)
    worker.mkdir(parents=True)
    for name in ("pyodide.asm.wasm", "pyodide.asm.js", "pyodide.mjs", "python_stdlib.pyc.zip"):
        (runtime / name).write_bytes(name.encode())
    wheel(runtime / "pyc" / "k.whl", {"k/__init__.pyc": b""})
    for name in WORKER_INPUTS:
        (worker / name).write_text("//")
    return site


def test_a_build_that_may_not_make_a_snapshot_serves_none_for_new_inputs(tmp_path):
    site = fake_site(tmp_path)
    assert vendor_snapshot(site, "pyodide/v/", WORKER_URL, tmp_path / "cache", make=False) is None
    assert not (site / "pyodide" / "snapshot").exists()


def test_without_playwright_the_build_says_so_and_serves_no_snapshot(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import now fails
    site = fake_site(tmp_path)
    assert vendor_snapshot(site, "pyodide/v/", WORKER_URL, tmp_path / "cache") is None
    assert "Playwright or Chromium missing" in capsys.readouterr().out
    assert not (site / "pyodide" / "snapshot").exists()


def test_without_compiled_wheels_there_is_nothing_to_snapshot(tmp_path):
    assert vendor_snapshot(tmp_path, "pyodide/v/", WORKER_URL, tmp_path) is None


def test_the_snapshot_is_made_outside_a_running_event_loop():
    """The browser tests build the site inside pytest-playwright's asyncio loop, where
    Playwright's sync API refuses to start."""

    def loop_here() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    async def inside() -> tuple[bool, bool]:
        return loop_here(), outside_event_loop(loop_here)

    seen: list[tuple[bool, bool]] = []
    # a thread of the test's own: pytest-playwright may already run a loop in this one
    runner = threading.Thread(target=lambda: seen.append(asyncio.run(inside())))
    runner.start()
    runner.join()
    assert seen == [(True, False)]
    with pytest.raises(ZeroDivisionError):
        outside_event_loop(lambda: 1 / 0)
