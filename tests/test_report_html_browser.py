"""The HTML report in a real headless browser: the screenshot shows the coloured bars.

Skipped when no Chromium is installed (Debian: ``apt-get install chromium``).  The PNG is
decoded with the standard library (zlib) and its pixels counted by colour.
"""

from __future__ import annotations

import importlib.util
import struct
import zlib
from collections import Counter
from pathlib import Path

import pytest

from assistant.report.layout import BAND_COLOURS

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _load_script():
    spec = importlib.util.spec_from_file_location(
        "html_screenshot", ROOT / "bench" / "html_screenshot.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png_pixels(path: Path) -> tuple[int, int, Counter[bytes]]:
    """Width, height and a count of (sampled) pixel colours of an 8-bit RGB/RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, width, height, channels = 8, [], 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            chunks.append(body)
    raw = zlib.decompress(b"".join(chunks))
    stride, bpp = width * channels, channels
    prev = bytearray(stride)
    colours: Counter[bytes] = Counter()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray(map(lambda a, b: (a + b) & 255, line, prev))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for i in range(0, stride, bpp * 2):  # every other pixel is plenty
            colours[bytes(line[i : i + 3])] += 1
        prev = line
    return width, height, colours


def test_the_screenshot_shows_the_bars(tmp_path: Path) -> None:
    script = _load_script()
    browser = script.find_browser()
    if browser is None:
        pytest.skip("no chromium installed")
    html_file = script.write_sample_html(tmp_path / "report.html")
    png = tmp_path / "report.png"
    result = script.screenshot(browser, html_file, png, size="1200,2000")
    assert result.returncode == 0, result.stderr[-2000:]
    width, height, colours = _png_pixels(png)
    assert (width, height) == (1200, 2000)
    counts = {hex_: colours[bytes.fromhex(hex_[1:])] for hex_ in BAND_COLOURS}
    # In the first screen: Outstanding (green), Requires improvement (amber) and Inadequate
    # (red) bars and badges, each well over a few hundred pixels.
    assert counts["#1a7f37"] > 300, counts
    assert counts["#c98a00"] > 300, counts
    assert counts["#c2331f"] > 300, counts
    white = colours[b"\xff\xff\xff"]
    assert white < sum(colours.values()) * 0.95  # not a blank page
