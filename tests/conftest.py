"""Shared fixtures: the repository root, and small site trees in tmp_path (mkdocs' @tempdir)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def site_tree(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Make a site source tree: the real templates, static, registry and data, plus ``files``."""

    def make(files: dict[str, str]) -> Path:
        for name in ("templates", "static"):
            shutil.copytree(REPO / name, tmp_path / name)
        for name in ("data", "traces"):  # widgets' data files, read-only: linked, not copied
            (tmp_path / name).symlink_to(REPO / name)
        shutil.copy(REPO / "widgets.toml", tmp_path / "widgets.toml")
        (tmp_path / "content").mkdir(exist_ok=True)
        for relative, text in files.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return make
