from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

if TYPE_CHECKING:
    from .lot import Lot
    from .media import EventPhoto


def new_event_uuid() -> str:
    return str(uuid.uuid4())


class Event(db.Model):
    """A production-diary entry: a critical tracking event on one lot.

    Events are append-only. Each stores the hash of its predecessor in the
    lot's chain and its own hash over a canonical serialisation, so that a
    later edit is detectable. A correction is a new event pointing at the one
    it corrects.
    """

    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("lot_id", "sequence", name="uq_event_lot_sequence"),
        # Readiness asks "which entries were corrected?" of every lot: only corrections
        # are indexed, so the index stays small however long the diaries grow.
        Index(
            "ix_event_corrects_id",
            "corrects_id",
            postgresql_where=text("corrects_id IS NOT NULL"),
            sqlite_where=text("corrects_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable identity for EPCIS exchange (eventID).
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_event_uuid)
    # The eventID another system gave this event when it was captured through EPCIS:
    # capturing the same document twice records each event once.
    epcis_event_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    sequence: Mapped[int]
    step: Mapped[str] = mapped_column(String(40))
    # Stored in UTC; the offset the event happened in is kept for display and EPCIS.
    event_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    time_zone_offset: Mapped[str] = mapped_column(String(6), default="+07:00")
    location_name: Mapped[str | None] = mapped_column(String(200))
    location_address: Mapped[str | None] = mapped_column(String(300))
    location_gln: Mapped[str | None] = mapped_column(String(13))
    actor: Mapped[str | None] = mapped_column(String(200))
    notes_vi: Mapped[str | None] = mapped_column(Text)
    notes_en: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(200))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"))
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    lot: Mapped[Lot] = relationship(back_populates="events", foreign_keys=[lot_id])
    corrects: Mapped[Event | None] = relationship(remote_side=[id])
    photos: Mapped[list[EventPhoto]] = relationship(order_by="EventPhoto.id")

    def __repr__(self) -> str:
        return f"<Event {self.id} lot={self.lot_id} #{self.sequence} {self.step}>"
