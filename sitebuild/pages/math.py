"""Maths in chapters: LaTeX between ``$…$`` (inline) or on ``$$`` lines (display), turned into
MathML at build time by latex2mathml, so the reader's browser runs no maths JavaScript.

Rules (pandoc's): an inline formula's ``$`` is not followed by a space, its closing ``$`` is not
preceded by a space nor followed by a digit (so "$5 and $6" stays text); ``\\$`` is a dollar.
Code spans and fenced code are left alone. A formula latex2mathml cannot read stops the build
with ``path:line``.

Example: ``to_mathml("e^{z_i}", "a.md", 3)`` -> '<math …><msup><mi>e</mi>…</math>'
"""

from __future__ import annotations

import re
from typing import Any

from latex2mathml.converter import convert
from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from ..errors import BuildError

INLINE = re.compile(r"(?<![\\$])\$(?=\S)(?P<tex>[^$\n]*?\S)\$(?!\d)")
CODE_SPAN = re.compile(r"(`+).*?\1")
FENCE = re.compile(r"^\s*(```|~~~)")


def to_mathml(tex: str, path: str, line: int, display: bool = False) -> str:
    """LaTeX -> MathML, or a BuildError naming the file and line."""
    try:
        return convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds, some bare
        reason = str(exc) or type(exc).__name__
        raise BuildError(path, line, f"cannot read the formula {tex!r}: {reason}") from None


def convert_inline(text: str, path: str, line: int, stash: Any) -> str:
    """Replace inline formulas in one line, skipping code spans."""
    pieces, position = [], 0
    for code in CODE_SPAN.finditer(text):
        pieces.append(_inline_segment(text[position : code.start()], path, line, stash))
        pieces.append(code.group(0))
        position = code.end()
    pieces.append(_inline_segment(text[position:], path, line, stash))
    return "".join(pieces)


def _inline_segment(text: str, path: str, line: int, stash: Any) -> str:
    return INLINE.sub(lambda m: stash.store(to_mathml(m["tex"], path, line)), text)


class MathPreprocessor(Preprocessor):
    """Finds ``$$`` display blocks and inline ``$…$`` in the raw lines."""

    def __init__(self, md: Markdown, extension: MathExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        path, offset = self.extension.getConfig("path"), self.extension.getConfig("line_offset")
        output: list[str] = []
        in_fence = False
        index = 0
        while index < len(lines):
            line = lines[index]
            number = index + 1 + offset
            if FENCE.match(line):
                in_fence = not in_fence
            if in_fence or FENCE.match(line):
                output.append(line)
            elif line.strip().startswith("$$"):
                body = line.strip()[2:]
                closed = body.endswith("$$") and len(body) >= 2
                tex = [body[:-2]] if closed else [body]
                while not closed:
                    index += 1
                    if index >= len(lines):
                        raise BuildError(path, number, "display formula '$$' is never closed")
                    part = lines[index].strip()
                    closed = part.endswith("$$")
                    tex.append(part[:-2] if closed else part)
                mathml = to_mathml("\n".join(tex).strip(), path, number, display=True)
                # a wide formula scrolls; keyboard users reach it through tabindex (WCAG 2.1.1)
                html = (
                    f'<div class="math-display" tabindex="0" role="region" '
                    f'aria-label="Formula">{mathml}</div>'
                )
                output.extend(["", self.md.htmlStash.store(html), ""])
            else:
                output.append(convert_inline(line, path, number, self.md.htmlStash))
            index += 1
        return output


class MathExtension(Extension):
    """Registers the maths preprocessor. Config: ``path``, ``line_offset`` (for errors)."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {"path": ["", "source path"], "line_offset": [0, "lines before the body"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # subtle: after the block preprocessor (29) so block parameters keep their raw text
        md.preprocessors.register(MathPreprocessor(md, self), "hlw_math", 28)
