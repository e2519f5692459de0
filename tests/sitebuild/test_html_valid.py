"""Every page the build writes passes the Nu HTML Checker (vnu.jar from the npm package vnu-jar,
run with the machine's Java), with no error."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from sitebuild.build import BuildConfig, build

VNU_VERSION = "26.9.27"


def vnu_jar(cache: Path) -> Path:
    """vnu.jar out of the npm package, packed once into ``.cache/npm``."""
    jar = cache / f"vnu-{VNU_VERSION}.jar"
    if not jar.is_file():
        folder = cache / "npm"
        folder.mkdir(parents=True, exist_ok=True)
        tarball = folder / f"vnu-jar-{VNU_VERSION}.tgz"
        if not tarball.is_file():
            subprocess.run(
                ["npm", "pack", f"vnu-jar@{VNU_VERSION}", "--silent"],
                cwd=folder,
                check=True,
                capture_output=True,
                timeout=300,
            )
        with tarfile.open(tarball) as archive:
            jar.write_bytes(archive.extractfile("package/build/dist/vnu.jar").read())  # type: ignore[union-attr]
    return jar


@pytest.mark.slow
def test_every_page_is_valid_html(repo, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java (Debian: default-jre-headless)")
    build(BuildConfig(root=repo, out_dir=tmp_path, vendor_runtime=False))
    pages = sorted(str(p) for p in tmp_path.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) >= 5
    done = subprocess.run(
        [
            "java",
            "-jar",
            str(vnu_jar(repo / ".cache")),
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
