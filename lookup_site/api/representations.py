"""Products, lots and diary entries as the API answers them.

Members are named as in the request bodies (and the services), so that what a client
reads it can send back; decimals are strings, so that 0.1 stays exactly 0.1.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from ..links import lot_qr_url, public_url
from ..models import Event, Lot, LotInput, Product
from ..services.clock import as_utc


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _timestamp(value: datetime) -> str:
    return as_utc(value).isoformat()


def _in_offset(moment: datetime, offset: str) -> str:
    """Show moment in the UTC offset it was recorded with (+07:00)."""
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    zone = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    return as_utc(moment).astimezone(zone).isoformat()


def product(item: Product, lot_count: int) -> dict[str, Any]:
    return {
        "id": item.id,
        "gtin": item.gtin,
        "name_vi": item.name_vi,
        "name_en": item.name_en,
        "description_vi": item.description_vi,
        "description_en": item.description_en,
        "ocop_group": item.ocop_group.value if item.ocop_group else None,
        "net_content": _decimal(item.net_content),
        "net_content_unit": item.net_content_unit,
        "brand": item.brand,
        "standards": item.standards,
        "shelf_life_days": item.shelf_life_days,
        "lot_count": lot_count,
        "url": public_url(f"/01/{item.gtin}") if item.gtin else None,
        "created_at": _timestamp(item.created_at),
    }


def lot_reference(lot: Lot) -> dict[str, Any]:
    """Another lot, perhaps another producer's: only what its public page shows."""
    return {
        "gtin": lot.product.gtin,
        "code": lot.code,
        "public_code": lot.public_code,
        "url": lot_qr_url(lot),
    }


def lot_input(link: LotInput) -> dict[str, Any]:
    return {
        "id": link.id,
        "input_lot": lot_reference(link.input_lot),
        "quantity": _decimal(link.quantity),
        "quantity_unit": link.quantity_unit,
    }


def lot(item: Lot, inputs: list[LotInput], locked: bool) -> dict[str, Any]:
    return {
        "id": item.id,
        "product_id": item.product_id,
        "gtin": item.product.gtin,
        "code": item.code,
        "public_code": item.public_code,
        "url": lot_qr_url(item),
        "status": item.status.value,
        "status_reason_vi": item.status_reason_vi,
        "status_reason_en": item.status_reason_en,
        "production_date": _date(item.production_date),
        "packing_date": _date(item.packing_date),
        "best_before": _date(item.best_before),
        "best_before_is_expiry": item.best_before_is_expiry,
        "quantity": _decimal(item.quantity),
        "quantity_unit": item.quantity_unit,
        "locked": locked,
        "inputs": [lot_input(link) for link in inputs],
        "created_at": _timestamp(item.created_at),
    }


def event(item: Event) -> dict[str, Any]:
    return {
        "id": item.id,
        "uuid": item.uuid,
        "lot_id": item.lot_id,
        "sequence": item.sequence,
        "step": item.step,
        "event_time": _in_offset(item.event_time, item.time_zone_offset),
        "time_zone_offset": item.time_zone_offset,
        "location_name": item.location_name,
        "location_address": item.location_address,
        "location_gln": item.location_gln,
        "actor": item.actor,
        "notes_vi": item.notes_vi,
        "notes_en": item.notes_en,
        "recorded_at": _timestamp(item.recorded_at),
        "recorded_by": item.recorded_by,
        "corrects": item.corrects_id,
        "hash": item.hash,
        "previous_hash": item.previous_hash,
    }
