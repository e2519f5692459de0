"""Chromium as the tests start it: no address-bar popup page beside each tab (a renderer of its
own, 1.3 s of CPU a page visit, see sitebuild/runtime/chromium.py)."""

from __future__ import annotations


def test_a_tab_comes_without_the_address_bars_popup_page(browser, site_url):  # noqa: ANN001
    session = browser.new_browser_cdp_session()
    context = browser.new_context()
    try:
        context.new_page().goto(site_url + "index.html")
        targets = session.send("Target.getTargets")["targetInfos"]
    finally:
        context.close()
    assert site_url + "index.html" in [t["url"] for t in targets if t["type"] == "page"]
    assert not [t["url"] for t in targets if "omnibox" in t["url"]]
