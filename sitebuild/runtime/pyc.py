"""Byte-compiled runtime files: the stdlib zip and the wheels with ``.pyc`` instead of ``.py``,
compiled by Pyodide's own CPython 3.12 running under Node (``compile_pyc.mjs`` beside this
file), so the browser skips compiling Python at start-up (measured: about half the time to a first
result).

Results are cached in ``.cache/pyc/`` under the input's hash: a rebuild compiles nothing it has
compiled before. Without Node the build goes on with the plain files only and says so.

Example: ``compile_archives([stdlib], core, cache)`` -> {stdlib: .cache/pyc/1a2b…-python_stdlib.zip}
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..errors import BuildError

COMPILER = Path(__file__).resolve().parent / "compile_pyc.mjs"
#: The archive writer the compiler runs inside Pyodide (and the build in CPython).
WRITER = Path(__file__).resolve().parent / "wheel.py"
STDLIB_PREFIX = "/lib/python312.zip/"
SITE_PREFIX = "/lib/python3.12/site-packages/"
#: Members left out of the compiled archives (regular expressions on the member's name): what
#: a browser tab never imports or cannot run (processes, sockets, mail, the REPL's help and
#: debuggers; NumPy's C headers, static libraries, type stubs, f2py and the test extension
#: modules). The plain files, the fallback, keep everything. tests/sitebuild/test_runtime.py
#: boots the compiled runtime under Node and imports NumPy and every kernel module.
DROP = (
    r"^(multiprocessing|xmlrpc|wsgiref|concurrent/futures/process)(/|\.pyc$)",
    r"^(pydoc|doctest|pdb|bdb|mailbox|mailcap|smtplib|imaplib|poplib|nntplib|ftplib|telnetlib)\.pyc$",
    r"^(cgi|cgitb|aifc|sunau|wave|sndhdr|imghdr|chunk|xdrlib|uu|pty|tty|crypt|pipes)\.pyc$",
    r"^(tabnanny|pyclbr|modulefinder|zipapp|webbrowser|antigravity|this|__hello__)\.pyc$",
    r"^__phello__/",
    r"^numpy/(f2py|_pyinstaller)/",
    r"^numpy/typing/mypy_plugin\.pyc$",
    r"^numpy/_core/_(rational|umath|operand_flag|struct_ufunc)_tests\.",  # _multiarray_tests stays:
    # NumPy 2.0.2 imports it at start-up (_add_newdocs)
    r"\.(pyi|h|a|pxd|pyx|c|rst|md|txt|template|build|ini|pc|cfg)$",
)


def cached_name(path: Path) -> str:
    """Cache file name for a compiled copy of ``path``: the hash of its content, the compiler,
    the archive writer it runs and the drop list, then its name (a change to any recompiles)."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(COMPILER.read_bytes())
    digest.update(WRITER.read_bytes())
    digest.update("\n".join(DROP).encode())
    return f"{digest.hexdigest()[:16]}-{path.name}"


def node_available() -> bool:
    """Whether Node.js, which runs Pyodide's CPython at build time, is on the PATH."""
    return shutil.which("node") is not None


def compile_archives(archives: list[Path], core_dir: Path, cache_dir: Path) -> dict[Path, Path]:
    """Compiled copies of ``archives`` (zip or wheel), compiling only the ones not cached."""
    folder = cache_dir / "pyc"
    folder.mkdir(parents=True, exist_ok=True)
    outputs = {path: folder / cached_name(path) for path in archives}
    jobs: list[dict[str, Any]] = [
        {
            "input": str(path),
            "output": f"{out}.{os.getpid()}.partial",  # renamed once whole (see below)
            "prefix": STDLIB_PREFIX if path.name == "python_stdlib.zip" else SITE_PREFIX,
            "drop": DROP,
        }
        for path, out in outputs.items()
        if not out.is_file()
    ]
    if jobs:
        done = subprocess.run(
            ["node", str(COMPILER), f"{core_dir.resolve()}/", json.dumps(jobs)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            for job in jobs:
                Path(job["output"]).unlink(missing_ok=True)
            raise BuildError(COMPILER, 0, f"byte-compiling failed: {done.stderr.strip()[-800:]}")
        for out in outputs.values():  # a build beside this one never reads half an archive
            partial = Path(f"{out}.{os.getpid()}.partial")
            if partial.is_file():
                os.replace(partial, out)
    return outputs
