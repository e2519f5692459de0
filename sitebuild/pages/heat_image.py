"""A heatmap too large for a table of cells, drawn as one small PNG: a pixel per value in the
palette's colours, which the page scales up without smoothing. A 128 × 32 weight matrix is
4,096 table cells with a style each (about 200 kB of HTML and a long layout on a phone) or an
image of a few kilobytes. The browser redraws the same pixels on a canvas (static/page/heatmap.js
``heatImage``) when the kernel runs again.

Example: ``heat_image([[0.0, 1.0]])[:22]`` -> 'data:image/png;base64,'
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence

from .palette import heat_colour, rgb


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type and data.

    Example: ``png_chunk(b"IEND", b"")`` -> b'\\x00\\x00\\x00\\x00IEND\\xaeB`\\x82'
    """
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(pixels: Sequence[Sequence[tuple[int, int, int]]]) -> bytes:
    """An 8-bit RGB PNG of rows of (r, g, b) pixels, each row unfiltered (filter byte 0).

    Example: ``png([[(255, 0, 0)]])[:8]`` -> b'\\x89PNG\\r\\n\\x1a\\n'
    """
    height, width = len(pixels), len(pixels[0])
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes(c for pixel in row for c in pixel) for row in pixels)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows, 9))
        + png_chunk(b"IEND", b"")
    )


def heat_number(value: float | str) -> float:
    """A heat value as the cells read it: the JSON spellings of ±∞ and NaN count as 0."""
    return 0.0 if isinstance(value, str) else float(value)


def heat_image(heat: Sequence[Sequence[float | str]]) -> str:
    """A matrix of heat values in [0, 1] as a ``data:`` URL of its PNG (the page's CSP allows
    ``img-src data:``).

    Example: ``heat_image([[0.0]])`` -> a 1 × 1 PNG of viridis' first colour, #440154
    """
    pixels = [[rgb(heat_colour(heat_number(v))) for v in row] for row in heat]
    return "data:image/png;base64," + base64.b64encode(png(pixels)).decode("ascii")
