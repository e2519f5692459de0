"""The glossary (content/glossary.toml): every term once, with its definition and the section
that teaches it.

    [[term]]
    term = "softmax"
    forms = ["softmax"]
    chapter = "attention-and-the-block#softmax-by-hand"
    definition = "The function that turns scores into probabilities: …"

The build lists the terms on glossary.html, links each term's first use in a chapter's prose to
its entry there, and refuses a chapter that uses a term before the chapter that teaches it,
unless the paragraph of that first use links forward to the teaching chapter.

A *use* is a whole-word, case-insensitive match of one of the term's ``forms`` (a hyphen is part
of a word, so "entropy" is not found in "cross-entropy") in a chapter's prose: paragraphs and
list items, not headings, blocks (``:::``), display maths, code, raw HTML or the further-reading
list; inside a line, not in inline code, inline maths, a tag or a link's address.

Example: chapter 3 writing "the softmax" in a paragraph with no link to
attention-and-the-block.html -> BuildError("content/03-….md:57: 'softmax' is used before …")
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BuildError
from .chapters import Chapter
from .links import collect
from .moved import split_address
from .tomlfile import line_of, read_toml

FIELDS = ("term", "forms", "chapter", "definition")
#: Spans of a prose line that are not prose: inline code, inline maths, tags, link addresses.
NOT_PROSE = re.compile(r"`[^`]*`|\$[^$]+\$|<[^>]*>|\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
#: Sections whose lines are not prose for the glossary (titles of papers, not the chapter's use).
SKIPPED_SECTIONS = ("further reading",)


@dataclass(frozen=True)
class Term:
    """One glossary entry, with the line of content/glossary.toml it starts on."""

    term: str
    forms: tuple[str, ...]
    slug: str
    anchor: str
    definition: str
    line: int

    @property
    def id(self) -> str:
        """The entry's id on glossary.html. Example: Term("KV cache", …).id -> 'term-kv-cache'"""
        return "term-" + re.sub(r"[^a-z0-9]+", "-", self.term.casefold()).strip("-")

    @property
    def pattern(self) -> re.Pattern[str]:
        """Any of the forms as a whole word, longest first, case-insensitive."""
        forms = sorted(self.forms, key=len, reverse=True)
        alternatives = "|".join(re.escape(form) for form in forms)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Use:
    """Where a term is first used in a chapter's body: line index, column span, and the
    addresses of the links in its paragraph; ``linked`` when the use is itself a link's text."""

    index: int
    start: int
    end: int
    linked: bool
    paragraph_links: tuple[str, ...]


def load_glossary(path: Path, root: Path) -> list[Term]:
    """The terms in file order; none when the file is absent. A malformed entry is a BuildError
    at its line.

    Example: ``load_glossary(root / "content/glossary.toml", root)[0].term`` -> 'token'
    """
    if not path.exists():
        return []
    name, text, data = read_toml(path, root)
    entries = data.get("term", [])
    terms: list[Term] = []
    seen: dict[str, str] = {}
    for entry in entries:
        where = (name, line_of(text, f'term = "{entry.get("term", "")}"'))
        if set(entry) != set(FIELDS):
            raise BuildError(*where, f"each [[term]] has exactly {', '.join(FIELDS)}")
        forms = entry["forms"]
        if (
            not isinstance(forms, list)
            or not forms
            or not all(isinstance(f, str) and len(f.strip()) >= 3 for f in forms)
        ):
            raise BuildError(*where, "forms: a list of spellings, each at least 3 letters")
        for form in forms:
            other = seen.setdefault(form.casefold(), entry["term"])
            if other != entry["term"]:
                raise BuildError(*where, f"form {form!r} is also a form of {other!r}")
        slug, anchor = split_address(entry["chapter"], where)
        terms.append(
            Term(entry["term"], tuple(forms), slug, anchor, str(entry["definition"]), where[1])
        )
    return terms


def prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """(index, line) of every prose line of a chapter body, as the module docstring says.

    Example: ``list(prose_lines("## A\\nsoftmax\\n::: widget x\\nsoftmax\\n:::"))`` ->
    [(1, 'softmax')]
    """
    in_block = in_maths = in_code = skipped = False
    for index, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
        elif stripped == "$$":
            in_maths = not in_maths
        elif stripped.startswith(":::"):
            in_block = stripped != ":::" and not in_block
        elif stripped.startswith("#"):
            skipped = stripped.lstrip("#").strip().casefold() in SKIPPED_SECTIONS
        elif not (in_block or in_maths or in_code or skipped or stripped.startswith("<")):
            yield index, line


def prose_spans(line: str) -> list[tuple[int, int]]:
    """The spans of a line that are not prose (see ``NOT_PROSE``).

    Example: ``prose_spans("a `b` c")`` -> [(2, 5)]
    """
    return [match.span() for match in NOT_PROSE.finditer(line)]


def paragraph_of(lines: list[str], index: int) -> list[str]:
    """The lines of the paragraph (or list item run) holding line ``index``.

    Example: ``paragraph_of(["a", "b", "", "c"], 1)`` -> ['a', 'b']
    """
    start, stop = index, index + 1
    while start > 0 and lines[start - 1].strip():
        start -= 1
    while stop < len(lines) and lines[stop].strip():
        stop += 1
    return lines[start:stop]


def first_use(
    lines: list[str], prose: list[tuple[int, str]], term: Term, taken: dict[int, list]
) -> Use | None:
    """The term's first use in a body's ``lines``, read in its ``prose`` lines (``prose_lines``),
    skipping spans already ``taken`` (by a longer term's use, index -> spans), or None.

    Example: ``first_use(["We take the softmax."], [(0, "We take the softmax.")], softmax, {})``
    -> Use(index=0, start=12, …)
    """
    pattern = term.pattern
    for index, line in prose:
        skip = prose_spans(line) + taken.get(index, [])
        for match in pattern.finditer(line):
            start, end = match.span()
            if any(start < b and a < end for a, b in skip):
                continue
            links = LINK.finditer(line)
            linked = any(m.start(1) <= start and end <= m.end(1) for m in links)
            paragraph = "\n".join(paragraph_of(lines, index))
            hrefs = tuple(m.group(2) for m in LINK.finditer(paragraph))
            return Use(index, start, end, linked, hrefs)
    return None


def first_uses(body: str, terms: list[Term]) -> dict[str, Use]:
    """Each term's first use in ``body``, by term; longer forms claim their words first, so
    "KV cache" is not also counted as a use of "cache".

    Example: ``first_uses("The KV cache.", [kv_cache, cache])`` -> {'KV cache': Use(…)}
    """
    lines, prose = body.split("\n"), list(prose_lines(body))  # once, for every term
    taken: dict[int, list[tuple[int, int]]] = {}
    uses = {}
    for term in sorted(terms, key=lambda t: -max(len(f) for f in t.forms)):
        use = first_use(lines, prose, term, taken)
        if use is not None:
            uses[term.term] = use
            taken.setdefault(use.index, []).append((use.start, use.end))
    return uses


def links_to(href: str, url: str) -> bool:
    """Whether a chapter's link address points at the page ``url``.

    Example: ``links_to("../two.html#softmax", "two.html")`` -> True
    """
    return href.split("#")[0].rsplit("/", 1)[-1] == url


def check_order(
    chapter: Chapter,
    display: str,
    uses: dict[str, Use],
    terms: list[Term],
    order: dict[str, tuple[int, str, str]],
) -> None:
    """A BuildError at ``display``'s line of the first use of a term that ``chapter`` makes
    before the chapter that teaches it, unless that use's paragraph links to the teaching
    chapter. ``order`` maps each slug to (number, url, title), as ``chapter_order`` gives it."""
    for term in terms:
        use = uses.get(term.term)
        number, url, title = order[term.slug]
        if use is None or number <= chapter.order:
            continue
        if any(links_to(href, url) for href in use.paragraph_links):
            continue
        raise BuildError(
            display, chapter.body_offset + use.index + 1,
            f"{term.term!r} is used before chapter {number} ({title}) teaches it: link that "
            f"paragraph to {url}#{term.anchor}, or say it later",
        )  # fmt: skip


def link_first_uses(body: str, uses: dict[str, Use], terms: list[Term], base: str) -> str:
    """The body with each term's first use (not already a link's text) wrapped in a link to its
    glossary entry; the lines stay where they were, so error lines do not move.

    Example: "the softmax." ->
    'the <a class="term" href="/glossary.html#term-softmax">softmax</a>.'
    """
    by_name = {t.term: t for t in terms}
    lines = body.split("\n")
    edits = sorted(
        ((use.index, use.start, use.end, by_name[name]) for name, use in uses.items()
         if not use.linked),
        key=lambda edit: (edit[0], -edit[1]),
    )  # fmt: skip
    for index, start, end, term in edits:
        line = lines[index]
        word = line[start:end]
        link = f'<a class="term" href="{base}glossary.html#{term.id}">{word}</a>'
        lines[index] = line[:start] + link + line[end:]
    return "\n".join(lines)


def chapter_order(chapters: list[Chapter]) -> dict[str, tuple[int, str, str]]:
    """slug -> (number, url, title).

    Example: {'tokenization': (2, 'tokenization.html', 'Tokenization'), …}
    """
    return {c.slug: (c.order, c.url, c.title) for c in chapters}


def check_chapters(terms: list[Term], order: dict[str, tuple[int, str, str]], path: str) -> None:
    """Every term names a chapter that exists; a BuildError at the term otherwise."""
    for term in terms:
        if term.slug not in order:
            raise BuildError(
                path, term.line, f"{term.slug}#{term.anchor}: no chapter {term.slug!r}"
            )


def check_targets(terms: list[Term], pages: dict[str, str], urls: dict[str, str], path: str):
    """Every term's section is an id on its chapter's rendered page; a BuildError otherwise."""
    for term in terms:
        if term.anchor not in collect(pages[urls[term.slug]]).ids:  # (collect parses once)
            raise BuildError(
                path, term.line, f"{term.slug}#{term.anchor}: no such id on that chapter"
            )


def glossary_entries(terms: list[Term], order: dict) -> list[dict[str, Any]]:
    """What glossary.html lists, sorted by term: id, term, definition, and where it is taught.

    Example: ``glossary_entries(terms, order)[0]["taught"]`` -> {'number': 4, 'href': …}
    """
    entries = []
    for term in sorted(terms, key=lambda t: t.term.casefold()):
        number, url, title = order[term.slug]
        entries.append(
            {"id": term.id, "term": term.term, "definition": term.definition,
             "taught": {"number": number, "title": title, "href": f"{url}#{term.anchor}"}}
        )  # fmt: skip
    return entries
