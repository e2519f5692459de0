"""Strict link checks over the rendered pages: every internal link must reach a page the build
writes (or a file it copies), every ``#anchor`` an id on that page, every image a file; a broken
one stops the build at the chapter line that holds it.

External links (``https://…``, ``mailto:``) are left alone: the site never loads them.

Example: a chapter linking ``nowhere.html`` -> BuildError("content/01-a.md:12: broken link …")
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from ..errors import BuildError


class LinkCollector(HTMLParser):
    """Collects ids and the (attribute, url) of every href and src in a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.links.append((tag, value))


@lru_cache(maxsize=256)
def collect(html: str) -> LinkCollector:
    """Parse a page's ids and links, once per page text (the link, moved and glossary checks
    all read them; a str keeps its hash, so the cache costs no rehashing). Read it, never change
    it. Example: ``collect('<a id="x" href="#x">').ids`` -> {'x'}"""
    collector = LinkCollector()
    collector.feed(html)
    return collector


def source_line(source: str, offset: int, target: str) -> int:
    """The file line where ``target`` is first written in a chapter body (else its first line)."""
    for number, line in enumerate(source.split("\n"), start=offset + 1):
        if target in line:
            return number
    return offset + 1


def resolve(url: str, page: str, base: str) -> tuple[str, str] | None:
    """(site-relative path, anchor) for an internal URL, or None for an external one.

    Example: ``resolve("/b.html#x", "a.html", "/")`` -> ('b.html', 'x');
    ``resolve("#top", "a.html", "/")`` -> ('a.html', 'top')
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "data:", "javascript:")):
        return None
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    if path.startswith(base):
        path = path[len(base) :]
    elif path.startswith("/"):
        return (path, parts.fragment)  # outside the site's base: reported as broken
    else:
        path = str(PurePosixPath(page).parent / path)
    if path in ("", ".") or path.endswith("/"):
        path = f"{path.rstrip('/') + '/' if path not in ('', '.') else ''}index.html"
    return str(PurePosixPath(path)), parts.fragment


IGNORED_PREFIXES = ("pagefind/", "livereload.js")


def check_links(
    pages: dict[str, str], files: set[str], base: str, sources: dict[str, tuple[str, str, int]]
) -> None:
    """Raise ``BuildError`` at the first broken internal link, anchor or image.

    ``pages`` maps site paths to HTML; ``files`` lists every other site path the build writes;
    ``sources`` maps a chapter's page to (source path, Markdown body, line offset).
    """
    parsed = {path: collect(html) for path, html in pages.items()}
    for path, page in parsed.items():
        for tag, url in page.links:
            target = resolve(url, path, base)
            if target is None or target[0].startswith(IGNORED_PREFIXES):
                continue
            where, anchor = target
            reason = None
            if where in parsed:
                if anchor and anchor not in parsed[where].ids:
                    reason = f"broken anchor {url!r}: {where} has no id {anchor!r}"
            elif where not in files:
                kind = "image" if tag == "img" else "link"
                reason = f"broken {kind} {url!r}: the site has no {where}"
            if reason:
                if path in sources:
                    source, body, offset = sources[path]
                    needle = re.sub(r"^/?", "", url.split("#")[0]) or url
                    raise BuildError(source, source_line(body, offset, needle), reason)
                raise BuildError(f"templates (page {path})", 0, reason)
