"""A fixed sample of held-out text for evaluating the shipped model: ``WINDOWS`` windows of
``n_ctx + 1`` tokens (128 inputs and, shifted by one, their 128 next tokens) of the validation
works (reference/corpus.py: every seventh work alphabetically, never trained on).

The windows start at evenly spaced characters of the validation text (the works joined as
``load()`` joins them), at the midpoints of ``WINDOWS`` equal stretches, each moved on to the
next line start; a stretch of ``CHUNK`` characters from there is encoded with the shipped
tokenizer (traces/tokenizer.json) and its first ``n_ctx + 1`` tokens kept. No randomness: the
same corpus gives the same ids. Writes ``traces/heldout.json``: a ``meta`` block
(reference/meta.py), and per window its work, character offset in that work, token ids and text.

``--windows 5 --tokens 513 --out traces/heldout_long.json`` writes longer windows the same way
(512 inputs, four times the training context), for the loss past the context window.

Usage: ``python -m reference.heldout [--windows W] [--tokens N] [--out traces/heldout.json]``.

Example: ``sample(load())[0]["work"]`` -> 'comedy_of_errors'
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .corpus import Corpus, clean, fetch, load
from .meta import ROOT, trace_metadata
from .traces import encoder

WINDOWS = 16
CHUNK = 1200  # characters encoded per window: at 2.3 characters a token, far more than 129
OUT = ROOT / "traces" / "heldout.json"


def work_texts(corpus: Corpus, folder: Path | None = None) -> list[str]:
    """The cleaned text of each validation work, in ``corpus.validation_names`` order; joined
    by newlines they are ``corpus.validation`` (checked)."""
    folder = folder or fetch()
    texts = []
    for name in corpus.validation_names:
        raw = (folder / f"{name}_gut.txt").read_bytes()
        texts.append(clean(raw.decode("utf-8", errors="replace")))
    if "\n".join(texts) != corpus.validation:
        raise RuntimeError("the validation works do not join into the corpus's validation text")
    return texts


def starts(total: int, windows: int = WINDOWS) -> list[int]:
    """Evenly spaced character offsets: the midpoints of ``windows`` equal stretches.

    Example: ``starts(100, 4)`` -> [12, 37, 62, 87]
    """
    return [(2 * i + 1) * total // (2 * windows) for i in range(windows)]


def sample(
    corpus: Corpus,
    windows: int = WINDOWS,
    traces: Path = ROOT / "traces",
    folder: Path | None = None,
    tokens: int | None = None,
) -> list[dict[str, Any]]:
    """The held-out windows: work, offset (characters into that work), ids, text; each of
    ``tokens`` tokens (default n_ctx + 1)."""
    tok = json.loads((traces / "tokenizer.json").read_text())
    n_ctx = json.loads((traces / "model.json").read_text())["config"]["n_ctx"]
    count = tokens or n_ctx + 1
    chunk = max(CHUNK, 5 * count)  # characters: at about 2.3 a token, room to spare
    encode, _ = encoder(tok)
    pieces = [bytes.fromhex(h) for h in tok["tokens"]]
    texts = work_texts(corpus, folder)
    bounds, at = [], 0
    for text in texts:
        bounds.append(at)
        at += len(text) + 1  # the newline that joins two works
    out = []
    for start in starts(len(corpus.validation), windows):
        index = max(i for i, b in enumerate(bounds) if b <= start)
        text = texts[index]
        offset = text.find("\n", start - bounds[index]) + 1  # the next line's start
        if offset == 0 or offset + chunk > len(text):
            raise RuntimeError(
                f"window at {start} runs past the end of {corpus.validation_names[index]}"
            )
        ids = encode(text[offset : offset + chunk])[:count]
        if len(ids) != count:
            raise RuntimeError(f"only {len(ids)} tokens at {start}; raise CHUNK")
        out.append(
            {
                "work": corpus.validation_names[index],
                "offset": offset,
                "ids": ids,
                "text": b"".join(pieces[i] for i in ids).decode("utf-8", errors="replace"),
            }
        )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a fixed sample of held-out windows.")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--windows", type=int, default=WINDOWS)
    parser.add_argument("--tokens", type=int, default=None, help="default n_ctx + 1")
    args = parser.parse_args(argv)
    corpus = load()
    windows = sample(corpus, args.windows, tokens=args.tokens)
    files = [f"{name}_gut.txt" for name in corpus.validation_names]
    meta = trace_metadata(
        "heldout",
        device="cpu",
        dtype="int",
        seed=0,
        split="validation",
        validation_works=corpus.validation_names,
        windows=len(windows),
        tokens_per_window=len(windows[0]["ids"]),
        corpus_sha256={f: corpus.checksums[f] for f in files},
        method="window i starts at the first line start after character (2i+1)/(2W) of the "
        "validation text; its first n_ctx+1 tokens",
    )
    out = Path(args.out)
    out.write_text(json.dumps({"meta": meta, "windows": windows}, ensure_ascii=False) + "\n")
    print("wrote", out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
