"""The chapters in dependency order (issue 19): an old address of a section or widget that moved
chapter, a permalink naming it and an answer saved under its old key all follow it; a term's
first use links to its glossary entry, which links back to the section that teaches it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Page, expect

from sitebuild.pages.glossary import load_glossary

ROOT = Path(__file__).resolve().parents[2]


def test_a_permalink_to_the_softmax_quiz_follows_it_to_chapter_4(page: Page, site_url):
    args = quote(json.dumps({"seed": 7}))
    page.goto(site_url + f"from-logits-to-a-token.html?softmax-quiz-1={args}")
    page.wait_for_url("**/attention-and-the-block.html?softmax-quiz-1=*#softmax-quiz-1")
    quiz = page.locator("#softmax-quiz-1")
    expect(quiz).to_be_visible()
    assert (
        page.evaluate(
            "() => JSON.parse(new URL(location.href).searchParams.get('softmax-quiz-1')).seed"
        )
        == 7
    )


def test_moved_sections_and_saved_answers_follow_them(page: Page, site_url):
    page.goto(site_url)
    page.evaluate(
        """localStorage.setItem("hlw-progress", JSON.stringify({
            "embeddings-and-position#exercise-rope-angle": {"answer": "0.03", "correct": true},
            "alignment#exercise-our-ratio": {"answer": "20", "correct": false}}))"""
    )
    page.goto(site_url + "alignment.html#fewer-bits-per-weight")
    page.wait_for_url("**/inference-and-hardware.html#fewer-bits-per-weight")
    page.goto(site_url + "alignment.html#how-big-for-how-much-compute")
    page.wait_for_url("**/training.html#how-big-for-how-much-compute")
    kept = page.evaluate("Object.keys(JSON.parse(localStorage.getItem('hlw-progress'))).sort()")
    assert kept == ["attention-and-the-block#exercise-rope-angle", "training#exercise-our-ratio"]
    page.goto(site_url + "attention-and-the-block.html#exercise-rope-angle")
    expect(page.locator("#exercise-rope-angle input")).to_have_value("0.03")


def test_a_first_use_links_to_the_glossary_and_the_entry_back_to_its_section(page: Page, site_url):
    terms = {t.id: t for t in load_glossary(ROOT / "content" / "glossary.toml", ROOT)}
    page.goto(site_url + "from-logits-to-a-token.html")
    link = page.locator("article a.term", has_text="temperature").first
    href = link.get_attribute("href")
    assert href.endswith("glossary.html#term-temperature")
    assert page.locator("a.term[href$='#term-temperature']").count() == 1  # the first use only
    link.click()
    page.wait_for_url("**/glossary.html#term-temperature")
    entry = page.locator("#term-temperature")
    expect(entry).to_have_text("temperature")
    back = page.locator("#term-temperature + dd a")
    term = terms["term-temperature"]
    assert back.get_attribute("href").endswith(f"{term.slug}.html#{term.anchor}")
    assert page.locator(".glossary dt").count() == len(terms)
