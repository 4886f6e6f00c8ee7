"""`flask --app lookup_site serials …` and `… jobs worker`: item codes from the command line.

The commands run the same functions as the background jobs, in the foreground,
with a progress bar: a print shop's operator can issue 100,000 codes and draw their
label sheets on the server without a browser.
"""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from . import identifiers
from .errors import DomainError
from .extensions import db
from .models import Lot, Serial
from .services import jobs, labels, serial_jobs, serials


@click.group("serials")
def serials_group() -> None:
    """Issue item codes (GS1 AI 21) for a lot and draw their label sheets."""


class LotCode(click.ParamType):
    """A lot named by its short code, as printed under its QR code (e.g. K7QM-4XZ2)."""

    name = "LOT"

    def convert(self, value, param, ctx) -> Lot:
        try:
            code = identifiers.normalize_public_code(value)
        except identifiers.IdentifierError:
            self.fail(f"{value!r} is not a lot short code (e.g. K7QM-4XZ2)", param, ctx)
        lot = db.session.scalar(select(Lot).where(Lot.public_code == code))
        if lot is None:
            self.fail(f"no lot has the short code {value!r}", param, ctx)
        return lot


class _Bar:
    """A progress callback drawing a click progress bar of the job's own total."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@serials_group.command("generate")
@click.argument("lot", type=LotCode())
@click.option("--count", type=int, required=True, help=f"1 to {serials.MAX_SERIALS:,}.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the issued codes as CSV for the print house.",
)
@with_appcontext
def generate_command(lot: Lot, count: int, csv_path: Path | None) -> None:
    """Issue COUNT new item codes for LOT (its short code)."""
    bar = _Bar("Issuing item codes")
    try:
        stamp = serial_jobs.issue_in_chunks(lot, count, bar)
    except serials.SerialQuantityOutOfRange as error:
        # The operator typed the count: a usage error (exit 2), saying the range.
        raise click.UsageError(
            f"between 1 and {serials.MAX_SERIALS:,} codes at once, not {count:,}"
        ) from error
    except DomainError as error:
        # Anything else the issue refuses is about the lot, not the count: say so as it is.
        raise click.ClickException(f"lot {lot.public_code}: {error}") from error
    finally:
        bar.close()
    click.echo(f"{count:,} item codes issued for lot {lot.code} ({lot.public_code}).")
    if csv_path:
        with csv_path.open("wb") as out:
            serial_jobs.write_issue_csv(lot, stamp, out)
        click.echo(f"CSV written to {csv_path}")


@serials_group.command("labels")
@click.argument("lot", type=LotCode())
@click.option(
    "--grid",
    type=click.Choice(sorted(labels.GRIDS)),
    default=labels.DEFAULT_GRID,
    show_default=True,
    help="Labels across × down an A4 sheet.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The PDF file to write.",
)
@click.option("--workers", type=click.IntRange(1, 64), help="Processes drawing (default: cores).")
@with_appcontext
def labels_command(lot: Lot, grid: str, out: Path, workers: int | None) -> None:
    """Draw A4 label sheets of every item code of LOT (its short code) into a PDF."""
    from .services.serial_labels import write_serial_sheets

    bar = _Bar("Drawing labels")
    start = time.perf_counter()
    try:
        with current_app.test_request_context("/?lang=vi"), out.open("wb") as stream:
            count = write_serial_sheets(lot, stream, grid, progress=bar, workers=workers)
    except DomainError as error:
        out.unlink(missing_ok=True)
        raise click.UsageError(f"lot {lot.public_code} has no item codes yet") from error
    finally:
        bar.close()
    seconds = time.perf_counter() - start
    click.echo(
        f"{count:,} labels on {grid} sheets written to {out} in {seconds:.1f} s "
        f"({count / seconds:,.0f} labels/s)"
    )


@serials_group.command("benchmark")
@click.option("--count", default=serials.MAX_SERIALS, show_default=True, help="Codes issued.")
@click.option("--labels", "label_count", default=20_000, show_default=True, help="Labels drawn.")
@click.option("--requests", default=300, show_default=True, help="Timed page views of each kind.")
@with_appcontext
def benchmark_command(count: int, label_count: int, requests: int) -> None:
    """Time issuing codes with their CSV, drawing labels, and item pages with and
    without recording the check (on the demo catalogue, loaded if missing)."""
    from .demo import load_demo
    from .links import lot_path
    from .services.serial_labels import benchmark as labels_benchmark

    summary = load_demo()
    db.session.commit()
    lot = summary.example_lot
    click.echo(f"database: {db.engine.url.get_backend_name()}")

    start = time.perf_counter()
    stamp = serial_jobs.issue_in_chunks(lot, count)
    issued = time.perf_counter() - start
    buffer = io.BytesIO()
    serial_jobs.write_issue_csv(db.session.merge(lot), stamp, buffer)
    total = time.perf_counter() - start
    click.echo(
        f"issue {count:,} item codes: {issued:.2f} s; with their CSV "
        f"({buffer.tell() / 1e6:.1f} MB): {total:.2f} s (target < 10 s)"
    )

    with current_app.test_request_context("/?lang=vi"):
        for workers in (1, None):
            figures = labels_benchmark(label_count, workers=workers)
            click.echo(
                f"label sheets, {figures['workers']} process(es): {figures['labels']:,} labels "
                f"in {figures['seconds']:.2f} s = {figures['labels_per_second']:,.0f} labels/s "
                f"({figures['bytes'] / 1e6:.1f} MB; target >= 1,000 labels/s on both cores)"
            )

    lot = db.session.merge(lot)
    items = list(
        db.session.scalars(
            select(Serial).where(Serial.created_at == stamp).order_by(Serial.id).limit(requests)
        )
    )
    item_paths = [
        serials.serial_url(item).removeprefix(current_app.config["PUBLIC_BASE_URL"])
        for item in items
    ]
    client = current_app.test_client()
    phone = {
        "User-Agent": "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/119.0 Mobile",
        "Accept-Language": "vi",
    }
    config = current_app.config
    saved = config["RECORD_SCANS"], config["CHECK_COUNT_LIMIT"]
    config["CHECK_COUNT_LIMIT"] = "1000000000 per hour"  # every timed view is a counted check

    def timed(path: str) -> float:
        begin = time.perf_counter()
        response = client.get(path, headers=phone)
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - begin) * 1000

    try:
        for path in item_paths[:20]:
            timed(path)  # warm up
        lot_page = statistics.median(timed(lot_path(lot)) for _ in range(requests))
        # Interleaved, so that both modes see the same machine: off, on, off, on…
        timings: dict[bool, list[float]] = {False: [], True: []}
        for index in range(2 * requests):
            record = bool(index % 2)
            config["RECORD_SCANS"] = record
            timings[record].append(timed(item_paths[(index // 2) % len(item_paths)]))
    finally:
        config["RECORD_SCANS"], config["CHECK_COUNT_LIMIT"] = saved
    unrecorded, recorded = (statistics.median(timings[mode]) for mode in (False, True))
    click.echo(f"lot page median: {lot_page:.2f} ms")
    click.echo(
        f"item page median: {unrecorded:.2f} ms without recording the check, "
        f"{recorded:.2f} ms recording it (+{recorded - unrecorded:.2f} ms; target < 2 ms)"
    )


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs (item codes, label sheets)."""


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run queued jobs from Redis (JOBS_BACKEND=rq); start one or more per machine."""
    if current_app.config["JOBS_BACKEND"] != "rq":
        raise click.UsageError(
            "the worker serves the RQ backend: set JOBS_BACKEND=rq (and JOBS_REDIS_URL) for "
            "both the app servers and the worker"
        )
    jobs.backend(current_app._get_current_object()).worker().work(burst=burst)


def init_app(app: Flask) -> None:
    app.cli.add_command(serials_group)
    app.cli.add_command(jobs_group)
