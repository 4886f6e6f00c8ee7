"""`flask --app lookup_site portal …`: send the outbox to the national portal, see what is owed.

``portal sync`` runs one pass (for cron or a systemd timer); ``portal sync --every 60``
keeps running, a pass a minute: the optional periodic job, for a process manager.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .errors import DomainError
from .extensions import db
from .models import OutboxState
from .models.base import utcnow
from .services import portal, portal_sync


@click.group("portal")
def portal_group() -> None:
    """Send changes to the national traceability portal, and see what is owed."""


def _settings() -> portal_sync.PortalSettings:
    try:
        return portal_sync.settings()
    except DomainError as error:
        raise click.UsageError(str(error)) from error


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _report_line(report: portal_sync.SyncReport) -> str:
    if not report.attempted:
        return "Nothing due."
    line = f"Sent {report.sent}, failed {report.failed}, deferred {report.deferred}."
    if report.stopped:
        line += f" Stopped early, the portal seems unwell: {report.stopped}"
    return line


@portal_group.command("sync")
@click.option("--limit", type=click.IntRange(min=1), help="Items a pass sends at most.")
@click.option(
    "--every",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Keep running, a pass every SECONDS, until stopped (Ctrl+C).",
)
@click.option(
    "--passes", type=click.IntRange(min=1), help="With --every: stop after this many passes."
)
@with_appcontext
def sync_command(limit: int | None, every: float | None, passes: int | None) -> None:
    """Send the due items of the outbox to PORTAL_URL, oldest first.

    One pass by default; its exit status is 1 when an item failed or was deferred.
    """
    _settings()
    if every is None:
        report = portal_sync.sync(limit)
        click.echo(_report_line(report))
        if not report.ok:
            raise SystemExit(1)
        return
    done = 0
    try:
        while passes is None or done < passes:
            click.echo(f"{_stamp(utcnow())}  {_pass(limit)}")
            done += 1
            if passes is None or done < passes:
                time.sleep(every)
    except KeyboardInterrupt:
        click.echo("Stopped.")


def _pass(limit: int | None) -> str:
    """Run one pass of the loop; a database hiccup is reported, not fatal."""
    try:
        return _report_line(portal_sync.sync(limit))
    except SQLAlchemyError as error:
        db.session.rollback()
        return f"Database error, trying again next pass: {type(error).__name__}"


@portal_group.command("status")
@with_appcontext
def status_command() -> None:
    """Count the outbox by state, with the oldest pending item and the latest errors."""
    try:
        config = portal_sync.settings()
    except DomainError as error:
        click.echo(f"Connector: off ({error})")
    else:
        click.echo(f"Connector: on, sending to {config.shown_url}")
    now = utcnow()
    overview = portal.overview(now, limit=0)
    for state in OutboxState:
        click.echo(f"  {state.value:<8} {overview.counts[state]:>8,}")
    if overview.oldest_pending is not None:
        waiting = now - overview.oldest_pending
        hours = waiting.total_seconds() / 3600
        click.echo(
            f"Oldest pending: recorded {_stamp(overview.oldest_pending)} ({hours:,.1f} h ago); "
            f"{overview.due:,} due now."
        )
    errors = portal.recent_errors()
    if errors:
        click.echo("Latest errors:")
        for row in errors:
            item = row.item
            state = item.state.value
            click.echo(
                f"  #{item.id} {item.entity} {item.action} {row.about!s:.40} [{state}, "
                f"{item.attempts} tries] {item.last_error}"
            )


@portal_group.command("backfill")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def backfill_command(yes: bool) -> None:
    """Owe the portal every record as it is now (once, when connecting a site with data)."""
    if not yes:
        click.confirm(
            "Record every facility, product, lot and diary entry (demo data excepted) "
            "in the outbox?",
            abort=True,
        )
    count = portal.record_everything()
    click.echo(f"{count:,} items recorded in the outbox.")


def init_app(app: Flask) -> None:
    app.cli.add_command(portal_group)
