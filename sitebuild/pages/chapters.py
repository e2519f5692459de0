"""Gather the chapters: read every ``content/NN-slug.md``, check its front matter, order them
by the number their file name starts with (the one place a chapter's order is written).

Example: ``gather_chapters(Path("content"), Path("."))[0].slug`` -> 'the-pipeline'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError
from .frontmatter import split_front_matter

REQUIRED_FIELDS = ("title", "summary")
ORDER_PREFIX = re.compile(r"^(?P<number>\d+)[-_]")


@dataclass(frozen=True)
class Chapter:
    """A chapter's source: where it is, what its front matter says, its Markdown body."""

    path: Path
    slug: str
    title: str
    order: int
    summary: str
    minutes: int
    body: str
    body_offset: int

    @property
    def url(self) -> str:
        """Path of the page below the site root. Example: 'softmax-and-attention-by-hand.html'"""
        return f"{self.slug}.html"


def slug_of(path: Path) -> str:
    """The page name: the file stem without a leading order number. '01-intro.md' -> 'intro'"""
    return ORDER_PREFIX.sub("", path.stem)


def read_chapter(path: Path, display: str) -> Chapter:
    """Parse one chapter file; ``display`` is the path shown in errors."""
    text = path.read_text(encoding="utf-8")
    fields, body, offset = split_front_matter(text, display)
    for name in REQUIRED_FIELDS:
        if not fields.get(name):
            raise BuildError(display, 1, f"front matter lacks {name!r}")
    order = order_of(path, display, fields.get("order"), text)
    words = len(body.split())
    minutes = int(fields.get("minutes") or max(1, round(words / 200)))
    return Chapter(
        path, slug_of(path), fields["title"], order, fields["summary"], minutes, body, offset
    )


def order_of(path: Path, display: str, written: str | None, text: str) -> int:
    """The chapter's place: the number its file name starts with. Front matter need not say it
    again; where it does (``order: 4``), it must agree.

    Example: ``order_of(Path("04-attention.md"), "…", None, "…")`` -> 4
    """
    prefix = ORDER_PREFIX.match(path.name)
    if prefix is None:
        raise BuildError(display, 1, "a chapter's file name starts with its number: NN-slug.md")
    if written is None:
        return int(prefix["number"])
    lines = enumerate(text.split("\n"), start=1)
    line = next(n for n, t in lines if re.match(r"\s*order\s*:", t))
    try:
        order = int(written)
    except ValueError:
        raise BuildError(display, line, f"order must be an integer, got {written!r}") from None
    if order != int(prefix["number"]):
        raise BuildError(
            display, line, f"order {order} disagrees with the file name's {prefix['number']}"
        )
    return order


def gather_chapters(content_dir: Path, root: Path) -> list[Chapter]:
    """Every chapter, sorted by its number; two chapters may not share a number or a slug."""
    chapters = [
        read_chapter(path, str(path.relative_to(root))) for path in sorted(content_dir.glob("*.md"))
    ]
    seen: dict[object, Chapter] = {}
    for chapter in chapters:
        for key in (("order", chapter.order), ("slug", chapter.slug)):
            if key in seen:
                raise BuildError(
                    chapter.path.relative_to(root),
                    1,
                    f"{key[0]} {key[1]!r} is also used by {seen[key].path.relative_to(root)}",
                )
            seen[key] = chapter
    return sorted(chapters, key=lambda c: c.order)
