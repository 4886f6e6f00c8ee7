from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column, utcnow

if TYPE_CHECKING:
    from .media import MediaFile
    from .producer import Producer
    from .product import Product

OCOP_VALIDITY_MONTHS = 36


class CertificationKind(enum.Enum):
    OCOP = "ocop"
    VIETGAP = "vietgap"
    ORGANIC = "organic"
    CERTIFICATION_TRADEMARK = "certification_trademark"
    GEOGRAPHICAL_INDICATION = "geographical_indication"
    HACCP_ISO22000 = "haccp_iso22000"
    OTHER = "other"


class GrantingLevel(enum.Enum):
    CENTRAL = "central"
    PROVINCE = "province"
    DISTRICT = "district"


class CertificationStatus(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    PENDING = "pending"
    REVOKED = "revoked"


def add_months(start: date, months: int) -> date:
    """Return the same day months later, clamped to the month's last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Certification(db.Model):
    """A certificate held by a product or by its producer."""

    __tablename__ = "certification"
    __table_args__ = (
        CheckConstraint(
            "(product_id IS NULL) <> (producer_id IS NULL)", name="holder_is_product_or_producer"
        ),
        CheckConstraint("ocop_stars IS NULL OR (ocop_stars BETWEEN 1 AND 5)", name="ocop_stars"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producer.id"), index=True)
    kind: Mapped[CertificationKind] = mapped_column(enum_column(CertificationKind))
    name_vi: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    ocop_stars: Mapped[int | None]
    granting_level: Mapped[GrantingLevel | None] = mapped_column(enum_column(GrantingLevel))
    number: Mapped[str | None] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200))
    # No issue date yet means the application is pending.
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # A scan of the certificate (PDF or image).
    document_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Moved by every change of the row: the public pages' Last-Modified.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    product: Mapped[Product | None] = relationship(back_populates="certifications")
    producer: Mapped[Producer | None] = relationship(back_populates="certifications")
    document: Mapped[MediaFile | None] = relationship()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if self.kind == CertificationKind.OCOP and self.issued_on and not self.valid_until:
            self.valid_until = add_months(self.issued_on, OCOP_VALIDITY_MONTHS)

    def status_on(self, today: date) -> CertificationStatus:
        """Derive the status from the dates: revoked, pending, expired or valid."""
        if self.revoked_on and self.revoked_on <= today:
            return CertificationStatus.REVOKED
        if self.issued_on is None or self.issued_on > today:
            return CertificationStatus.PENDING
        if self.valid_until is not None and self.valid_until < today:
            return CertificationStatus.EXPIRED
        return CertificationStatus.VALID

    def __repr__(self) -> str:
        return f"<Certification {self.id} {self.kind.value}>"
