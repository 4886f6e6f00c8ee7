"""Counters kept in rollup tables, added to in one statement on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def add_to(model: type, key: dict[str, Any], increments: dict[str, int], **columns: Any) -> None:
    """Insert the row named by key with the increments as its counts, or add them to it.

    One ``INSERT … ON CONFLICT DO UPDATE`` (both databases have it): concurrent checks
    of the same lot on the same day never lose a count and never collide on the key.
    ``columns`` fill the other columns of a new row (denormalised ids).
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    table = model.__table__
    statement = insert(table).values(**key, **columns, **increments)
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + amount for name, amount in increments.items()},
    )
    db.session.execute(statement)


def upsert_adding_one(model: type, key: tuple[str, ...], counter: str, dialect: str):
    """A reusable ``INSERT … ON CONFLICT DO UPDATE`` adding 1 to ``counter``: executed
    with every column as a parameter (the counter's own parameter is 1)."""
    table = model.__table__
    statement = _INSERTS[dialect](table)
    return statement.on_conflict_do_update(
        index_elements=list(key), set_={counter: table.c[counter] + 1}
    )
