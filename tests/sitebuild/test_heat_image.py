"""A heatmap drawn as a PNG holds exactly the palette's colour of each value, a pixel each."""

from __future__ import annotations

import base64
import struct
import zlib

from sitebuild.pages.heat_image import heat_image, png
from sitebuild.pages.palette import heat_colour, rgb


def decode_rgb_png(data: bytes) -> list[list[tuple[int, int, int]]]:
    """An independent reader for the unfiltered 8-bit RGB PNGs ``png`` writes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks[kind] = chunks.get(kind, b"") + body
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2) and b"IEND" in chunks
    raw, stride = zlib.decompress(chunks[b"IDAT"]), 1 + 3 * width
    rows = [raw[r * stride : (r + 1) * stride] for r in range(height)]
    assert all(row[0] == 0 for row in rows)
    return [[tuple(row[1 + 3 * c : 4 + 3 * c]) for c in range(width)] for row in rows]


def test_each_value_is_one_pixel_of_its_palette_colour():
    heat = [[0.0, 0.25, 0.5], [0.75, 1.0, "-Infinity"]]
    url = heat_image(heat)
    assert url.startswith("data:image/png;base64,")
    pixels = decode_rgb_png(base64.b64decode(url.split(",", 1)[1]))
    expected = [[rgb(heat_colour(0.0 if isinstance(v, str) else v)) for v in row] for row in heat]
    assert pixels == expected
    assert pixels[0][0] == (0x44, 0x01, 0x54) and pixels[1][1] == (0xFD, 0xE7, 0x25)


def test_the_same_matrix_gives_the_same_bytes():
    pixels = [[(1, 2, 3), (4, 5, 6)]] * 3
    assert png(pixels) == png([list(row) for row in pixels])
    assert decode_rgb_png(png(pixels)) == [list(row) for row in pixels]
