"""The embeddings chapter's widgets, live in Pyodide: the embedding explorer and the
positional-encoding explorer, with odd input answered by a message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call

from .conftest import CLEAR_RESULT, READ_PIXELS, heat_colours, shared_tab, wait_for_python

EXPLORER = "figure[data-widget=embedding-explorer]"
POSITIONS = "figure[data-widget=positional-explorer]"
#: The arguments a widget's shown state was computed from.
ARGS_OF = "(root) => window.hlw.widgets.find((w) => w.root === root).args"


@pytest.fixture
def fresh(page: Page, site_url) -> Page:
    """The chapter in a tab of its own, for a case about its state as loaded."""
    page.goto(site_url + "embeddings-and-position.html")
    return page


@pytest.fixture(scope="module")
def chapter(warm_context, site_url) -> Iterator[Page]:  # noqa: ANN001
    """The chapter in one tab, Python ready, for every case that sets its widget's input itself
    and waits for its own result (conftest.shared_tab)."""
    with shared_tab(warm_context, site_url + "embeddings-and-position.html") as tab:
        yield tab


def shown_neighbours(widget) -> list[str]:
    return widget.locator(".neighbour-token").all_inner_texts()


def as_shown(token: str) -> str:
    return token.replace(" ", "·")


def test_the_explorer_is_readable_before_python(fresh: Page):
    widget = fresh.locator(EXPLORER)
    expected = call("gpt_embedding_explorer", {"text": "king", "pick": 0, "n": 8, "space": True})
    assert shown_neighbours(widget) == [as_shown(n["token"]) for n in expected["neighbours"]]
    expect(widget.locator(".vector-cell")).to_have_count(len(expected["vector"]))
    positions = fresh.locator(POSITIONS)
    built = call("position_explorer", positions.evaluate(ARGS_OF))
    image = positions.locator("img[data-heat-image=learned_heat]")
    assert image.evaluate(READ_PIXELS) == heat_colours(built["learned_heat"])


def test_the_explorer_looks_up_a_word_and_a_picked_token_live(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(EXPLORER)
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-text]").fill("queen")
    widget.locator("[data-action=look-up]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expected = call("gpt_embedding_explorer", {"text": "queen", "pick": 0, "n": 8, "space": True})
    expect(widget.locator(".neighbour-token").first).to_have_text(
        as_shown(expected["neighbours"][0]["token"])
    )
    assert widget.locator("[data-pick]").count() == len(expected["pieces"]) > 1
    widget.locator("[data-pick='1']").click()
    second = call("gpt_embedding_explorer", {"text": "queen", "pick": 1, "n": 8, "space": True})
    expect(widget.locator("[data-bind=id]")).to_have_text(str(second["id"]))
    assert shown_neighbours(widget) == [as_shown(n["token"]) for n in second["neighbours"]]
    expect(widget.locator("[data-pick='1']")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Type a word first"),
        ("y" * 10_000, "at most 200 characters"),
    ],
)
def test_the_explorer_answers_bad_words_with_a_message(chapter: Page, text, message):
    wait_for_python(chapter)
    widget = chapter.locator(EXPLORER)
    before = shown_neighbours(widget)
    widget.evaluate(CLEAR_RESULT)
    chapter.evaluate("() => document.querySelector('[data-text]').removeAttribute('maxlength')")
    widget.locator("[data-text]").fill(text)
    widget.locator("[data-action=look-up]").click()
    expect(widget.locator("[data-feedback]")).to_contain_text(message, timeout=30_000)
    assert shown_neighbours(widget) == before


@pytest.mark.parametrize(
    "text", ["👩🏽‍💻", "שלום", "\x07\x1b[31m", "<img src=x onerror=window.__pwned=1>"]
)
def test_odd_words_are_just_tokens(chapter: Page, text):
    wait_for_python(chapter)
    widget = chapter.locator(EXPLORER)
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-text]").fill(text)
    widget.locator("[data-action=look-up]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expected = call("gpt_embedding_explorer", {"text": text, "pick": 0, "n": 8, "space": True})
    expect(widget.locator("[data-pick]")).to_have_count(len(expected["pieces"]))
    assert chapter.locator("img[src=x]").count() == 0
    assert chapter.evaluate("window.__pwned") is None


def test_order_blindness_for_the_readers_sentences(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(POSITIONS)
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-sentence=first]").fill("the king loves the queen")
    widget.locator("[data-sentence=second]").fill("the queen loves the king")
    widget.locator("[data-action=compare]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    expected = call(
        "order_blindness",
        {"first": "the king loves the queen", "second": "the queen loves the king"},
    )
    rows = widget.locator("[data-order-rows] tr")
    expect(rows).to_have_count(5)
    cells = rows.nth(1).locator("td").all_inner_texts()
    assert cells[:2] == ["1", "4"]
    assert float(cells[3]) == pytest.approx(expected["words"][1]["with"], abs=0.001)
    assert float(cells[2]) < 1e-9
    # the position tables are images, drawn again from the live state: a pixel per value
    live = call("position_explorer", widget.evaluate(ARGS_OF))
    for key in ("sinusoidal_heat", "learned_heat"):
        image = widget.locator(f"img[data-heat-image={key}]")
        assert image.get_attribute("src").startswith("data:image/png")
        assert image.evaluate(READ_PIXELS) == heat_colours(live[key])


def test_different_words_get_a_message(chapter: Page):
    wait_for_python(chapter)
    widget = chapter.locator(POSITIONS)
    rows = widget.locator("[data-order-rows] tr")
    shown = rows.all_inner_texts()
    assert shown  # the rows of the build, or of the sentences an earlier case compared
    widget.evaluate(CLEAR_RESULT)
    first = widget.locator("[data-sentence=first]").input_value()
    assert "cat" not in first.split()
    widget.locator("[data-sentence=second]").fill("cat bites man")
    widget.locator("[data-action=compare]").click()
    expect(widget.locator("[data-feedback]")).to_contain_text("same words", timeout=30_000)
    assert rows.all_inner_texts() == shown  # the refused pair leaves the last rows


@pytest.mark.parametrize("name", ["embedding-explorer", "positional-explorer"])
def test_the_embed_pages_work(page: Page, site_url, name):
    page.goto(f"{site_url}embed/{name}.html")
    expect(page.locator(f"figure[data-widget={name}]")).to_have_attribute("data-mounted", "true")
