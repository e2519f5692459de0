"""Reader essentials in Chromium: permalinks restore widget state, progress survives a reload
and resets, the theme follows the system and the toggle, search finds chapter text offline."""

from __future__ import annotations

import json
from urllib.parse import quote

from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call

from .conftest import wait_for_python

HAND = "figure[data-widget=attention-by-hand]"


def test_a_permalink_restores_a_widgets_state(page: Page, chapter_url):
    state = {"seed": 4242, "causal": True}
    page.goto(f"{chapter_url}?attention-by-hand-1={quote(json.dumps(state))}")
    wait_for_python(page)
    hand = page.locator(HAND)
    expect(hand).to_have_attribute("data-live", "true", timeout=20_000)
    expect(hand.locator("[data-action=causal]")).to_be_checked()
    expected = call("attention_by_hand", state)
    q00 = hand.locator("[data-bind='dryrun.q.0.0']").inner_text()
    assert q00 == str(int(expected["dryrun"]["q"][0][0]))
    hand.locator(".widget-embed summary").click()
    snippet = hand.locator("[data-embed-code]").input_value()
    assert "embed/attention-by-hand.html?attention-by-hand-1=" in snippet


def test_changing_a_widget_writes_its_state_into_the_address(page: Page, chapter_url):
    page.goto(chapter_url)
    wait_for_python(page)
    page.locator(f"{HAND} [data-action=causal]").check()
    expect(page.locator(HAND)).to_have_attribute("data-live", "true", timeout=20_000)
    assert "attention-by-hand-1=%7B%22causal%22%3Atrue%7D" in page.url


def test_exercise_progress_survives_a_reload_and_resets(page: Page, site_url, chapter_url):
    page.goto(chapter_url)
    count = page.locator("[data-exercise-input]").count()
    assert count >= 2
    exercise = page.locator("#exercise-shift-invariance")
    exercise.locator("input").fill("0.66")
    exercise.locator("[data-action=check-exercise]").click()
    expect(page.locator("[data-progress]")).to_have_text(
        f"Your progress: 1 of {count} exercises done."
    )
    page.reload()
    expect(exercise.locator("input")).to_have_value("0.66")
    expect(exercise.locator("[data-feedback]")).to_have_text("Correct.")
    page.goto(site_url)
    expect(page.locator("[data-chapter-progress=attention-and-the-block]")).to_have_text(
        f"1 of {count} exercises done"
    )
    page.locator("[data-action=reset-progress]").click()
    expect(page.locator("[data-chapter-progress=attention-and-the-block]")).to_have_text(
        f"0 of {count} exercises done"
    )
    page.goto(chapter_url)
    expect(exercise.locator("input")).to_have_value("")


def test_the_theme_follows_the_system_and_the_toggle(page: Page, chapter_url):
    page.emulate_media(color_scheme="dark")
    page.goto(chapter_url)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.locator("[data-action=toggle-theme]").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"


def test_reduced_motion_turns_transitions_off(page: Page, chapter_url):
    page.emulate_media(reduced_motion="reduce")
    page.goto(chapter_url)
    duration = page.evaluate(
        "getComputedStyle(document.querySelector('button')).transitionDuration"
    )
    assert duration in ("0s", "")


def test_search_finds_a_word_from_a_chapter_offline(page: Page, site_url):
    page.goto(f"{site_url}search.html?q=query%20key%20value")
    results = page.locator(".pagefind-ui__result-link")
    chapter = results.filter(has_text="Attention and the transformer block")
    expect(chapter).to_have_count(1, timeout=10_000)


def test_an_opened_hint_is_remembered(page: Page, chapter_url):
    page.goto(chapter_url)
    hint = page.locator("#exercise-shift-invariance [data-hint]")
    hint.locator("summary").click()
    page.reload()
    expect(hint).to_have_attribute("open", "")


def test_unknown_pages_get_the_404_page_content(page: Page, site_url):
    page.goto(f"{site_url}404.html")
    expect(page.locator("h1")).to_have_text("This page does not exist")


def test_heatmap_colours_match_the_build_and_follow_live_results(page: Page, chapter_url):
    from sitebuild.pages.palette import heat_colour, heat_style

    page.goto(chapter_url)
    values = [0, 0.05, 0.27, 0.5, 0.731, 0.999, 1, 1.5, -1]
    in_browser = page.evaluate(
        """async (values) => {
        const { heatColour } = await import(document.querySelector('script[src$="page.js"]')
            .src.replace('page.js', 'heatmap.js'));
        const palette = JSON.parse(document.getElementById('hlw-config').textContent).palette;
        return values.map((v) => heatColour(palette, v));
    }""",
        values,
    )
    assert in_browser == [heat_colour(v) for v in values]
    cell = page.locator(f"{HAND} [data-heat='dryrun.weights.0.1']")
    assert heat_style(0.274068619061197).split(";")[0].split(":")[1] in cell.get_attribute("style")
    wait_for_python(page)
    page.locator(f"{HAND} [data-action=causal]").check()
    expect(cell).to_have_text("0.00", timeout=20_000)
    expect(cell).to_have_css("background-color", "rgb(68, 1, 84)")


def test_heatmaps_export_as_csv_and_png(page: Page, chapter_url, tmp_path):
    page.goto(chapter_url)
    expect(page.locator(HAND)).to_have_attribute("data-mounted", "true")
    with page.expect_download() as csv_download:
        page.locator(f"{HAND} [data-action=export-csv]").click()
    csv_path = tmp_path / "weights.csv"
    csv_download.value.save_as(csv_path)
    lines = csv_path.read_text().splitlines()
    assert lines[0] == '"","The","cat","sat"'
    first = [float(x) for x in lines[1].split(",")[1:]]
    expected = call("attention_by_hand", {})["dryrun"]["weights"][0]
    assert first == expected
    with page.expect_download() as png_download:
        page.locator(f"{HAND} [data-action=export-png]").click()
    png_path = tmp_path / "weights.png"
    png_download.value.save_as(png_path)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert csv_download.value.suggested_filename == "attention-weights.csv"
