"""The project's Markdown blocks: ``::: KIND [NAME]`` ... ``:::``, one ``key: value`` per line.

    ::: widget softmax-quiz
    logits: [2.0, 1.0, 0.1]
    :::

Values are JSON (``[1, 2]``, ``0.5``, ``true``, ``"text"``); anything that is not JSON is taken as
a plain string (``pyodide_kernels._validate.parse_value``, which the labs' ``--set`` reads too).
A Python-Markdown preprocessor finds the blocks before any other parsing, so it knows their file
line numbers; it hands each to a renderer supplied by the build and stashes the HTML it returns.
A malformed block raises ``BuildError`` with ``path:line``.

Example: ``parse_blocks(["::: note", "text: hi", ":::"], "a.md", 0)`` ->
[Block(kind="note", name="", params={"text": "hi"}, path="a.md", line=1, end=3)]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from pyodide_kernels._validate import parse_value

from ..errors import BuildError

FENCE = ":::"
OPENING = re.compile(r"^:::\s*(?P<kind>[a-z][a-z0-9-]*)(?:\s+(?P<name>[A-Za-z0-9_-]+))?\s*$")
PARAM = re.compile(r"^(?P<key>[a-z_][a-z0-9_]*)\s*:\s?(?P<value>.*)$")


@dataclass(frozen=True)
class Block:
    """One ``:::`` block: its kind, optional name, parameters and where it stands."""

    kind: str
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    line: int = 0
    end: int = 0

    def error(self, reason: str, line: int | None = None) -> BuildError:
        """A ``BuildError`` located at this block (or at one of its lines)."""
        return BuildError(self.path, line or self.line, reason)


def parse_blocks(lines: list[str], path: str, offset: int) -> list[Block]:
    """Every block in ``lines`` (body lines; file line = index + 1 + offset)."""
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped.startswith(FENCE):
            index += 1
            continue
        line = index + 1 + offset
        opening = OPENING.match(stripped)
        if opening is None:
            raise BuildError(
                path,
                line,
                f"malformed block opening {stripped!r}; "
                "expected '::: KIND [NAME]' or a closing ':::'",
            )
        params: dict[str, Any] = {}
        index += 1
        while index < len(lines) and lines[index].strip() != FENCE:
            text = lines[index].strip()
            if text:
                match = PARAM.match(text)
                if match is None:
                    raise BuildError(
                        path, index + 1 + offset, f"block lines are 'key: value', got {text!r}"
                    )
                if match["key"] in params:
                    raise BuildError(
                        path, index + 1 + offset, f"parameter {match['key']!r} is given twice"
                    )
                params[match["key"]] = parse_value(match["value"])
            index += 1
        if index >= len(lines):
            raise BuildError(path, line, f"block '{stripped}' is never closed by ':::'")
        blocks.append(
            Block(opening["kind"], opening["name"] or "", params, path, line, index + 1 + offset)
        )
        index += 1
    return blocks


class BlockPreprocessor(Preprocessor):
    """Replaces each block by the HTML its renderer returns (kept out of Markdown's reach)."""

    def __init__(self, md: Markdown, extension: BlockExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        path, offset = self.extension.getConfig("path"), self.extension.getConfig("line_offset")
        render: Callable[[Block], str] = self.extension.getConfig("render")
        output: list[str] = []
        position = 0
        for block in parse_blocks(lines, path, offset):
            start, stop = block.line - 1 - offset, block.end - offset
            output.extend(lines[position:start])
            output.extend(["", self.md.htmlStash.store(render(block)), ""])
            position = stop
        output.extend(lines[position:])
        return output


class BlockExtension(Extension):
    """Registers the block preprocessor. Config: ``render`` (Block -> HTML), ``path``,
    ``line_offset`` (lines before the body, for error locations)."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "render": [lambda block: "", "callable turning a Block into HTML"],
            "path": ["", "source path, for error messages"],
            "line_offset": [0, "file lines before the Markdown body"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # subtle: after normalize_whitespace (30), which would strip the stash markers we insert
        md.preprocessors.register(BlockPreprocessor(md, self), "hlw_blocks", 29)
