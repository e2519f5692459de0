"""The built site as the cross-engine tests serve it: the site's own server (sitebuild/httpd.py)
with three additions a test needs where a driver cannot route or watch requests:

- every page gets the probe (tests/engines/pages/probe.js) as its first script, right after its
  Content-Security-Policy, which the probe passes like any script of ours;
- the origin's ``/__engines__/`` serves the tests' own pages (the probe, the narrow-screen frame);
- every request is logged with its status, so a test can find what the browser failed to fetch;
- paths a test names in ``refused`` get a 404, as from a host that lost the files;
- a page gives Python ENGINE_RUNTIME_TIMEOUT_S to start instead of the site's 40 s: under
  ``make test`` three browsers and two workers share two cores, and a Firefox boot once took
  past 40 s there (a reader's machine runs one browser).

Leaves out changing any byte of the site but that script tag and that one number.

Example: ``with serve_observed(site, "/how-llms-work/") as served: served.url``
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sitebuild.httpd import SiteHandler, serve_site

HERE = "/__engines__/"
PAGES = Path(__file__).with_name("pages")
FRAME = HERE + "frame.html"
PROBE_TAG = f'<script src="{HERE}probe.js"></script>'
#: Where the probe goes: after the page's own policy, before its first script.
CSP_META = re.compile(rb'<meta http-equiv="Content-Security-Policy"[^>]*>')
#: How long a page of this server lets Python take to start (see the module docstring).
ENGINE_RUNTIME_TIMEOUT_S = 120
RUNTIME_TIMEOUT = re.compile(rb'"runtimeTimeoutMs":\d+')


def with_probe(html: bytes) -> bytes:
    """The page with the probe's script tag after its policy (or first in its head).

    Example: ``with_probe(b'<head><meta http-equiv="Content-Security-Policy" content="x">')``
    -> b'<head><meta http-equiv="Content-Security-Policy" content="x"><script src=...'
    """
    tag = PROBE_TAG.encode()
    html = RUNTIME_TIMEOUT.sub(b'"runtimeTimeoutMs":%d' % (ENGINE_RUNTIME_TIMEOUT_S * 1000), html)
    found = CSP_META.search(html)
    if found:
        return html[: found.end()] + tag + html[found.end() :]
    return html.replace(b"<head>", b"<head>" + tag, 1)


@dataclass
class ObservedSite:
    """The served site: its URL, every request's (path, status), and the path prefixes that
    get a 404 while a test keeps them there."""

    url: str
    log: list[tuple[str, int]] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    def fetched_since(self, start: int) -> list[tuple[str, int]]:
        """The requests after the first ``start`` (``len(site.log)`` taken before a visit)."""
        return self.log[start:]


class ObservedHandler(SiteHandler):
    """SiteHandler, plus the probe, the tests' pages, refusals and the request log."""

    site: ObservedSite

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if any(path.startswith(prefix) for prefix in self.site.refused):
            self.send_error(404)
            return
        if path.startswith(HERE):
            self.send_bytes(PAGES / path[len(HERE) :])
            return
        served = Path(self.translate_path(self.path))
        if served.is_dir():
            served = served / "index.html"
        if served.suffix == ".html" and served.is_file():
            self.send_bytes(served, with_probe)
            return
        super().do_GET()

    def send_bytes(self, file: Path, change=lambda body: body) -> None:  # noqa: ANN001
        """Send one file (changed by ``change``), or a 404."""
        if not file.is_file():
            self.send_error(404)
            return
        body = change(file.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.site.log.append((self.path, int(code) if str(code).isdigit() else 0))


@contextmanager
def serve_observed(site_dir: Path, prefix: str) -> Iterator[ObservedSite]:
    """Serve ``site_dir`` under ``prefix`` on 127.0.0.1 in a thread; yield what it observes."""
    site = ObservedSite(url="")
    with serve_site(site_dir, prefix, handler_class=ObservedHandler, site=site) as url:
        site.url = url
        yield site
