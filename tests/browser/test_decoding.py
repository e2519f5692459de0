"""The decoding comparator, live in Pyodide: the reader's row follows the sliders, the same seed
gives the same draws, and a bad seed gets a message."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call
from sitebuild.pages.numbers import fixed

from .conftest import wait_for_python

WIDGET = "figure[data-widget=decoding-comparator]"


def open_chapter(page: Page, site_url: str):
    page.goto(site_url + "from-logits-to-a-token.html")
    wait_for_python(page)
    return page.locator(WIDGET)


def test_the_readers_row_follows_temperature_and_top_k(page: Page, site_url):
    widget = open_chapter(page, site_url)
    widget.locator("[data-setting=temperature]").fill("0.5")
    expect(widget.locator("[data-bind='mine.probs.0']")).to_have_text("0.83", timeout=20_000)
    widget.locator("[data-setting=top_k]").fill("2")
    expect(widget.locator("[data-bind='mine.probs.2']")).to_have_text("–", timeout=20_000)
    expected = call("decoding_comparator", {"temperature": 0.5, "top_k": 2})
    assert (
        widget.locator("[data-bind='mine.probs.0']").inner_text()
        == f"{expected['mine']['probs'][0]:.2f}"
    )


def test_the_same_seed_gives_the_same_draws(page: Page, site_url):
    widget = open_chapter(page, site_url)
    draws = widget.locator("[data-draws]")
    widget.locator("[data-setting=seed]").fill("7")
    expected = " ".join(call("decoding_comparator", {"seed": 7})["draws"]["tokens"])
    expect(draws).to_have_text(expected, timeout=20_000)
    widget.locator("[data-setting=seed]").fill("8")
    expect(draws).not_to_have_text(expected, timeout=20_000)
    widget.locator("[data-setting=seed]").fill("7")
    expect(draws).to_have_text(expected, timeout=20_000)


def test_a_bad_seed_gets_a_message(page: Page, site_url):
    widget = open_chapter(page, site_url)
    widget.locator("[data-setting=seed]").fill("-5")
    expect(widget.locator("[data-feedback]")).to_contain_text("whole number", timeout=5_000)
    widget.locator("[data-setting=seed]").fill("99999999999")
    expect(widget.locator("[data-feedback]")).to_contain_text(
        "seed: must be at most", timeout=20_000
    )


CHOICE = "figure[data-widget=next-token-choice]"


def test_the_real_models_bars_follow_the_readers_text_and_settings(page: Page, site_url):
    page.goto(site_url + "from-logits-to-a-token.html")
    wait_for_python(page)
    widget = page.locator(CHOICE)
    widget.locator("[data-prompt]").fill("ROMEO: I")
    widget.locator("[data-setting=temperature]").fill("0.8")
    widget.locator("[data-setting=top_p]").fill("0.6")
    expected = call(
        "gpt_next_token_choice",
        {"prompt": "ROMEO: I", "temperature": 0.8, "top_k": 0, "top_p": 0.6},
    )
    expect(widget.locator("[data-bind=kept]")).to_have_text(str(expected["kept"]), timeout=20_000)
    assert expected["kept"] < 10  # some shown rows are cut: each gets a dash and an empty bar
    for i, row in enumerate(expected["rows"]):
        drawn = widget.locator(f"[data-drawn='{i}']").inner_text()
        assert drawn == (fixed(row["drawn"], 3) if row["kept"] else "–")
        width = widget.locator(f"[data-bar='drawn.{i}']").evaluate("(bar) => bar.style.width")
        assert float(width.removesuffix("%")) == float(f"{row['drawn'] * 100:.1f}")
    assert widget.locator("[data-bind='drawn.entropy']").inner_text() == fixed(
        expected["drawn"]["entropy"], 2
    )
    widget.locator("[data-prompt]").fill("")
    widget.locator("[data-action=score]").click()
    expect(widget.locator("[data-feedback]")).to_have_text(
        "Type some text first: the model scores what could come after it."
    )
    assert widget.locator("[data-bind=kept]").inner_text() == str(expected["kept"])
