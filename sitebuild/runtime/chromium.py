"""How the browser tests and the benchmark start Debian's Chromium (Playwright cannot download
its own browser here): its path, and flags that keep it from calling any other host.

Example: ``chromium_path()`` -> '/usr/bin/chromium'
"""

from __future__ import annotations

import shutil

#: The features Playwright turns off when it starts Chromium (its chromiumSwitches.ts, at the
#: locked version; tests/sitebuild/test_chromium.py checks the installed one against this list).
#: Chromium keeps only the last ``--disable-features`` it is given, so ours must carry these.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
#: Chromium 156 draws the address bar's popup as a web page in a renderer of its own, for every
#: tab, even headless: 1.3 s of CPU a page visit (measured: a chapter's visit took 4.7 s of CPU
#: with it, 2.9 s without), on a 2-core machine where the browser tests are CPU-bound.
NO_OMNIBOX_PAGE = (
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "WebUIOmniboxFullPopup",
    "PreloadTopChromeWebUI",
)
#: The switches for a Chromium driven by Playwright (tests, the build's snapshot, the bench).
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + NO_OMNIBOX_PAGE),
]


def chromium_path() -> str:
    """Debian's Chromium on the PATH, else its usual place."""
    return shutil.which("chromium") or "/usr/bin/chromium"
