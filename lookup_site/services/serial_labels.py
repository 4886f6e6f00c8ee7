"""Label sheets for item codes (GS1 AI 21): every label its own QR code, 100,000 to a PDF.

A lot's sheet (labels.sheet_pdf) repeats one label. Here each item's label carries
its own code, and encoding 100,000 codes is the cost, so the work is split:

- worker processes (serial_qr) encode a page's codes and send them back as one
  compressed PDF content stream; they get URL strings only, never the app or the
  database, and run while this process writes the pages before;
- this process reads the serials in chunks, lays out the text and writes the PDF
  with ReportLab, in labels.py's grids, sizes, layout and fonts. The text every
  label shares (name, lot, tagline) is drawn once, as a form; only the item code
  is drawn on each label.

The item code is set at one size, broken at one place, on every label of a sheet:
the layout is fitted to the lot's widest code, found in a first pass over the serials.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any, BinaryIO

from flask import current_app, has_app_context
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from .. import identifiers
from ..errors import InvalidInput
from ..extensions import db
from ..identifiers.public_code import ALPHABET
from ..models import Lot, Serial
from . import labels, serials
from .serial_qr import PageOfCodes, draw_page

Progress = Callable[[int, int], None]

_CHUNK = 2000  # serials read per query
_PAGES_AHEAD = 3  # pages queued per worker, so that none waits while a page is written
_SHARED_TEXT = "shared-text"  # the form with what every label of the sheet says
BENCHMARK_URL_PREFIX = "https://txng.example.vn/01/08938505974010/10/CH2023-01/21/"


class LotHasNoSerials(InvalidInput):
    """Item-code labels were asked for a lot that has no item codes yet."""

    reason = "lot_has_no_serials"


@dataclass(frozen=True)
class _Items:
    """The serials to print: read once to fit the text, once to draw the labels."""

    total: int
    serials: Callable[[], Iterator[str]]
    url_prefix: str  # every item's URL, less its percent-encoded serial
    lot_code: str  # the lot's short code, which every item code starts with


def write_serial_sheets(
    lot: Lot,
    out: BinaryIO,
    grid_key: str = labels.DEFAULT_GRID,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
) -> int:
    """Write A4 sheets with a label for each of the lot's items to out; return the count.

    Labels follow the order the serials were issued in. progress(done, total) is
    called as pages are written. workers: processes encoding the codes (default
    LABEL_WORKERS, else one per CPU core); 1 encodes them in this process.
    """
    grid = _grid(grid_key)
    total, last_id = db.session.execute(
        select(func.count(Serial.id), func.max(Serial.id)).where(Serial.lot_id == lot.id)
    ).one()
    if not total:
        raise LotHasNoSerials(f"lot {lot.id} has no item codes", lot=lot.code)
    # One valid URL built in full; the rest only append their serial (see serials_csv).
    base = current_app.config["PUBLIC_BASE_URL"]
    url_prefix = serials._item_url(base, lot, "0").removesuffix("0")
    items = _Items(
        total,
        lambda: _serials_of(lot.id, last_id),
        url_prefix,
        identifiers.format_public_code(lot.public_code),
    )
    text = labels.label_text(lot)
    title = f"{text.name} – {lot.code}"
    return _write(out, grid, text, items, title, progress, _worker_count(workers))


def benchmark(count: int = 100_000, workers: int | None = None) -> dict[str, Any]:
    """Time a 4×10 sheet PDF of count made-up items, without a database; report the rate."""
    if count < 1:
        raise ValueError(f"count {count} < 1: nothing to time")
    workers = _worker_count(workers)
    rng = random.Random(21)
    made_up = ["".join(rng.choices(ALPHABET, k=serials.SERIAL_LENGTH)) for _ in range(count)]
    items = _Items(count, lambda: iter(made_up), BENCHMARK_URL_PREFIX, "K7QM-4XZ2")
    text = labels.LabelText(
        name="Nước mắm cá cơm Cát Hải",
        lot_line="Lô: CH2023-01",
        short_code="",
        tagline=labels.TAGLINE,
    )
    grid = labels.GRIDS[labels.DEFAULT_GRID]
    out = io.BytesIO()
    start = time.perf_counter()
    written = _write(out, grid, text, items, "benchmark", None, workers)
    seconds = time.perf_counter() - start
    return {
        "labels": written,
        "seconds": round(seconds, 3),
        "labels_per_second": round(written / seconds, 1),
        "workers": workers,
        "bytes": out.getbuffer().nbytes,
    }


def _grid(grid_key: str) -> labels.Grid:
    grid = labels.GRIDS.get(grid_key)
    if grid is None:
        raise labels.InvalidLabelRequest(f"no sheet layout {grid_key!r}", field="grid")
    return grid


def _worker_count(workers: int | None) -> int:
    if workers is None and has_app_context():
        workers = current_app.config.get("LABEL_WORKERS")
    return max(1, workers or os.cpu_count() or 1)


def _serials_of(lot_id: int, last_id: int) -> Iterator[str]:
    """Yield the lot's serials in issue order, a chunk per query.

    Short queries rather than one long cursor: nothing stays open on the database
    while a hundred thousand labels are drawn.
    """
    after = 0
    while True:
        rows = db.session.execute(
            select(Serial.id, Serial.serial)
            .where(Serial.lot_id == lot_id, Serial.id > after, Serial.id <= last_id)
            .order_by(Serial.id)
            .limit(_CHUNK)
        ).all()
        for row in rows:
            yield row.serial
        if len(rows) < _CHUNK:
            return
        after = rows[-1].id


# --- the sheet ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    """A sheet's layout, fitted to the widest item code, and where its codes go."""

    grid: labels.Grid
    text: labels.LabelText
    layout: labels.LabelLayout
    shared_lines: tuple[labels.TextLine, ...]  # name, lot and tagline: the same on every label
    code_lines: tuple[labels.TextLine, ...]  # the widest item code, as the layout broke it
    corners: tuple[tuple[float, float], ...]  # each cell's code square, top left, in points
    lot_code: str
    widest: str  # the serial whose code is widest in the code's font

    def code_lines_for(self, serial: str) -> tuple[labels.TextLine, ...] | None:
        """Return the item's code broken where the widest is; None where it would not fit."""
        if len(serial) != len(self.widest):
            return None
        code = f"{self.lot_code}-{serial}"
        lines = []
        start = 0
        for line in self.code_lines:
            lines.append(replace(line, text=code[start : start + len(line.text)]))
            start += len(line.text)
        # A line that holds the whole serial fits, as no serial is wider than the widest;
        # only where the serial itself was broken must each piece be measured.
        if not self.serial_on_one_line and not all(map(self._fits, lines)):
            return None
        return tuple(lines)

    @property
    def serial_on_one_line(self) -> bool:
        return len(self.code_lines[-1].text) >= len(self.widest)

    def _fits(self, line: labels.TextLine) -> bool:
        width = pdfmetrics.stringWidth(line.text, line.font, line.size) * labels.PT_MM
        return line.x + width <= self.grid.label.width - labels.PAD_MM + 1e-6


def _sheet(grid: labels.Grid, text: labels.LabelText, items: _Items) -> _Sheet:
    labels.register_fonts()
    widest = max(items.serials(), key=_code_width)
    layout = labels.layout_label(grid.label, replace(text, short_code=f"{items.lot_code}-{widest}"))
    page_height = labels.A4_MM[1]
    corners = tuple(
        ((left + layout.qr_x) * mm, (page_height - top - layout.qr_y) * mm)
        for left, top in map(grid.position, range(grid.per_sheet))
    )
    return _Sheet(
        grid=grid,
        text=text,
        layout=layout,
        shared_lines=tuple(line for line in layout.lines if line.block != "code"),
        code_lines=tuple(line for line in layout.lines if line.block == "code"),
        corners=corners,
        lot_code=items.lot_code,
        widest=widest,
    )


def _code_width(serial: str) -> float:
    return pdfmetrics.stringWidth(serial, labels.CODE_FONT, 1.0)


def _write(
    out: BinaryIO,
    grid: labels.Grid,
    text: labels.LabelText,
    items: _Items,
    title: str,
    progress: Progress | None,
    workers: int,
) -> int:
    """Draw the items' labels in the grid, pages of codes from the workers; return the count."""
    sheet = _sheet(grid, text, items)
    canvas = labels.open_canvas(out, labels.A4_MM, title, items.url_prefix)
    size = grid.label
    canvas.beginForm(_SHARED_TEXT, 0, 0, size.width * mm, size.height * mm)
    labels.draw_lines(canvas, size.height, sheet.shared_lines)
    canvas.endForm()
    report = progress or _ignore
    report(0, items.total)
    pages = -(-items.total // grid.per_sheet)
    done = 0
    with _pool(min(workers, pages)) as executor:
        for number, (serials_on_page, stream) in enumerate(
            _drawn(_pages(sheet, items), executor, workers * _PAGES_AHEAD), start=1
        ):
            _write_page(canvas, sheet, f"codes-{number}", serials_on_page, stream)
            done += len(serials_on_page)
            report(done, items.total)
    canvas.save()
    return done


def _ignore(done: int, total: int) -> None:
    pass


def _pages(sheet: _Sheet, items: _Items) -> Iterator[tuple[list[str], PageOfCodes]]:
    """Yield each page's serials with what a worker needs to draw their codes."""
    per_sheet = sheet.grid.per_sheet
    side = sheet.layout.qr_side * mm
    level = labels.ERROR_LEVEL.upper()
    remaining = items.serials()
    while True:
        batch = list(islice(remaining, per_sheet))
        if not batch:
            return
        urls = tuple(items.url_prefix + identifiers.percent_encode(serial) for serial in batch)
        corners = sheet.corners[: len(batch)]
        yield batch, PageOfCodes(urls, corners, side, level, labels.QUIET_ZONE)


@contextmanager
def _pool(workers: int) -> Iterator[Executor | None]:
    """A pool of worker processes, or None to draw in this one."""
    if workers < 2:
        yield None
        return
    # Fresh interpreters: a fork would copy the app's database connections, and the
    # threads of a job runner, into every worker. Like any spawning program, the one
    # that calls this must keep its main module's work under `if __name__ == "__main__"`
    # (flask, gunicorn, rq and pytest do).
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _drawn(
    pages: Iterable[tuple[list[str], PageOfCodes]], executor: Executor | None, ahead: int
) -> Iterator[tuple[list[str], bytes]]:
    """Yield each page with its drawn codes, in order, keeping up to ahead pages in the pool."""
    if executor is None:
        for serials_on_page, codes in pages:
            yield serials_on_page, draw_page(codes)
        return
    pending: deque[tuple[list[str], Future[bytes]]] = deque()
    for serials_on_page, codes in pages:
        pending.append((serials_on_page, executor.submit(draw_page, codes)))
        if len(pending) >= ahead:
            waiting, future = pending.popleft()
            yield waiting, future.result()
    while pending:
        waiting, future = pending.popleft()
        yield waiting, future.result()


def _write_page(
    canvas: Canvas, sheet: _Sheet, name: str, serials_on_page: list[str], codes: bytes
) -> None:
    _add_compressed_form(canvas, name, codes)
    canvas.doForm(name)
    height = sheet.grid.label.height
    page_height = labels.A4_MM[1]
    for cell, serial in enumerate(serials_on_page):
        left, top = sheet.grid.position(cell)
        canvas.saveState()
        canvas.translate(left * mm, (page_height - top - height) * mm)
        code_lines = sheet.code_lines_for(serial)
        if code_lines is None:
            # A serial unlike the widest (another length, or broken between letters
            # elsewhere): this label is laid out on its own.
            code = f"{sheet.lot_code}-{serial}"
            own = labels.layout_label(sheet.grid.label, replace(sheet.text, short_code=code))
            labels.draw_lines(canvas, height, own.lines)
        else:
            canvas.doForm(_SHARED_TEXT)
            labels.draw_lines(canvas, height, code_lines)
        canvas.restoreState()
    canvas.showPage()


def _add_compressed_form(canvas: Canvas, name: str, stream: bytes) -> None:
    """Add a page-sized form XObject whose content is a stream compressed already."""
    # ReportLab compresses content itself when it saves the document, in this one
    # process; the pages of codes come compressed from the workers, so their streams
    # are declared FlateDecode and written as they are.
    width, height = canvas._pagesize
    form = pdfdoc.PDFFormXObject(0, 0, width, height)
    dictionary = pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])})
    form.Contents = pdfdoc.PDFStream(dictionary, stream)
    canvas._doc.addForm(name, form)
