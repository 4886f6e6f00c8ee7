"""Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from lookup_site import create_app
from lookup_site.extensions import db


def fresh_app(database_url):
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test"}
    )


def test_upgrade_from_empty_gives_the_models_tables(database_url):
    app = fresh_app(database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": False}
            )
            differences = compare_metadata(context, db.metadata)
            tables = set(inspect(connection).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert set(db.metadata.tables) <= tables


def test_downgrade_to_base_removes_everything(database_url):
    app = fresh_app(database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert tables == set()


def test_init_db_command(database_url):
    app = fresh_app(database_url)
    result = app.test_cli_runner().invoke(args=["init-db"])
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    engine = create_engine(database_url)
    assert "lot" in inspect(engine).get_table_names()
    engine.dispose()
