"""`flask --app lookup_site benchmark`: time the demo lot page and measure its size.

Run on a database holding the demo catalogue (the command loads it if missing).
It renders the example lot page in-process through the WSGI test client, so the
figures are the application's own cost (routing, queries, templates) without a
network or a web server in front.
"""

from __future__ import annotations

import gzip
import statistics
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import event as sa_event

from .extensions import db
from .links import lot_path


@click.command("benchmark")
@click.option("--requests", "count", default=500, show_default=True, help="Timed renders.")
@click.option("--warmup", default=50, show_default=True, help="Untimed renders first.")
@click.option("--lang", default="vi", type=click.Choice(["vi", "en"]), show_default=True)
@with_appcontext
def benchmark_command(count: int, warmup: int, lang: str) -> None:
    """Time the example demo lot page and report its size and query count."""
    from .demo import load_demo

    summary = load_demo()
    db.session.commit()
    path = lot_path(summary.example_lot)
    client = current_app.test_client()
    headers = {"Accept-Language": lang}
    # The render itself is measured: the per-process page cache (page_cache.py) would
    # answer repeated requests from memory. It is timed separately at the end.
    page_cache = current_app.extensions.pop("page_cache", None)

    for _ in range(warmup):
        client.get(path, headers=headers)

    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # noqa: ARG001
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    response = client.get(path, headers=headers)
    sa_event.remove(db.engine, "before_cursor_execute", record)
    html = response.get_data()
    with client.get("/static/site.css") as css_response:
        css = css_response.get_data()

    def timed() -> list[float]:
        timings = []
        for _ in range(count):
            start = time.perf_counter()
            client.get(path, headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
        return sorted(timings)

    timings = timed()
    hits: list[float] = []
    if page_cache is not None:
        current_app.extensions["page_cache"] = page_cache
        client.get(path, headers=headers)
        hits = timed()

    def percentile(share: float) -> float:
        return timings[min(len(timings) - 1, int(share * len(timings)))]

    click.echo(f"lot page: {path} ({lang}), {response.status_code}")
    click.echo(f"database: {db.engine.url.get_backend_name()}, {len(statements)} SQL queries")
    click.echo(
        f"size: HTML {len(html):,} B + CSS {len(css):,} B = {len(html) + len(css):,} B "
        f"(gzip: {len(gzip.compress(html)):,} B + {len(gzip.compress(css)):,} B)"
    )
    click.echo(
        f"render time over {count} requests: median {statistics.median(timings):.2f} ms, "
        f"p90 {percentile(0.90):.2f} ms, p99 {percentile(0.99):.2f} ms, "
        f"throughput {1000 / statistics.mean(timings):.0f} pages/s on one core"
    )
    if hits:
        click.echo(
            f"from the page cache: median {statistics.median(hits):.2f} ms, "
            f"throughput {1000 / statistics.mean(hits):.0f} pages/s on one core"
        )
