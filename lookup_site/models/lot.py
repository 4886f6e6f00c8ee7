from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column, utcnow

if TYPE_CHECKING:
    from .event import Event
    from .product import Product


class LotStatus(enum.Enum):
    ACTIVE = "active"
    RECALLED = "recalled"
    SUSPENDED = "suspended"


class Lot(db.Model):
    """A production lot (lô hàng): the unit a QR code on a package identifies."""

    __tablename__ = "lot"
    __table_args__ = (
        UniqueConstraint("product_id", "code", name="uq_lot_product_code"),
        # Recalled and suspended lots, for the Department's dashboard: a sliver of all lots.
        Index(
            "ix_lot_stopped",
            "id",
            postgresql_where=text("status <> 'active'"),
            sqlite_where=text("status <> 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    # GS1 AI 10: 1-20 characters of the GS1 82-character set.
    code: Mapped[str] = mapped_column(String(20))
    # Printed under the QR code for typing by hand (Crockford base32).
    public_code: Mapped[str] = mapped_column(String(16), unique=True)
    production_date: Mapped[date | None] = mapped_column(Date)
    packing_date: Mapped[date | None] = mapped_column(Date)
    best_before: Mapped[date | None] = mapped_column(Date)
    # True when best_before is a hard expiry date (GS1 AI 17) rather than AI 15.
    best_before_is_expiry: Mapped[bool] = mapped_column(default=False)
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    quantity_unit: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[LotStatus] = mapped_column(enum_column(LotStatus), default=LotStatus.ACTIVE)
    status_reason_vi: Mapped[str | None] = mapped_column(String(500))
    status_reason_en: Mapped[str | None] = mapped_column(String(500))
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Moved by every change of the row, and when one of its links to other lots is
    # removed (models/changes.py): the public pages' Last-Modified.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    product: Mapped[Product] = relationship(back_populates="lots")
    events: Mapped[list[Event]] = relationship(
        back_populates="lot", order_by="Event.sequence", foreign_keys="Event.lot_id"
    )
    inputs: Mapped[list[LotInput]] = relationship(
        back_populates="output_lot", foreign_keys="LotInput.output_lot_id"
    )
    used_in: Mapped[list[LotInput]] = relationship(
        back_populates="input_lot", foreign_keys="LotInput.input_lot_id"
    )

    def is_expired(self, today: date) -> bool:
        return self.best_before is not None and self.best_before < today

    def __repr__(self) -> str:
        return f"<Lot {self.id} {self.code!r}>"


class LotInput(db.Model):
    """One step back: an input lot that went into an output lot, with its quantity."""

    __tablename__ = "lot_input"
    __table_args__ = (
        UniqueConstraint("output_lot_id", "input_lot_id", name="uq_lot_input_pair"),
        CheckConstraint("output_lot_id <> input_lot_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    output_lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    input_lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    quantity_unit: Mapped[str | None] = mapped_column(String(20))
    # Links are added and removed, never edited: when the lot pages on both ends changed.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    output_lot: Mapped[Lot] = relationship(back_populates="inputs", foreign_keys=[output_lot_id])
    input_lot: Mapped[Lot] = relationship(back_populates="used_in", foreign_keys=[input_lot_id])


# Registered with the models: a deleted certificate or lot link moves its holder's updated_at.
from . import changes  # noqa: E402, F401
