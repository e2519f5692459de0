"""The heatmap palette: viridis ends, interpolation, readable text on every colour."""

from __future__ import annotations

from sitebuild.pages.palette import VIRIDIS, heat_colour, heat_style, luminance, rgb


def test_ends_and_clamping():
    assert heat_colour(0) == VIRIDIS[0] and heat_colour(1) == VIRIDIS[-1]
    assert heat_colour(-3) == VIRIDIS[0] and heat_colour(7) == VIRIDIS[-1]
    assert heat_colour(float("nan")) == VIRIDIS[0]


def test_interpolation_is_monotonic_in_lightness():
    lightness = [sum(rgb(heat_colour(i / 50))) for i in range(51)]
    assert lightness[0] < lightness[25] < lightness[50]


def contrast(a, b):
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_on_every_cell_meets_wcag_aa_contrast():
    assert luminance("#ffffff") == 1.0 and luminance("#000000") == 0.0
    for i in range(101):
        style = dict(part.split(":") for part in heat_style(i / 100).split(";"))
        assert contrast(style["background"], style["color"]) >= 4.5, (i, style)
