"""The code behind every widget (issue 21): each panel's listing is the functions' exact source;
an edit runs in the page's own worker and the figure shows what CPython computes for the same
edited code; mistakes name the reader's line and leave the widget working; an endless loop is
stopped and the widget recovers; Reset brings back the build-time numbers; a link carrying an
edit shows it and waits for a click; the worker reaches no other host; axe passes with the
panels open."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call
from pyodide_kernels.labs.registry import LABS
from pyodide_kernels.model import load
from sitebuild.pages.numbers import fixed

from .conftest import wait_for_python
from .page_checks import chapter_pages, embed_pages, wcag_problems
from .test_failures import shorten_timeouts

QUIZ = "#softmax-quiz-1"
DOUBLED = ('"probs": stable_softmax(x),', '"probs": stable_softmax(2 * x),')


class Text(HTMLParser):
    """The text of some HTML, tags dropped and references resolved."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""

    def handle_data(self, data):  # noqa: ANN001
        self.text += data


def text_of(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return parser.text


def test_every_panel_fetches_its_functions_exact_source(built_site: Path):
    sources = set()
    for path in chapter_pages() + embed_pages():
        html = (built_site / path).read_text(encoding="utf-8")
        sources |= set(re.findall(r'data-code-src="/how-llms-work/(code/[^"]+)"', html))
    assert len(sources) >= 30
    checked = 0
    for source in sorted(sources):
        listing = json.loads((built_site / source).read_text(encoding="utf-8"))
        for f in listing["functions"]:
            module = importlib.import_module(f["module"])
            assert f["source"] == inspect.getsource(getattr(module, f["name"])), source
            assert text_of(f["html"]) == f["source"], source
            assert f["path"] == f["module"].replace(".", "/") + ".py"
            checked += 1
    assert checked > 60


def test_an_open_panel_shows_the_listing_as_fetched(page: Page, chapter_url, built_site):
    page.goto(chapter_url)
    widget = page.locator(QUIZ)
    widget.locator("details.code-panel > summary").click()
    views = widget.locator("pre.code-view")
    expect(views.first).to_be_visible()
    listing = json.loads((built_site / "code" / "softmax_quiz.json").read_text(encoding="utf-8"))
    assert views.all_text_contents() == [f["source"] for f in listing["functions"]]
    assert widget.locator(".code-view .nf").first.inner_text() == "softmax_quiz"


def open_editor(page: Page) -> tuple:
    widget = page.locator(QUIZ)
    widget.locator("details.code-panel > summary").click()
    widget.locator("[data-action=edit-code]").click()
    editor = widget.locator("[data-code-editor]")
    return widget, editor, editor.input_value()


def run(widget, editor, source: str) -> None:  # noqa: ANN001
    editor.fill(source)
    widget.locator("[data-action=run-code]").click()


def edited_call(widget, source: str) -> dict:  # noqa: ANN001
    """What CPython computes for the same edit, on the widget's current arguments."""
    functions = widget.evaluate(
        "(root) => window.hlw.widgets.find((w) => w.root === root).edit.functions"
    )
    args = widget.evaluate("(root) => window.hlw.widgets.find((w) => w.root === root).args")
    return call("run_edited", {"kernel": "softmax_quiz", "functions": functions,
                               "source": source, "args": args})  # fmt: skip


def test_an_edit_changes_the_figure_to_what_cpython_computes_and_reset_restores(
    page: Page, chapter_url
):
    page.goto(chapter_url)
    wait_for_python(page)
    widget, editor, original = open_editor(page)
    assert original.startswith("# pyodide_kernels/maths/softmax.py, line ")
    source = original.replace(*DOUBLED)
    assert source != original
    run(widget, editor, source)
    expect(widget).to_have_attribute("data-edited", "true", timeout=20_000)
    expected = edited_call(widget, source)
    for i, p in enumerate(expected["probs"]):
        expect(widget.locator(f"[data-steps] td[data-bind='probs.{i}']")).to_have_text(fixed(p, 3))
    assert fixed(expected["probs"][0], 3) != "0.659"
    expect(widget.locator("[data-code-diff-rows] tr").first).to_contain_text("probs.0")
    expect(widget.locator("[data-code-edited]")).to_be_visible()
    # Reset: the build-time numbers, with no Python needed
    widget.locator("[data-action=reset-code]").click()
    expect(widget.locator("[data-steps] td[data-bind='probs.0']")).to_have_text("0.659")
    expect(widget).not_to_have_attribute("data-edited", "true")
    # a new problem runs the edited code on its new logits
    run(widget, editor, source)
    expect(widget).to_have_attribute("data-edited", "true", timeout=20_000)
    widget.locator("[data-action=new]").click()
    expect(widget.locator("[data-code-feedback]")).to_contain_text("differ", timeout=20_000)
    widget.locator("[data-action=reset-code]").click()
    expect(widget).not_to_have_attribute("data-edited", "true")
    assert editor.input_value() == original
    saved = page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('hlw-code:'))")
    assert saved == []


#: A colon dropped from softmax()'s first line, and a name it never defined.
SYNTAX = (
    "def softmax(logits: Any) -> dict[str, Any]:",
    "def softmax(logits: Any) -> dict[str, Any]",
)
NAME = ('x = as_vector(logits, "logits")', 'x = as_vector(logits, "logits") + missing')


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (SYNTAX, r"^line \d+: SyntaxError: expected ':'$"),
        (
            NAME,
            r"^line \d+, in softmax_quiz → line \d+, in softmax: "
            r"NameError: name 'missing' is not defined$",
        ),
    ],
)
def test_a_mistake_names_the_readers_line_and_the_widget_keeps_working(
    page: Page, chapter_url, change, message
):
    page.goto(chapter_url)
    wait_for_python(page)
    widget, editor, original = open_editor(page)
    source = original.replace(*change)
    run(widget, editor, source)
    error = widget.locator("[data-code-error]")
    expect(error).to_have_text(re.compile(message), timeout=20_000)
    line = int(re.findall(r"line (\d+)", error.inner_text())[-1])  # the innermost frame
    assert change[1].split("\n")[0] in source.split("\n")[line - 1]
    expect(widget.locator("[data-steps] td[data-bind='probs.0']")).to_have_text("0.659")
    widget.locator("[data-action=reset-code]").click()
    widget.locator("[data-action=new]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=20_000)


def at_softmax_start(source: str, lines: list[str]) -> str:
    """The listing with ``lines`` run first in softmax()."""
    anchor = '    x = as_vector(logits, "logits")'
    return source.replace(anchor, "".join(f"    {line}\n" for line in lines) + anchor, 1)


def test_an_endless_loop_is_stopped_and_the_widget_recovers(page: Page, chapter_url):
    shorten_timeouts(page, chapter_url, keys=("callTimeoutMs",))
    page.goto(chapter_url)
    wait_for_python(page)
    widget, editor, original = open_editor(page)
    run(widget, editor, at_softmax_start(original, ["while True:", "    pass"]))
    expect(widget.locator("[data-code-feedback]")).to_contain_text("stopped", timeout=20_000)
    expect(widget.locator("[data-steps] td[data-bind='probs.0']")).to_have_text("0.659")
    source = original.replace(*DOUBLED)
    run(widget, editor, source)
    expect(widget).to_have_attribute("data-edited", "true", timeout=60_000)
    expected = edited_call(widget, source)
    expect(widget.locator("[data-steps] td[data-bind='probs.0']")).to_have_text(
        fixed(expected["probs"][0], 3)
    )


def test_a_link_carrying_an_edit_shows_it_and_waits_for_a_click(page: Page, chapter_url):
    page.goto(chapter_url)
    original = open_editor(page)[2]
    source = original.replace(*DOUBLED)
    page.goto(f"{chapter_url}?softmax-quiz-1-code={quote(source)}")
    wait_for_python(page)
    widget = page.locator(QUIZ)
    editor = widget.locator("[data-code-editor]")
    expect(editor).to_have_value(source)
    expect(widget.locator("[data-code-feedback]")).to_contain_text("nothing runs until you press")
    page.wait_for_timeout(1500)
    assert widget.get_attribute("data-edited") is None
    expect(widget.locator("[data-steps] td[data-bind='probs.0']")).to_have_text("0.659")
    widget.locator("[data-action=run-code]").click()
    expect(widget).to_have_attribute("data-edited", "true", timeout=20_000)


def test_the_readers_code_reaches_no_other_host(page: Page, chapter_url, other_origin_url):
    page.goto(chapter_url)
    wait_for_python(page)
    widget, editor, original = open_editor(page)
    probe = [
        "import js",
        "request = js.XMLHttpRequest.new()",
        f"request.open('GET', {other_origin_url!r})",
    ]
    run(widget, editor, at_softmax_start(original, probe))
    error = widget.locator("[data-code-error]")
    expect(error).to_contain_text("this worker fetches only from", timeout=20_000)
    gone = [
        "import js",
        "assert getattr(js, 'WebSocket', None) is None",
        "assert getattr(js, 'EventSource', None) is None",
    ]
    run(widget, editor, at_softmax_start(original, gone))
    expect(widget).to_have_attribute("data-edited", "true", timeout=20_000)


def token_classes(built_site: Path, source: str) -> set[str]:
    """The highlighting classes a panel's listing uses (its spans' classes)."""
    listing = json.loads((built_site / source).read_text(encoding="utf-8"))
    return {c for f in listing["functions"] for c in re.findall(r'class="([^"]+)"', f["html"])}


def panels_with_every_colour(built_site: Path, path: str) -> list[str]:
    """The widgets (their ids) of the fewest panels of a page, picked greedily, whose listings
    use every highlighting class that any of its panels uses: together they show every colour
    the page's listings have, so axe's contrast checks on them cover the page's panels (the
    rest of a panel is the same markup on every widget). Example: on chapter 4, 2 of 11."""
    html = (built_site / path).read_text(encoding="utf-8")
    panels = {}
    for chunk in html.split('<figure class="widget" id="')[1:]:
        found = re.search(r'data-code-src="/how-llms-work/(code/[^"]+)"', chunk)
        if found:
            panels[chunk.split('"', 1)[0]] = token_classes(built_site, found.group(1))
    missing, picked = set().union(*panels.values()), []
    while missing:
        best = max(panels, key=lambda widget: len(panels[widget] & missing))
        picked.append(best)
        missing -= panels[best]
    return picked


@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (375, "dark")])
def test_axe_passes_with_the_panels_open(page: Page, chapter_url, built_site, width, scheme):
    path = "attention-and-the-block.html"
    widgets = panels_with_every_colour(built_site, path)
    assert 1 < len(widgets) < 11
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(chapter_url)  # the listings come from this site, not from Python: no wait for it
    for widget in widgets:
        page.locator(f"#{widget} details.code-panel > summary").click()
        page.locator(f"#{widget} [data-action=edit-code]").click()
    # the rest of the page is axe's in test_every_page.py; here, the panels, open and edited
    within = ", ".join(f"#{widget} details.code-panel" for widget in widgets)
    assert wcag_problems(page, path, within) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_labs_own_function_is_listed_and_its_edit_runs(page: Page, site_url):
    page.goto(site_url + "labs.html")
    wait_for_python(page)
    widget = page.locator("figure[data-widget=lab-head-ablation]")
    widget.locator("details.code-panel > summary").click()
    expect(widget.locator("pre.code-view[data-code-function=head_ablation]")).to_be_visible()
    widget.locator("[data-action=edit-code]").click()
    editor = widget.locator("[data-code-editor]")
    half = editor.input_value().replace(
        "result = scaled(model, settings, layer, head, 0.0)",
        "result = scaled(model, settings, layer, head, 0.5)",
    )
    run(widget, editor, half)
    expect(widget).to_have_attribute("data-edited", "true", timeout=60_000)
    opened_on = LABS["head-ablation"].defaults(load())  # the head the weights pick
    scaled_lab = call("lab_run", {"lab": "head-scale", "params": {**opened_on, "scale": 0.5}})
    expect(widget.locator("[data-effect]")).to_contain_text(f"{scaled_lab['effect']['tweak']:.4f}")
