"""Moved addresses (content/moved.toml): read with their lines, turned into links for the
pages, and checked against the rendered chapters; every mistake is a BuildError at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild.errors import BuildError
from sitebuild.pages.moved import check_moved, load_moved, moved_config

URLS = {"old": "old.html", "new": "new.html"}


def write_moves(tmp_path: Path, text: str) -> list[dict]:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "moved.toml").write_text(text, encoding="utf-8")
    return load_moved(tmp_path / "content" / "moved.toml", tmp_path)


def test_a_move_is_read_with_its_line_and_becomes_a_link(tmp_path):
    moves = write_moves(tmp_path, '# note\n\n[[moved]]\nfrom = "old#part"\nto = "new#part"\n')
    assert moves == [
        {"from": "old#part", "to": "new#part", "path": "content/moved.toml", "line": 4}
    ]
    assert moved_config(moves, URLS, "/site/") == [
        {"from": "old#part", "to": "new#part", "href": "/site/new.html#part"}
    ]
    check_moved(moves, {"old.html": "<p>", "new.html": '<h2 id="part">'}, URLS)


def test_no_file_means_nothing_moved(tmp_path):
    assert load_moved(tmp_path / "moved.toml", tmp_path) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[[moved]]\nfrom = "old"\nto = "new#x"\n', "content/moved.toml:2: expected an address"),
        ('[[moved]]\nfrom = "old#x"\n', "content/moved.toml:2: each [[moved]] has exactly"),
        ("[[moved]\n", "content/moved.toml:1:"),
    ],
)
def test_a_malformed_entry_is_an_error_at_its_line(tmp_path, text, reason):
    with pytest.raises(BuildError, match=reason.replace("[", r"\[")):
        write_moves(tmp_path, text)


def test_a_move_to_nowhere_or_from_a_place_still_there_stops_the_build(tmp_path):
    moves = write_moves(tmp_path, '[[moved]]\nfrom = "old#x"\nto = "new#x"\n')
    with pytest.raises(BuildError, match=r"moved.toml:2: new#x: no such id"):
        check_moved(moves, {"old.html": "", "new.html": '<p id="y">'}, URLS)
    with pytest.raises(BuildError, match=r"moved.toml:2: old#x: still on its chapter"):
        check_moved(moves, {"old.html": '<p id="x">', "new.html": '<p id="x">'}, URLS)
    with pytest.raises(BuildError, match=r"moved.toml:2: gone#x: no chapter 'gone'"):
        moved_config([{**moves[0], "to": "gone#x"}], URLS, "/")
