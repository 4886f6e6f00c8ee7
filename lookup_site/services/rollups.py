"""Counters kept in rollup tables, added to in one statement on SQLite and PostgreSQL.

The per-lot rollups of checks (``scan_day``) and shared provinces (``scan_place``)
each have a national counterpart, added to by the same calls, so that the
Department's figures read one row per day and language, or per province.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Connection, Insert
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import ScanDay, ScanNationalDay, ScanNationalPlace, ScanPlace

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# Per-lot rollups whose sums the Department reads nationally: the national rollup and
# the part of the key it keeps. Whatever adds to the first adds to the second.
NATIONAL: dict[type, tuple[type, tuple[str, ...]]] = {
    ScanDay: (ScanNationalDay, ("day", "language")),
    ScanPlace: (ScanNationalPlace, ("province",)),
}


def add_to(model: type, key: dict[str, Any], increments: dict[str, int], **columns: Any) -> None:
    """Insert the row named by key with the increments as its counts, or add them to it.

    One ``INSERT … ON CONFLICT DO UPDATE`` (both databases have it): concurrent checks
    of the same lot on the same day never lose a count and never collide on the key.
    ``columns`` fill the other columns of a new row (denormalised ids). A per-lot
    rollup with a national counterpart (``NATIONAL``) gets a second upsert adding the
    same increments to the nation's row.
    """
    _add(model, key, increments, columns)
    national = NATIONAL.get(model)
    if national is not None:
        national_model, national_key = national
        _add(national_model, {name: key[name] for name in national_key}, increments, {})


def _add(model: type, key: dict[str, Any], increments: dict[str, int], columns: dict) -> None:
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


@cache
def _check_upserts(dialect: str) -> tuple[Insert, Insert]:
    """The day's two rollups of a check, built once (a check is the site's hottest write)."""
    return (
        upsert_adding_one(ScanDay, ("day", "lot_id", "language"), "count", dialect),
        upsert_adding_one(ScanNationalDay, ("day", "language"), "count", dialect),
    )


def add_check(
    connection: Connection, *, day: date, lot_id: int, product_id: int, language: str
) -> None:
    """Add one check to the day's rollups: the lot's (``scan_day``) and the nation's.

    The national row is what the Department's charts sum: one row per day and
    language rather than one per lot checked that day.
    """
    by_lot, national = _check_upserts(connection.dialect.name)
    connection.execute(
        by_lot,
        {"day": day, "lot_id": lot_id, "language": language, "product_id": product_id, "count": 1},
    )
    connection.execute(national, {"day": day, "language": language, "count": 1})


def add_rows(
    connection: Connection, model: type, key: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Add many rows' counts at once (bulk loads): insert new keys, add to existing ones.

    Every column outside the key is a counter.
    """
    if not rows:
        return
    table = model.__table__
    statement = _INSERTS[connection.dialect.name](table)
    counters = [name for name in rows[0] if name not in key]
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + statement.excluded[name] for name in counters},
    )
    connection.execute(statement, rows)


def replace_rows(
    connection: Connection, model: type, key: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Insert the rows, or overwrite the rows of the same key with them (recounted figures)."""
    if not rows:
        return
    table = model.__table__
    statement = _INSERTS[connection.dialect.name](table)
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: statement.excluded[name] for name in rows[0] if name not in key},
    )
    connection.execute(statement, rows)
