"""Chapter 5's decoding widgets, live in Pyodide: the comparator's row follows the sliders, the
same seed gives the same draws, and a bad seed gets a message; the real model's bars follow the
reader's text; beam search's step tables follow its width and steps; the chat template tokenizes
the reader's conversation as CPython does and refuses a typed special token; the real model's
five decoding rules are CPython's for the same seed.

Every case runs on one tab of the chapter (conftest.shared_tab): it clears the result it waits
for before it acts, the comparator's cases (three on one widget) first put its controls back to
their build-time values, and a case that reads a widget's build-time drawing first checks that
no live result replaced it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from pyodide_kernels.dispatch import call
from sitebuild.pages.numbers import fixed

from .conftest import CLEAR_RESULT, shared_tab

WIDGET = "figure[data-widget=decoding-comparator]"
#: A widget's sliders and fields back to the values the build wrote, without an event (so
#: nothing runs): the next one a case moves runs the kernel on the build's settings but that one.
AS_BUILT_SETTINGS = """(widget) => {
  for (const input of widget.querySelectorAll('[data-setting]')) input.value = input.defaultValue;
}"""


@pytest.fixture(scope="module")
def chapter(warm_context, site_url) -> Iterator[Page]:  # noqa: ANN001
    """The chapter in one tab, Python ready, for every case that sets its widget's input itself
    and waits for its own result (conftest.shared_tab)."""
    with shared_tab(warm_context, site_url + "from-logits-to-a-token.html") as tab:
        yield tab


def comparator(chapter: Page) -> Locator:
    """The comparator with its build-time settings and no result of an earlier case."""
    widget = chapter.locator(WIDGET)
    widget.evaluate(AS_BUILT_SETTINGS)
    widget.evaluate(CLEAR_RESULT)
    return widget


def expect_as_built(widget: Locator) -> None:
    """On the shared tab: the widget still shows its build-time state (no case's live result,
    which compute() marks data-live, has replaced it)."""
    expect(widget).not_to_have_attribute("data-live", "true")


def test_the_readers_row_follows_temperature_and_top_k(chapter: Page):
    widget = comparator(chapter)
    widget.locator("[data-setting=temperature]").fill("0.5")
    expect(widget.locator("[data-bind='mine.probs.0']")).to_have_text("0.83", timeout=20_000)
    widget.locator("[data-setting=top_k]").fill("2")
    expect(widget.locator("[data-bind='mine.probs.2']")).to_have_text("–", timeout=20_000)
    expected = call("decoding_comparator", {"temperature": 0.5, "top_k": 2})
    assert (
        widget.locator("[data-bind='mine.probs.0']").inner_text()
        == f"{expected['mine']['probs'][0]:.2f}"
    )


def test_the_same_seed_gives_the_same_draws(chapter: Page):
    widget = comparator(chapter)
    draws = widget.locator("[data-draws]")
    widget.locator("[data-setting=seed]").fill("7")
    expected = " ".join(call("decoding_comparator", {"seed": 7})["draws"]["tokens"])
    expect(draws).to_have_text(expected, timeout=20_000)
    widget.locator("[data-setting=seed]").fill("8")
    expect(draws).not_to_have_text(expected, timeout=20_000)
    widget.locator("[data-setting=seed]").fill("7")
    expect(draws).to_have_text(expected, timeout=20_000)


def test_a_bad_seed_gets_a_message(chapter: Page):
    widget = comparator(chapter)
    widget.locator("[data-setting=seed]").fill("-5")
    expect(widget.locator("[data-feedback]")).to_contain_text("whole number", timeout=5_000)
    widget.locator("[data-setting=seed]").fill("99999999999")
    expect(widget.locator("[data-feedback]")).to_contain_text(
        "seed: must be at most", timeout=20_000
    )


CHOICE = "figure[data-widget=next-token-choice]"


def test_the_real_models_bars_follow_the_readers_text_and_settings(chapter: Page):
    widget = chapter.locator(CHOICE)
    widget.evaluate(CLEAR_RESULT)
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


BEAM = "figure[data-widget=beam-search]"
#: Each step's table as the reader reads it: (tokens, log p, total, kept or dropped) per row.
SHOWN_STEPS = """(tables) => tables.map((table) => [...table.querySelectorAll("tbody tr")].map(
  (row) => [...row.children].map((cell) => cell.textContent)))"""


def beam_rows(step: list[dict]) -> list[list[str]]:
    """One step of ``beam_search_steps`` as the widget writes it."""
    return [
        [
            " → ".join(map(str, row["tokens"])),
            fixed(row["log_prob"]),
            fixed(row["total"]),
            "kept" if row["kept"] else "dropped",
        ]
        for row in step
    ]


def test_the_beam_search_tables_follow_the_width_and_the_steps(chapter: Page):
    widget = chapter.locator(BEAM)
    args = json.loads(widget.locator("script.widget-state").text_content())["args"]
    for width, steps in [(3, 4), (1, 2)]:
        widget.locator("[data-setting=width]").fill(str(width))
        widget.locator("[data-setting=steps]").fill(str(steps))
        expected = call("beam_search_steps", {**args, "width": width, "steps": steps})
        tables = widget.locator("[data-beam-steps] table")
        expect(tables).to_have_count(steps, timeout=20_000)
        expect(widget.locator("[data-bind=width]")).to_have_text(str(width), timeout=20_000)
        expect(widget).not_to_have_attribute("aria-busy", "true")
        assert tables.evaluate_all(SHOWN_STEPS) == [beam_rows(s) for s in expected["steps"]]
        for name in ("best", "greedy"):
            assert widget.locator(f"[data-path={name}]").text_content() == " → ".join(
                map(str, expected[name])
            )
            shown = widget.locator(f"[data-bind={name}_log_prob]").text_content()
            assert shown == fixed(expected[f"{name}_log_prob"])
        assert widget.locator("[data-bind=gain]").text_content() == fixed(expected["gain"])
        assert [c.text_content() for c in widget.locator("[data-show]").all()] == [
            str(width),
            str(steps),
        ]
    assert expected["best"] == expected["greedy"]  # width 1 is greedy


CHAT = "figure[data-widget=chat-template]"


def test_the_chat_template_tokenizes_the_readers_conversation(chapter: Page):
    widget = chapter.locator(CHAT)
    expect_as_built(widget)
    built = call("chat_template", {})
    expect(widget.locator("[data-tokens] .special-token")).to_have_count(built["special_count"])
    widget.locator("[data-message=user]").fill("Why do models stop? 🤖")
    expect(widget).to_have_attribute("data-live", "true", timeout=30_000)
    system = widget.locator("[data-message=system]").input_value()
    messages = [
        {"role": "system", "content": system},
        {"role": "user", "content": "Why do models stop? 🤖"},
    ]
    expected = call("chat_template", {"messages": messages})
    expect(widget.locator("[data-bind=count]")).to_have_text(str(expected["count"]))
    ids = widget.locator("[data-tokens] .token-id").all_inner_texts()
    assert ids == [str(i) for i in expected["ids"]]
    assert widget.locator(".special-token .token-text").first.inner_text() == "<|im_start|>"
    widget.locator("[data-message=user]").fill("end it here<|im_end|>")
    expect(widget.locator("[data-feedback]")).to_contain_text("special token", timeout=30_000)
    assert widget.locator("[data-tokens] .token-id").all_inner_texts() == ids


def test_five_rules_on_the_real_model_match_cpython(chapter: Page):
    widget = chapter.locator("figure[data-widget=model-decoding]")
    widget.evaluate(CLEAR_RESULT)
    widget.locator("[data-prompt]").fill("JULIET:")
    widget.locator("[data-setting=seed]").fill("11")
    widget.locator("[data-action=generate]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=60_000)
    expected = call(
        "model_decoding",
        {"prompt": "JULIET:", "max_new_tokens": 24, "temperature": 0.8, "top_k": 40,
         "top_p": 0.9, "beam": 3, "seed": 11},
    )  # fmt: skip
    for i, row in enumerate(expected["rows"]):
        assert widget.locator(f"[data-bind='rows.{i}.text']").text_content() == row["text"]
    widget.locator("[data-prompt]").fill("  ")
    widget.locator("[data-action=generate]").click()
    expect(widget.locator("[data-feedback]")).to_contain_text("Type a few words first")
