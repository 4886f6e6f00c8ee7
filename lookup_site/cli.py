"""Command-line tasks: `flask --app lookup_site init-db`, `seed-demo`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .extensions import db
from .links import lot_qr_url, public_url
from .models import Producer, Role
from .services import accounts


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
    click.echo(f"Sign in at {public_url('/login')} (demo accounts, password for each):")
    for login in summary.logins:
        click.echo(f"  {login.role.value:<10} {login.email}  {login.password}")


@click.command("create-user")
@click.option("--email", required=True, help="The sign-in e-mail address.")
@click.option(
    "--role", required=True, type=click.Choice([role.value for role in Role]), help="What they do."
)
@click.option("--producer", "producer_id", type=int, help="The facility's id (producers only).")
@click.option("--name", "display_name", help="The name shown in the workspace.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for (hidden, twice) when not given.",
)
@with_appcontext
def create_user_command(
    email: str, role: str, producer_id: int | None, display_name: str | None, password: str
) -> None:
    """Create a user account: admin, producer (of a facility) or inspector."""
    producer = None
    if producer_id is not None:
        producer = db.session.get(Producer, producer_id)
        if producer is None:
            raise click.BadParameter(f"no facility with id {producer_id}", param_hint="--producer")
    try:
        user = accounts.create_user(email, password, Role(role), producer, display_name)
    except accounts.AccountError as error:
        raise click.ClickException(CLI_ACCOUNT_ERRORS.get(type(error), str(error))) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


CLI_ACCOUNT_ERRORS = {
    accounts.EmailTaken: "that e-mail address already has an account",
    accounts.WeakPassword: f"the password needs at least {accounts.MIN_PASSWORD_LENGTH} characters",
    accounts.MissingFacility: "a producer account needs --producer FACILITY_ID",
}


def init_app(app: Flask) -> None:
    from . import portal_cli, scale, serials_cli, translate
    from .benchmark import benchmark_command
    from .http_benchmark import init_app as init_http_benchmark
    from .labels_benchmark import init_app as init_labels_benchmark

    app.cli.add_command(init_db_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(benchmark_command)
    translate.init_app(app)
    serials_cli.init_app(app)
    portal_cli.init_app(app)
    init_labels_benchmark(app)
    scale.init_app(app)
    init_http_benchmark(app)
