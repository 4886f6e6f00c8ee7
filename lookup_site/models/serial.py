from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

if TYPE_CHECKING:
    from .lot import Lot


class Serial(db.Model):
    """One item of a lot (GS1 AI 21): unguessable, unique per product (its GTIN).

    Scan counts live here so that the item's page reads one row; every counted
    scan is also kept, without personal data, in ``scan`` for analytics.
    """

    __tablename__ = "serial"
    __table_args__ = (
        UniqueConstraint("product_id", "serial", name="uq_serial_product_serial"),
        # "Suspicious serials" of one product, newest first, without reading its items.
        Index("ix_serial_product_flagged", "product_id", "flagged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    # Denormalised from the lot so that uniqueness per GTIN is a database rule.
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    serial: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    scan_count: Mapped[int] = mapped_column(default=0)
    first_scanned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_scanned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set once, when the item first looks copied: checked more often than its product's
    # threshold ("many_checks"), or from places far apart in a short time ("far_apart").
    flagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    flag: Mapped[str | None] = mapped_column(String(20))

    lot: Mapped[Lot] = relationship()


class Scan(db.Model):
    """A counted view of a serial's page. No IP address, no user agent string, no
    cookie: only a coarse client class, the page language, and a province when the
    shopper chose to share it."""

    __tablename__ = "scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_id: Mapped[int] = mapped_column(ForeignKey("serial.id"), index=True)
    # Denormalised for analytics by product and lot without joins over millions of rows.
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    language: Mapped[str] = mapped_column(String(5))
    client_class: Mapped[str] = mapped_column(String(20))  # phone, tablet, desktop, other
    # A province code from ``lookup_site.provinces``, only when the shopper shared it.
    province: Mapped[str | None] = mapped_column(String(100))


class ScanDay(db.Model):
    """Counted checks per local (Vietnam) day, lot and page language: the rollup that
    analytics read, kept up to date by the same transaction that counts a check, so a
    chart never scans the ``scan`` table however many millions of rows it holds."""

    __tablename__ = "scan_day"
    __table_args__ = (Index("ix_scan_day_product_day", "product_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(5), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    count: Mapped[int] = mapped_column(default=0)


class ScanPlace(db.Model):
    """Shared provinces per lot: every shared check, and those that were an item's first."""

    __tablename__ = "scan_place"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), primary_key=True)
    province: Mapped[str] = mapped_column(String(40), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    scans: Mapped[int] = mapped_column(default=0)
    first_scans: Mapped[int] = mapped_column(default=0)


class ScanNationalDay(db.Model):
    """Counted checks per local day and page language, every producer's together.

    ``scan_day`` summed nationally reads a row per lot checked that day; the
    Department's charts read this instead, one row per day and language, added to by
    the same statements that count a check (services/rollups.py).
    """

    __tablename__ = "scan_national_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    language: Mapped[str] = mapped_column(String(5), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class ScanNationalPlace(db.Model):
    """Shared provinces, every producer's together: ``scan_place`` summed over its lots,
    added to by the same request that adds to ``scan_place`` (services/scan_places.py)."""

    __tablename__ = "scan_national_place"

    province: Mapped[str] = mapped_column(String(40), primary_key=True)
    scans: Mapped[int] = mapped_column(default=0)
    first_scans: Mapped[int] = mapped_column(default=0)
