"""Numbers as the page shows them: the Jinja filters ``fixed``, ``sci`` and ``js_number`` write
a number at build time exactly as the page's script (``formatValue`` in static/page/bind.js,
JavaScript's ``String``) rewrites it later, so no digit changes when a live result arrives.

Example: ``fixed(0.125)`` -> '0.13' (as JavaScript's toFixed, not Python's '0.12')
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any


def as_javascript_rounds(value: float, spec: str) -> str:
    """``format(value, spec)`` rounded as JavaScript's toFixed and toExponential round: the exact
    binary value, a tie going away from zero (Python's own format goes to the even digit, so
    0.125 would show as 0.12 at build time and 0.13 once a script rewrote it).

    Example: ``as_javascript_rounds(0.125, ".2f")`` -> '0.13'
    """
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        return format(Decimal(value), spec)


def fixed(value: Any, digits: int = 2) -> str:
    """A number as shown on the page: fixed decimals, minus sign, infinities spelled out (the
    page's script writes the same: ``formatValue(x, "fixed:2")``).

    Example: ``fixed(-0.5)`` -> '−0.50'; ``fixed("-Infinity")`` -> '−∞'
    """
    if value in ("Infinity", "-Infinity", "NaN"):
        return {"Infinity": "∞", "-Infinity": "−∞", "NaN": "NaN"}[value]
    text = as_javascript_rounds(float(value), f".{digits}f")
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def count(value: Any) -> str:
    """A whole number with thousands separators, as the page's script writes it
    (``formatValue(x, "count")``): ``fixed(x, 0)`` with a comma before each group of three.

    Example: ``count(6815744)`` -> '6,815,744'; ``count(-1234.5)`` -> '−1,235'
    """
    return re.sub(r"\B(?=(\d{3})+(?!\d))", ",", fixed(value, 0))


def sci(value: Any, digits: int = 1) -> str:
    """A number in scientific notation as JavaScript's ``toExponential`` writes it (the page's
    script rewrites it the same way: ``formatValue(x, "sci:1")``).

    Example: ``sci(4.4e-16)`` -> '4.4e-16'; ``sci(5e-7, 0)`` -> '5e-7'
    """
    number = float(value)
    if number == 0:
        return f"{0:.{digits}f}e+0"
    return as_javascript_rounds(number, f".{digits}e")


def js_number(value: Any) -> str:
    """A number as JavaScript's ``String(number)`` writes it, so a setting echoed at build time
    reads the same once the page's script echoes it (Python writes 1.0 and 7e+10, JavaScript 1
    and 70000000000).

    Example: ``js_number(1.0)`` -> '1'; ``js_number(0.7)`` -> '0.7'; ``js_number(70e9)`` ->
    '70000000000'
    """
    number = float(value)
    if number == 0:
        return "0"
    if 1e-6 <= abs(number) < 1e21:  # both write the shortest round-trip digits, without exponent
        text = format(Decimal(repr(number)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    digits = repr(number).split("e")[0].lstrip("-").replace(".", "").rstrip("0") or "0"
    return sci(number, max(len(digits) - 1, 0))
