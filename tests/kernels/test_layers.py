"""The kernels' layers form a DAG, as the folders say: the toy maths never imports the model; the
model imports only the maths; the kernels on the model import the model and the maths; the labs
import all of them; the helpers import nothing of ours. And every kernel module imports only
NumPy and the standard library, so the same files run in the browser.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "pyodide_kernels"
HELPERS = {"_validate", "_assets"}
#: What each part may import of ours (besides itself).
ALLOWED: dict[str, set[str]] = {
    "helpers": set(),
    "runtime_check": set(),
    "maths": {"helpers"},
    "model": {"helpers", "maths"},
    "on_model": {"helpers", "maths", "model"},
    "labs": {"helpers", "maths", "model", "on_model"},
}
#: The package's doors may use everything: the dispatch, the re-exports, any command line, and
#: the reader's edited version of any kernel.
DOORS = {"dispatch", "__main__", "__init__", "edited"}
#: Besides the standard library: NumPy, and PyYAML for the labs' command line (never the page).
THIRD_PARTY = {"numpy"}


def part_of(dotted: str) -> str:
    """The layer of a module named relative to the package. Example: 'maths.bpe' -> 'maths'"""
    top = dotted.split(".")[0]
    return "helpers" if top in HELPERS else top


def imports(path: Path) -> set[str]:
    """What a module imports, as names relative to the package ('maths.softmax') or, for other
    packages, as '!' + the top-level name ('!numpy')."""
    module = path.relative_to(PACKAGE).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(module[: len(module) - node.level])
            target = ".".join(base + ([node.module] if node.module else []))
            names = [f"{target}.{a.name}" if target else a.name for a in node.names]
            found |= {n for n in names} if not node.module else {target}
        elif isinstance(node, ast.ImportFrom):
            found.add(ours_or_other(node.module or ""))
        elif isinstance(node, ast.Import):
            found |= {ours_or_other(a.name) for a in node.names}
    return found


def ours_or_other(name: str) -> str:
    """'pyodide_kernels.maths.bpe' -> 'maths.bpe'; 'numpy.linalg' -> '!numpy'."""
    if name.startswith("pyodide_kernels."):
        return name.removeprefix("pyodide_kernels.")
    return "!" + name.split(".")[0]


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_module_imports_only_the_layers_below_it(path):
    relative = path.relative_to(PACKAGE).with_suffix("")
    if relative.name == "__main__" or (len(relative.parts) == 1 and relative.name in DOORS):
        return
    own = part_of(".".join(relative.parts))
    wrong = sorted(
        target
        for target in imports(path)
        if not target.startswith("!")
        and part_of(target) != own
        and part_of(target) not in ALLOWED[own]
    )
    assert not wrong, f"{relative}: the {own} layer may not import {wrong}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_module_imports_only_numpy_and_the_standard_library(path):
    others = {t[1:] for t in imports(path) if t.startswith("!")}
    allowed = THIRD_PARTY | set(sys.stdlib_module_names) | {"__future__"}
    if path == PACKAGE / "labs" / "__main__.py":
        allowed |= {"yaml"}  # imported only when a --config file is given, never in the page
    assert others <= allowed, f"{path.name} imports {sorted(others - allowed)}"


def test_the_checker_sees_a_wrong_import(tmp_path, monkeypatch):
    """A guard on the guard: a maths module that imports the model is caught."""
    fake = tmp_path / "pyodide_kernels" / "maths"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from ..model import load\nimport torch\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "pyodide_kernels")
    with pytest.raises(AssertionError, match="maths layer may not import"):
        test_a_module_imports_only_the_layers_below_it(fake / "bad.py")
    with pytest.raises(AssertionError, match="torch"):
        test_a_module_imports_only_numpy_and_the_standard_library(fake / "bad.py")
