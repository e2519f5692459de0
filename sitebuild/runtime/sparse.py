"""A memory snapshot stored without its all-zero pages: a third of Pyodide's heap after
``import numpy`` is zeros (36 MB, 24 MB of them not), which the browser would otherwise read from
its cache and copy on every page. The worker puts the runs back (``unpackSnapshot`` in
``static/python/snapshot.js``; ``unpack`` here is its reference).

Example: ``pack(b"ab" + bytes(8190) + b"c", page=4096)`` -> (b"ab" + bytes(4094) + b"c",
[[0, 4096], [8192, 1]]): the middle page is all zeros and left out.
"""

from __future__ import annotations

import numpy as np

#: WebAssembly's memory is committed in 4 KiB pages by the browser, and zero pages cost nothing.
PAGE = 4096


def nonzero_runs(data: bytes, page: int = PAGE) -> list[list[int]]:
    """``[offset, size]`` of each run of consecutive pages of ``data`` that hold a nonzero byte
    (the last page may be short). Example: ``nonzero_runs(bytes(5) + b"x", page=2)`` -> [[4, 2]]
    """
    pages = -(-len(data) // page)
    padded = np.zeros(pages * page, dtype=np.uint8)
    padded[: len(data)] = np.frombuffer(data, dtype=np.uint8)
    used = padded.reshape(pages, page).any(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate([[False], used, [False]]).astype(np.int8)))
    runs = []
    for first, stop in zip(edges[::2], edges[1::2], strict=True):
        offset = int(first) * page
        runs.append([offset, min(int(stop) * page, len(data)) - offset])
    return runs


def pack(data: bytes, page: int = PAGE) -> tuple[bytes, list[list[int]]]:
    """The nonzero runs of ``data`` concatenated, and where each goes back (``nonzero_runs``)."""
    runs = nonzero_runs(data, page)
    return b"".join(data[offset : offset + size] for offset, size in runs), runs


def unpack(packed: bytes, runs: list[list[int]], size: int) -> bytes:
    """``data`` again from ``pack``'s output and its original size.

    Example: ``unpack(b"x", [[4, 1]], 6)`` -> b"\\x00\\x00\\x00\\x00x\\x00"
    """
    data = bytearray(size)
    at = 0
    for offset, length in runs:
        data[offset : offset + length] = packed[at : at + length]
        at += length
    if at != len(packed):
        raise ValueError(f"the runs cover {at} bytes, the packed data has {len(packed)}")
    return bytes(data)
