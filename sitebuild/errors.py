"""The one error the build raises for an author's mistake: it prints as ``path:line: reason``."""

from __future__ import annotations

from pathlib import Path


class BuildError(Exception):
    """A mistake in the site's sources, located at a file and line.

    Example: ``str(BuildError("content/a.md", 12, "unknown widget 'x'"))`` ->
    "content/a.md:12: unknown widget 'x'"
    """

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason
