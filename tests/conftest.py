"""Shared fixtures: the repository root, and small site trees in tmp_path (mkdocs' @tempdir)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
#: Why a PyTorch comparison is skipped where the optional reference extra is not installed.
NO_TORCH = "PyTorch is the optional reference extra (`make test` installs it)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that compares with PyTorch (it asks for the ``torch`` fixture)."""
    for item in items:
        if "torch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.torch)


@pytest.fixture(scope="session")
def torch():  # noqa: ANN201 (the module itself)
    """PyTorch, the independent reference; a test that asks for it skips, saying why, without it."""
    return pytest.importorskip("torch", reason=NO_TORCH)


@pytest.fixture
def repo() -> Path:
    return REPO


#: The widgets a small test site's registry holds unless a test asks for others.
SMALL_REGISTRY = ("softmax-quiz",)


def registry_text(names: tuple[str, ...] | None = SMALL_REGISTRY) -> str:
    """The real registry's entries for ``names`` (each with its sub-tables), or all of it.

    Example: ``registry_text(("softmax-quiz",)).splitlines()[0]`` -> '[softmax-quiz]'
    """
    text = (REPO / "widgets.toml").read_text(encoding="utf-8")
    if names is None:
        return text
    kept, keep = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("["):
            keep = line.strip("[]\n").split(".")[0] in names
        if keep:
            kept.append(line)
    return "".join(kept)


@pytest.fixture
def site_tree(tmp_path: Path) -> Callable[..., Path]:
    """Make a site source tree: the real templates, static and data, a registry of only the
    widgets named (``widgets=None``: the whole registry), plus ``files``. A small registry keeps
    a build test from computing and rendering every widget's embed page."""

    def make(files: dict[str, str], widgets: tuple[str, ...] | None = SMALL_REGISTRY) -> Path:
        for name in ("templates", "static"):
            shutil.copytree(REPO / name, tmp_path / name)
        for name in ("data", "traces"):  # widgets' data files, read-only: linked, not copied
            (tmp_path / name).symlink_to(REPO / name)
        (tmp_path / "widgets.toml").write_text(registry_text(widgets), encoding="utf-8")
        (tmp_path / "content").mkdir(exist_ok=True)
        for relative, text in files.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return make
