"""Every page the build writes passes the Nu HTML Checker (vnu.jar from the npm package
vnu-jar, locked in package-lock.json and installed by ``make test``, run with the machine's
Java), with no error."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from sitebuild.build import BuildConfig, build
from tests.conftest import REPO

VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.slow
def test_every_page_is_valid_html(repo, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java (Debian: default-jre-headless)")
    if not VNU_JAR.is_file():
        pytest.skip("the Nu HTML Checker is the npm package vnu-jar: `make test` installs it")
    build(BuildConfig(root=repo, out_dir=tmp_path, vendor_runtime=False))
    pages = sorted(str(p) for p in tmp_path.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) >= 5
    done = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "text",
            *pages,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr + done.stdout
