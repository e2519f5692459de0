"""Firefox (Debian's firefox-esr) for the cross-engine tests: Puppeteer drives it over WebDriver
BiDi from a Node process of its own (tests/engines/firefox-bridge.mjs); this side sends one
JSON line per call and reads the answer.

Leaves out emulating a colour scheme (BiDi has no such command): the tests set the site's own
stored theme instead.

Example: ``with launch_firefox() as firefox: firefox.goto(url)``
"""

from __future__ import annotations

import json
import selectors
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import REPO

BRIDGE = Path(__file__).with_name("firefox-bridge.mjs")
#: How long one call may take: a boot of Python in the page takes 2-10 s.
CALL_TIMEOUT_S = 120.0


def firefox_path() -> str | None:
    """Debian's Firefox ESR, where installed."""
    return shutil.which("firefox-esr")


def firefox_missing() -> str | None:
    """Why Firefox cannot run here, or None."""
    if not firefox_path():
        return "no firefox-esr on the PATH: run `make test`, which installs it"
    if not puppeteer_installed():
        return "no puppeteer-core in node_modules: run `make node`"
    return None


def puppeteer_installed() -> bool:
    """Whether npm has installed puppeteer-core (``make node`` does, from package-lock.json)."""
    return (REPO / "node_modules" / "puppeteer-core" / "package.json").is_file()


class Firefox:
    """One tab of Firefox, through the bridge process."""

    name = "firefox"

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.calls = 0
        self.version = str(self._answer(0))

    def _answer(self, call_id: int) -> Any:
        assert self.process.stdout is not None
        watch = selectors.DefaultSelector()
        watch.register(self.process.stdout, selectors.EVENT_READ)
        if not watch.select(CALL_TIMEOUT_S):
            raise TimeoutError(f"firefox: no answer to call {call_id} in {CALL_TIMEOUT_S:.0f} s")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"firefox: the bridge stopped (exit {self.process.wait()})")
        answer = json.loads(line)
        assert answer["id"] == call_id, answer
        if "error" in answer:
            raise RuntimeError(f"firefox: {answer['error']}")
        return answer["ok"]

    def _call(self, op: str, **args: Any) -> Any:
        assert self.process.stdin is not None
        self.calls += 1
        self.process.stdin.write(json.dumps({"id": self.calls, "op": op, **args}) + "\n")
        self.process.stdin.flush()
        return self._answer(self.calls)

    def goto(self, url: str) -> None:
        self._call("goto", url=url)

    def evaluate(self, source: str, *args: Any) -> Any:
        return self._call("evaluate", source=source, args=list(args))

    def click(self, selector: str) -> None:
        self._call("click", selector=selector)

    def type(self, selector: str, text: str) -> None:
        self._call("type", selector=selector, text=text)

    def viewport(self, width: int, height: int) -> None:
        self._call("viewport", width=width, height=height)

    def fresh(self) -> None:
        self._call("fresh")

    def native(self) -> dict[str, list[str]]:
        return self._call("native")

    def close(self) -> None:
        try:
            self._call("close")
        except (RuntimeError, OSError):
            pass
        self.process.wait(timeout=30)


@contextmanager
def launch_firefox(log: Path) -> Iterator[Firefox]:
    """Start the bridge (its stderr into ``log``) and yield its Firefox; quit it after."""
    with open(log, "w") as errors:
        process = subprocess.Popen(
            ["node", str(BRIDGE), firefox_path() or "firefox-esr"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=REPO,
        )  # fmt: skip
        try:
            firefox = Firefox(process)
        except BaseException:
            process.kill()
            raise
        try:
            yield firefox
        finally:
            firefox.close()
