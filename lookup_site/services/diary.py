"""The producer's side of lots: registering, editing, stopping, linking and the diary."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import identifiers
from ..errors import DuplicateLotCode, InvalidInput, LotNotFound
from ..extensions import db
from ..models import (
    Event,
    Inspection,
    Lot,
    LotInput,
    LotStatus,
    LotStatusChange,
    MediaFile,
    Producer,
    Product,
    Role,
    User,
)
from ..models.base import utcnow
from . import lookup
from . import lots as lot_service
from .clock import VIETNAM, local_today

# A diary entry may be recorded a little ahead of the server clock (phones drift).
FUTURE_TOLERANCE = timedelta(minutes=10)
TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")


class LotLocked(InvalidInput):
    """The lot has published events: its master data can no longer change."""

    reason = "lot_locked"


class RecallIsFinal(InvalidInput):
    reason = "recall_is_final"


class ReasonRequired(InvalidInput):
    reason = "reason_required"


class EventInFuture(InvalidInput):
    reason = "event_in_future"


class InputAlreadyDeclared(InvalidInput):
    reason = "input_already_declared"


class NothingToRepeat(InvalidInput):
    reason = "nothing_to_repeat"


class NoLotsChosen(InvalidInput):
    reason = "no_lots_chosen"


def has_events(lot: Lot) -> bool:
    return bool(db.session.scalar(select(func.count(Event.id)).where(Event.lot_id == lot.id)))


def suggest_lot_code(product: Product, today: date | None = None) -> str:
    """Suggest the next free lot code: the last code's trailing number plus one."""
    today = today or local_today()
    last = db.session.scalar(
        select(Lot.code).where(Lot.product_id == product.id).order_by(Lot.id.desc()).limit(1)
    )
    match = TRAILING_NUMBER.match(last or "")
    if match:
        prefix, number = match.group(1), match.group(2)
        start = int(number) + 1
        width = len(number)
    else:
        prefix, start, width = f"{today:%y%m%d}-", 1, 2
    existing = set(db.session.scalars(select(Lot.code).where(Lot.product_id == product.id)))
    for candidate_number in range(start, start + 1000):
        candidate = f"{prefix}{candidate_number:0{width}d}"
        if len(candidate) <= 20 and candidate not in existing:
            return candidate
    return f"{today:%y%m%d%H%M%S}"


def suggest_best_before(product: Product, production_date: date) -> date | None:
    if product.shelf_life_days:
        return production_date + timedelta(days=product.shelf_life_days)
    return None


@dataclass
class LotFields:
    production_date: date | None
    packing_date: date | None
    best_before: date | None
    best_before_is_expiry: bool
    quantity: Decimal | None
    quantity_unit: str | None


class DatesOutOfOrder(InvalidInput):
    reason = "dates_out_of_order"


def _check_dates(fields: LotFields) -> None:
    if (
        fields.production_date
        and fields.best_before
        and fields.best_before < fields.production_date
    ):
        raise DatesOutOfOrder(
            "Best before is earlier than the production date", field="best_before"
        )
    if (
        fields.production_date
        and fields.packing_date
        and fields.packing_date < fields.production_date
    ):
        raise DatesOutOfOrder("Packing is earlier than production", field="packing_date")


def register_lot(product: Product, code: str, fields: LotFields) -> Lot:
    _check_dates(fields)
    return lot_service.create_lot(product, code, **vars(fields))


def update_lot(lot: Lot, code: str, fields: LotFields) -> Lot:
    """Change a lot's master data while nothing about it has been published."""
    if has_events(lot):
        raise LotLocked("Events are published for this lot")
    _check_dates(fields)
    code = identifiers.validate_lot_code(code.strip())
    if code != lot.code:
        taken = db.session.scalar(
            select(Lot.id).where(Lot.product_id == lot.product_id, Lot.code == code)
        )
        if taken:
            raise DuplicateLotCode(f"Lot {code} already exists", code=code)
        lot.code = code
    for name, value in vars(fields).items():
        setattr(lot, name, value)
    db.session.flush()
    return lot


def set_status(
    lot: Lot,
    status: LotStatus,
    reason_vi: str,
    reason_en: str,
    user: User | None = None,
    inspection: Inspection | None = None,
) -> Lot:
    """Recall, suspend or reactivate a lot; the public page shows it at once.

    Every change is kept in the lot's status history, with who and why.
    """
    reason_vi, reason_en = (reason_vi or "").strip(), (reason_en or "").strip()
    if lot.status is LotStatus.RECALLED and status is not LotStatus.RECALLED:
        raise RecallIsFinal("A recalled lot stays recalled")
    if status is not LotStatus.ACTIVE and not (reason_vi or reason_en):
        raise ReasonRequired("Say why, for shoppers")
    if lot.status is LotStatus.SUSPENDED and status is not LotStatus.SUSPENDED:
        _check_may_lift(lot, user)
    stopped = status is not LotStatus.ACTIVE
    db.session.add(
        LotStatusChange(
            lot_id=lot.id,
            from_status=lot.status,
            to_status=status,
            reason_vi=reason_vi or None,
            reason_en=reason_en or None,
            changed_by_id=user.id if user is not None else None,
            inspection_id=inspection.id if inspection is not None else None,
        )
    )
    lot.status = status
    lot.status_reason_vi = (reason_vi or None) if stopped else None
    lot.status_reason_en = (reason_en or None) if stopped else None
    lot.status_changed_at = utcnow()
    db.session.flush()
    return lot


class SuspendedByAuthority(InvalidInput):
    """An inspector or the Department suspended the lot: only they may lift it."""

    reason = "suspended_by_authority"


def _check_may_lift(lot: Lot, user: User | None) -> None:
    if user is None or user.role is not Role.PRODUCER:
        return
    suspended_by = db.session.scalar(
        select(User.role)
        .join(LotStatusChange, LotStatusChange.changed_by_id == User.id)
        .where(LotStatusChange.lot_id == lot.id, LotStatusChange.to_status == LotStatus.SUSPENDED)
        .order_by(LotStatusChange.id.desc())
        .limit(1)
    )
    if suspended_by is not None and suspended_by is not Role.PRODUCER:
        raise SuspendedByAuthority("Suspended by an inspector")


def declare_input(
    output_lot: Lot, reference: str, quantity: Decimal | None, unit: str | None
) -> LotInput:
    """Link the lot named by reference (any producer's) as an input of output_lot."""
    if has_events(output_lot):
        raise LotLocked("Events are published for this lot")
    found = lookup.resolve(reference)
    if found.lot is None:
        raise LotNotFound("That code names a product, not a lot", code=reference)
    already = db.session.scalar(
        select(LotInput.id).where(
            LotInput.output_lot_id == output_lot.id, LotInput.input_lot_id == found.lot.id
        )
    )
    if already:
        raise InputAlreadyDeclared("Already an input")
    return lot_service.add_input(output_lot, found.lot, quantity, unit)


def remove_input(output_lot: Lot, link_id: int) -> None:
    if has_events(output_lot):
        raise LotLocked("Events are published for this lot")
    link = db.session.scalar(
        select(LotInput).where(LotInput.id == link_id, LotInput.output_lot_id == output_lot.id)
    )
    if link is None:
        raise LotNotFound("No such input")
    db.session.delete(link)
    db.session.flush()


@dataclass
class EventDraft:
    step: str
    event_time: datetime  # aware
    location_name: str | None
    location_address: str | None
    actor: str | None
    notes_vi: str | None
    notes_en: str | None


def _check_time(event_time: datetime) -> None:
    if event_time > datetime.now(VIETNAM) + FUTURE_TOLERANCE:
        raise EventInFuture("The event time is in the future")


def record_event(
    lot: Lot,
    draft: EventDraft,
    user: User,
    photos: Sequence[MediaFile] = (),
    corrects: Event | None = None,
) -> Event:
    """Publish a diary entry on lot (a correction when corrects is given)."""
    _check_time(draft.event_time)
    return lot_service.append_event(
        lot,
        step=draft.step,
        event_time=draft.event_time,
        location_name=draft.location_name,
        location_address=draft.location_address,
        actor=draft.actor,
        notes_vi=draft.notes_vi,
        notes_en=draft.notes_en,
        recorded_by=user.label,
        corrects=corrects,
        photos=photos,
    )


def latest_event(producer: Producer) -> Event | None:
    """The facility's most recently recorded diary entry: what "repeat" copies."""
    return db.session.scalar(
        select(Event)
        .join(Event.lot)
        .join(Lot.product)
        .where(Product.producer_id == producer.id)
        .options(joinedload(Event.lot).joinedload(Lot.product))
        .order_by(Event.recorded_at.desc(), Event.id.desc())
        .limit(1)
    )


def repeat_event(
    source: Event, lots: Sequence[Lot], event_time: datetime, user: User
) -> list[Event]:
    """Record source's step, place and notes on each lot at event_time, all or nothing."""
    if not lots:
        raise NoLotsChosen("Choose at least one lot")
    _check_time(event_time)
    draft = EventDraft(
        step=source.step,
        event_time=event_time,
        location_name=source.location_name,
        location_address=source.location_address,
        actor=source.actor,
        notes_vi=source.notes_vi,
        notes_en=source.notes_en,
    )
    return [record_event(lot, draft, user) for lot in lots]


def own_lots(producer: Producer, lot_ids: Sequence[int]) -> list[Lot]:
    """The producer's lots among lot_ids; any other id means the whole request is refused."""
    wanted = set(lot_ids)
    found = list(
        db.session.scalars(
            select(Lot)
            .join(Lot.product)
            .where(Lot.id.in_(wanted), Product.producer_id == producer.id)
            .order_by(Lot.id)
        )
    )
    if len(found) != len(wanted):
        raise LotNotFound("A chosen lot is not yours")
    return found
