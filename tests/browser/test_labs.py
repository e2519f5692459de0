"""The labs page in Chromium: a lab runs BASE and TWEAK live in Pyodide with the CPython numbers,
only after a prediction; bad parameters get a message; takeaways survive and export."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call
from pyodide_kernels.labs import LABS
from pyodide_kernels.labs.checkpoints import SHIPPED
from pyodide_kernels.model import load

from .conftest import shared_tab, wait_for_python


@pytest.fixture
def labs(page: Page, site_url) -> Page:
    page.goto(site_url + "labs.html")
    return page


@pytest.fixture(scope="module")
def live_labs(warm_context, site_url):  # noqa: ANN001, ANN201
    """One labs page with Python ready, shared by the tests that each run a different lab (it
    boots Python once instead of thirteen times)."""
    with shared_tab(warm_context, site_url + "labs.html") as tab:
        yield tab


def test_every_lab_is_on_the_page_with_its_build_time_result(labs: Page):
    expect(labs.locator("figure[data-widget^=lab-]")).to_have_count(len(LABS))
    expect(labs.locator("details[data-debrief]")).to_have_count(len(LABS))
    expect(labs.locator("details[data-debrief][open]")).to_have_count(0)  # until a run
    induction = labs.locator("figure[data-widget=lab-induction]")
    expected = call("lab_run", {"lab": "induction"})
    expect(induction.locator("[data-effect]")).to_contain_text(f"{expected['effect']['tweak']:.4f}")


def test_a_lab_asks_for_a_prediction_then_runs_live_like_cpython(labs: Page):
    wait_for_python(labs)
    widget = labs.locator("figure[data-widget=lab-head-scale]")
    widget.locator("[data-param=scale]").fill("0.5")
    widget.locator("[data-action=run-lab]").click()
    expect(widget.locator("[data-feedback]")).to_contain_text("Write down your prediction first")
    widget.locator("[data-guess]").fill("Halving it barely matters")
    widget.locator("[data-action=run-lab]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=60_000)
    expected = call(
        "lab_run",
        {"lab": "head-scale", "prompt": "ROMEO:", "seed": 1, "tokens": 30, "temperature": 0.8,
         "top_k": 40, "params": {**LABS["head-scale"].defaults(load()), "scale": 0.5}},
    )  # fmt: skip
    expect(widget.locator("[data-side=tweak] pre")).to_have_text(expected["tweak"]["text"].strip())
    expect(widget.locator("[data-effect]")).to_contain_text(f"{expected['effect']['tweak']:.4f}")
    expect(widget.locator("[data-feedback]")).to_contain_text("Halving it barely matters")


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [("layer", "9", "layer"), ("head", "-1", "head"), ("scale", "1e9", "scale"),
     ("scale", "lots", "please type a number")],
)  # fmt: skip
def test_bad_parameters_get_a_message(labs: Page, param, value, message):
    wait_for_python(labs)
    widget = labs.locator("figure[data-widget=lab-head-scale]")
    widget.locator("[data-guess]").fill("a guess")
    widget.locator(f"[data-param={param}]").fill(value)
    widget.locator("[data-action=run-lab]").click()
    expect(widget.locator("[data-feedback]")).to_contain_text(message, timeout=60_000)


def test_takeaways_are_kept_and_exported_as_markdown(labs: Page):
    for lab, text in (("induction", "It copies."), ("logit-lens", "Early layers guess.")):
        widget = labs.locator(f"figure[data-widget=lab-{lab}]")
        expect(widget).to_have_attribute("data-mounted", "true")  # its script keeps what is typed
        widget.locator("[data-takeaway]").fill(text)
    labs.reload()
    widget = labs.locator("figure[data-widget=lab-induction]")
    expect(widget.locator("[data-takeaway]")).to_have_value("It copies.")
    widget.locator("[data-action=export-takeaways]").click()
    exported = widget.locator("[data-takeaways-out]").input_value()
    assert exported.startswith("# My takeaways from the labs")
    assert "- [x] **Induction heads**: It copies." in exported
    assert "- [x] **The logit lens**: Early layers guess." in exported


@pytest.mark.parametrize("lab", sorted(LABS))
def test_each_lab_runs_live_with_the_cpython_numbers(live_labs: Page, lab):
    widget = live_labs.locator(f"figure[data-widget=lab-{lab}]")
    widget.locator("[data-guess]").fill("my guess")
    widget.locator("[data-arg=seed]").fill("4")
    widget.locator("[data-action=run-lab]").click()
    expect(widget).to_have_attribute("data-live", "true", timeout=60_000)
    expected = call("lab_run", {"lab": lab, "seed": 4})
    effect = expected["effect"]
    shown = f"BASE {effect['base']:.4f}, TWEAK {effect['tweak']:.4f}"
    expect(widget.locator("[data-effect]")).to_contain_text(f"{effect['name']}: {shown}")
    expect(widget.locator("[data-side=tweak]")).to_be_visible()


def test_a_debrief_opens_after_the_run_beside_the_prediction_on_a_checkpoint(live_labs: Page):
    widget = live_labs.locator("figure[data-widget=lab-induction-circuit]")
    debrief = widget.locator("details[data-debrief]")
    step = SHIPPED[0]
    widget.locator("[data-guess]").fill("the induction head breaks it")
    widget.locator("[data-arg=seed]").fill("2")
    widget.locator("[data-arg=checkpoint]").select_option(str(step))
    widget.locator("[data-action=run-lab]").click()
    expected = call(
        "lab_run",
        {"lab": "induction-circuit", "checkpoint": step, "seed": 2,
         "params": LABS["induction-circuit"].defaults(load())},
    )  # fmt: skip
    effect = widget.locator("[data-effect]")
    expect(effect).to_contain_text(f"{expected['effect']['tweak']:.4f}", timeout=90_000)
    expect(debrief).to_have_attribute("open", "")
    expect(widget.locator("[data-debrief-guess]")).to_contain_text("the induction head breaks it")
    expect(widget.locator("[data-debrief-text] p").first).to_have_text(expected["debrief"][0])


def test_the_formation_widget_scrubs_through_training(live_labs: Page):
    widget = live_labs.locator("figure[data-widget=induction-formation]")
    slider = widget.locator("[data-setting=index]")
    slider.fill("0")
    slider.dispatch_event("input")
    expected = call("induction_formation", {"index": 0})
    expect(widget).to_have_attribute("data-live", "true", timeout=60_000)
    expect(widget.locator("[data-bind=step]")).to_have_text("0")
    expect(widget.locator("[data-bind=second_copy]")).to_have_text(f"{expected['second_copy']:.2f}")
    marker = widget.locator("[data-formation-marker]")
    expect(marker).to_have_attribute("x1", "12.0")
