"""Migrations keep the data: a database full of demo data survives every downgrade and upgrade.

For each older revision R, the database goes down from head to R, every row of every table R
has is photographed (on R's columns), and it goes back up to head: each of those rows must
still be there, unchanged, and the demo's lot page and event hash chains must still hold.
Revisions are read from the migration scripts, so a new migration is tested without a word here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import selectinload

from lookup_site import create_app, paths
from lookup_site.demo import load_demo
from lookup_site.extensions import db
from lookup_site.links import lot_path
from lookup_site.models import Event, EventPhoto, Lot, Serial
from lookup_site.services import serials
from lookup_site.services.chain import verify_chain

from .conftest import scratch_database

MIGRATIONS = paths.PACKAGE_DIR / "migrations"
Rows = Counter[tuple[Any, ...]]
Snapshot = dict[str, tuple[list[str], Rows]]


def older_revisions() -> list[str]:
    """Every revision below the head, newest first: the ones a database may be upgraded from."""
    script = ScriptDirectory(str(MIGRATIONS))
    return [revision.revision for revision in script.walk_revisions()][1:]


@pytest.fixture(scope="module")
def module_database_url(tmp_path_factory) -> Iterator[str]:
    """One database for the module (as conftest's database_url, which is per test)."""
    with scratch_database(tmp_path_factory.mktemp("migration_data") / "demo.sqlite3", "t") as url:
        yield url


@pytest.fixture(scope="module")
def demo_app(module_database_url, tmp_path_factory) -> Iterator[Flask]:
    """An app on a database migrated to head and holding the demo catalogue plus item checks.

    The demo leaves the item-code tables empty: a few serials, each checked once, fill
    the serial, scan and daily-rollup tables, so that their migrations carry rows too.
    """
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": module_database_url,
            "SECRET_KEY": "test",
            "PUBLIC_BASE_URL": "https://txng.example.vn",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
            "JOBS_BACKEND": "eager",
        }
    )
    with app.app_context():
        upgrade()
        summary = load_demo()
        db.session.commit()
        serials.issue_serials(summary.example_lot, 3, created_at=datetime.now(UTC))
        db.session.commit()
        item_paths = [
            f"{lot_path(item.lot)}/21/{item.serial}"
            for item in db.session.scalars(select(Serial).order_by(Serial.id))
        ]
        app.config["DEMO_LOT_PATH"] = lot_path(summary.example_lot)
        db.session.remove()
    client = app.test_client()
    for path in item_paths:
        assert (
            client.get(path, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14)"}).status_code
            == 200
        )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def comparable(value: Any) -> Any:
    """Make a column value hashable and exact (JSON documents come back as dicts)."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, memoryview):
        return value.tobytes()
    return value


def quoted(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def read_rows(connection: Connection, table: str, columns: list[str]) -> Rows:
    listed = ", ".join(quoted(connection, column) for column in columns)
    result = connection.execute(text(f"SELECT {listed} FROM {quoted(connection, table)}"))
    return Counter(tuple(comparable(value) for value in row) for row in result)


def snapshot() -> Snapshot:
    """Every row of every table the database has now, on the columns it has now."""
    with db.engine.connect() as connection:
        inspector = inspect(connection)
        tables = sorted(set(inspector.get_table_names()) - {"alembic_version"})
        return {
            table: (
                columns := [column["name"] for column in inspector.get_columns(table)],
                read_rows(connection, table, columns),
            )
            for table in tables
        }


def lot_page(app: Flask) -> str:
    """The demo lot's page as a shopper gets it (no inline script or style: no nonce)."""
    response = app.test_client().get(app.config["DEMO_LOT_PATH"])
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_database_holds_the_demo_and_item_checks(demo_app):
    with demo_app.app_context():
        counts = {table: sum(rows.values()) for table, (_, rows) in snapshot().items()}
        db.session.remove()
    for table in ("producer", "product", "lot", "event", "certification", "user_account"):
        assert counts[table] > 0, table
    assert counts["serial"] == 3 and counts["scan"] == 3


@pytest.mark.parametrize("revision", older_revisions())
def test_a_round_trip_through_an_older_revision_keeps_every_row(demo_app, revision):
    before_page = lot_page(demo_app)
    with demo_app.app_context():
        upgrade()  # a failed earlier round trip must not leave the next one below head
        db.session.remove()
        downgrade(revision=revision)
        before = snapshot()
        upgrade()
        with db.engine.connect() as connection:
            after = {
                table: read_rows(connection, table, columns)
                for table, (columns, _) in before.items()
            }

        for table, (columns, rows) in before.items():
            lost = rows - after[table]
            gained = after[table] - rows
            assert not lost and not gained, (
                f"{table} ({', '.join(columns)}) after {revision} and back: "
                f"lost {list(lost)[:3]}, gained {list(gained)[:3]}"
            )
            assert sum(after[table].values()) == sum(rows.values()), table

        chains = select(Lot).options(
            selectinload(Lot.events).selectinload(Event.photos).selectinload(EventPhoto.media)
        )
        for lot in db.session.scalars(chains):
            assert verify_chain(lot.events, lot.public_code), lot.public_code
        db.session.remove()

    assert lot_page(demo_app) == before_page
