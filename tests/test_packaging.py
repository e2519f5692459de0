"""The wheel works on its own: built from pyproject.toml (its packages found, not listed),
installed into a clean virtual environment with only its dependencies beside it, it imports
every kernel module and runs both command lines."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from pyodide_kernels.dispatch import kernel_modules, kernel_names
from tests.conftest import REPO

#: What the kernels need at run time, copied from this environment (so no index is asked).
DEPENDENCIES = ("numpy", "numpy.libs", "yaml", "_yaml", "PyYAML")
#: The checkout's top-level folders that hold packages (and so must be in the wheel).
SOURCES = ("pyodide_kernels", "sitebuild", "reference", "build.py")


def run(command: list[str], cwd: Path, **options) -> subprocess.CompletedProcess:
    """A child process that must succeed; its output is in the failure message."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, **options)
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """``pip wheel .`` on a copy of the tracked sources (setuptools writes build/ beside them;
    no index: the locked setuptools builds it)."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    tracked = run(["git", "ls-files", "-z"], cwd=REPO).stdout.split("\0")
    for relative in filter(None, tracked):
        if relative.split("/")[0] in SOURCES or relative in ("pyproject.toml", "README.md"):
            (source / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / relative, source / relative)
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(source)], cwd=out)  # fmt: skip
    return next(out.glob("how_llms_work-*.whl"))


@pytest.fixture(scope="module")
def clean_python(wheel, tmp_path_factory) -> Path:
    """A new venv holding the wheel and, copied in, its dependencies: nothing of the checkout."""
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", str(venv)], cwd=venv)
    python = venv / "bin" / "python"
    target = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                      cwd=venv).stdout.strip())  # fmt: skip
    here = Path(sysconfig.get_path("purelib"))
    for entry in here.iterdir():
        if entry.name.split("-")[0] in DEPENDENCIES:
            copy = shutil.copytree if entry.is_dir() else shutil.copy2
            copy(entry, target / entry.name)
    run([str(python), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)],
        cwd=venv)  # fmt: skip
    return python


def test_the_wheel_holds_every_package_of_the_checkout(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for init in REPO.glob("*/**/__init__.py"):
        relative = init.relative_to(REPO).as_posix()
        if relative.split("/")[0] in SOURCES:
            assert relative in names, relative
    assert "build.py" not in names  # the checkout's command line, not a module to install
    # the byte-compiler runs the archive writer beside it: both ship with the runtime package
    assert {"sitebuild/runtime/compile_pyc.mjs", "sitebuild/runtime/wheel.py"} <= set(names)


def test_the_installed_wheel_imports_every_kernel_and_runs_both_command_lines(clean_python):
    away = clean_python.parent.parent  # not the checkout: nothing can be found there by accident
    modules = json.dumps(kernel_modules())
    found = run([str(clean_python), "-c", f"import importlib, pyodide_kernels; "
                 f"[importlib.import_module(m) for m in {modules}]; "
                 f"print(pyodide_kernels.__file__)"], cwd=away)  # fmt: skip
    assert str(REPO) not in found.stdout
    listed = run([str(clean_python), "-m", "pyodide_kernels", "--list"], cwd=away)
    assert listed.stdout.split() == kernel_names()
    labs = run([str(clean_python), "-m", "pyodide_kernels.labs", "--list"], cwd=away)
    assert "induction" in labs.stdout
    env = {"HLW_DATA_ROOT": str(REPO), "PATH": "/usr/bin:/bin"}
    lab = run([str(clean_python), "-m", "pyodide_kernels.labs", "head-scale", "--set", "scale=1",
               "--tokens", "3", "--json"], cwd=away, env=env)  # fmt: skip
    result = json.loads(lab.stdout)
    assert result["effect"]["base"] == result["effect"]["tweak"]


def test_without_the_data_the_wheel_says_where_it_looked(clean_python, tmp_path):
    done = subprocess.run(
        [str(clean_python), "-m", "pyodide_kernels", "gpt_info"],
        capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode != 0
    assert "HLW_DATA_ROOT" in done.stderr and "traces/model.npz" in done.stderr
