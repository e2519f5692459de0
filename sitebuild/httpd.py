"""A small static server for the built site, used by the tests and the benchmark: the right MIME
types for Pyodide (``.wasm`` as application/wasm, ``.mjs`` as JavaScript, or ``loadPyodide``
hangs), the site mounted under its base URL, quiet logs, and a thread to run it in.

Example:
    with serve_site(Path("site"), "/how-llms-work/") as url:
        ...  # url == "http://127.0.0.1:PORT/how-llms-work/"
"""

from __future__ import annotations

import contextlib
import mimetypes
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: Types Python's table lacks or gets wrong on some systems.
EXTRA_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".npz": "application/octet-stream",
    ".tiktoken": "text/plain",
}


def register_types() -> None:
    """Teach Python's ``mimetypes`` (used by http.server and tornado) the site's types."""
    for suffix, kind in EXTRA_TYPES.items():
        mimetypes.add_type(kind, suffix)


IMMUTABLE = "public, max-age=31536000, immutable"


def cache_control(path: str) -> str:
    """The caching docs/hosting.md asks a host for: content-hashed or versioned files forever,
    everything else revalidated. Example: ``cache_control("/assets/3fa1c09b/css/site.css")``
    -> 'public, max-age=31536000, immutable'
    """
    clean = path.split("?", 1)[0]
    if clean.startswith("/assets/"):
        return IMMUTABLE
    if clean.startswith("/pyodide/snapshot/"):
        return IMMUTABLE  # every name there carries the snapshot's key
    if clean.startswith("/pyodide/") and not clean.endswith(".json"):
        return IMMUTABLE
    return "no-cache"


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``prefix``; anything outside the prefix is a 404."""

    prefix = "/"
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_base__")
        return super().translate_path("/" + clean[len(self.prefix) :])

    def end_headers(self) -> None:
        self.send_header("Cache-Control", cache_control(self.path[len(self.prefix) - 1 :]))
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        return


class QuietServer(ThreadingHTTPServer):
    """A threaded server that does not print a traceback when a browser drops a connection."""

    daemon_threads = True
    #: A page asks for dozens of files at once; the standard backlog of 5 refused some of them
    #: while the serving process was busy (a worker of the snapshot failed to load under load).
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        return


@contextlib.contextmanager
def serve_site(
    site_dir: Path,
    prefix: str = "/",
    host: str = "127.0.0.1",
    port: int = 0,
    handler_class: type[SiteHandler] = SiteHandler,
    **attributes: object,
) -> Iterator[str]:
    """Serve ``site_dir`` at ``http://host:port/prefix`` in a thread; yields the URL. A test
    may serve it through a ``handler_class`` of its own, given ``attributes``."""
    register_types()
    handler = type("BoundSiteHandler", (handler_class,), {"prefix": prefix, **attributes})
    server = QuietServer((host, port), partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
