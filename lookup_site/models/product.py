from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column, utcnow

if TYPE_CHECKING:
    from .certification import Certification
    from .lot import Lot
    from .media import MediaFile
    from .producer import Producer


class OcopGroup(enum.Enum):
    """The six OCOP product groups of 2023."""

    FOOD = "food"
    BEVERAGE = "beverage"
    HERBAL = "herbal"
    HANDICRAFT = "handicraft"
    ORNAMENTAL = "ornamental"
    TOURISM = "tourism"


class Product(db.Model):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producer.id"), index=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    ocop_group: Mapped[OcopGroup | None] = mapped_column(enum_column(OcopGroup))
    # Stored as GTIN-14; shorter GTINs are zero-padded on the way in.
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    net_content: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    net_content_unit: Mapped[str | None] = mapped_column(String(20))
    # A path under static/ (the demo's pictograms) or an uploaded photo (image_media).
    image: Mapped[str | None] = mapped_column(String(300))
    image_media_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id"))
    standards: Mapped[str | None] = mapped_column(String(300))
    brand: Mapped[str | None] = mapped_column(String(200))
    shelf_life_days: Mapped[int | None]
    # Checks of one item code past which its page warns of a copy (default 5).
    copy_warning_threshold: Mapped[int | None]
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Moved by every change of the row (and by the deletion of a certificate it holds,
    # see models/changes.py): the public pages' Last-Modified.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    producer: Mapped[Producer] = relationship(back_populates="products")
    image_media: Mapped[MediaFile | None] = relationship()
    lots: Mapped[list[Lot]] = relationship(back_populates="product", order_by="Lot.id")
    certifications: Mapped[list[Certification]] = relationship(back_populates="product")

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.name_vi!r}>"
