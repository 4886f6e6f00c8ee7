"""QR codes for lot URLs (segno: pure Python, SVG and PNG without Pillow)."""

from __future__ import annotations

import io

import segno

# Level M survives a scuffed label; a URL of ~60 characters still fits version 4-5.
ERROR_LEVEL = "m"
MAX_SCALE = 40


def _code(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=ERROR_LEVEL, boost_error=False)


def svg(url: str) -> bytes:
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="svg", scale=4, border=4, xmldecl=False, svgns=True)
    return buffer.getvalue()


def png(url: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    scale = min(max(scale, 1), MAX_SCALE)
    _code(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
