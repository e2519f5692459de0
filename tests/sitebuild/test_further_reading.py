"""Every chapter ends with "Further reading": the papers and explainers its claims rest on, as
plain links (a link loads nothing; the page requests no other host)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

CHAPTERS = sorted((REPO / "content").glob("[0-9][0-9]-*.md"))
LINK = re.compile(r"^- \[[^\]]+\]\((https://[^)\s]+)\): \S.*\.$")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_each_chapter_ends_with_its_further_reading(path):
    text = path.read_text(encoding="utf-8")
    assert "\n## Further reading\n" in text, f"{path.name} has no Further reading"
    section = text.split("\n## Further reading\n", 1)[1]
    assert "\n## " not in section, "Further reading is the last section"
    items = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(items) >= 3
    for item in items:
        assert LINK.match(item), f"{path.name}: not '- [title](https://…): why.': {item}"
