"""A lab's heatmap is an image with a pixel per value: the build's PNG and the browser's redraw
both hold exactly the palette colour of every heat value the kernel returned, and the line under
it names the two ends of the scale."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from pyodide_kernels.dispatch import call
from sitebuild.pages.numbers import fixed

from .conftest import READ_PIXELS, heat_colours, wait_for_python

LAB = "figure[data-widget=lab-weight-matrix]"


def test_the_weight_matrix_is_drawn_a_pixel_per_value_at_build_time_and_live(page: Page, site_url):
    page.goto(site_url + "labs.html")
    image = page.locator(f"{LAB} img.heat-image")
    figure = call("lab_run", {"lab": "weight-matrix"})["figure"]
    built = figure["heat"]
    assert image.evaluate(READ_PIXELS) == heat_colours(built)
    scale = page.locator(f"{LAB} [data-figure] p")
    expect(scale).to_have_text(
        f"Darkest {fixed(figure['low'], 3)}, brightest {fixed(figure['high'], 3)}."
    )
    box = image.bounding_box()
    assert box is not None and round(box["height"] / box["width"], 3) == round(
        len(built) / len(built[0]), 3
    )
    wait_for_python(page)
    lab = page.locator(LAB)
    lab.locator("[data-guess]").fill("W_O is the same matrix turned on its side")
    lab.locator("[data-param=matrix]").fill("o")
    lab.locator("[data-action=run-lab]").click()
    expect(lab).to_have_attribute("data-live", "true", timeout=60_000)
    figure = call("lab_run", {"lab": "weight-matrix", "params": {"matrix": "o"}})["figure"]
    live = figure["heat"]
    expect(scale).to_have_text(
        f"Darkest {fixed(figure['low'], 3)}, brightest {fixed(figure['high'], 3)}."
    )
    assert (len(live), len(live[0])) == (len(built[0]), len(built))
    assert lab.locator("img.heat-image").evaluate(READ_PIXELS) == heat_colours(live)
    expect(lab.locator("img.heat-image")).to_have_attribute(
        "alt",
        f"A {len(live)} × {len(live[0])} heatmap, head dimension down and model dimension across:"
        " dark is low, bright is high.",
    )
