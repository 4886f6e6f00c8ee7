"""`flask --app lookup_site labels-benchmark`: time label sheets for the demo example lot.

Builds one 4×10 sheet (40 labels) and a 1,000-label PDF (25 pages) with the same
code the workspace serves, and reports the median time, labels per second and
file size. Each timed run starts cold (the QR and text-width caches are
cleared), so the figures include encoding the code and fitting the text. It
also measures the two QR encoders compared in the README (zxing-cpp only when
installed: it is a test dependency).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import click
import segno
from flask import Flask, current_app
from flask.cli import with_appcontext

from .extensions import db
from .services import labels


@click.command("labels-benchmark")
@click.option("--repeat", default=5, show_default=True, help="Timed runs of each; median shown.")
@with_appcontext
def labels_benchmark_command(repeat: int) -> None:
    """Time one 4×10 label sheet and a 1,000-label PDF for the demo example lot."""
    from .demo import load_demo

    summary = load_demo()
    db.session.commit()
    lot = summary.example_lot
    # Label text comes out in the request's language: Vietnamese, the default.
    with current_app.test_request_context("/?lang=vi"):
        labels.clear_caches()
        start = time.perf_counter()
        labels.sheet_pdf(lot, "4x10")
        first = time.perf_counter() - start
        click.echo(f"lot: {lot.code}, code: {labels.symbol_for(lot).url}")
        click.echo(f"first sheet in this process (loads the fonts): {first * 1000:.1f} ms")
        _report("one 4x10 sheet", 40, repeat, lambda: labels.sheet_pdf(lot, "4x10"))
        _report(
            "1,000 labels (4x10, 25 pages)",
            labels.MAX_LABELS,
            repeat,
            lambda: labels.sheet_pdf(lot, "4x10", labels.MAX_LABELS),
        )
    _report_encoders()


def _report(title: str, count: int, repeat: int, build: Callable[[], bytes]) -> None:
    timings = []
    for _run in range(max(1, repeat)):
        labels.clear_caches()
        start = time.perf_counter()
        pdf = build()
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    click.echo(
        f"{title}: {median * 1000:.1f} ms (median of {len(timings)}), "
        f"{count / median:,.0f} labels/s, {len(pdf) / 1024:.1f} KiB"
    )


def _report_encoders(count: int = 300) -> None:
    urls = [f"https://txng.example.vn/01/09520123450007/10/LOT{n:06d}" for n in range(count)]
    start = time.perf_counter()
    for url in urls:
        segno.make_qr(url, error=labels.ERROR_LEVEL, boost_error=False).matrix  # noqa: B018
    click.echo(f"QR encoding, segno (used): {count / (time.perf_counter() - start):,.0f} codes/s")
    try:
        import zxingcpp
    except ImportError:
        return
    start = time.perf_counter()
    for url in urls:
        code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        code.to_image(scale=1, add_quiet_zones=False)
    elapsed = time.perf_counter() - start
    click.echo(f"QR encoding, zxing-cpp (compared): {count / elapsed:,.0f} codes/s")


def init_app(app: Flask) -> None:
    app.cli.add_command(labels_benchmark_command)
