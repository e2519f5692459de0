"""Addresses that moved (content/moved.toml): a section or an exercise taken to another chapter,
so that an old link, bookmark or saved answer still finds it.

    [[moved]]
    from = "attention-and-the-block#sharing-keys-and-values-gqa-and-mqa"
    to = "inference-and-hardware#sharing-keys-and-values-gqa-and-mqa"

Both ends are ``chapter-slug#id``. The build checks that every ``to`` is an id on the chapter
it names and that no ``from`` is still an id on its old chapter, and hands the list to the pages
(static/page/moved.js): a reader arriving at an old anchor is sent on, and progress saved under
an old exercise's key ("slug#exercise-id") is carried to its new key.

Example: a ``to`` naming an id no chapter has -> BuildError("content/moved.toml:3: …")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import BuildError
from .links import collect
from .tomlfile import line_of, read_toml


def split_address(address: Any, where: tuple[str, int]) -> tuple[str, str]:
    """("slug", "id") from "slug#id"; anything else is a BuildError at ``where``.

    Example: ``split_address("a#b", ("m.toml", 2))`` -> ('a', 'b')
    """
    slug, _, anchor = str(address).partition("#")
    if not isinstance(address, str) or not slug or not anchor or "/" in slug:
        raise BuildError(*where, f"expected an address 'chapter-slug#id', got {address!r}")
    return slug, anchor


def load_moved(path: Path, root: Path) -> list[dict[str, Any]]:
    """The moved addresses in file order, each with the line its ``from`` is on; none when the
    file is absent.

    Example: ``load_moved(root / "content/moved.toml", root)[0]["to"]`` ->
    'inference-and-hardware#sharing-keys-and-values-gqa-and-mqa'
    """
    if not path.exists():
        return []
    name, text, data = read_toml(path, root)
    entries = data.get("moved", [])
    moved = []
    for entry in entries:
        where = (name, line_of(text, f'"{entry.get("from", "")}"'))
        if set(entry) != {"from", "to"}:
            raise BuildError(*where, "each [[moved]] has exactly 'from' and 'to'")
        split_address(entry["from"], where)
        split_address(entry["to"], where)
        moved.append({"from": entry["from"], "to": entry["to"], "path": name, "line": where[1]})
    return moved


def moved_config(moved: list[dict[str, Any]], urls: dict[str, str], base: str) -> list[dict]:
    """What the pages get: each move with the ``href`` of its new place.

    Example: ``moved_config([{"from": "a#x", "to": "b#x", …}], {"b": "b.html"}, "/")`` ->
    [{"from": "a#x", "to": "b#x", "href": "/b.html#x"}]
    """
    out = []
    for move in moved:
        slug, anchor = split_address(move["to"], (move["path"], move["line"]))
        if slug not in urls:
            raise BuildError(move["path"], move["line"], f"{move['to']}: no chapter {slug!r}")
        out.append({"from": move["from"], "to": move["to"], "href": f"{base}{urls[slug]}#{anchor}"})
    return out


def check_moved(moved: list[dict[str, Any]], pages: dict[str, str], urls: dict[str, str]) -> None:
    """Every ``to`` is an id on its chapter's rendered page, and no ``from`` is still an id on
    its old one (else the move is stale); a BuildError at the entry's line otherwise.

    Example: a ``to`` of "b#x" where b.html has no id "x" -> BuildError("…:3: b#x: no such id")
    """

    def ids_of(slug: str) -> set[str]:
        return collect(pages[urls[slug]]).ids  # (collect parses each page once)

    for move in moved:
        where = (move["path"], move["line"])
        new_slug, new_id = split_address(move["to"], where)
        old_slug, old_id = split_address(move["from"], where)
        if new_id not in ids_of(new_slug):
            raise BuildError(*where, f"{move['to']}: no such id on that chapter")
        if old_slug in urls and old_id in ids_of(old_slug):
            raise BuildError(*where, f"{move['from']}: still on its chapter; nothing moved")
