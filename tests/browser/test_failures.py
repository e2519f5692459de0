"""The runtime failure matrix: whatever breaks, the page keeps its build-time numbers, names what
failed in plain words, offers a retry, and never waits past its stated timeout.

Each case changes one thing on the wire with Playwright's routing; the site itself is untouched.
Timeouts are shortened by rewriting the page's config on the way to the browser.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, Route, expect

from .conftest import wait_for_python


@pytest.fixture
def page(fresh_page: Page) -> Page:
    """Every test here starts from a first visit: nothing cached by another test's boot."""
    return fresh_page


QUIZ = "figure[data-widget=softmax-quiz]"
SHORT_TIMEOUTS = {"runtimeTimeoutMs": 6000, "callTimeoutMs": 3000}


def shorten_timeouts(
    page: Page, quiz_url: str, keys: tuple[str, ...] = tuple(SHORT_TIMEOUTS)
) -> None:
    """Serve the chapter with short runtime and call timeouts (or only ``keys``) in its config."""

    def handle(route: Route) -> None:
        html = route.fetch().text()
        for key, value in SHORT_TIMEOUTS.items():
            if key not in keys:
                continue
            html = re.sub(rf'"{key}":\d+', f'"{key}":{value}', html)
        route.fulfill(body=html, content_type="text/html")

    page.route(quiz_url, handle)


def assert_degraded(page: Page, words: str, within_s: float) -> None:
    """Status says it failed (naming ``words``), offers a retry; build-time numbers remain."""
    started = time.monotonic()
    status = page.locator(f"{QUIZ} [data-status]")
    expect(status).to_have_attribute("data-state", "failed", timeout=within_s * 1000)
    assert time.monotonic() - started <= within_s
    expect(status).to_contain_text(words)
    expect(status.locator("button[data-action=retry]")).to_be_visible()
    expect(page.locator(f"{QUIZ} td[data-bind='probs.0']")).to_have_text("0.659")


def test_missing_runtime_files(page: Page, quiz_url):
    page.route("**/pyodide/**", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(quiz_url)
    assert_degraded(page, "could not be downloaded", 15)


def test_wasm_served_with_the_wrong_type(page: Page, quiz_url):
    shorten_timeouts(page, quiz_url)

    def wrong_type(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-type": "text/plain"})

    page.route("**/*.wasm", wrong_type)
    page.goto(quiz_url)
    assert_degraded(page, "Python could not start", 6 + 5)


def test_wasm_blocked_by_policy(page: Page, quiz_url):
    shorten_timeouts(page, quiz_url)

    def strict_worker(route: Route) -> None:
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": "script-src 'self'"},
        )

    page.route("**/kernel-worker.js", strict_worker)
    page.goto(quiz_url)
    assert_degraded(page, "Python could not start", 6 + 5)


def test_a_kernel_that_raises_is_reported_and_the_page_goes_on(page: Page, quiz_url):
    page.goto(quiz_url)
    wait_for_python(page)
    page.evaluate(
        """() => window.hlw.widgets.find((w) => w.root.dataset.widget === 'softmax-quiz')
          .compute({logits: null, size: 99, seed: 1}).catch(() => {})"""
    )
    feedback = page.locator(f"{QUIZ} [data-feedback]")
    expect(feedback).to_contain_text("That input was refused: size: must be at most 6")
    page.locator(f"{QUIZ} [data-action=new]").click()
    expect(page.locator(QUIZ)).to_have_attribute("data-live", "true", timeout=20_000)


def test_a_kernel_that_never_answers_is_stopped_and_retried(page: Page, quiz_url):
    # only the call times out early: the retried boot is a first visit, and keeps its real limit
    shorten_timeouts(page, quiz_url, keys=("callTimeoutMs",))
    silent_worker = """self.onmessage = (e) => {
      if (e.data.type === 'boot') self.postMessage({type: 'ready', ms: 1});
    };"""
    page.route(
        "**/kernel-worker.js",
        lambda route: route.fulfill(body=silent_worker, content_type="text/javascript"),
    )
    page.goto(quiz_url)
    wait_for_python(page)
    page.locator(f"{QUIZ} [data-action=new]").click()
    started = time.monotonic()
    expect(page.locator(f"{QUIZ} [data-feedback]")).to_contain_text("took too long", timeout=8000)
    assert time.monotonic() - started < 8
    assert_degraded(page, "took longer than 3 s", 1)
    page.unroute("**/kernel-worker.js")
    page.locator(f"{QUIZ} [data-status] button[data-action=retry]").click()
    wait_for_python(page)
    page.locator(f"{QUIZ} [data-action=new]").click()
    expect(page.locator(QUIZ)).to_have_attribute("data-live", "true", timeout=20_000)


def test_an_injected_inline_script_is_refused_by_the_policy(page: Page, quiz_url):
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(quiz_url)
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__injected = true'; document.body.append(s); }""")
    assert page.evaluate("() => window.__injected === true") is False
    assert any("Content Security Policy" in text for text in violations)


def test_the_compiled_runtime_is_used_and_plain_files_are_the_fallback(fresh_page: Page, quiz_url):
    page = fresh_page  # a profile of its own: no other test's snapshot in its Cache Storage
    page.goto(quiz_url)
    wait_for_python(page)
    assert page.evaluate("window.hlw.client.bootKind") == "compiled"
    # the snapshot this visit caches would boot the next page without the compiled files
    page.wait_for_function("() => window.hlw.client.snapshotCached !== undefined", timeout=60_000)
    page.evaluate("async () => { for (const k of await caches.keys()) await caches.delete(k); }")
    page.route("**/python_stdlib.pyc.zip", lambda route: route.fulfill(status=404, body="no"))
    page.goto(quiz_url)
    wait_for_python(page)
    assert page.evaluate("window.hlw.client.compiled") is False
    result = page.evaluate("() => window.hlw.client.call('softmax', {logits: [0, 0]})")
    assert result["probs"] == [0.5, 0.5]
