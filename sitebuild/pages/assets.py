"""Static assets: copy ``static/`` into ``site/assets/<hash>/`` where the hash covers every file,
so every asset URL changes when any asset does and hosts may cache them for a year.

Example: ``tree_hash(Path("static"))`` -> '3fa1c09b'
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..files import sweep, sync_file


def tree_files(root: Path) -> list[Path]:
    """Every file below ``root``, sorted, skipping hidden and cache files."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "__")) for part in p.relative_to(root).parts)
    )


def tree_hash(root: Path, length: int = 8) -> str:
    """A short hash of the names and contents of every file below ``root``."""
    digest = hashlib.sha256()
    for path in tree_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:length]


def copy_static(static_dir: Path, site_dir: Path) -> str:
    """Copy ``static/`` to ``site/assets/<hash>/``, drop older hashed copies; return the hash."""
    digest = tree_hash(static_dir)
    assets = site_dir / "assets"
    target = assets / digest
    for path in tree_files(static_dir):
        sync_file(path, target / path.relative_to(static_dir))
    sweep(assets, keep={digest})
    return digest


def copy_images(images_dir: Path, target: Path) -> None:
    """Copy the chapters' images (``content/images/``) to ``site/images/``, names unchanged."""
    if images_dir.is_dir():
        for path in tree_files(images_dir):
            sync_file(path, target / path.relative_to(images_dir))


def copy_data_files(relatives: set[str], repo_root: Path, site_dir: Path) -> None:
    """Copy the data files widgets declare (``traces/model.npz`` …) to ``site/data/``."""
    for relative in sorted(relatives):
        sync_file(repo_root / relative, site_dir / "data" / relative)
