"""Deletions that change a page without changing any row the page's version reads.

A page's Last-Modified is the latest ``updated_at`` (or creation time) of the rows it
shows (services/page_versions.py). A deleted row leaves no time behind, so the row
that showed it is touched instead, in the same flush: a certificate's product or
producer, and both lots of a removed link.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from .base import utcnow


def _holders(session: Session, deleted: Any) -> list[Any]:
    """The rows whose pages showed deleted (loaded by id: the identity map usually has them)."""
    from .certification import Certification
    from .lot import Lot, LotInput
    from .producer import Producer
    from .product import Product

    if isinstance(deleted, Certification):
        if deleted.product_id is not None:
            return [session.get(Product, deleted.product_id)]
        return [session.get(Producer, deleted.producer_id)]
    if isinstance(deleted, LotInput):
        return [session.get(Lot, deleted.output_lot_id), session.get(Lot, deleted.input_lot_id)]
    return []


@event.listens_for(Session, "before_flush")
def _touch_holders(session: Session, flush_context: Any, instances: Any) -> None:
    now = utcnow()
    for deleted in list(session.deleted):
        for holder in _holders(session, deleted):
            if holder is not None and holder not in session.deleted:
                holder.updated_at = now
