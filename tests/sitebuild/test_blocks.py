"""The ``:::`` block syntax: parsing, line numbers, and render(source) == html pairs."""

from __future__ import annotations

import markdown
import pytest

from pyodide_kernels._validate import parse_value
from sitebuild.errors import BuildError
from sitebuild.pages.blocks import Block, BlockExtension, parse_blocks


def render(source: str, offset: int = 0) -> str:
    def show(block: Block) -> str:
        return (
            f"<div data-kind='{block.kind}' data-name='{block.name}' data-line='{block.line}'>"
            f"{sorted(block.params.items())}</div>"
        )

    return markdown.markdown(
        source, extensions=[BlockExtension(render=show, path="doc.md", line_offset=offset)]
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("[1, 2.5]", [1, 2.5]),
        ("0.5", 0.5),
        ("true", True),
        ('"quoted"', "quoted"),
        ("plain words", "plain words"),
        ('{"a": 1}', {"a": 1}),
    ],
)
def test_values_are_json_or_plain_text(text, value):
    assert parse_value(text) == value


def test_a_block_between_paragraphs_becomes_its_renderer_output():
    html = render("Before.\n\n::: widget softmax-quiz\nsize: 4\n:::\n\nAfter.")
    assert html == (
        "<p>Before.</p>\n<div data-kind='widget' data-name='softmax-quiz' "
        "data-line='3'>[('size', 4)]</div>\n<p>After.</p>"
    )


def test_line_numbers_count_the_front_matter_offset():
    blocks = parse_blocks(["text", "", "::: exercise first", "question: Why?", ":::"], "a.md", 5)
    assert blocks == [Block("exercise", "first", {"question": "Why?"}, "a.md", 8, 10)]


def test_markdown_inside_other_text_is_untouched():
    assert render("A *word* and `::: code`.") == "<p>A <em>word</em> and <code>::: code</code>.</p>"


@pytest.mark.parametrize(
    ("source", "line", "reason"),
    [
        ("::: widget softmax-quiz\nsize: 3\n", 1, "never closed"),
        ("ok\n::: Widget!\n:::", 2, "malformed block opening"),
        ("::: widget a\nthis is not a pair\n:::", 2, "'key: value'"),
        ("::: widget a\nsize: 1\nsize: 2\n:::", 3, "given twice"),
    ],
)
def test_malformed_blocks_stop_with_path_and_line(source, line, reason):
    with pytest.raises(BuildError) as caught:
        render(source, offset=10)
    assert str(caught.value).startswith(f"doc.md:{line + 10}: ")
    assert reason in str(caught.value)
