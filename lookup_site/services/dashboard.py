"""What a producer sees first: counts, recent diary entries, lots needing attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Event, Lot, LotStatus, Producer, Product
from .clock import local_today

NEAR_EXPIRY_DAYS = 30
RECENT_EVENTS = 10


@dataclass
class Dashboard:
    products: int
    lots: int
    events: int
    recent_events: list[Event]
    stopped_lots: list[Lot]
    near_expiry: list[Lot]
    today: date


def dashboard(producer: Producer) -> Dashboard:
    today = local_today()
    own_lots = select(Lot.id).join(Lot.product).where(Product.producer_id == producer.id)
    lots_of_producer = (
        select(Lot)
        .join(Lot.product)
        .where(Product.producer_id == producer.id)
        .options(joinedload(Lot.product))
    )
    return Dashboard(
        products=db.session.scalar(
            select(func.count(Product.id)).where(Product.producer_id == producer.id)
        )
        or 0,
        lots=db.session.scalar(select(func.count()).select_from(own_lots.subquery())) or 0,
        events=db.session.scalar(select(func.count(Event.id)).where(Event.lot_id.in_(own_lots)))
        or 0,
        recent_events=list(
            db.session.scalars(
                select(Event)
                .where(Event.lot_id.in_(own_lots))
                .options(joinedload(Event.lot).joinedload(Lot.product))
                .order_by(Event.recorded_at.desc(), Event.id.desc())
                .limit(RECENT_EVENTS)
            )
        ),
        stopped_lots=list(
            db.session.scalars(
                lots_of_producer.where(Lot.status != LotStatus.ACTIVE).order_by(Lot.id.desc())
            )
        ),
        near_expiry=list(
            db.session.scalars(
                lots_of_producer.where(
                    Lot.status == LotStatus.ACTIVE,
                    Lot.best_before.is_not(None),
                    Lot.best_before <= today + timedelta(days=NEAR_EXPIRY_DAYS),
                ).order_by(Lot.best_before)
            )
        ),
        today=today,
    )
