from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column, utcnow

if TYPE_CHECKING:
    from .certification import Certification
    from .product import Product


class LegalForm(enum.Enum):
    ENTERPRISE = "enterprise"
    COOPERATIVE = "cooperative"
    HOUSEHOLD = "household"


class Producer(db.Model):
    """A facility (cơ sở sản xuất): enterprise, cooperative or household business."""

    __tablename__ = "producer"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_form: Mapped[LegalForm] = mapped_column(enum_column(LegalForm))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    tax_code: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(100))
    # Older certificates name a district; districts were abolished on 1 Jul 2025.
    former_district: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(200))
    gln: Mapped[str | None] = mapped_column(String(13), unique=True)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Moved by every change of the row (and by the deletion of a certificate it holds,
    # see models/changes.py): the public pages' Last-Modified.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    products: Mapped[list[Product]] = relationship(back_populates="producer", order_by="Product.id")
    certifications: Mapped[list[Certification]] = relationship(back_populates="producer")

    @property
    def address_parts(self) -> list[str]:
        return [part for part in (self.street, self.commune, self.province) if part]

    def __repr__(self) -> str:
        return f"<Producer {self.id} {self.name_vi!r}>"
