"""The heatmap palette, defined once: viridis (perceptually uniform, readable with the common
colour-vision deficiencies and in greyscale). The build colours build-time heatmaps with it and
hands the same stops to the browser in the page config.

Example: ``heat_colour(0.0)`` -> '#440154';
``heat_style(1.0)`` -> 'background:#fde725;color:#000000'
"""

from __future__ import annotations

import math

#: Viridis at eleven evenly spaced points (matplotlib's values, rounded to 8-bit).
VIRIDIS = [
    "#440154",
    "#482475",
    "#414487",
    "#355f8d",
    "#2a788e",
    "#21918c",
    "#22a884",
    "#44bf70",
    "#7ad151",
    "#bddf26",
    "#fde725",
]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """'#rrggbb' -> (r, g, b). Example: ``rgb("#fde725")`` -> (253, 231, 37)"""
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def heat_colour(value: float) -> str:
    """The palette colour of a value in [0, 1] (clamped), interpolated between stops.

    Example: ``heat_colour(0.05)`` -> '#461365'
    """
    x = min(1.0, max(0.0, float(value))) if math.isfinite(float(value)) else 0.0
    position = x * (len(VIRIDIS) - 1)
    low = min(int(position), len(VIRIDIS) - 2)
    t = position - low
    a, b = rgb(VIRIDIS[low]), rgb(VIRIDIS[low + 1])
    # subtle: floor(x + 0.5) as JavaScript's Math.round, not Python's round-half-to-even
    mixed = (math.floor(a[k] + (b[k] - a[k]) * t + 0.5) for k in range(3))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def luminance(colour: str) -> float:
    """WCAG relative luminance. Example: ``luminance("#ffffff")`` -> 1.0"""
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        for c in (channel / 255 for channel in rgb(colour))
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_on(colour: str) -> str:
    """Black or white, whichever contrasts more with ``colour``. Example: '#fde725' -> '#000000'"""
    light = luminance(colour)
    return "#000000" if (light + 0.05) / 0.05 > 1.05 / (light + 0.05) else "#ffffff"


def heat_style(value: float | str) -> str:
    """Inline style for a heatmap cell: its colour, and the text colour that reads best on it.

    Example: ``heat_style(0.2)`` -> 'background:#414487;color:#ffffff'
    """
    number = float(value) if value not in ("-Infinity", "Infinity", "NaN") else 0.0
    colour = heat_colour(number)
    return f"background:{colour};color:{text_on(colour)}"
