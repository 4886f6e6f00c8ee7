"""What a public page shows, summed up cheaply, so that an unchanged page need not be rendered.

Each function returns a PageVersion: parts that change whenever the page's content
does (hashed into the ETag) and the latest change time of anything the page shows
(Last-Modified). They read the rows already loaded by the view plus one small query
(two for the product page), far cheaper than the page itself (which loads and
verifies every diary entry).

Lots, products, producers and certifications carry an ``updated_at`` that every
change moves (and a deleted certificate or lot link moves its holder's, see
models/changes.py); diary entries, their photos and lot links are added, never
edited, so their count, highest id and creation time identify them. The lots at the
other end of a link are summed up the same way, so renaming the product shown under
"Made from" changes this lot's page too.

A page also changes by itself when a day comes: a certificate becomes valid, expires
or is revoked on a date, a lot passes its best-before date. The start of the latest
such day already reached (in Vietnam) is one of the page's change times and one of
its parts, so both validators stay exact without carrying today's date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, inspect, or_, select
from sqlalchemy.orm import aliased

from ..errors import ProducerNotFound
from ..extensions import db
from ..models import Certification, Event, Lot, LotInput, Producer, Product
from .clock import VIETNAM, as_utc, local_today

ONE_DAY = timedelta(days=1)


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


def certificate_turns(certifications: Iterable[Any]) -> Iterator[date | None]:
    """The days on which a certificate's status changes by itself (see Certification.status_on)."""
    for certification in certifications:
        yield certification.issued_on  # pending until then
        yield certification.revoked_on
        if certification.valid_until is not None:
            yield certification.valid_until + ONE_DAY  # expired from the day after


def latest_turn(days: Iterable[date | None]) -> datetime | None:
    """The start (Vietnam time, as UTC) of the latest of days already reached, if any."""
    today = local_today()
    reached = [day for day in days if day is not None and day <= today]
    if not reached:
        return None
    return datetime.combine(max(reached), time(), tzinfo=VIETNAM).astimezone(UTC)


def _certifications_of(product: Product):
    return or_(
        Certification.product_id == product.id,
        Certification.producer_id == product.producer_id,
    )


# Built once: an alias proxies every column of its table, too costly to build per request.
_OTHER_END = aliased(Lot, name="other_lot"), aliased(Product, name="other_product"), aliased(
    Producer, name="other_producer"
)


def _links_summary(lot: Lot):
    """The lot's links and the lots at their other end (with product and producer): one row."""
    other, other_product, other_producer = _OTHER_END
    other_end = or_(
        and_(LotInput.output_lot_id == lot.id, other.id == LotInput.input_lot_id),
        and_(LotInput.input_lot_id == lot.id, other.id == LotInput.output_lot_id),
    )
    return (
        select(
            func.count(LotInput.id),
            func.max(LotInput.id),
            func.max(LotInput.created_at),
            func.max(other.updated_at),
            func.max(other_product.updated_at),
            func.max(other_producer.updated_at),
        )
        .select_from(LotInput)
        .join(other, other_end)
        .join(other_product, other_product.id == other.product_id)
        .join(other_producer, other_producer.id == other_product.producer_id)
        .where(or_(LotInput.output_lot_id == lot.id, LotInput.input_lot_id == lot.id))
        .subquery()
    )


def lot_version(lot: Lot) -> LotVersion:
    """The lot page's version, in one query; lot comes with its product and producer loaded."""
    product = lot.product
    events = (
        select(func.count(Event.id), func.max(Event.id), func.max(Event.recorded_at))
        .where(Event.lot_id == lot.id)
        .subquery()
    )
    links = _links_summary(lot)
    # One row per certification (or one with None): the aggregates ride along on each.
    rows = db.session.execute(
        select(*events.columns, *links.columns, Certification)
        .select_from(events)
        .join(links, db.true())
        .outerjoin(Certification, _certifications_of(product))
        .order_by(Certification.kind, Certification.issued_on.desc())
    ).all()
    event_count, last_event_id, last_recorded = rows[0][:3]
    link_count, last_link_id, *link_moments = rows[0][3:9]
    certifications = [row[9] for row in rows if row[9] is not None]
    expiry = lot.best_before + ONE_DAY if lot.best_before is not None else None
    turn = latest_turn([expiry, *certificate_turns(certifications)])
    parts = (
        row_values(lot),
        row_values(product),
        row_values(product.producer),
        tuple(row_values(c) for c in certifications),
        (event_count, last_event_id, link_count, last_link_id, *link_moments),
        turn,
    )
    moments = [lot.updated_at, product.updated_at, product.producer.updated_at]
    moments += [last_recorded, *link_moments, turn]
    moments += [c.updated_at for c in certifications]
    return LotVersion(parts, latest(moments), certifications)


def _lot_summary():
    """Lots are added and edited, never removed: their count, last id and last change."""
    return select(func.count(Lot.id), func.max(Lot.id), func.max(Lot.updated_at))


def product_version(product: Product) -> PageVersion:
    """The product page's version: its lots summed up, its certifications whole."""
    lots = db.session.execute(_lot_summary().where(Lot.product_id == product.id)).one()
    certifications = db.session.execute(
        select(*Certification.__table__.columns)
        .where(_certifications_of(product))
        .order_by(Certification.id)
    ).all()
    turn = latest_turn(certificate_turns(certifications))
    parts = (
        row_values(product),
        row_values(product.producer),
        tuple(lots),
        tuple(tuple(row) for row in certifications),
        turn,
    )
    moments = [product.updated_at, product.producer.updated_at, lots[2], turn]
    moments += [row.updated_at for row in certifications]
    return PageVersion(parts, latest(moments))


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
    turn = latest_turn(certificate_turns(certifications))
    parts = (
        row_values(producer),
        tuple(tuple(row) for row in products),
        tuple(lots),
        tuple(tuple(row) for row in certifications),
        turn,
    )
    moments = [producer.updated_at, lots[2], turn]
    moments += [row.updated_at for row in products]
    moments += [row.updated_at for row in certifications]
    return PageVersion(parts, latest(moments))
