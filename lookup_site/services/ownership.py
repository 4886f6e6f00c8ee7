"""Look objects up through the facility that owns them.

A producer asking for another producer's product, lot or event gets the same
answer as for one that does not exist: not found (404), so ids cannot be probed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..errors import LotNotFound, NotFound, ProductNotFound
from ..extensions import db
from ..models import Certification, Event, Lot, Producer, Product


class EventNotFound(NotFound):
    reason = "event_not_found"


class CertificationNotFound(NotFound):
    reason = "certification_not_found"


def own_product(producer: Producer, product_id: int) -> Product:
    product = db.session.scalar(
        select(Product).where(Product.id == product_id, Product.producer_id == producer.id)
    )
    if product is None:
        raise ProductNotFound(f"No product {product_id} here", product_id=product_id)
    return product


def own_lot(producer: Producer, lot_id: int) -> Lot:
    lot = db.session.scalar(
        select(Lot)
        .join(Lot.product)
        .where(Lot.id == lot_id, Product.producer_id == producer.id)
        .options(joinedload(Lot.product))
    )
    if lot is None:
        raise LotNotFound(f"No lot {lot_id} here", lot_id=lot_id)
    return lot


def own_event(producer: Producer, event_id: int) -> Event:
    event = db.session.scalar(
        select(Event)
        .join(Event.lot)
        .join(Lot.product)
        .where(Event.id == event_id, Product.producer_id == producer.id)
    )
    if event is None:
        raise EventNotFound(f"No event {event_id} here", event_id=event_id)
    return event


def own_certification(producer: Producer, certification_id: int) -> Certification:
    certification = db.session.scalar(
        select(Certification)
        .outerjoin(Certification.product)
        .where(
            Certification.id == certification_id,
            (Certification.producer_id == producer.id) | (Product.producer_id == producer.id),
        )
    )
    if certification is None:
        raise CertificationNotFound(f"No certificate {certification_id} here")
    return certification
