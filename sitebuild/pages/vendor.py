"""Third-party browser libraries a widget may ask for with ``vendor = ["plotly"]`` in
widgets.toml. Each is copied from an installed Python package into ``site/vendor/`` under a
content-hashed name, so the site serves it itself (no CDN) and hosts may cache it forever.

Only libraries some widget asks for are copied; a page loads one only when a widget on it calls
``context.vendor(name)``.

Example: ``vendor_libraries({"plotly"}, Path("site"))``
-> {"plotly": {"url": "vendor/plotly-1a2b3c4d.min.js", "global": "Plotly"}}
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..files import sweep, sync_file


@dataclass(frozen=True)
class Library:
    """Where a library's browser bundle lives inside a Python package, and the global it sets."""

    package: str
    resource: str
    global_name: str


#: Every library a widget may name.
LIBRARIES = {
    "plotly": Library("plotly", "package_data/plotly.min.js", "Plotly"),
}


def library_file(name: str) -> Path:
    """The installed file of one library.

    Example: ``library_file("plotly").name`` -> 'plotly.min.js'
    """
    library = LIBRARIES[name]
    return Path(str(resources.files(library.package).joinpath(library.resource)))


def hashed_name(name: str, source: Path) -> str:
    """``plotly-<first 8 hex of sha256>.min.js``.

    Example: ``hashed_name("plotly", path)`` -> 'plotly-1a2b3c4d.min.js'
    """
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:8]
    return f"{name}-{digest}.min.js"


def vendor_libraries(names: set[str], site_dir: Path) -> dict[str, dict[str, str]]:
    """Copy the named libraries into ``site_dir/vendor/``, drop stale copies, return their URLs
    (relative to the site root) and globals."""
    target = site_dir / "vendor"
    entries: dict[str, dict[str, str]] = {}
    for name in sorted(names):
        source = library_file(name)
        file_name = hashed_name(name, source)
        sync_file(source, target / file_name)
        entries[name] = {"url": f"vendor/{file_name}", "global": LIBRARIES[name].global_name}
    sweep(target, keep={Path(entry["url"]).name for entry in entries.values()})
    return entries
