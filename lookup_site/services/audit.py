"""The audit trail: every change to the tracked models, recorded in the same transaction.

Changes are caught by SQLAlchemy's flush events, so every interface (web, CLI, API,
background work) is covered without the services having to remember it. Mapper
events collect one record per inserted, updated or deleted row while the flush runs;
``after_flush`` then writes them all with one multi-row INSERT on the flush's own
connection: they are committed or rolled back with the change they describe.

An entry's ``changes`` maps each field to ``{"old": …, "new": …}`` (JSON-safe:
dates, decimals and enums as strings). A creation lists the fields that have a
value, a deletion the values the object had. Password hashes are never recorded:
the field ``password`` shows ``(redacted)`` on both sides instead.

Bulk statements (``session.execute(update(...))``) bypass the ORM's flush and are
not recorded; the code base uses none on tracked models.
"""

from __future__ import annotations

import codecs
import csv
import enum
import getpass
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import click
from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
)
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Mapper, Session, attributes

from ..errors import DomainError
from ..extensions import db
from ..models import (
    AuditEntry,
    BatchEntry,
    Certification,
    Event,
    EventPhoto,
    Inspection,
    Lot,
    LotInput,
    LotStatusChange,
    MediaFile,
    Producer,
    Product,
    ProgrammeBatch,
    User,
)
from .accounts import load_user
from .clock import VIETNAM, as_utc

TRACKED_MODELS: tuple[type, ...] = (
    Producer,
    Product,
    Certification,
    Lot,
    LotInput,
    Event,
    EventPhoto,
    MediaFile,
    User,
    ProgrammeBatch,
    BatchEntry,
    Inspection,
    LotStatusChange,
)
OBJECT_TYPES: tuple[str, ...] = tuple(sorted(model.__name__ for model in TRACKED_MODELS))
ACTIONS = ("create", "update", "delete")
INTERFACES = ("web", "cli", "api", "system")

REDACTED = "(redacted)"
# Fields whose values must never reach the trail, shown under another name.
SECRET_FIELDS = {(User, "password_hash"): "password", (User, "session_token"): "sessions"}
# Bookkeeping that is not a change anyone made: a sign-in updates it; every change of a
# page's rows dates them for the page's Last-Modified (models/changes.py).
IGNORED_FIELDS = {(User, "last_login_at")} | {
    (model, "updated_at") for model in (Producer, Product, Certification, Lot)
}
# An account always has a password: saying so on creation adds nothing.
SKIPPED_ON_CREATE = IGNORED_FIELDS | set(SECRET_FIELDS)

_PENDING = "audit_pending"
_ENABLED = "audit"
_LISTENERS_INSTALLED = False


class AuditTrailIsAppendOnly(DomainError):
    """Something tried to change or delete an audit entry."""

    code = 403
    reason = "audit_trail_is_append_only"


@dataclass(frozen=True)
class Actor:
    """Who made a change and through which interface."""

    interface: str
    user_id: int | None = None
    label: str | None = None
    path: str | None = None


_explicit_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(
    interface: str, user: User | None = None, label: str | None = None, path: str | None = None
) -> Iterator[Actor]:
    """Record the changes made inside the block as made by user (or label) via interface.

    For work the automatic detection cannot name: the API, background jobs.
    """
    if interface not in INTERFACES:
        raise ValueError(f"unknown interface {interface!r}")
    actor = Actor(
        interface,
        user.id if user is not None else None,
        label or (user.email if user is not None else interface),
        path,
    )
    token = _explicit_actor.set(actor)
    try:
        yield actor
    finally:
        _explicit_actor.reset(token)


def current_actor() -> Actor:
    """Name who is making changes now: explicit, else the request's user, the CLI or the system."""
    explicit = _explicit_actor.get()
    if explicit is not None:
        return explicit
    if has_request_context():
        path = request.path[:300]
        user = _signed_in_user()
        if user is not None:
            return Actor("web", user.id, user.email, path)
        return Actor("web", None, "anonymous", path)
    context = click.get_current_context(silent=True)
    if context is not None:
        return Actor("cli", None, _cli_label(), context.command_path[:300])
    return Actor("system", None, "system")


def _signed_in_user() -> User | None:
    """Return the request's signed-in user without making Flask-Login remember a guess.

    Reading current_user caches the answer on g; a flush in a request context that is
    not a real request (a script, a test) must not leave an anonymous user cached there.
    """
    user = g.get("_login_user")
    if user is not None:
        return user if user.is_authenticated else None
    session_id = session.get("_user_id")
    if isinstance(session_id, str):
        return load_user(session_id)
    return None


def _cli_label() -> str:
    """Name the server account that ran the command, when the system knows it."""
    try:
        return f"cli ({getpass.getuser()})"
    except (OSError, KeyError):
        return "cli"


def json_safe(value: Any) -> Any:
    """Return value as something JSON can store and a person can read back."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


# -- recording ---------------------------------------------------------------


def _pending_for(target: Any) -> list | None:
    session = attributes.instance_state(target).session
    if session is None:
        return None
    return session.info.get(_PENDING)


def _field_name(model: type, key: str) -> str:
    return SECRET_FIELDS.get((model, key), key)


def _shown(model: type, key: str, value: Any) -> Any:
    return REDACTED if (model, key) in SECRET_FIELDS else json_safe(value)


def _object_id(mapper: Mapper, target: Any) -> str:
    identity = mapper.primary_key_from_instance(target)
    return ",".join(str(part) for part in identity)


def _differs(old: Any, new: Any) -> bool:
    """Tell whether a value really changed (1200.000 == 1200; SQLite's naive times are UTC)."""
    if isinstance(old, datetime) and isinstance(new, datetime):
        old, new = (as_utc(old), as_utc(new))
    try:
        return bool(old != new)
    except TypeError:
        return json_safe(old) != json_safe(new)


def _after_insert(mapper: Mapper, connection: Connection, target: Any) -> None:
    pending = _pending_for(target)
    if pending is None:
        return
    model = mapper.class_
    values = attributes.instance_state(target).dict
    changes = {}
    for prop in mapper.column_attrs:
        key = prop.key
        value = values.get(key)
        if value is None or prop.columns[0].primary_key or (model, key) in SKIPPED_ON_CREATE:
            continue
        changes[key] = {"old": None, "new": json_safe(value)}
    pending.append(("create", model.__name__, _object_id(mapper, target), changes))


def _before_update(mapper: Mapper, connection: Connection, target: Any) -> None:
    pending = _pending_for(target)
    if pending is None:
        return
    model = mapper.class_
    state = attributes.instance_state(target)
    changed: dict[str, tuple[Any, Any]] = {}
    unknown_old: list[str] = []
    columns = mapper.column_attrs
    # Only attributes set since the last load are in committed_state: a dirty object
    # whose collections alone changed (a lot added to a product) costs next to nothing.
    for key in list(state.committed_state):
        if key not in columns or (model, key) in IGNORED_FIELDS:
            continue
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        new = history.added[0] if history.added else None
        if history.deleted:
            old = history.deleted[0]
        else:
            # Set while expired (e.g. after a commit): the old value was never loaded.
            old = None
            unknown_old.append(key)
        changed[key] = (old, new)
    if unknown_old:
        olds = [columns[key].columns[0] for key in unknown_old]
        where = [
            column == value
            for column, value in zip(
                mapper.primary_key, mapper.primary_key_from_instance(target), strict=True
            )
        ]
        row = connection.execute(select(*olds).where(*where)).first()
        if row is not None:
            for key, old in zip(unknown_old, row, strict=True):
                changed[key] = (old, changed[key][1])
    changes = {
        _field_name(model, key): {"old": _shown(model, key, old), "new": _shown(model, key, new)}
        for key, (old, new) in changed.items()
        if (model, key) in SECRET_FIELDS or _differs(old, new)
    }
    if changes:
        pending.append(("update", model.__name__, _object_id(mapper, target), changes))


def _after_delete(mapper: Mapper, connection: Connection, target: Any) -> None:
    pending = _pending_for(target)
    if pending is None:
        return
    model = mapper.class_
    values = attributes.instance_state(target).dict
    changes = {
        _field_name(model, prop.key): {
            "old": _shown(model, prop.key, values[prop.key]),
            "new": None,
        }
        for prop in mapper.column_attrs
        if values.get(prop.key) is not None and (model, prop.key) not in IGNORED_FIELDS
    }
    pending.append(("delete", model.__name__, _object_id(mapper, target), changes))


def _before_flush(session: Session, flush_context, instances) -> None:
    """Start collecting for this flush, if this app keeps an audit trail."""
    enabled = has_app_context() and current_app.extensions.get(_ENABLED, False)
    # A failed flush leaves its records behind: each flush starts afresh.
    session.info[_PENDING] = [] if enabled else None


def _after_flush(session: Session, flush_context) -> None:
    """Write what this flush changed, on the same connection and transaction."""
    pending = session.info.get(_PENDING)
    if not pending:
        return
    session.info[_PENDING] = None
    actor = current_actor()
    now = datetime.now(UTC)
    rows = [
        {
            "occurred_at": now,
            "user_id": actor.user_id,
            "user_label": actor.label,
            "interface": actor.interface,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "changes": changes,
            "request_path": actor.path,
        }
        for action, object_type, object_id, changes in pending
    ]
    session.connection().execute(AuditEntry.__table__.insert(), rows)


def _refuse_change(mapper: Mapper, connection: Connection, target: AuditEntry) -> None:
    raise AuditTrailIsAppendOnly("The audit trail cannot be changed or deleted")


def _install_listeners() -> None:
    """Listen once per process: the listeners are class-wide, enabled per app."""
    global _LISTENERS_INSTALLED
    if _LISTENERS_INSTALLED:
        return
    for model in TRACKED_MODELS:
        event.listen(model, "after_insert", _after_insert)
        event.listen(model, "before_update", _before_update)
        event.listen(model, "after_delete", _after_delete)
    event.listen(AuditEntry, "before_update", _refuse_change)
    event.listen(AuditEntry, "before_delete", _refuse_change)
    event.listen(db.session, "before_flush", _before_flush)
    event.listen(db.session, "after_flush", _after_flush)
    _LISTENERS_INSTALLED = True


def init_app(app: Flask) -> None:
    """Keep an audit trail of every change this app's session flushes."""
    _install_listeners()
    app.extensions[_ENABLED] = True


# -- reading -----------------------------------------------------------------


@dataclass
class AuditFilter:
    object_type: str | None = None
    object_id: str | None = None
    user: str | None = None  # part of the e-mail or label, case-insensitive
    action: str | None = None
    interface: str | None = None
    since: date | None = None  # Vietnamese calendar dates, both included
    until: date | None = None


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    older_than: int | None  # pass as `before` to get the next (older) page


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(), VIETNAM).astimezone(UTC)


def _filtered(filters: AuditFilter):
    query = select(AuditEntry)
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEntry.object_id == filters.object_id.strip())
    if filters.user:
        pattern = filters.user.strip().lower().replace("\\", "\\\\")
        pattern = pattern.replace("%", "\\%").replace("_", "\\_")
        query = query.where(AuditEntry.user_label.ilike(f"%{pattern}%", escape="\\"))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.interface:
        query = query.where(AuditEntry.interface == filters.interface)
    if filters.since:
        query = query.where(AuditEntry.occurred_at >= _local_midnight_utc(filters.since))
    if filters.until:
        end = _local_midnight_utc(filters.until + timedelta(days=1))
        query = query.where(AuditEntry.occurred_at < end)
    return query


def search(filters: AuditFilter, before: int | None = None, limit: int = 50) -> AuditPage:
    """Return the newest entries matching filters, older than entry id before if given."""
    # Ids grow with every insert: newest first by id walks the primary key.
    query = _filtered(filters).order_by(AuditEntry.id.desc())
    if before is not None:
        query = query.where(AuditEntry.id < before)
    entries = list(db.session.scalars(query.limit(limit + 1)))
    older_than = entries[limit - 1].id if len(entries) > limit else None
    return AuditPage(entries[:limit], older_than)


CSV_HEADER = (
    "entry",
    "occurred_at_utc",
    "user_id",
    "user",
    "interface",
    "action",
    "object_type",
    "object_id",
    "field",
    "old",
    "new",
    "request_path",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(json_safe(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(filters: AuditFilter) -> Iterator[list[str]]:
    """Yield the filtered trail, newest first, one row per changed field."""
    query = _filtered(filters).order_by(AuditEntry.id.desc()).execution_options(yield_per=500)
    for entry in db.session.scalars(query):
        head = [
            str(entry.id),
            entry_time(entry).isoformat(timespec="seconds"),
            "" if entry.user_id is None else str(entry.user_id),
            _cell(entry.user_label),
            entry.interface,
            entry.action,
            entry.object_type,
            _cell(entry.object_id),
        ]
        fields = entry.changes or {"": {"old": None, "new": None}}
        for field_name, change in fields.items():
            yield [
                *head,
                _cell(field_name),
                _cell(change.get("old")),
                _cell(change.get("new")),
                _cell(entry.request_path),
            ]


def csv_chunks(filters: AuditFilter) -> Iterator[str]:
    """Yield the filtered trail as CSV text, starting with a BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield codecs.BOM_UTF8.decode("utf-8")
    writer.writerow(CSV_HEADER)
    for count, row in enumerate(csv_rows(filters), start=1):
        writer.writerow(row)
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def entry_time(entry: AuditEntry) -> datetime:
    """Return when entry happened as an aware UTC datetime (SQLite stores naive UTC)."""
    return as_utc(entry.occurred_at)


__all__ = [
    "ACTIONS",
    "INTERFACES",
    "OBJECT_TYPES",
    "REDACTED",
    "TRACKED_MODELS",
    "Actor",
    "AuditFilter",
    "AuditPage",
    "AuditTrailIsAppendOnly",
    "acting_as",
    "csv_chunks",
    "csv_rows",
    "current_actor",
    "entry_time",
    "init_app",
    "search",
]
