"""The memory snapshot the kernel worker boots from: Python's heap with NumPy and every kernel
module imported, made at build time in headless Chromium by the site's own worker
(``static/python/snapshot.js`` says how it works), served beside the runtime.

Served from ``pyodide/snapshot/``, every name carrying the snapshot's key (a hash of everything
it depends on, so hosts may cache them for a year):
- ``<key>.bin``: the snapshot (Pyodide's header, then the WebAssembly heap), without its
  all-zero pages (``sparse.py``; the metadata's ``runs`` say where the rest goes);
- ``<key>-files.bin``: the NumPy and kernels wheels' files, concatenated;
- ``<key>.json``: the metadata the worker checks before restoring: Pyodide's version, the index
  of the files, the shared libraries in load order, the memory layout they gave when the
  snapshot was made, the browser that made it and the sha256 of every input.

Made only when the build has Playwright and Chromium (the ``dev`` extra); otherwise the site
boots from the byte-compiled files, as it does whenever a browser refuses the snapshot. Results
are cached in ``.cache/snapshot/<key>/``: only a change to the runtime, the kernels or the
worker makes a new one (about 5 s).

Example: ``vendor_snapshot(site, "pyodide/0.27.7-5d41402a/", "assets/3fa1c09b/python/
kernel-worker.js", cache)`` -> 'pyodide/snapshot/1a2b3c4d5e6f7a8b.json'
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..files import sweep, sync_file
from .sparse import pack

SITE_PACKAGES = "/lib/python3.12/site-packages/"
#: What the snapshot depends on besides the compiled wheels: the WebAssembly, its JS and the
#: stdlib it boots with (in ``site/pyodide/``), and the worker code that makes and restores it.
RUNTIME_INPUTS = ("pyodide.asm.wasm", "pyodide.asm.js", "pyodide.mjs", "python_stdlib.pyc.zip")
WORKER_INPUTS = (
    "kernel-worker.js",
    "snapshot.js",
    "snapshot-files.js",
    "snapshot-reader.js",
    "messages.js",
)


def bundle_wheels(wheels: list[Path]) -> tuple[bytes, list[list[Any]], list[str]]:
    """Every file of ``wheels`` laid out for site-packages: the concatenated bytes, an index of
    ``[path, offset, size]`` rows and the shared libraries (``.so``) in load order (sorted).

    Example: ``bundle_wheels([kernels_wheel])[1][0]`` ->
    ['/lib/python3.12/site-packages/pyodide_kernels-0.1.0+g….dist-info/METADATA', 0, 91]
    """
    blob = io.BytesIO()
    index: list[list[Any]] = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                if info.is_dir():
                    continue
                data = archive.read(info)
                index.append([SITE_PACKAGES + info.filename, blob.tell(), len(data)])
                blob.write(data)
    libraries = sorted(path for path, _, _ in index if path.endswith(".so"))
    return blob.getvalue(), index, libraries


#: The layout of the files this module writes; a change makes every cached snapshot stale.
#: (2: the snapshot is stored without its zero pages.)
FORMAT = 2


def snapshot_key(inputs: dict[str, Path]) -> str:
    """A 16-hex-digit hash of ``FORMAT`` and the labels and bytes of ``inputs``: the snapshot's
    identity.

    Example: ``snapshot_key({"pyodide.asm.wasm": wasm, …})`` -> '1a2b3c4d5e6f7a8b'
    """
    digest = hashlib.sha256(f"format {FORMAT}\0".encode())
    for label, path in sorted(inputs.items()):
        digest.update(label.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def snapshot_inputs(site_dir: Path, index_url: str, worker: str) -> dict[str, Path]:
    """What a snapshot depends on, labelled as served: files of the runtime folder by their
    path there (``pyc/numpy-….whl``), the worker's by ``python/<name>``."""
    runtime = site_dir / index_url
    inputs = {name: runtime / name for name in RUNTIME_INPUTS}
    inputs |= {f"pyc/{p.name}": p for p in sorted((runtime / "pyc").glob("*.whl"))}
    worker_dir = (site_dir / worker).parent
    inputs |= {f"python/{name}": worker_dir / name for name in WORKER_INPUTS}
    return inputs


def browser_available() -> bool:
    """Whether this build can drive Chromium: Playwright installed and a Chromium binary."""
    from .chromium import chromium_path

    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(chromium_path()).is_file()


MAKE_JS = """async ([workerUrl, message]) => {
  const worker = new Worker(workerUrl, { type: "module" });
  const made = await new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      if (event.data.type === "snapshot") resolve(event.data);
      else if (event.data.type === "boot-error") reject(new Error(event.data.message));
    };
    worker.onerror = (event) => reject(new Error(event.message || "the worker failed to load"));
    worker.postMessage({ type: "make-snapshot", ...message });
  });
  worker.terminate();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([made.bytes]));
  link.download = "snapshot.bin";
  document.body.append(link);
  link.click();
  return { layout: made.layout, pyodide: made.pyodide, userAgent: made.userAgent };
}"""


def outside_event_loop(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` in a fresh thread. Playwright's sync API refuses a thread that runs an
    asyncio loop, as pytest-playwright's main thread does while the browser tests build the site.

    Example: ``outside_event_loop(max, 1, 2)`` -> 2
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="make-snapshot")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def make_snapshot(
    site_dir: Path,
    urls: dict[str, str],
    index: list[list[Any]],
    libraries: list[str],
    out: Path,
) -> dict[str, Any]:
    """Ask the site's own worker, in headless Chromium over a local server of ``site_dir``, for
    a snapshot; write it to ``out``. ``urls`` holds the site-relative URLs of the runtime folder
    (``pyodide``), the ``worker`` script and the ``files`` bundle.

    Returns what the worker reported: layout, pyodide (version) and userAgent.
    """
    from playwright.sync_api import sync_playwright

    from ..httpd import serve_site
    from .chromium import LAUNCH_ARGS, chromium_path

    message = {"index": index, "libraries": libraries}
    with serve_site(site_dir, "/") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.route(
                "**/__make_snapshot__.html",
                lambda route: route.fulfill(content_type="text/html", body="<!doctype html><p>"),
            )
            page.goto(url + "__make_snapshot__.html")
            message |= {"pyodide": url + urls["pyodide"], "files": url + urls["files"]}
            with page.expect_download(timeout=120_000) as download:
                made = page.evaluate(MAKE_JS, [url + urls["worker"], message])
            download.value.save_as(out)
        finally:
            browser.close()
    return made


def vendor_snapshot(
    site_dir: Path, index_url: str, worker: str, cache_dir: Path, make: bool = True
) -> str | None:
    """Serve a snapshot for this build's runtime from ``site/pyodide/snapshot/``; return the
    site-relative URL of its metadata, or None (no browser to make it, or ``make`` is False and
    none is cached: the pages then boot from the byte-compiled files).

    ``index_url`` is the runtime folder's site-relative URL (``pyodide/0.27.7-…/``) and
    ``worker`` kernel-worker.js's (in the hashed assets folder).
    """
    inputs = snapshot_inputs(site_dir, index_url, worker)
    wheels = [path for label, path in inputs.items() if label.startswith("pyc/")]
    if not wheels or not all(path.is_file() for path in inputs.values()):
        return None
    key = snapshot_key(inputs)
    cached = cache_dir / "snapshot" / key
    target = site_dir / "pyodide" / "snapshot"
    if not (cached / f"{key}.json").is_file():
        if not make:
            return None
        if not browser_available():
            print("note: Playwright or Chromium missing; pages boot without a memory snapshot")
            return None
        urls = {"pyodide": index_url, "worker": worker}
        build_snapshot(site_dir, urls, wheels, inputs, key, cached)
    sweep(cache_dir / "snapshot", keep={key})  # one snapshot kept: they are 40 MB each
    served = {f"{key}.bin", f"{key}-files.bin", f"{key}.json"}
    sweep(target, keep=served)
    for name in sorted(served):
        sync_file(cached / name, target / name)
    return f"pyodide/snapshot/{key}.json"


def build_snapshot(
    site_dir: Path,
    urls: dict[str, str],
    wheels: list[Path],
    inputs: dict[str, Path],
    key: str,
    cached: Path,
) -> None:
    """Make the snapshot, its files bundle and its metadata into ``cached`` (all or nothing)."""
    bundle, index, libraries = bundle_wheels(wheels)
    staging = cached.with_name(key + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    # the worker fetches the bundle from the site while the snapshot is made
    served = site_dir / "pyodide" / "snapshot" / f"{key}-files.bin"
    served.parent.mkdir(parents=True, exist_ok=True)
    served.write_bytes(bundle)
    (staging / f"{key}-files.bin").write_bytes(bundle)
    urls = {**urls, "files": served.relative_to(site_dir).as_posix()}
    out = staging / f"{key}.bin"
    made = outside_event_loop(make_snapshot, site_dir, urls, index, libraries, out)
    heap = out.read_bytes()
    stored, runs = pack(heap)
    out.write_bytes(stored)
    meta = {
        "pyodide": made["pyodide"],
        "snapshot": f"{key}.bin",
        "files": f"{key}-files.bin",
        "bytes": len(heap),
        "storedBytes": len(stored),
        "runs": runs,
        "filesBytes": len(bundle),
        "index": index,
        "libraries": libraries,
        "layout": made["layout"],
        "made_in": made["userAgent"],
        "inputs": {
            label: hashlib.sha256(path.read_bytes()).hexdigest() for label, path in inputs.items()
        },
    }
    (staging / f"{key}.json").write_text(json.dumps(meta, indent=1))
    shutil.rmtree(cached, ignore_errors=True)
    staging.rename(cached)
