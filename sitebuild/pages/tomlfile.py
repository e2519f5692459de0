"""An author's TOML file under content/ (moved.toml, glossary.toml): read with the errors at
their line, and the line that holds a value, for the checks that follow.

Example: ``read_toml(root / "content/moved.toml", root)`` -> ('content/moved.toml', text, {...})
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..errors import BuildError


def line_of(text: str, value: str) -> int:
    """The first line of ``text`` that holds ``value`` (1 when none does).

    Example: ``line_of('a = 1\\nb = "x"', '"x"')`` -> 2
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if value in line:
            return number
    return 1


def read_toml(path: Path, root: Path) -> tuple[str, str, dict[str, Any]]:
    """(the path as errors name it, the text, the data); a syntax error is a BuildError at its
    line. Example: a file holding ``[[moved]`` -> BuildError("content/moved.toml:1: …")
    """
    name = str(path.relative_to(root))
    text = path.read_text(encoding="utf-8")
    try:
        return name, text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BuildError(name, getattr(error, "lineno", 1), str(error)) from None
