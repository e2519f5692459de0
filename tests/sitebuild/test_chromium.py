"""The switches Chromium is started with: one ``--disable-features`` (Chromium keeps only the
last of a repeated switch) that still carries every feature the installed Playwright turns off."""

from __future__ import annotations

import re
from pathlib import Path

import playwright

from sitebuild.runtime.chromium import LAUNCH_ARGS, PLAYWRIGHT_DISABLED_FEATURES

#: Where Playwright's driver bundle lists the features it disables (chromiumSwitches.ts).
BUNDLE = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"


def playwrights_disabled_features(bundle_text: str) -> list[str]:
    """The quoted names in the bundle's ``disabledFeatures = [...]``, comments aside.

    Example: ``playwrights_disabled_features('disabledFeatures = [\\n // x\\n "A", "B"]')``
    -> ['A', 'B']
    """
    found = re.search(r"disabledFeatures = \[(.*?)\]", bundle_text, re.S)
    assert found, f"{BUNDLE}: no `disabledFeatures = [...]`: read how Playwright starts Chromium"
    body = re.sub(r"//[^\n]*", "", found.group(1))
    return re.findall(r'"([^"]+)"', body)


def test_our_one_disable_features_switch_keeps_every_feature_playwright_turns_off():
    theirs = playwrights_disabled_features(BUNDLE.read_text(encoding="utf-8"))
    assert len(theirs) > 5
    assert set(theirs) <= set(PLAYWRIGHT_DISABLED_FEATURES), set(theirs) - set(
        PLAYWRIGHT_DISABLED_FEATURES
    )
    switches = [arg for arg in LAUNCH_ARGS if arg.startswith("--disable-features=")]
    assert len(switches) == 1
    assert set(theirs) <= set(switches[0].split("=", 1)[1].split(","))
