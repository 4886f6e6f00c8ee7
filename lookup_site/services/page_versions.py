"""What a public page shows, summed up cheaply, so that an unchanged page need not be rendered.

Each function returns a PageVersion: parts that change whenever the page's content
does (hashed into the ETag) and the latest change time known (Last-Modified). They
read the rows already loaded by the view plus one small query, far cheaper than the
page itself (which loads and verifies every diary entry).

Diary entries and their photos are append-only, so their count and highest id
identify them. Lots, products, producers and certifications are edited in place and
carry no "updated" time, so their column values themselves are hashed. What the
parts leave out: a rename of another lot's product shown in "Made from" or
"Used to make" shows once that page changes otherwise, or within a day (the date is
part of every ETag).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, inspect, or_, select

from ..errors import ProducerNotFound
from ..extensions import db
from ..models import Certification, Event, Lot, LotInput, Producer, Product
from .clock import as_utc


@dataclass(frozen=True)
class PageVersion:
    parts: tuple[Any, ...]
    last_modified: datetime | None


@dataclass(frozen=True)
class LotVersion(PageVersion):
    # Loaded with the version: the lot page uses them rather than asking again.
    certifications: list[Certification]


def row_values(obj: Any) -> tuple[Any, ...]:
    """The values of an ORM object's columns, in a stable order."""
    return tuple(getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs)


def latest(moments: Iterable[datetime | None]) -> datetime | None:
    known = [as_utc(moment) for moment in moments if moment is not None]
    return max(known, default=None)


def _certifications_of(product: Product):
    return or_(
        Certification.product_id == product.id,
        Certification.producer_id == product.producer_id,
    )


def lot_version(lot: Lot) -> LotVersion:
    """The lot page's version, in one query; lot comes with its product and producer loaded."""
    product = lot.product
    events = (
        select(func.count(Event.id), func.max(Event.id), func.max(Event.recorded_at))
        .where(Event.lot_id == lot.id)
        .subquery()
    )
    links = (
        select(func.count(LotInput.id), func.max(LotInput.id))
        .where(or_(LotInput.output_lot_id == lot.id, LotInput.input_lot_id == lot.id))
        .subquery()
    )
    # One row per certification (or one with None): the aggregates ride along on each.
    rows = db.session.execute(
        select(*events.columns, *links.columns, Certification)
        .select_from(events)
        .join(links, db.true())
        .outerjoin(Certification, _certifications_of(product))
        .order_by(Certification.kind, Certification.issued_on.desc())
    ).all()
    event_count, last_event_id, last_recorded, link_count, last_link_id = rows[0][:5]
    certifications = [row[5] for row in rows if row[5] is not None]
    parts = (
        row_values(lot),
        row_values(product),
        row_values(product.producer),
        tuple(row_values(c) for c in certifications),
        (event_count, last_event_id, link_count, last_link_id),
    )
    moments = [lot.created_at, lot.status_changed_at, last_recorded]
    moments += [c.created_at for c in certifications]
    return LotVersion(parts, latest(moments), certifications)


def product_version(product: Product) -> PageVersion:
    """The product page's version: its lots summed up, its certifications whole."""
    lots = db.session.execute(_lot_summary().where(Lot.product_id == product.id)).one()
    certifications = db.session.execute(
        select(*Certification.__table__.columns)
        .where(_certifications_of(product))
        .order_by(Certification.id)
    ).all()
    parts = (
        row_values(product),
        row_values(product.producer),
        tuple(lots[:2]),
        tuple(tuple(row) for row in certifications),
    )
    moments = [product.created_at, lots[2], lots[3]]
    moments += [row.created_at for row in certifications]
    return PageVersion(parts, latest(moments))


def _lot_summary():
    """Lots are added and recalled, never removed: count, last id and times sum them up."""
    return select(
        func.count(Lot.id),
        func.max(Lot.id),
        func.max(Lot.status_changed_at),
        func.max(Lot.created_at),
    )


def producer_version(producer_id: int) -> PageVersion:
    """The producer page's version: its products whole, their lots summed up."""
    producer = db.session.get(Producer, producer_id)
    if producer is None:
        raise ProducerNotFound(f"No producer {producer_id}", producer_id=producer_id)
    products = db.session.execute(
        select(*Product.__table__.columns)
        .where(Product.producer_id == producer.id)
        .order_by(Product.id)
    ).all()
    product_ids = [row.id for row in products]
    lots = db.session.execute(_lot_summary().where(Lot.product_id.in_(product_ids))).one()
    certifications = db.session.execute(
        select(*Certification.__table__.columns)
        .where(
            or_(
                Certification.producer_id == producer.id,
                Certification.product_id.in_(product_ids),
            )
        )
        .order_by(Certification.id)
    ).all()
    parts = (
        row_values(producer),
        tuple(tuple(row) for row in products),
        tuple(lots[:2]),
        tuple(tuple(row) for row in certifications),
    )
    moments = [producer.created_at, lots[2], lots[3]]
    moments += [row.created_at for row in products]
    moments += [row.created_at for row in certifications]
    return PageVersion(parts, latest(moments))
