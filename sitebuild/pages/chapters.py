"""Gather the chapters: read every ``content/*.md``, check its front matter, order them.

Example: ``gather_chapters(Path("content"))[0].slug`` -> 'the-pipeline'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError
from .frontmatter import split_front_matter

REQUIRED_FIELDS = ("title", "order", "summary")
ORDER_PREFIX = re.compile(r"^\d+[-_]")


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
    fields, body, offset = split_front_matter(path.read_text(encoding="utf-8"), display)
    for name in REQUIRED_FIELDS:
        if not fields.get(name):
            raise BuildError(display, 1, f"front matter lacks {name!r}")
    try:
        order = int(fields["order"])
    except ValueError:
        raise BuildError(display, 1, f"order must be an integer, got {fields['order']!r}") from None
    words = len(body.split())
    minutes = int(fields.get("minutes") or max(1, round(words / 200)))
    return Chapter(
        path, slug_of(path), fields["title"], order, fields["summary"], minutes, body, offset
    )


def gather_chapters(content_dir: Path, root: Path) -> list[Chapter]:
    """Every chapter, sorted by ``order``; two chapters may not share an order or a slug."""
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
