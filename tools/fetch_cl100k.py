"""Write data/cl100k_base.tiktoken (GPT-4's BPE ranks) from the npm package js-tiktoken, offline
from any model host, and check it is byte-identical to OpenAI's file.

js-tiktoken ships the ranks compressed: lines of "<marker> <first rank> <b64> <b64> …", each
base64 token taking the next rank. Rewritten as "<b64> <rank>" lines sorted by rank, the result
has the sha256 that tiktoken itself checks for cl100k_base.

Usage: python tools/fetch_cl100k.py   (downloads with npm into .cache/npm once)
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "js-tiktoken@1.0.21"
MEMBER = "package/dist/ranks/cl100k_base.js"
EXPECTED_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
TARGET = ROOT / "data" / "cl100k_base.tiktoken"


def unpack_ranks(compressed: str) -> list[tuple[str, int]]:
    """(base64 token, rank) pairs from js-tiktoken's compressed form, sorted by rank.

    Example: ``unpack_ranks("! 0 IQ== Ig==")`` -> [('IQ==', 0), ('Ig==', 1)]
    """
    pairs = []
    for line in compressed.split("\n"):
        if not line:
            continue
        _, offset, *tokens = line.split(" ")
        pairs += [(token, int(offset) + i) for i, token in enumerate(tokens)]
    return sorted(pairs, key=lambda pair: pair[1])


def main() -> int:
    folder = ROOT / ".cache" / "npm"
    folder.mkdir(parents=True, exist_ok=True)
    tarball = folder / "js-tiktoken-1.0.21.tgz"
    if not tarball.is_file():
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True)
    with tarfile.open(tarball) as archive:
        source = archive.extractfile(MEMBER).read().decode()  # type: ignore[union-attr]
    table = json.loads(source[source.index("{") : source.rindex("}") + 1])
    text = "".join(f"{token} {rank}\n" for token, rank in unpack_ranks(table["bpe_ranks"]))
    digest = hashlib.sha256(text.encode()).hexdigest()
    if digest != EXPECTED_SHA256:
        print(f"sha256 {digest} is not OpenAI's {EXPECTED_SHA256}", file=sys.stderr)
        return 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text):,} bytes, sha256 {digest[:8]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
