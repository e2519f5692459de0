"""What the cross-engine tests ask of a browser, whichever drives it: Firefox through Puppeteer
over WebDriver BiDi (tests/engines/firefox.py), WebKitGTK through Selenium over WebDriver
(tests/engines/webkit.py). Both answer the same few calls, so every check is written once.

Leaves out what only one driver can do (routing requests, emulating a colour scheme): what a
check needs of those it does through the site itself (the theme toggle's stored choice) or
through the test server (tests/engines/server.py).

Example: ``engine.goto(url); engine.wait_for("() => window.hlw !== undefined")``
"""

from __future__ import annotations

import time
from typing import Any, Protocol


class Engine(Protocol):
    """One tab of one browser engine."""

    name: str
    version: str

    def goto(self, url: str) -> None:
        """Open ``url`` and wait for its load event."""

    def evaluate(self, source: str, *args: Any) -> Any:
        """Call the JavaScript function ``source`` (its text) with ``args`` in the page, await
        it, and return its JSON-able result."""

    def click(self, selector: str) -> None:
        """Click the first element ``selector`` finds, as a reader would."""

    def type(self, selector: str, text: str) -> None:
        """Empty the field ``selector`` finds and type ``text`` into it."""

    def viewport(self, width: int, height: int) -> None:
        """Make the page's viewport ``width`` x ``height`` CSS pixels (the next ``goto``)."""

    def fresh(self) -> None:
        """Start again in a new, empty profile: a reader's first visit."""

    def native(self) -> dict[str, list[str]]:
        """What the driver itself saw since the last call: ``errors`` and request ``hosts``
        (empty where the driver has no way to see them)."""

    def close(self) -> None:
        """Quit the browser."""


class EngineTimeout(AssertionError):
    """A condition that did not come true in time (an assertion, so pytest reports it as a
    failure with the condition's text)."""


def wait_for(engine: Engine, condition: str, timeout_s: float = 60.0, *args: Any) -> Any:
    """Poll the JavaScript function ``condition`` until it returns something truthy; return
    that. Both drivers run a function string without the page's CSP, so no eval is needed.

    Example: ``wait_for(engine, "() => document.documentElement.dataset.hlwReady === 'true'")``
    -> True
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = engine.evaluate(condition, *args)
        if value:
            return value
        if time.monotonic() > deadline:
            raise EngineTimeout(f"{engine.name}: not true within {timeout_s:.0f} s: {condition}")
        time.sleep(0.1)


#: An element's text, trimmed (null where the selector finds nothing).
TEXT = "(selector) => document.querySelector(selector)?.textContent.trim() ?? null"


def text_of(engine: Engine, selector: str) -> str | None:
    """The trimmed text of the first element ``selector`` finds, or None."""
    return engine.evaluate(TEXT, selector)


def text_becomes(engine: Engine, selector: str, expected: str, timeout_s: float = 60) -> None:
    """Wait until the element's text is ``expected``; fail naming what it showed.

    Example: ``text_becomes(engine, "#exercise-perplexity [data-feedback]", "Correct.")``
    """
    try:
        wait_for(engine, f"(s, e) => ({TEXT})(s) === e", timeout_s, selector, expected)
    except EngineTimeout:
        shown = text_of(engine, selector)
        raise EngineTimeout(
            f"{engine.name}: {selector} shows {shown!r}, not {expected!r}"
        ) from None
