"""The tokenization chapter's widgets, live in Pyodide, including hostile text.

Every case runs on one tab of the chapter (conftest.shared_tab): a case waits for a result it
cleared first, and reads the stepper's build-time drawing only once it has checked that no live
result replaced it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call

from .conftest import CLEAR_RESULT, shared_tab

PLAYGROUND = "figure[data-widget=tokenizer-playground]"
STEPPER = "figure[data-widget=bpe-stepper]"


@pytest.fixture(scope="module")
def chapter(warm_context, site_url) -> Iterator[Page]:  # noqa: ANN001
    """The chapter with Python ready, open once for every case below."""
    with shared_tab(warm_context, site_url + "tokenization.html") as tab:
        yield tab


def clear_count(widget) -> None:  # noqa: ANN001
    """Blank the shown token count, so a case then waits for its own text's count."""
    widget.locator("[data-bind=count]").evaluate("(count) => { count.textContent = ''; }")


@pytest.mark.parametrize(
    "text",
    [
        "I like strawberry",
        "",
        "ab" * 5000,
        "👩🏽‍💻 e\u0301 שלום עולם",
        "\x00\x07\x1b[31m tabs\t\n",
        "<script>window.__pwned = 1</script>",
        '"><img src=x onerror="window.__pwned=1">',
    ],
)
def test_the_playground_tokenizes_any_text_live(chapter: Page, text):
    tokenization = chapter
    widget = tokenization.locator(PLAYGROUND)
    clear_count(widget)
    widget.locator("[data-text]").fill(text)
    expected = call("tokenizer_compare", {"text": text})
    expect(widget.locator("[data-bind=count]")).to_have_text(str(expected["count"]), timeout=20_000)
    assert widget.locator("[data-tokens] .token").count() == expected["count"]
    ours = expected["model"]
    expect(widget.locator("[data-bind='model.count']")).to_have_text(str(ours["count"]))
    chips = widget.locator("[data-model-tokens] .token-id")
    assert chips.all_inner_texts() == [str(i) for i in ours["ids"]]
    if expected["count"]:
        ids = widget.locator("[data-tokens] .token-id").all_inner_texts()
        assert [int(i) for i in ids] == expected["ids"]
    assert tokenization.evaluate("window.__pwned") is None
    assert tokenization.locator("img[src=x]").count() == 0


def test_too_much_text_gets_a_message_and_keeps_the_last_tokens(chapter: Page):
    widget = chapter.locator(PLAYGROUND)
    last = "Cause the light was on."
    clear_count(widget)
    widget.locator("[data-text]").fill(last)
    tokens = call("tokenizer_compare", {"text": last})["count"]
    expect(widget.locator("[data-bind=count]")).to_have_text(str(tokens), timeout=20_000)
    widget.evaluate(CLEAR_RESULT)
    chapter.evaluate("""() => { const box = document.querySelector('[data-text]');
        box.removeAttribute('maxlength'); }""")
    widget.locator("[data-text]").fill("x" * 100_001)
    expect(widget.locator("[data-feedback]")).to_contain_text(
        "at most 100,000 characters", timeout=20_000
    )
    expect(widget.locator("[data-bind=count]")).to_have_text(str(tokens))


def test_the_stepper_retrains_with_the_slider_and_the_readers_words(chapter: Page):
    widget = chapter.locator(STEPPER)
    expect(widget).not_to_have_attribute("data-live", "true")  # still the build's drawing
    expect(widget.locator(".merge-list li")).to_have_count(3)
    widget.locator("[data-merges]").fill("5")
    expect(widget.locator(".merge-list li")).to_have_count(5, timeout=20_000)
    widget.locator("[data-train]").fill("banana bandana")
    expected = call(
        "bpe_train",
        {
            "text": "banana bandana",
            "num_merges": 5,
            "mode": "char",
            "encode": ["banana", "bandana"],
        },
    )
    expect(widget.locator(".merge-list li").first).to_contain_text(
        f"({expected['merges'][0]['pair'][0]}, {expected['merges'][0]['pair'][1]})", timeout=20_000
    )
    expect(widget.locator("[data-encoded] li")).to_have_count(2)
