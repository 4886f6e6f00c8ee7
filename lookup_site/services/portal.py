"""The outbox of changes owed to the national traceability portal.

Every publishable change is recorded as an ``OutboxItem`` in the same transaction as
the change, whatever made it (web, CLI, API, background job): SQLAlchemy session
events do it, as for the audit trail, so no service has to remember. ``after_flush``
notes which records a flush created or changed (no SQL); ``before_commit`` flushes
what is left, builds each item's payload with the adapter (portal_adapter.py) from
the state about to be committed, and adds the items to the commit. A rolled-back
change leaves no item; a committed one always has its item. Bulk statements
(``session.execute(update(...))``) bypass the flush and are not seen: the code base
uses none on these tables.

What becomes an item:

- a facility, product or lot created, or one of its columns changed: ``upsert``;
  a lot's inputs (one step back) added or removed: ``upsert`` of the output lot;
- a diary entry: ``create`` (entries are append-only; a correction is a new entry);
- a recall, suspension or lifted suspension (a ``LotStatusChange``): ``recall``,
  ``suspend`` or ``reinstate``, one item per change, so a suspension lifted in the
  same transaction is still told.

Coalescing: one ``upsert`` per record per transaction, carrying the state committed;
the states in between were never visible to anyone, so nothing is lost.

Not sent: demo data (a demo facility, or a demo product and everything under it) is
fictitious and must never reach a government register. Demo data made real (its
``is_demo`` cleared) is published then: the record and everything under it are owed
at once, not only what changes next. Lots have no draft state: a lot is public from
the moment it is saved, so it is owed from then on. Readiness (the ten items) is not a
gate either: holding a product back until it is complete would need a catch-up path,
which is where changes get lost; the Department sees readiness on its dashboard, and
a record the portal refuses shows here as failed, with the portal's reason.

``record_everything`` (``flask --app lookup_site portal backfill``) owes the portal
every publishable record as it is, once, for a site that had data before the
connector.

The sending side is portal_sync.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, exists, func, select
from sqlalchemy.orm import Session, aliased, attributes, selectinload

from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..models import (
    Event,
    Lot,
    LotInput,
    LotStatus,
    LotStatusChange,
    OutboxItem,
    OutboxState,
    Producer,
    Product,
)
from ..models.base import utcnow
from . import portal_adapter as adapter
from .clock import as_utc

_TOUCHED = "portal_touched"
_ENABLED = "portal"
_LISTENERS_INSTALLED = False

# A change to these alone is told by the status change recorded with it.
LOT_STATUS_FIELDS = frozenset(
    {"status", "status_reason_vi", "status_reason_en", "status_changed_at"}
)
# Parents first, so that the portal meets a facility before its products.
ORDER = (
    "published_producer",
    "published_product",
    "producer",
    "product",
    "lot",
    "lot_status_fields",
    "status",
    "event",
)


class OutboxItemNotFound(NotFound):
    reason = "outbox_item_not_found"


class NotRetryable(InvalidInput):
    """The item has not failed, or a later change of its record has been sent since."""

    reason = "outbox_item_not_retryable"


# -- recording ---------------------------------------------------------------------


def _enabled() -> bool:
    return has_app_context() and current_app.extensions.get(_ENABLED, False)


def _changed_columns(target: Any) -> set[str]:
    """Return the columns of target whose value a flush has just changed."""
    state = attributes.instance_state(target)
    columns = state.mapper.column_attrs
    return {
        key
        for key in state.committed_state
        if key in columns and state.attrs[key].history.has_changes()
    }


def _touch(touched: dict[tuple[str, Any], None], target: Any, created: bool) -> None:
    """Note which record target's change is owed as, if any."""
    if isinstance(target, Producer | Product) and not created:
        changed = _changed_columns(target)
        kind = type(target).__name__.lower()
        if "is_demo" in changed and not target.is_demo:
            # Published: everything under it is owed now, not only what changes next.
            touched[(f"published_{kind}", target.id)] = None
        elif changed:
            touched[(kind, target.id)] = None
    elif isinstance(target, Producer | Product | Event):
        touched[(type(target).__name__.lower(), target.id)] = None
    elif isinstance(target, Lot):
        changed = None if created else _changed_columns(target)
        if created or changed - LOT_STATUS_FIELDS:
            touched[("lot", target.id)] = None
        elif changed:
            touched[("lot_status_fields", target.id)] = None
    elif isinstance(target, LotInput):
        touched[("lot", target.output_lot_id)] = None
    elif isinstance(target, LotStatusChange) and created:
        touched[("status", target.id)] = None


def _after_flush(session: Session, flush_context) -> None:
    """Note what this flush created, changed or deleted (objects only, no SQL)."""
    if not _enabled():
        return
    touched = session.info.setdefault(_TOUCHED, {})
    for target in session.new:
        _touch(touched, target, created=True)
    for target in session.dirty:
        _touch(touched, target, created=False)
    for target in session.deleted:
        if isinstance(target, LotInput):
            _touch(touched, target, created=False)


def _before_commit(session: Session) -> None:
    """Add the items owed by this transaction's changes to the commit itself."""
    if not _enabled():
        return
    session.flush()  # so that _after_flush has seen every change
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        session.add_all(_items_for(session, list(touched)))


def _after_transaction_end(session: Session, transaction) -> None:
    """Forget what a finished (committed or rolled back) transaction touched."""
    if transaction.parent is None:
        session.info.pop(_TOUCHED, None)


def _items_for(session: Session, keys: list[tuple[str, Any]]) -> list[OutboxItem]:
    now = utcnow()
    keys.sort(key=lambda key: (ORDER.index(key[0]), key[1]))
    told_status = set()
    for kind, key in keys:
        if kind == "status":
            change = session.get(LotStatusChange, key)
            if change is not None:
                told_status.add(change.lot_id)
    items: list[OutboxItem] = []
    for kind, key in keys:
        if kind == "published_producer":
            items.extend(snapshot(now, producer_id=key))
            continue
        if kind == "published_product":
            items.extend(snapshot(now, product_id=key))
            continue
        if kind == "lot_status_fields":
            if key in told_status:
                continue
            kind = "lot"  # changed without a status change row: told as an upsert
        item = _item_for(session, kind, key, now)
        if item is not None:
            items.append(item)
    # A record in a published snapshot is owed once, by the snapshot.
    seen: set[tuple[str, int, str, str]] = set()
    unique = []
    for item in items:
        identity = (item.entity, item.entity_id, item.action, repr(item.payload["record"]))
        if identity not in seen:
            seen.add(identity)
            unique.append(item)
    return unique


def _item_for(session: Session, kind: str, key: Any, now: datetime) -> OutboxItem | None:
    """Build the item for one touched record, or None if it is gone or not publishable."""
    if kind == "producer":
        producer = session.get(Producer, key)
        if producer is None or producer.is_demo:
            return None
        return new_item("producer", producer.id, adapter.UPSERT,
                        adapter.producer_record(producer), now)  # fmt: skip
    if kind == "product":
        product = session.get(Product, key)
        if product is None or not publishable_product(product):
            return None
        return new_item("product", product.id, adapter.UPSERT,
                        adapter.product_record(product), now)  # fmt: skip
    if kind == "lot":
        lot = session.get(Lot, key)
        if lot is None or not publishable_product(lot.product):
            return None
        return new_item("lot", lot.id, adapter.UPSERT, adapter.lot_record(lot), now)
    if kind == "status":
        change = session.get(LotStatusChange, key)
        lot = session.get(Lot, change.lot_id) if change is not None else None
        if lot is None or not publishable_product(lot.product):
            return None
        return new_item("lot", lot.id, adapter.status_action(change),
                        adapter.status_record(change, lot), now)  # fmt: skip
    if kind == "event":
        entry = session.get(Event, key)
        if entry is None or not publishable_product(entry.lot.product):
            return None
        return new_item("event", entry.id, adapter.CREATE, adapter.event_record(entry), now)
    raise AssertionError(f"unknown kind {kind!r}")


def publishable_product(product: Product) -> bool:
    """Tell whether a product (and so its lots and entries) may go to the portal."""
    return not (product.is_demo or product.producer.is_demo)


def new_item(
    entity: str, entity_id: int, action: str, record: dict[str, Any], now: datetime
) -> OutboxItem:
    """Return an item owing record, with a fresh idempotency key kept for all its tries."""
    return OutboxItem(
        entity=entity,
        entity_id=entity_id,
        action=action,
        idempotency_key=str(uuid.uuid4()),
        payload=adapter.envelope(action, record, now),
        created_at=now,
        state=OutboxState.PENDING,
        attempts=0,
        next_attempt_at=now,
    )


def _install_listeners() -> None:
    """Listen once per process: the listeners are session-wide, enabled per app."""
    global _LISTENERS_INSTALLED
    if _LISTENERS_INSTALLED:
        return
    event.listen(db.session, "after_flush", _after_flush)
    event.listen(db.session, "before_commit", _before_commit)
    event.listen(db.session, "after_transaction_end", _after_transaction_end)
    _LISTENERS_INSTALLED = True


def init_app(app: Flask) -> None:
    """Record every publishable change this app's session commits in the portal outbox."""
    _install_listeners()
    app.extensions[_ENABLED] = True


# -- catching up -------------------------------------------------------------------


def record_everything(chunk: int = 500) -> int:
    """Owe the portal the current state of every publishable record; return the count.

    For a site that had data before the connector: run once, then changes follow.
    Commits every chunk items so that a large catalogue does not sit in memory.
    """
    count = 0
    batch: list[OutboxItem] = []
    for item in snapshot(utcnow()):
        batch.append(item)
        count += 1
        if len(batch) >= chunk:
            _commit(batch)
    _commit(batch)
    return count


def snapshot(
    now: datetime, producer_id: int | None = None, product_id: int | None = None
) -> Iterator[OutboxItem]:
    """Yield items owing the current state of every publishable record, parents first:
    all of them, or those of one facility or of one product."""
    real = [Product.is_demo.is_(False), Producer.is_demo.is_(False)]
    if producer_id is not None:
        real.append(Producer.id == producer_id)
    if product_id is not None:
        real.append(Product.id == product_id)
    else:
        producers = select(Producer).where(Producer.is_demo.is_(False))
        if producer_id is not None:
            producers = producers.where(Producer.id == producer_id)
        for producer in _walk(producers):
            yield new_item("producer", producer.id, adapter.UPSERT,
                           adapter.producer_record(producer), now)  # fmt: skip
    for product in _walk(select(Product).join(Product.producer).where(*real)):
        yield new_item("product", product.id, adapter.UPSERT,
                       adapter.product_record(product), now)  # fmt: skip
    lots = select(Lot).join(Lot.product).join(Product.producer).where(*real)
    for lot in _walk(lots.options(selectinload(Lot.inputs).selectinload(LotInput.input_lot))):
        yield new_item("lot", lot.id, adapter.UPSERT, adapter.lot_record(lot), now)
        change = _last_status_change(lot) if lot.status is not LotStatus.ACTIVE else None
        if change is not None:
            yield new_item("lot", lot.id, adapter.status_action(change),
                           adapter.status_record(change, lot), now)  # fmt: skip
    entries = select(Event).join(Event.lot).join(Lot.product).join(Product.producer).where(*real)
    for entry in _walk(entries):
        yield new_item("event", entry.id, adapter.CREATE, adapter.event_record(entry), now)


def _walk(query, size: int = 200) -> Iterator[Any]:
    """Yield query's objects by id, a page at a time (commits in between are safe)."""
    model = query.column_descriptions[0]["entity"]
    last = 0
    while True:
        page = list(db.session.scalars(query.where(model.id > last).order_by(model.id).limit(size)))
        if not page:
            return
        yield from page
        last = page[-1].id


def _last_status_change(lot: Lot) -> LotStatusChange | None:
    return db.session.scalar(
        select(LotStatusChange)
        .where(LotStatusChange.lot_id == lot.id)
        .order_by(LotStatusChange.id.desc())
        .limit(1)
    )


def _commit(batch: list[OutboxItem]) -> None:
    db.session.add_all(batch)
    db.session.commit()
    batch.clear()


# -- reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    """An item as the Department's page and the CLI show it."""

    item: OutboxItem
    about: str  # what it concerns: a name, a lot code, a step
    superseded: bool = False  # a later change of the same record has been sent

    @property
    def error_kind(self) -> str | None:
        return error_parts(self.item.last_error)[0]

    @property
    def error_detail(self) -> str:
        return error_parts(self.item.last_error)[1]


@dataclass(frozen=True)
class OutboxOverview:
    counts: dict[OutboxState, int]
    due: int
    oldest_pending: datetime | None
    failed: list[OutboxRow]
    pending: list[OutboxRow]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def error_parts(last_error: str | None) -> tuple[str | None, str]:
    """Split a stored error ("timeout: read timed out") into its kind and detail."""
    if not last_error:
        return None, ""
    kind, _, detail = last_error.partition(": ")
    return kind, detail


def counts() -> dict[OutboxState, int]:
    rows = db.session.execute(
        select(OutboxItem.state, func.count(OutboxItem.id)).group_by(OutboxItem.state)
    )
    found = dict(rows.all())
    return {state: found.get(state, 0) for state in OutboxState}


def _superseded_clause():
    later = aliased(OutboxItem)
    return exists().where(
        later.entity == OutboxItem.entity,
        later.entity_id == OutboxItem.entity_id,
        later.action == OutboxItem.action,
        later.id > OutboxItem.id,
        later.state == OutboxState.SENT,
    )


def _rows(
    items: Iterable[OutboxItem], language: str, superseded: Iterable[bool] | None = None
) -> list[OutboxRow]:
    items = list(items)
    flags = list(superseded) if superseded is not None else [False] * len(items)
    return [
        OutboxRow(item, adapter.summary(item.entity, item.payload, language), flag)
        for item, flag in zip(items, flags, strict=True)
    ]


def failed_items(limit: int = 100, language: str = "vi") -> list[OutboxRow]:
    """The items given up on, newest first, each marked if a later change was sent."""
    rows = db.session.execute(
        select(OutboxItem, _superseded_clause())
        .where(OutboxItem.state == OutboxState.FAILED)
        .order_by(OutboxItem.id.desc())
        .limit(limit)
    ).all()
    return _rows((row[0] for row in rows), language, (bool(row[1]) for row in rows))


def pending_items(limit: int = 100, language: str = "vi") -> list[OutboxRow]:
    """The items still to send, oldest first."""
    return _rows(
        db.session.scalars(
            select(OutboxItem)
            .where(OutboxItem.state == OutboxState.PENDING)
            .order_by(OutboxItem.id)
            .limit(limit)
        ),
        language,
    )


def recent_errors(limit: int = 5, language: str = "en") -> list[OutboxRow]:
    """The latest items not sent whose last try failed."""
    return _rows(
        db.session.scalars(
            select(OutboxItem)
            .where(OutboxItem.state != OutboxState.SENT, OutboxItem.last_error.is_not(None))
            .order_by(OutboxItem.id.desc())
            .limit(limit)
        ),
        language,
    )


def overview(now: datetime | None = None, limit: int = 100, language: str = "vi") -> OutboxOverview:
    now = now or utcnow()
    pending = OutboxItem.state == OutboxState.PENDING
    oldest = db.session.scalar(select(func.min(OutboxItem.created_at)).where(pending))
    due = db.session.scalar(
        select(func.count(OutboxItem.id)).where(pending, OutboxItem.next_attempt_at <= now)
    )
    return OutboxOverview(
        counts=counts(),
        due=due or 0,
        oldest_pending=as_utc(oldest) if oldest else None,
        failed=failed_items(limit, language),
        pending=pending_items(limit, language),
    )


# -- retrying ----------------------------------------------------------------------


def _is_superseded(item: OutboxItem) -> bool:
    return bool(
        db.session.scalar(
            select(_superseded_clause()).select_from(OutboxItem).where(OutboxItem.id == item.id)
        )
    )


def retry(item_id: int, now: datetime | None = None) -> OutboxItem:
    """Put a failed item back in the queue, due now, with a fresh count of tries.

    It keeps its idempotency key: if the portal did apply an earlier try, it answers
    without applying it twice. An item whose record has had a later change sent is
    refused, since sending it now would put an older state over a newer one.
    """
    item = db.session.get(OutboxItem, item_id)
    if item is None:
        raise OutboxItemNotFound(f"No outbox item {item_id}", item_id=item_id)
    if item.state is not OutboxState.FAILED:
        raise NotRetryable("Only a failed item can be retried", why="not_failed")
    if _is_superseded(item):
        raise NotRetryable("A later change of this record was sent", why="superseded")
    _requeue(item, now or utcnow())
    db.session.flush()
    return item


def retry_failed(now: datetime | None = None) -> int:
    """Put every failed item back in the queue (except superseded ones); return how many."""
    now = now or utcnow()
    items = db.session.scalars(
        select(OutboxItem).where(OutboxItem.state == OutboxState.FAILED, ~_superseded_clause())
    ).all()
    for item in items:
        _requeue(item, now)
    db.session.flush()
    return len(items)


def _requeue(item: OutboxItem, now: datetime) -> None:
    item.state = OutboxState.PENDING
    item.attempts = 0
    item.next_attempt_at = now


__all__ = [
    "NotRetryable",
    "OutboxItemNotFound",
    "OutboxOverview",
    "OutboxRow",
    "counts",
    "error_parts",
    "failed_items",
    "init_app",
    "new_item",
    "overview",
    "pending_items",
    "publishable_product",
    "recent_errors",
    "record_everything",
    "retry",
    "retry_failed",
]
