"""The glossary (content/glossary.toml): terms read with their lines, first uses found in prose
only, linked to the glossary page, and a use before the teaching chapter refused unless its
paragraph links forward; the real site's glossary holds and every entry's section exists."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from sitebuild.errors import BuildError
from sitebuild.pages.chapters import Chapter, gather_chapters
from sitebuild.pages.glossary import (
    Term,
    chapter_order,
    check_chapters,
    check_order,
    check_targets,
    first_uses,
    glossary_entries,
    link_first_uses,
    load_glossary,
    prose_lines,
)

ROOT = Path(__file__).resolve().parents[2]
SOFTMAX = Term("softmax", ("softmax",), "two", "softmax", "Scores to weights.", 2)
CACHE = Term("cache", ("cache", "caches"), "two", "cache", "Kept results.", 8)
KV_CACHE = Term("KV cache", ("KV cache",), "two", "kv", "Keys and values kept.", 14)
ORDER = {"one": (1, "one.html", "One"), "two": (2, "two.html", "Two")}


def chapter(slug: str, number: int, body: str) -> Chapter:
    return Chapter(
        Path(f"content/0{number}-{slug}.md"), slug, slug.title(), number, "s", 1, body, 3
    )


def write_glossary(tmp_path: Path, text: str) -> list[Term]:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "glossary.toml").write_text(text, encoding="utf-8")
    return load_glossary(tmp_path / "content" / "glossary.toml", tmp_path)


def test_a_term_is_read_with_its_line_and_its_entry_id(tmp_path):
    terms = write_glossary(
        tmp_path,
        '# note\n[[term]]\nterm = "KV cache"\nforms = ["KV cache"]\nchapter = "two#kv"\n'
        'definition = "Keys and values kept."\n',
    )
    assert terms == [Term("KV cache", ("KV cache",), "two", "kv", "Keys and values kept.", 3)]
    assert terms[0].id == "term-kv-cache"
    assert load_glossary(tmp_path / "none.toml", tmp_path) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[[term]]\nterm = "a"\nforms = ["abc"]\nchapter = "two#x"\n', "glossary.toml:2: each"),
        ('[[term]]\nterm = "a"\nforms = ["ab"]\nchapter = "two#x"\ndefinition = "d"\n',
         "glossary.toml:2: forms: a list of spellings, each at least 3 letters"),
        ('[[term]]\nterm = "a"\nforms = ["abc"]\nchapter = "two"\ndefinition = "d"\n',
         "glossary.toml:2: expected an address"),
        ('[[term]]\nterm = "a"\nforms = ["abc"]\nchapter = "two#x"\ndefinition = "d"\n'
         '[[term]]\nterm = "b"\nforms = ["ABC"]\nchapter = "two#x"\ndefinition = "d"\n',
         "glossary.toml:7: form 'ABC' is also a form of 'a'"),
        ("[[term]\n", "glossary.toml:1:"),
    ],
)  # fmt: skip
def test_a_malformed_entry_is_an_error_at_its_line(tmp_path, text, reason):
    with pytest.raises(BuildError, match=reason.replace("[", r"\[")):
        write_glossary(tmp_path, text)


def test_only_prose_counts_as_a_use():
    body = "\n".join([
        "## Softmax here",                      # 0 a heading
        "::: widget softmax-quiz",             # 1 a block
        "question: the softmax",                # 2
        ":::",                                  # 3
        "$$",                                   # 4 display maths
        "softmax(z)",                           # 5
        "$$",                                   # 6
        "<p>softmax</p>",                       # 7 raw HTML
        "Use `softmax` or $softmax$ or [x](softmax.html), then the Softmax.",  # 8
        "## Further reading",                   # 9
        "- the softmax paper",                  # 10
    ])  # fmt: skip
    assert [index for index, _ in prose_lines(body)] == [8]
    use = first_uses(body, [SOFTMAX])["softmax"]
    assert (use.index, body.split("\n")[8][use.start : use.end]) == (8, "Softmax")


def test_whole_words_only_and_the_longer_term_claims_its_words():
    body = "The cross-softmax is not it.\nThe KV cache, and a cache.\n"
    uses = first_uses(body, [SOFTMAX, CACHE, KV_CACHE])
    assert "softmax" not in uses
    assert (uses["KV cache"].index, uses["KV cache"].start) == (1, 4)
    assert (uses["cache"].index, uses["cache"].start) == (1, 20)


def test_a_first_use_links_to_its_entry_and_an_author_link_is_left_alone():
    body = "We take **softmax** twice: softmax.\nThe [KV cache](two.html#kv) and a cache."
    uses = first_uses(body, [SOFTMAX, CACHE, KV_CACHE])
    linked = link_first_uses(body, uses, [SOFTMAX, CACHE, KV_CACHE], "/site/")
    assert linked.split("\n") == [
        'We take **<a class="term" href="/site/glossary.html#term-softmax">softmax</a>** '
        "twice: softmax.",
        'The [KV cache](two.html#kv) and a <a class="term" href="/site/glossary.html#term-cache">'
        "cache</a>.",
    ]
    html = markdown.markdown(linked.split("\n")[0])
    assert (
        '<strong><a class="term" href="/site/glossary.html#term-softmax">softmax</a></strong>'
        in html
    )


def test_a_use_before_the_teaching_chapter_needs_a_forward_link_in_its_paragraph():
    early = chapter("one", 1, "Intro.\n\nThen the softmax\nof the scores.\n")
    with pytest.raises(
        BuildError,
        match=r"content/01-one.md:6: 'softmax' is used before "
        r"chapter 2 \(Two\) teaches it: link that paragraph to two.html#softmax",
    ):
        check_order(early, "content/01-one.md", first_uses(early.body, [SOFTMAX]), [SOFTMAX], ORDER)
    linked = chapter("one", 1, "Then the softmax\nof the scores ([later](two.html#softmax)).\n")
    check_order(linked, "c", first_uses(linked.body, [SOFTMAX]), [SOFTMAX], ORDER)
    elsewhere = chapter("one", 1, "Then the softmax.\n\nSee [later](two.html#softmax).\n")
    with pytest.raises(BuildError):
        check_order(elsewhere, "c", first_uses(elsewhere.body, [SOFTMAX]), [SOFTMAX], ORDER)
    same = chapter("two", 2, "Then the softmax.\n")
    check_order(same, "c", first_uses(same.body, [SOFTMAX]), [SOFTMAX], ORDER)


def test_an_entry_must_name_a_chapter_and_a_section_on_it():
    with pytest.raises(BuildError, match=r"g.toml:2: nine#x: no chapter 'nine'"):
        check_chapters([Term("a", ("abc",), "nine", "x", "d", 2)], ORDER, "g.toml")
    with pytest.raises(BuildError, match=r"g.toml:2: two#softmax: no such id on that chapter"):
        check_targets([SOFTMAX], {"two.html": '<h2 id="other">'}, {"two": "two.html"}, "g.toml")
    check_targets([SOFTMAX], {"two.html": '<h2 id="softmax">'}, {"two": "two.html"}, "g.toml")


def test_the_page_lists_terms_alphabetically_with_where_each_is_taught():
    entries = glossary_entries([SOFTMAX, KV_CACHE, CACHE], ORDER)
    assert [e["term"] for e in entries] == ["cache", "KV cache", "softmax"]
    assert entries[2]["taught"] == {"number": 2, "title": "Two", "href": "two.html#softmax"}


def test_the_sites_glossary_is_sound_and_every_chapter_teaches_in_order():
    terms = load_glossary(ROOT / "content" / "glossary.toml", ROOT)
    assert len(terms) >= 40
    chapters = gather_chapters(ROOT / "content", ROOT)
    order = chapter_order(chapters)
    check_chapters(terms, order, "content/glossary.toml")
    used = set()
    for c in chapters:
        uses = first_uses(c.body, terms)
        check_order(c, str(c.path.relative_to(ROOT)), uses, terms, order)
        used |= set(uses)
    assert used == {t.term for t in terms}, "every term is used in some chapter's prose"
