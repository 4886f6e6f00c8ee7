"""QR labels for a lot: the code as SVG, PNG or PDF, and print-ready A4 label sheets.

Every code encodes ``links.lot_qr_url(lot)``: the canonical URL on the configured
public base, with no language in it, because printed labels outlive deployments.

ReportLab writes the PDFs (README, "QR labels", says why). A sheet for one lot
repeats one label, so the code is encoded once, the label is drawn once as a PDF
form XObject, and each position on the sheet only places that form: 1,000 labels
cost little more than one. The QR is drawn as vector rectangles (runs of dark
modules merged along each row, then identical runs merged down the columns), in
one filled path, so it prints sharp at any resolution and rasterises without
seams between modules.
"""

from __future__ import annotations

import io
import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO
from xml.sax.saxutils import escape

import segno
from flask_babel import gettext as _
from PIL import Image, ImageDraw
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .. import paths
from ..errors import InvalidInput
from ..i18n import localized
from ..identifiers import format_public_code
from ..links import lot_qr_url
from ..models import Lot

# Level M survives a scuffed label and keeps a ~70-character URL at version 4-6.
ERROR_LEVEL = "m"
# ISO/IEC 18004 asks for 4 light modules around the symbol; always included.
QUIET_ZONE = 4
# Printed on every label in both languages, whatever the workspace language.
TAGLINE = ("Quét mã để truy xuất nguồn gốc", "Scan to trace origin")

PNG_SIZE_MM = (20, 80)
PNG_DPI = (150, 1200)
DEFAULT_PNG_SIZE_MM = 30
DEFAULT_PNG_DPI = 300
# A module of one pixel smears when printed; two is the least a scanner reads cleanly.
MIN_MODULE_PIXELS = 2
SVG_SIZE_MM = 30
MAX_LABELS = 1000
A4_MM = (210.0, 297.0)

# Label typography (DejaVu Sans Condensed: narrow, full Vietnamese coverage).
FONT_REGULAR = "LabelSans"
FONT_BOLD = "LabelSans-Bold"
_FONT_FILES = {
    FONT_REGULAR: "DejaVuSansCondensed.ttf",
    FONT_BOLD: "DejaVuSansCondensed-Bold.ttf",
}
PAD_MM = 1.5  # from the label's edge: die-cut sheets shift by up to a millimetre
GAP_MM = 0.7  # between text blocks
LEADING = 1.2  # stacked Vietnamese diacritics (Ấ, Ể) need more than the usual 1.15
ASCENT = 0.95  # first baseline below the top of the text box, in ems
PT_MM = 25.4 / 72
CODE_MIN_PT = 4.0  # a 20-character lot code of wide letters on the smallest label


class InvalidLabelRequest(InvalidInput):
    """A label parameter out of range (size, resolution, sheet, count, position)."""

    reason = "invalid_label_request"


class CodeTooSmall(InvalidLabelRequest):
    """At this size and resolution a QR module would be under MIN_MODULE_PIXELS."""

    reason = "qr_too_small"


@dataclass(frozen=True)
class LabelSize:
    """One label, width × height in millimetres."""

    key: str
    width: float
    height: float


@dataclass(frozen=True)
class Grid:
    """An A4 sheet of die-cut labels; every length in millimetres, from the top-left corner."""

    key: str
    columns: int
    rows: int
    label: LabelSize
    left: float
    top: float
    gap_x: float
    gap_y: float
    like: str  # a commercial sheet with this layout, to help producers buy the right one

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def position(self, cell: int) -> tuple[float, float]:
        """Return the top-left corner of cell (0 = top left, row by row) on the sheet."""
        row, column = divmod(cell, self.columns)
        return (
            self.left + column * (self.label.width + self.gap_x),
            self.top + row * (self.label.height + self.gap_y),
        )


def _grid(key, columns, rows, width, height, left, top, gap_x, gap_y, like) -> Grid:
    label = LabelSize(key, width, height)
    return Grid(key, columns, rows, label, left, top, gap_x, gap_y, like)


# Common A4 layouts, centred on the sheet, as their `like` sheets are published; other
# brands' sheets with the same label size and count usually match within the padding.
GRIDS: dict[str, Grid] = {
    grid.key: grid
    for grid in (
        _grid("2x7", 2, 7, 99.1, 38.1, 4.65, 15.15, 2.5, 0.0, "Avery L7163"),
        _grid("3x7", 3, 7, 63.5, 38.1, 7.25, 15.15, 2.5, 0.0, "Avery L7160"),
        _grid("3x8", 3, 8, 63.5, 33.9, 7.25, 12.9, 2.5, 0.0, "Avery L7159"),
        _grid("4x10", 4, 10, 45.7, 25.4, 9.7, 21.5, 2.6, 0.0, "Avery L7654"),
    )
}
DEFAULT_GRID = "4x10"

# Single labels, for thermal roll printers: common roll sizes.
LABEL_SIZES: dict[str, LabelSize] = {
    size.key: size
    for size in (
        LabelSize("50x30", 50.0, 30.0),
        LabelSize("60x40", 60.0, 40.0),
        LabelSize("70x50", 70.0, 50.0),
    )
}
DEFAULT_LABEL_SIZE = "50x30"


# --- the QR symbol ------------------------------------------------------------------


@dataclass(frozen=True)
class QrSymbol:
    """A QR code as dark rectangles on a module grid (quiet zone not included)."""

    url: str
    modules: int  # modules per side
    rectangles: tuple[tuple[int, int, int, int], ...]  # x, y, width, height in modules

    @property
    def modules_with_quiet_zone(self) -> int:
        return self.modules + 2 * QUIET_ZONE


@lru_cache(maxsize=256)
def encode(url: str) -> QrSymbol:
    """Encode url once; sheets, PNGs and SVGs all draw from the result."""
    code = segno.make_qr(url, error=ERROR_LEVEL, boost_error=False)
    rows = [tuple(bool(module) for module in row) for row in code.matrix]
    return QrSymbol(url, len(rows), tuple(_rectangles(rows)))


def _rectangles(rows: list[tuple[bool, ...]]) -> list[tuple[int, int, int, int]]:
    """Merge dark modules into runs per row, then stack identical runs of adjacent rows."""
    finished: list[tuple[int, int, int, int]] = []
    growing: dict[tuple[int, int], list[int]] = {}  # (x, width) -> [x, y, width, height]
    for y, row in enumerate(rows):
        runs = set()
        x, size = 0, len(row)
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.add((start, x - start))
            else:
                x += 1
        for run in [run for run in growing if run not in runs]:
            finished.append(tuple(growing.pop(run)))
        for run in runs:
            if run in growing:
                growing[run][3] += 1
            else:
                growing[run] = [run[0], y, run[1], 1]
    finished.extend(tuple(rect) for rect in growing.values())
    return sorted(finished, key=lambda rect: (rect[1], rect[0]))


def clear_caches() -> None:
    """Forget encoded codes and measured text (for benchmarks that time a cold start)."""
    encode.cache_clear()
    _em_width.cache_clear()


def symbol_for(lot: Lot) -> QrSymbol:
    return encode(lot_qr_url(lot))


# --- SVG and PNG --------------------------------------------------------------------


def qr_svg(lot: Lot) -> bytes:
    """Return the lot's QR code as SVG: one path, 4-module quiet zone on a white square."""
    return _svg(symbol_for(lot)).encode()


def _svg(symbol: QrSymbol) -> str:
    side = symbol.modules_with_quiet_zone
    path = "".join(
        f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h{w}v{h}h-{w}z" for x, y, w, h in symbol.rectangles
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'width="{SVG_SIZE_MM}mm" height="{SVG_SIZE_MM}mm" shape-rendering="crispEdges">'
        f"<title>{escape(symbol.url)}</title>"
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    )


@dataclass(frozen=True)
class PngGeometry:
    """How a code fills size_mm at dpi: whole pixels per module, the rest to the quiet zone."""

    pixels: int  # the image's side: round(size_mm / 25.4 * dpi)
    module_pixels: int  # floor(pixels / modules with quiet zone)
    margin_pixels: int  # left/top light margin: the 4-module quiet zone plus half the rest


def png_geometry(symbol: QrSymbol, size_mm: int, dpi: int) -> PngGeometry:
    """Fit the code, quiet zone included, into size_mm at dpi with whole-pixel modules."""
    # Round the module down, never up, so the code is never larger than asked; the
    # pixels left over (fewer than one per module) widen the quiet zone evenly.
    _check_range(size_mm, PNG_SIZE_MM, "size_mm")
    _check_range(dpi, PNG_DPI, "dpi")
    pixels = round(size_mm / 25.4 * dpi)
    total = symbol.modules_with_quiet_zone
    module = pixels // total
    if module < MIN_MODULE_PIXELS:
        raise CodeTooSmall(
            f"{size_mm} mm at {dpi} dpi gives {module} px per module",
            size_mm=size_mm,
            dpi=dpi,
            module_pixels=module,
        )
    margin = QUIET_ZONE * module + (pixels - total * module) // 2
    return PngGeometry(pixels, module, margin)


def qr_png(lot: Lot, size_mm: int = DEFAULT_PNG_SIZE_MM, dpi: int = DEFAULT_PNG_DPI) -> bytes:
    """Return the lot's QR code as a 1-bit PNG of exactly size_mm at dpi (recorded in the file)."""
    symbol = symbol_for(lot)
    geometry = png_geometry(symbol, size_mm, dpi)
    image = Image.new("1", (geometry.pixels, geometry.pixels), 1)
    draw = ImageDraw.Draw(image)
    unit, origin = geometry.module_pixels, geometry.margin_pixels
    for x, y, w, h in symbol.rectangles:
        left, top = origin + x * unit, origin + y * unit
        draw.rectangle((left, top, left + w * unit - 1, top + h * unit - 1), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=True)
    return buffer.getvalue()


# --- label text and layout ----------------------------------------------------------


@dataclass(frozen=True)
class LabelText:
    name: str
    lot_line: str
    short_code: str
    tagline: tuple[str, str]


def label_text(lot: Lot) -> LabelText:
    """Return what a label says, the product name in the active language."""
    return LabelText(
        name=_nfc(localized(lot.product, "name")),
        lot_line=_nfc(_("Lot: %(code)s", code=lot.code)),
        short_code=format_public_code(lot.public_code),
        tagline=TAGLINE,
    )


def _nfc(text: str) -> str:
    # Typed Vietnamese may arrive decomposed (e + combining marks); the font maps
    # precomposed letters, so compose them to draw each as one glyph.
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class TextLine:
    font: str
    size: float  # points
    x: float  # mm from the label's left edge
    baseline: float  # mm from the label's top edge
    text: str
    block: str = ""  # which text it belongs to: "name", "lot", "code" or "tagline"


@dataclass(frozen=True)
class LabelLayout:
    size: LabelSize
    qr_x: float  # mm, top-left corner of the code's square (quiet zone included)
    qr_y: float
    qr_side: float
    lines: tuple[TextLine, ...]


@dataclass(frozen=True)
class _Block:
    font: str
    base: float  # points per millimetre of text-box height
    cap: float  # the largest size worth using
    floor: float  # the smallest size still legible when printed
    name: str


_NAME = _Block(FONT_BOLD, 0.42, 11.0, 5.5, "name")
_LOT = _Block(FONT_REGULAR, 0.30, 8.0, 5.0, "lot")
_CODE = _Block(FONT_BOLD, 0.36, 10.0, 6.0, "code")
_TAGLINE = _Block(FONT_REGULAR, 0.22, 6.5, 4.2, "tagline")
CODE_FONT = _CODE.font
NAME_MAX_LINES = 4
_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
_NAME_STEP = 0.25  # points


@dataclass(frozen=True)
class _Wrapped:
    block: _Block
    size: float
    lines: tuple[str, ...]

    @property
    def height(self) -> float:
        return self.size * PT_MM * LEADING * len(self.lines)


def layout_label(size: LabelSize, text: LabelText) -> LabelLayout:
    """Place the code on the left and the text beside it, shrinking text until it fits."""
    register_fonts()
    side = min(size.height - 2 * PAD_MM, size.width / 2)
    text_x = PAD_MM + side + GAP_MM
    width = size.width - text_x - PAD_MM
    height = size.height - 2 * PAD_MM
    name, fixed = _fit(text, width, height)
    lines: list[TextLine] = []
    top = PAD_MM
    for wrapped in (name, *fixed[:-1]):
        lines.extend(_place(wrapped, text_x, top))
        top += wrapped.height + GAP_MM
    tagline = fixed[-1]  # at the bottom, whatever the length of the name
    lines.extend(_place(tagline, text_x, size.height - PAD_MM - tagline.height))
    return LabelLayout(size, PAD_MM, (size.height - side) / 2, side, tuple(lines))


def _fit(text: LabelText, width: float, height: float) -> tuple[_Wrapped, list[_Wrapped]]:
    """Size the codes and tagline first, then give the name the largest size that fits."""
    # The name is what a shopper reads first, so it keeps the largest size the rest
    # leaves room for (in up to four lines); only below its legible floor do the other
    # blocks shrink too, and only below theirs is the name cut with an ellipsis.
    for scale in _SCALES:
        fixed = [
            _one_line(_LOT, _scaled(_LOT, height, scale), text.lot_line, width),
            _one_line(_CODE, _scaled(_CODE, height, scale), text.short_code, width, hyphens=True),
            _wrapped(_TAGLINE, _scaled(_TAGLINE, height, scale), _tagline(text), width),
        ]
        room = height - sum(block.height for block in fixed) - GAP_MM * len(fixed)
        name_size = _scaled(_NAME, height, 1.0)
        while name_size >= _NAME.floor:
            name = _wrapped(_NAME, name_size, [text.name], width, balance=False)
            if len(name.lines) <= NAME_MAX_LINES and name.height <= room:
                return _wrapped(_NAME, name_size, [text.name], width), fixed
            name_size -= _NAME_STEP
    # Even the smallest sizes leave the name too long: keep the lines there is room for.
    lines_fit = max(1, min(NAME_MAX_LINES, int(room / (_NAME.floor * PT_MM * LEADING))))
    name = _wrapped(_NAME, _NAME.floor, [text.name], width, balance=False)
    return _Wrapped(_NAME, _NAME.floor, _truncate(name, lines_fit, width)), fixed


def _scaled(block: _Block, height: float, scale: float) -> float:
    return max(block.floor, round(min(block.cap, block.base * height) * scale, 2))


def _tagline(text: LabelText) -> list[str]:
    # Break after the Vietnamese half when it must break, so each language reads alone.
    first, second = text.tagline
    return [f"{first} / {second}", f"{first} /", second]


def _wrapped(
    block: _Block, size_pt: float, parts: list[str], width: float, balance: bool = True
) -> _Wrapped:
    """Wrap text at size_pt; parts after the first are fallbacks broken into halves."""
    wrap = _balanced if balance else _wrap
    whole, *halves = parts
    if halves and _width(whole, block.font, size_pt) > width:
        lines = [line for half in halves for line in wrap(half, block.font, size_pt, width)]
    else:
        lines = wrap(whole, block.font, size_pt, width)
    return _Wrapped(block, size_pt, tuple(lines))


def _one_line(
    block: _Block, size_pt: float, text: str, width: float, hyphens: bool = False
) -> _Wrapped:
    """Shrink a code's line to fit the width; failing that, break it at spaces only.

    With hyphens, as in a short code, whose hyphens are layout only (typed or not, the
    code reads the same), it may break after a hyphen too: K7QM-4XZ2- / 7HG3KQ9M2XTB.
    """
    # A code broken inside is misread, so below the floor the line is split between
    # its words ("Lot:" / "A-VERY-LONG-CODE") at a size where the longest word fits,
    # down to CODE_MIN_PT; only a code wider than that is broken between letters.
    natural = _width(text, block.font, size_pt)
    if natural <= width:
        return _wrapped(block, size_pt, [text], width)
    fitted = _quarter_points(size_pt * width / natural)
    if fitted >= block.floor:
        return _wrapped(block, fitted, [text], width)
    words = _HYPHENATED.findall(text) if hyphens else text.split()
    longest = max(_width(word, block.font, 1.0) for word in words)
    size_pt = max(CODE_MIN_PT, min(block.floor, _quarter_points(width / longest)))
    if hyphens:
        lines = _wrap_after_hyphens(words, block.font, size_pt, width)
        return _Wrapped(block, size_pt, tuple(lines))
    return _wrapped(block, size_pt, [text], width, balance=False)


# The pieces of a code that may end a line: up to and including each hyphen.
_HYPHENATED = re.compile(r"[^-]*-+|[^-]+")


def _wrap_after_hyphens(pieces: list[str], font: str, size_pt: float, width: float) -> list[str]:
    """Join pieces into as few lines as fit width; a piece too wide is broken between letters."""
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and _width(current + piece, font, size_pt) > width:
            lines.append(current)
            current = ""
        current += piece
    lines.append(current)
    return [part for line in lines for part in _wrap(line, font, size_pt, width)]


def _quarter_points(size_pt: float) -> float:
    return math.floor(size_pt * 4) / 4


def _place(wrapped: _Wrapped, x: float, top: float):
    for number, line in enumerate(wrapped.lines):
        baseline = top + wrapped.size * PT_MM * (ASCENT + number * LEADING)
        yield TextLine(wrapped.block.font, wrapped.size, x, baseline, line, wrapped.block.name)


def _width(text: str, font: str, size_pt: float) -> float:
    return _em_width(text, font) * size_pt * PT_MM


@lru_cache(maxsize=4096)
def _em_width(text: str, font: str) -> float:
    # Fitting tries many sizes with the same words: measure each string once, at 1 pt.
    return pdfmetrics.stringWidth(text, font, 1.0)


def _balanced(text: str, font: str, size_pt: float, width: float) -> list[str]:
    """Wrap text in as few lines as fit width, then as evenly as that many lines allow."""
    lines = _wrap(text, font, size_pt, width)
    if len(lines) < 2:
        return lines
    # Narrow the measure while the line count holds (never below the widest word,
    # which would break words that fit whole): "Quét mã để truy xuất / nguồn gốc"
    # rather than "Quét mã để truy xuất nguồn / gốc".
    low = min(width, max(_width(word, font, size_pt) for word in text.split()))
    high = width
    for _step in range(12):
        middle = (low + high) / 2
        if len(_wrap(text, font, size_pt, middle)) == len(lines):
            high = middle
        else:
            low = middle
    return _wrap(text, font, size_pt, high)


def _wrap(text: str, font: str, size_pt: float, width: float) -> list[str]:
    """Break text into lines at spaces; a word wider than a line is broken between letters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _width(candidate, font, size_pt) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while _width(current, font, size_pt) > width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and _width(current[:cut], font, size_pt) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines or [""]


def _truncate(wrapped: _Wrapped, count: int, width: float) -> tuple[str, ...]:
    """Keep count lines, ending the last with an ellipsis."""
    if len(wrapped.lines) <= count:
        return wrapped.lines
    kept = list(wrapped.lines[:count])
    last = kept[-1]
    while last and _width(last + "…", wrapped.block.font, wrapped.size) > width:
        # Drop whole words while there are several: "đặc biệt…", not "đặc biệt Nư…".
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    kept[-1] = last.rstrip() + "…"
    return tuple(kept)


_font_lock = threading.Lock()


def register_fonts() -> None:
    """Load the bundled TTFs into ReportLab once per process (a core PDF font has no ắ)."""
    if FONT_BOLD in pdfmetrics.getRegisteredFontNames():
        return
    with _font_lock:
        for name, filename in _FONT_FILES.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(paths.PACKAGE_DIR / "fonts" / filename)))


# --- PDFs ---------------------------------------------------------------------------


def label_pdf(lot: Lot, size_key: str = DEFAULT_LABEL_SIZE) -> bytes:
    """Return a one-page PDF the size of one label (thermal roll printers)."""
    size = LABEL_SIZES.get(size_key)
    if size is None:
        raise InvalidLabelRequest(f"no label size {size_key!r}", field="label_size")
    pdf = _start_pdf(lot, (size.width, size.height), size)
    pdf.canvas.doForm(pdf.form)
    return pdf.finish()


def sheet_pdf(
    lot: Lot, grid_key: str = DEFAULT_GRID, count: int | None = None, skip: int = 0
) -> bytes:
    """Return A4 pages of labels: count labels (default: the rest of one sheet) after skip."""
    grid = GRIDS.get(grid_key)
    if grid is None:
        raise InvalidLabelRequest(f"no sheet layout {grid_key!r}", field="grid")
    if not 0 <= skip < grid.per_sheet:
        raise InvalidLabelRequest(f"skip {skip} outside the sheet", field="start")
    if count is None:
        count = grid.per_sheet - skip
    _check_range(count, (1, MAX_LABELS), "count")
    pdf = _start_pdf(lot, A4_MM, grid.label)
    canvas = pdf.canvas
    page_height = A4_MM[1]
    page = 0
    for index in range(skip, skip + count):
        sheet, cell = divmod(index, grid.per_sheet)
        if sheet != page:
            canvas.showPage()
            page = sheet
        left, top = grid.position(cell)
        canvas.saveState()
        canvas.translate(left * mm, (page_height - top - grid.label.height) * mm)
        canvas.doForm(pdf.form)
        canvas.restoreState()
    return pdf.finish()


@dataclass
class _Pdf:
    canvas: Canvas
    buffer: io.BytesIO
    form: str = "label"

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def _start_pdf(lot: Lot, page_mm: tuple[float, float], size: LabelSize) -> _Pdf:
    """Open a PDF and draw the lot's label once, as a form every position can place."""
    text = label_text(lot)
    layout = layout_label(size, text)
    buffer = io.BytesIO()
    canvas = open_canvas(buffer, page_mm, f"{text.name} – {lot.code}", lot_qr_url(lot))
    pdf = _Pdf(canvas, buffer)
    canvas.beginForm(pdf.form, 0, 0, size.width * mm, size.height * mm)
    _draw_label(canvas, layout, symbol_for(lot))
    canvas.endForm()
    return pdf


def open_canvas(out: BinaryIO, page_mm: tuple[float, float], title: str, subject: str) -> Canvas:
    """Open a PDF of pages page_mm in size that draws text in the bundled fonts only."""
    register_fonts()
    canvas = Canvas(
        out,
        pagesize=(page_mm[0] * mm, page_mm[1] * mm),
        invariant=True,  # same lot, same bytes: no creation date or random document id
        pageCompression=1,
        initialFontName=FONT_REGULAR,  # else Helvetica is declared, though never drawn
    )
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setCreator("lookup-site")
    return canvas


def _draw_label(canvas: Canvas, layout: LabelLayout, symbol: QrSymbol) -> None:
    height = layout.size.height
    module = layout.qr_side / symbol.modules_with_quiet_zone
    left = layout.qr_x + QUIET_ZONE * module
    top = layout.qr_y + QUIET_ZONE * module
    path = canvas.beginPath()
    for x, y, w, h in symbol.rectangles:
        bottom = height - (top + (y + h) * module)
        path.rect((left + x * module) * mm, bottom * mm, w * module * mm, h * module * mm)
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
    draw_lines(canvas, height, layout.lines)


def draw_lines(canvas: Canvas, label_height: float, lines: Iterable[TextLine]) -> None:
    """Draw laid-out lines on a label whose bottom-left corner is the canvas origin."""
    for line in lines:
        canvas.setFont(line.font, line.size)
        canvas.drawString(line.x * mm, (label_height - line.baseline) * mm, line.text)


def _check_range(value: int, bounds: tuple[int, int], field: str) -> None:
    low, high = bounds
    if not isinstance(value, int) or not low <= value <= high:
        raise InvalidLabelRequest(f"{field} {value!r} outside {low}-{high}", field=field)


# --- for the page and downloads -----------------------------------------------------


@dataclass(frozen=True)
class LabelOverview:
    url: str
    short_code: str
    svg: str
    modules: int


def overview(lot: Lot) -> LabelOverview:
    """Return what the labels page shows: the encoded URL, the short code, a preview."""
    symbol = symbol_for(lot)
    return LabelOverview(
        symbol.url, format_public_code(lot.public_code), _svg(symbol), symbol.modules
    )


def download_name(lot: Lot, kind: str, *details: object) -> str:
    """Return an ASCII file name from the short code, e.g. K7QM4XZ2-sheet-4x10-40.pdf."""
    stem = "-".join([lot.public_code, *(str(detail) for detail in details)])
    return f"{stem}.{kind}"
