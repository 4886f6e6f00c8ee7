from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column
from .product import Product


class BatchEntryStatus(enum.Enum):
    SURVEYED = "surveyed"
    APPROVED = "approved"
    REJECTED = "rejected"
    PENDING_DOCUMENTS = "pending_documents"


class ProgrammeBatch(db.Model):
    """A batch of the Department's programme, e.g. "Đợt 1 năm 2023"."""

    __tablename__ = "programme_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int]
    decision: Mapped[str | None] = mapped_column(String(200))

    entries: Mapped[list[BatchEntry]] = relationship(back_populates="batch")


class BatchEntry(db.Model):
    __tablename__ = "batch_entry"
    __table_args__ = (UniqueConstraint("batch_id", "product_id", name="uq_batch_entry_product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("programme_batch.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    status: Mapped[BatchEntryStatus] = mapped_column(enum_column(BatchEntryStatus))
    criteria_notes: Mapped[str | None] = mapped_column(Text)

    batch: Mapped[ProgrammeBatch] = relationship(back_populates="entries")
    product: Mapped[Product] = relationship()
