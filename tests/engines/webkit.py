"""WebKit (WebKitGTK's MiniBrowser) for the cross-engine tests: Debian's webkit2gtk-driver gives
WebKitWebDriver, Selenium drives it over WebDriver, and the browser draws into an Xvfb display
of its own.

Leaves out console events (WebKitWebDriver has no log command and no BiDi): the test server
puts a small probe into every page (tests/engines/server.py) that records errors and foreign
requests. MiniBrowser's window is never narrower than its toolbar (447 px), so a narrower
viewport is an iframe of that size on a page of the same origin (server.FRAME), which the
driver then works inside.

Example: ``with launch_webkit(log) as webkit: webkit.goto(url)``
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .engine import EngineTimeout
from .server import FRAME

MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
#: A function's text, called with its arguments, its result or error handed back.
CALL = """const done = arguments[arguments.length - 1];
const args = Array.prototype.slice.call(arguments, 0, arguments.length - 1);
Promise.resolve().then(() => (%s)(...args)).then(
  (value) => done({ok: value === undefined ? null : value}),
  (error) => done({error: String(error && error.stack || error)}));"""
#: How long one call may take: a boot of Python in the page takes up to 15 s under load.
CALL_TIMEOUT_S = 120
#: How long WebKitWebDriver may take to open a MiniBrowser session (2 s when idle). Past it the
#: driver is stopped: it waits for ever for a browser that could not start.
SESSION_TIMEOUT_S = 60


def webkit_missing() -> str | None:
    """Why WebKit cannot run here, or None."""
    for need in ("WebKitWebDriver", "Xvfb"):
        if not shutil.which(need):
            return f"no {need} on the PATH: run `make test`, which installs webkit2gtk-driver"
    if not Path(MINIBROWSER).exists():
        return f"no MiniBrowser at {MINIBROWSER}"
    return None


class WebKit:
    """One window of MiniBrowser, through Selenium; ``start`` opens a new session."""

    name = "webkit"

    def __init__(self, start: Callable[[], Any]) -> None:
        self.start = start
        self.driver = self.session()
        self.version = str(self.driver.capabilities.get("browserVersion"))
        self.narrow: tuple[int, int] | None = None

    def session(self) -> Any:
        """A new WebDriver session, its scripts allowed CALL_TIMEOUT_S."""
        driver = self.start()
        driver.set_script_timeout(CALL_TIMEOUT_S)
        return driver

    def goto(self, url: str) -> None:
        self.driver.switch_to.default_content()
        if self.narrow is None:
            self.driver.get(url)
            return
        width, height = self.narrow
        query = urllib.parse.urlencode({"width": width, "height": height, "src": url})
        self.driver.get(urllib.parse.urljoin(url, FRAME) + "?" + query)
        self.driver.switch_to.frame("screen")

    def evaluate(self, source: str, *args: Any) -> Any:
        answer = self.driver.execute_async_script(CALL % source, *args)
        if "error" in answer:
            raise RuntimeError(f"webkit: {answer['error']}")
        return answer["ok"]

    def click(self, selector: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, selector).click()

    def type(self, selector: str, text: str) -> None:
        from selenium.webdriver.common.by import By

        field = self.driver.find_element(By.CSS_SELECTOR, selector)
        field.clear()
        field.send_keys(text)

    def viewport(self, width: int, height: int) -> None:
        self.driver.switch_to.default_content()
        self.driver.set_window_rect(width=width, height=height)
        inner = self.driver.execute_script("return [innerWidth, innerHeight]")
        self.narrow = None if inner[0] == width else (width, height)

    def fresh(self) -> None:
        # under automation each session is a new ephemeral profile: nothing stored, no HTTP cache
        rect = self.driver.get_window_rect()
        self.driver.quit()
        self.driver = self.session()
        self.driver.set_window_rect(width=rect["width"], height=rect["height"])

    def native(self) -> dict[str, list[str]]:
        return {"errors": [], "hosts": []}

    def close(self) -> None:
        self.driver.quit()


def within(seconds: float, work: Callable[[], Any], stop: Callable[[], Any], why: str) -> Any:
    """``work()``'s result, or, if it has not returned after ``seconds``, ``stop()`` called (to
    end the work) and EngineTimeout(``why``) raised.

    Example: ``within(1, lambda: 2, lambda: None, "slow")`` -> 2
    """
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as error:  # noqa: BLE001 (handed to the caller's thread)
            outcome.append((False, error))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        stop()
        raise EngineTimeout(why)
    done, value = outcome[0]
    if not done:
        raise value
    return value


@contextmanager
def xvfb_display() -> Iterator[str]:
    """A virtual X display for the browser's window, on the first free number. It never resets
    (``-noreset``): by default Xvfb resets when its last client leaves, and a browser that
    connects during the reset cannot open the display (a new session after ``fresh``, under
    load)."""
    read, write = os.pipe()
    screen = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp",
         "-noreset"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as number:
        display = ":" + number.readline().strip()
    try:
        yield display
    finally:
        screen.terminate()
        screen.wait(timeout=10)


@contextmanager
def launch_webkit(log: Path) -> Iterator[WebKit]:
    """Start Xvfb, WebKitWebDriver (its log into ``log``) and a MiniBrowser; quit them after."""
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    with xvfb_display() as display:
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        env = {**os.environ, "DISPLAY": display}

        def start() -> Any:  # a session's quit stops its driver: each has its own
            service = Service(log_output=str(log), env=env)
            return within(
                SESSION_TIMEOUT_S,
                lambda: webdriver.WebKitGTK(options=options, service=service),
                service.stop,
                f"WebKitWebDriver opened no session in {SESSION_TIMEOUT_S} s (its log: {log})",
            )

        webkit = WebKit(start)
        try:
            yield webkit
        finally:
            webkit.close()
