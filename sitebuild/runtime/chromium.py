"""How the browser tests and the benchmark start Debian's Chromium (Playwright cannot download
its own browser here): its path, and flags that keep it from calling any other host.

Example: ``chromium_path()`` -> '/usr/bin/chromium'
"""

from __future__ import annotations

import shutil

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's Chromium on the PATH, else its usual place."""
    return shutil.which("chromium") or "/usr/bin/chromium"
