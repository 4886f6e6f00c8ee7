"""Command-line tasks: `flask --app lookup_site init-db`, `seed-demo`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .extensions import db
from .links import lot_qr_url, public_url


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema to the latest migration."""
    upgrade()
    click.echo("Database schema is up to date.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the fictitious Hai Phong demo catalogue (once) and print a lot to open."""
    from .demo import load_demo

    upgrade()
    summary = load_demo()
    db.session.commit()
    if summary.created:
        click.echo(
            f"Loaded the demo catalogue: {summary.producers} facilities, "
            f"{summary.products} products, {summary.lots} lots, {summary.events} events."
        )
    else:
        click.echo("The demo catalogue is already loaded.")
    click.echo(f"Open a lot page:  {lot_qr_url(summary.example_lot)}")
    click.echo(f"Or the home page: {public_url('/')}")


def init_app(app: Flask) -> None:
    from . import translate
    from .benchmark import benchmark_command

    app.cli.add_command(init_db_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(benchmark_command)
    translate.init_app(app)
