"""Front matter: the ``---`` delimited ``key: value`` header on top of every chapter.

Example:
    split_front_matter("---\\ntitle: Hi\\nsummary: Why\\n---\\nBody", "a.md")
    -> ({"title": "Hi", "summary": "Why"}, "Body", 4)
"""

from __future__ import annotations

from ..errors import BuildError

DELIMITER = "---"


def split_front_matter(text: str, path: str) -> tuple[dict[str, str], str, int]:
    """Split ``text`` into (fields, body, number of lines before the body).

    The line count lets later stages report body line numbers as file line numbers.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != DELIMITER:
        raise BuildError(path, 1, "a chapter must start with '---' front matter (title, summary)")
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == DELIMITER:
            return fields, "\n".join(lines[number:]), number
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon or not key.strip().isidentifier():
            raise BuildError(path, number, f"front matter lines are 'key: value', got {line!r}")
        if key.strip() in fields:
            raise BuildError(path, number, f"front matter key {key.strip()!r} appears twice")
        fields[key.strip()] = value.strip()
    raise BuildError(path, 1, "front matter is not closed by a '---' line")
