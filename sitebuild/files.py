"""File helpers every part of the build uses: write only what changed, copy only what changed,
sweep a folder of what a build no longer writes, and name the checkout's revision.

Example: ``sweep(Path("site/assets"), keep={"3fa1c09b"})`` -> ['1a2b3c4d'] (what went)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: Environment variable that names the revision where there is no .git to ask.
REVISION_VARIABLE = "HLW_GIT_REVISION"


def write(path: Path, content: str | bytes) -> bool:
    """Write ``content`` (text as UTF-8) unless the file already holds exactly it, which keeps
    mtimes still for watchers and caches; return whether it wrote.

    Example: ``write(Path("site/a.html"), "<p>")`` -> True, and again -> False
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    # subtle: written beside and renamed into place, so a reader in another process (the test
    # workers share .cache/) sees the old file or the whole new one, never a half-written one
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_bytes(data)
    os.replace(part, path)
    return True


def sync_file(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` unless an identical file (size and mtime) is there."""
    if target.is_file():
        a, b = source.stat(), target.stat()
        if a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime):
            return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return True


def sweep(folder: Path, keep: set[str], pattern: str = "*") -> list[str]:
    """Delete what ``folder`` holds that matches ``pattern`` and is not named in ``keep``
    (folders with all they hold); return the names that went, sorted. A missing folder holds
    nothing.

    Example: ``sweep(Path("site/pyodide"), keep={"0.27.7-5d41402a", "snapshot"})`` ->
    ['0.27.7-1a2b3c4d'] (an older runtime folder)
    """
    if not folder.is_dir():
        return []
    gone = sorted(path.name for path in folder.glob(pattern) if path.name not in keep)
    for name in gone:
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)  # a build beside this one may be in it too
        else:
            path.unlink(missing_ok=True)
    return gone


def git_revision(root: Path) -> str:
    """The checkout's short revision, with '+dirty' for uncommitted changes, or 'unknown'
    outside git. ``$HLW_GIT_REVISION`` overrides it, for a copy of the tree without .git (the
    GPU machine).

    Example: ``git_revision(Path("."))`` -> 'd2fbac2' (or 'd2fbac2+dirty')
    """
    if os.environ.get(REVISION_VARIABLE):
        return os.environ[REVISION_VARIABLE]
    try:
        revision = git(root, "rev-parse", "--short", "HEAD")
        return revision + ("+dirty" if git(root, "status", "--porcelain") else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def git(root: Path, *args: str) -> str:
    """What ``git ARGS`` prints in ``root``, stripped; raises when git fails."""
    done = subprocess.run(
        ["git", *args], cwd=root, text=True, capture_output=True, check=True, timeout=30
    )
    return done.stdout.strip()
