"""Item QR codes as PDF drawing operators: the part of item-code sheets that worker processes run.

A sheet of item codes (serial_labels) has a different code on every label, and
encoding them is what costs. This module does only that, from plain URL strings
to a page's compressed PDF content stream, so that a process pool can run it: it
imports neither Flask nor the database, and no worker ever touches either.

zxing-cpp encodes (its C++ writer is some thirty times faster than segno, which
is pure Python, and picks the smallest symbol for the URL by mixing modes). Each
code is drawn as one path of rectangles, one per run of dark modules in a row,
filled once: one fill of the whole path leaves no seams between rows when it is
rasterised, and rows alone compress better than runs merged down the columns.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import zxingcpp

_DARK_RUN = re.compile(rb"\x00+")  # zxing-cpp's bitmaps: 0 dark, 255 light


@dataclass(frozen=True)
class PageOfCodes:
    """What a worker needs to draw one page's codes; picklable, and nothing more."""

    urls: tuple[str, ...]
    # Top-left corner of each code's square, quiet zone included, in PDF points
    # from the page's bottom-left corner (y upwards).
    corners: tuple[tuple[float, float], ...]
    side: float  # the square's side in points
    error_level: str  # "L", "M", "Q" or "H"
    quiet_zone: int  # light modules around the symbol, inside the square


def draw_page(page: PageOfCodes) -> bytes:
    """Return the page's codes as a zlib-compressed PDF content stream (dark rectangles)."""
    parts = ["0 g\n"]
    for url, (left, top) in zip(page.urls, page.corners, strict=True):
        modules, runs = symbol_runs(url, page.error_level, page.quiet_zone)
        module = page.side / modules
        # Module units, y downwards from the square's top-left corner, as the code is read.
        parts.append(f"q {module:.4f} 0 0 {-module:.4f} {left:.3f} {top:.3f} cm\n{runs}f\nQ\n")
    return zlib.compress("".join(parts).encode("ascii"))


def symbol_runs(url: str, error_level: str, quiet_zone: int) -> tuple[int, str]:
    """Encode url; return the modules per side (quiet zone included) and its dark runs.

    Each run is a PDF rectangle ``x y width 1 re``, in modules from the top-left
    corner of the square the quiet zone surrounds the symbol with.
    """
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=error_level)
    # With its quiet zone, each row of the bitmap starts and ends light, so a run of
    # dark bytes found in the whole buffer never continues onto the next row.
    image = code.to_image(scale=1, add_quiet_zones=True)
    width = image.shape[1]
    pixels = bytes(memoryview(image))
    # The finder pattern's top-left module is always dark: it says how wide a quiet
    # zone zxing-cpp added, and so how far to shift to get the one asked for.
    margin, left = divmod(pixels.find(0), width)
    if margin != left or margin < 1:
        raise ValueError(f"unexpected QR bitmap for {url!r}: first dark module at {left},{margin}")
    shift = quiet_zone - margin
    values: list[int] = []
    for run in _DARK_RUN.finditer(pixels):
        y, x = divmod(run.start(), width)
        values += (x + shift, y + shift, run.end() - run.start())
    runs = ("%d %d %d 1 re\n" * (len(values) // 3)) % tuple(values)
    return width - 2 * margin + 2 * quiet_zone, runs
