from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column, utcnow
from .lot import LotStatus

if TYPE_CHECKING:
    from .event import Event
    from .lot import Lot
    from .user import User


class InspectionResult(enum.Enum):
    CONFORMANT = "conformant"
    NON_CONFORMANT = "non_conformant"
    OBSERVATION = "observation"


class Inspection(db.Model):
    """What an inspector found on site; published as an "inspecting" diary event."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), unique=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    result: Mapped[InspectionResult] = mapped_column(enum_column(InspectionResult))
    notes: Mapped[str | None] = mapped_column(Text)
    location_name: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )

    lot: Mapped[Lot] = relationship()
    event: Mapped[Event] = relationship()
    inspector: Mapped[User] = relationship()


class LotStatusChange(db.Model):
    """Who recalled, suspended or reactivated a lot, when and why: kept for good."""

    __tablename__ = "lot_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    from_status: Mapped[LotStatus] = mapped_column(enum_column(LotStatus))
    to_status: Mapped[LotStatus] = mapped_column(enum_column(LotStatus))
    reason_vi: Mapped[str | None] = mapped_column(String(500))
    reason_en: Mapped[str | None] = mapped_column(String(500))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    changed_by: Mapped[User | None] = relationship()
