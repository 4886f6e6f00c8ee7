"""Lots, their inputs and their append-only event chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import identifiers
from ..errors import DuplicateLotCode, InvalidCorrection, LotNotFound
from ..extensions import db
from ..models import (
    Certification,
    Event,
    EventPhoto,
    Lot,
    LotInput,
    MediaFile,
    Producer,
    Product,
)
from ..models.base import utcnow
from ..models.event import new_event_uuid
from ..vocabulary import STEPS
from . import chain
from .catalogue import best_ocop
from .clock import as_utc, local_today, offset_string

PUBLIC_CODE_ATTEMPTS = 5


def create_lot(product: Product, code: str, **fields) -> Lot:
    """Register a lot of product under a GS1-valid lot code, with a fresh public code."""
    code = identifiers.validate_lot_code(code.strip())
    exists = db.session.scalar(select(Lot.id).where(Lot.product_id == product.id, Lot.code == code))
    if exists:
        raise DuplicateLotCode(f"Lot {code} already exists for this product", code=code)
    lot = Lot(product=product, code=code, public_code=_unused_public_code(), **fields)
    db.session.add(lot)
    db.session.flush()
    return lot


def _unused_public_code() -> str:
    for _ in range(PUBLIC_CODE_ATTEMPTS):
        candidate = identifiers.new_public_code()
        if candidate.isdigit():
            continue  # an all-digit code would read as a GTIN-8 in manual lookup
        if not db.session.scalar(select(Lot.id).where(Lot.public_code == candidate)):
            return candidate
    raise RuntimeError("could not find an unused public code")


def add_input(
    output_lot: Lot,
    input_lot: Lot,
    quantity: Decimal | None = None,
    quantity_unit: str | None = None,
) -> LotInput:
    """Record that input_lot went into output_lot (one step back)."""
    if output_lot.id == input_lot.id:
        raise InvalidCorrection("A lot cannot be made from itself")
    link = LotInput(
        output_lot=output_lot,
        input_lot=input_lot,
        quantity=quantity,
        quantity_unit=quantity_unit,
    )
    db.session.add(link)
    db.session.flush()
    return link


def lock_for_appending(lot: Lot) -> None:
    """Make writers of one lot wait for each other until their transactions end.

    Without it, two producers' phones (or API clients) saving at the same moment read
    the same last event and the second insert breaks the chain's unique sequence. A
    no-op UPDATE of the lot row takes its row lock on PostgreSQL and the database's
    write lock on SQLite (where SELECT … FOR UPDATE does not exist), so the last event
    is read only once the other writer has committed. Core, not the ORM: nothing is
    audited or sent to the portal for it (the column's onupdate still dates the lot's
    change, which the new event is).
    """
    if lot.id is None:
        db.session.flush()
    table = Lot.__table__
    db.session.execute(update(table).where(table.c.id == lot.id).values(status=table.c.status))


def append_event(
    lot: Lot,
    *,
    step: str,
    event_time: datetime,
    location_name: str | None = None,
    location_address: str | None = None,
    location_gln: str | None = None,
    actor: str | None = None,
    notes_vi: str | None = None,
    notes_en: str | None = None,
    recorded_by: str | None = None,
    recorded_at: datetime | None = None,
    corrects: Event | None = None,
    photos: Sequence[MediaFile] = (),
    uuid: str | None = None,
    epcis_event_id: str | None = None,
) -> Event:
    """Append an event to the lot's chain; published events are never changed.

    ``uuid`` and ``epcis_event_id`` are for events that already have an identity
    elsewhere (EPCIS capture).
    """
    if step not in STEPS:
        raise InvalidCorrection(f"Unknown step {step!r}", step=step)
    if event_time.tzinfo is None:
        raise ValueError("event_time must carry its UTC offset")
    if corrects is not None and corrects.lot_id != lot.id:
        raise InvalidCorrection("A correction must refer to an event of the same lot")
    if location_gln:
        location_gln = identifiers.validate_gln(location_gln)
    lock_for_appending(lot)
    last = db.session.execute(
        select(Event.sequence, Event.hash)
        .where(Event.lot_id == lot.id)
        .order_by(Event.sequence.desc())
        .limit(1)
    ).first()
    sequence, previous_hash = (last[0] + 1, last[1]) if last else (1, chain.GENESIS_HASH)
    event = Event(
        lot=lot,
        sequence=sequence,
        step=step,
        event_time=as_utc(event_time),
        time_zone_offset=offset_string(event_time),
        location_name=location_name,
        location_address=location_address,
        location_gln=location_gln,
        actor=actor,
        notes_vi=notes_vi,
        notes_en=notes_en,
        recorded_by=recorded_by,
        corrects=corrects,
        epcis_event_id=epcis_event_id,
        previous_hash=previous_hash,
        hash="",
    )
    event.photos = [EventPhoto(media=media) for media in photos]
    event.recorded_at = as_utc(recorded_at) if recorded_at else utcnow()
    # The hash covers the uuid, so it is set now rather than by the column default at flush.
    event.uuid = uuid or new_event_uuid()
    # Reading the photos' hashes must not flush the half-built event.
    with db.session.no_autoflush:
        event.hash = chain.event_hash(event, lot.public_code, corrects.uuid if corrects else None)
    db.session.add(event)
    try:
        db.session.flush()
    except IntegrityError as error:  # another writer appended at the same time
        db.session.rollback()
        raise InvalidCorrection("The lot changed while saving; try again") from error
    return event


def find_lot(gtin14: str, code: str) -> Lot:
    lot = db.session.scalar(
        select(Lot)
        .join(Lot.product)
        .where(Product.gtin == gtin14, Lot.code == code)
        .options(
            joinedload(Lot.product).joinedload(Product.producer),
            joinedload(Lot.product).joinedload(Product.image_media),
        )
    )
    if lot is None:
        raise LotNotFound(f"No lot {code} of GTIN {gtin14}", gtin=gtin14, code=code)
    return lot


def find_lot_by_public_code(public_code: str) -> Lot:
    lot = db.session.scalar(
        select(Lot)
        .where(Lot.public_code == public_code)
        .options(
            joinedload(Lot.product).joinedload(Product.producer),
            joinedload(Lot.product).joinedload(Product.image_media),
        )
    )
    if lot is None:
        raise LotNotFound(f"No lot with public code {public_code}", code=public_code)
    return lot


@dataclass
class LotPage:
    """Everything the lot page shows, loaded in a fixed number of queries."""

    lot: Lot
    product: Product
    producer: Producer
    certifications: list[Certification]
    inputs: list[LotInput]
    used_in: list[LotInput]
    events: list[Event]
    chain: chain.ChainVerdict
    today: date
    corrected_by: dict[int, list[Event]] = field(default_factory=dict)
    events_by_id: dict[int, Event] = field(default_factory=dict)

    @property
    def ocop(self) -> Certification | None:
        return best_ocop(self.certifications, self.today)

    @property
    def other_certifications(self) -> list[Certification]:
        ocop = self.ocop
        return [c for c in self.certifications if c is not ocop]

    @property
    def is_expired(self) -> bool:
        return self.lot.is_expired(self.today)


def _links(condition, other_side) -> list[LotInput]:
    """Load lot links with the lot at the other end, its product and producer, in one query."""
    return list(
        db.session.scalars(
            select(LotInput)
            .where(condition)
            .options(joinedload(other_side).joinedload(Lot.product).joinedload(Product.producer))
            .order_by(LotInput.id)
        )
    )


def lot_page(lot: Lot, certifications: list[Certification] | None = None) -> LotPage:
    """Load the lot page's data; lot must come with its product and producer loaded.

    certifications, when given, were loaded with the page's version (for its ETag),
    in the same order: the page does not ask for them again.
    """
    product, producer = lot.product, lot.product.producer
    if certifications is None:
        certifications = list(
            db.session.scalars(
                select(Certification)
                .where(
                    or_(
                        Certification.product_id == product.id,
                        Certification.producer_id == producer.id,
                    )
                )
                .order_by(Certification.kind, Certification.issued_on.desc())
            )
        )
    inputs = _links(LotInput.output_lot_id == lot.id, LotInput.input_lot)
    used_in = _links(LotInput.input_lot_id == lot.id, LotInput.output_lot)
    events = list(
        db.session.scalars(
            select(Event)
            .where(Event.lot_id == lot.id)
            .options(selectinload(Event.photos).joinedload(EventPhoto.media))
            .order_by(Event.sequence)
        )
    )
    events_by_id = {event.id: event for event in events}
    corrected_by: dict[int, list[Event]] = {}
    for event in events:
        if event.corrects_id:
            corrected_by.setdefault(event.corrects_id, []).append(event)
    return LotPage(
        lot=lot,
        product=product,
        producer=producer,
        certifications=certifications,
        inputs=inputs,
        used_in=used_in,
        events=sorted(events, key=lambda e: (as_utc(e.event_time), e.sequence)),
        chain=chain.verify_chain(events, lot.public_code),
        today=local_today(),
        corrected_by=corrected_by,
        events_by_id=events_by_id,
    )


def count_lots() -> int:
    return db.session.scalar(select(func.count(Lot.id))) or 0
