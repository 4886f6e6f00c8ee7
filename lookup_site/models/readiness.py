"""Per-product facts behind the ten readiness items, kept so that the Department's
dashboard does not count every lot and diary entry of the country on each view."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ProductReadiness(db.Model):
    """What services/readiness.py counts for one product, as last counted.

    Recounted for a product in the same flush that adds or changes one of its lots or
    diary entries (services/readiness.py), and by ``flask scale generate`` for the
    products it writes; a product without a row has no lots and no entries. The
    product's and producer's own columns are read live: they are one row each.
    """

    __tablename__ = "product_readiness"

    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), primary_key=True)
    lots: Mapped[int] = mapped_column(default=0)
    lots_without_production_date: Mapped[int] = mapped_column(default=0)
    lots_with_best_before: Mapped[int] = mapped_column(default=0)
    # Diary entries not corrected by a later one, and what they lack.
    events: Mapped[int] = mapped_column(default=0)
    lots_with_events: Mapped[int] = mapped_column(default=0)
    events_without_place: Mapped[int] = mapped_column(default=0)
    events_without_gln: Mapped[int] = mapped_column(default=0)
