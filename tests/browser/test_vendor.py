"""A vendored library in a real browser: Plotly, served by our own site, draws a chart under the
site's Content-Security-Policy, and a widget cannot load a library it did not declare."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from sitebuild.build import BuildConfig, build
from sitebuild.httpd import serve_site
from tests.conftest import registry_text

CHAPTER = "---\ntitle: A\nsummary: S.\n---\n::: widget charted\n:::\n"
ENTRY = """
[charted]
title = "A chart"
kernel = "softmax"
module = "widgets/charted.js"
vendor = ["plotly"]
[charted.defaults]
logits = [1.0, 2.0]
"""
MODULE = """
export async function mount(context) {
  const Plotly = await context.vendor("plotly");
  const box = context.root.querySelector("[data-chart]");
  await Plotly.newPlot(box, [{x: [1, 2, 3], y: context.state.probs, type: "scatter"}]);
  context.root.dataset.charted = "true";
  context.vendor("d3").catch((error) => { context.root.dataset.refused = error.message; });
}
"""


def test_plotly_draws_under_the_sites_policy_from_our_own_host(page: Page, site_tree, repo):
    root = site_tree(
        {
            "content/01-a.md": CHAPTER,
            "widgets.toml": registry_text() + ENTRY,
            "templates/widgets/charted.html": "<div data-chart></div>",
            "static/widgets/charted.js": MODULE,
        }
    )
    out = root / "site"
    build(BuildConfig(root=root, out_dir=out, vendor_runtime=False, search=False))
    violations: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    with serve_site(out, "/") as url:
        page.goto(url + "a.html")
        widget = page.locator("figure[data-widget=charted]")
        expect(widget).to_have_attribute("data-charted", "true", timeout=15_000)
        expect(widget.locator(".main-svg").first).to_be_visible()
        expect(widget).to_have_attribute("data-refused", "Widget charted does not declare d3.")
        assert hosts == {url.split("/")[2]}
    assert violations == []
