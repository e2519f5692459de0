"""Shared fixtures: the repository root, and small site trees in tmp_path (mkdocs' @tempdir)."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: One BLAS and OpenMP thread per process: ``make test``'s workers already fill the cores, and
#: NumPy's OpenBLAS (or PyTorch's OpenMP) starting a thread per core in each worker left the
#: threads spinning against each other; a model lab ran 8x slower under a loaded machine
#: (2.1 s against 0.23 s). Set before NumPy loads; the workers and subprocesses inherit it.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
#: Why a PyTorch comparison is skipped where the optional reference extra is not installed.
NO_TORCH = "PyTorch is the optional reference extra (`make test` installs it)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that compares with PyTorch (it asks for the ``torch`` fixture), and run
    the browser tests (every engine's) last: the first of them builds the site (34 s on a fresh
    clone, the snapshot made in Chromium) while the other worker is still busy with the rest,
    instead of waiting for the build's lock."""
    for item in items:
        if "torch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.torch)
    browsers = (REPO / "tests" / "browser", REPO / "tests" / "engines")
    items.sort(key=lambda item: any(b in Path(str(item.fspath)).parents for b in browsers))


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every pytest-xdist worker of this run (``make test`` runs two)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def one_at_a_time(run_dir: Path, name: str) -> Iterator[None]:
    """Hold a lock that every worker of this run shares: the writers of the checkout's .cache/
    (downloads, compiled runtime, snapshot) take it, so two workers never write a file at once.

    Example: ``with one_at_a_time(run_dir, "repo-cache"): build(...)``
    """
    with open(run_dir / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def torch():  # noqa: ANN201 (the module itself)
    """PyTorch, the independent reference; a test that asks for it skips, saying why, without it.

    One thread: two workers and their browsers already share the two cores, and OpenMP's
    spinning threads, oversubscribed, made a 5-second comparison take a minute.
    """
    module = pytest.importorskip("torch", reason=NO_TORCH)
    module.set_num_threads(1)
    return module


@pytest.fixture(scope="session")
def transformers(torch):  # noqa: ANN001, ANN201 (the module itself)
    """Hugging Face transformers, a second independent reference (its RoPE scalings, its MoE
    loss, its Llama): part of the same reference extra, and it needs PyTorch, so it skips with
    the same reason.
    """
    return pytest.importorskip("transformers", reason=NO_TORCH)


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
        names = None if widgets is None else ("data-sets", *widgets)  # the sets they may name
        (tmp_path / "widgets.toml").write_text(registry_text(names), encoding="utf-8")
        (tmp_path / "content").mkdir(exist_ok=True)
        for relative, text in files.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return make
