"""``make serve``: build the site, serve it on http://127.0.0.1:8000, rebuild and reload the open
page whenever content/, templates/, static/, pyodide_kernels/ or widgets.toml change.

The rebuild is the same ``build()`` as ``python build.py`` (no second render path). livereload
normally injects an inline script, which our Content-Security-Policy refuses; pages built with
``live_reload=True`` load ``/livereload.js`` from the server instead, so nothing is injected.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web

from .build import BuildConfig, build
from .errors import BuildError
from .httpd import register_types

WATCHED = ("content", "templates", "static", "pyodide_kernels", "widgets.toml", "traces")


class PlainServer(Server):
    """livereload's server without its inline-script injection (our pages load the client)."""

    def application(self, port, host, liveport=None, debug=None, live_css=True):  # noqa: ANN001
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        handlers = [
            (r"/livereload", LiveReloadHandler),
            (r"/livereload.js", LiveReloadJSHandler),
            *self.get_web_handlers(b""),
        ]
        web.Application(handlers=handlers, debug=False).listen(port, address=host)


def rebuild(config: BuildConfig) -> None:
    """Build once, reporting an author's mistake instead of stopping the server."""
    started = time.perf_counter()
    try:
        result = build(config)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return
    print(f"rebuilt {len(result.pages)} pages in {time.perf_counter() - started:.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--out", default="site")
    options = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    config = BuildConfig(
        root=root, out_dir=Path(options.out), live_reload=True, live_reload_port=options.port
    )
    try:
        build(config)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    register_types()
    server = PlainServer()
    # a rebuild serves a cached snapshot but never waits ~5 s to make one: after a kernel edit
    # the pages boot from the compiled files until the next full build
    quick = dataclasses.replace(config, make_snapshot=False)
    for name in WATCHED:
        server.watch(str(root / name), lambda: rebuild(quick), delay=0.2)
    print(f"serving http://{options.host}:{options.port}/ (Ctrl+C stops)")
    server.serve(
        port=options.port, host=options.host, root=str(root / options.out), restart_delay=0
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
