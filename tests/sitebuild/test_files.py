"""The build's file helpers: sweep keeps what it is told and removes the rest, write and
sync_file touch nothing unchanged, and the revision follows reference/meta.py's rules."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sitebuild.files import git_revision, sweep, sync_file, write


def tree(root: Path, names: list[str]) -> Path:
    """Files (and the folders above them) under ``root``, each holding its own name."""
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)
    return root


def test_sweep_removes_files_and_folders_not_kept(tmp_path):
    folder = tree(tmp_path, ["keep.txt", "old.txt", "old/inner.txt", "snapshot/a.bin"])
    assert sweep(folder, keep={"keep.txt", "snapshot"}) == ["old", "old.txt"]
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt", "snapshot"]
    assert (folder / "snapshot" / "a.bin").is_file()  # what is kept keeps all it holds


def test_sweep_touches_only_names_matching_its_pattern(tmp_path):
    folder = tree(tmp_path, ["k-1.whl", "k-2.whl", "numpy.whl", "lock.json"])
    assert sweep(folder, keep={"k-2.whl"}, pattern="k-*.whl") == ["k-1.whl"]
    assert sorted(p.name for p in folder.iterdir()) == ["k-2.whl", "lock.json", "numpy.whl"]


def test_sweep_of_a_missing_folder_removes_nothing(tmp_path):
    assert sweep(tmp_path / "absent", keep=set()) == []
    assert not (tmp_path / "absent").exists()


def test_write_leaves_an_unchanged_file_alone(tmp_path):
    path = tmp_path / "a" / "page.html"
    assert write(path, "<p>é</p>") is True
    os.utime(path, ns=(1, 1))
    assert write(path, "<p>é</p>") is False and path.stat().st_mtime_ns == 1
    assert write(path, b"<p>") is True and path.read_bytes() == b"<p>"


def test_sync_file_copies_once(tmp_path):
    source = tree(tmp_path, ["a.js"]) / "a.js"
    target = tmp_path / "out" / "a.js"
    assert sync_file(source, target) is True and target.read_text() == "a.js"
    assert sync_file(source, target) is False


def test_git_revision_is_overridden_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HLW_GIT_REVISION", "abc1234")
    assert git_revision(tmp_path) == "abc1234"


def test_git_revision_says_dirty_and_unknown(tmp_path, monkeypatch):
    monkeypatch.delenv("HLW_GIT_REVISION", raising=False)
    assert git_revision(tmp_path) == "unknown"  # not a checkout
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    tree(tmp_path, ["a.txt"])
    subprocess.run([*git, "add", "a.txt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a"], check=True)
    clean = git_revision(tmp_path)
    assert len(clean) >= 7 and "+" not in clean
    (tmp_path / "a.txt").write_text("changed")
    assert git_revision(tmp_path) == clean + "+dirty"
