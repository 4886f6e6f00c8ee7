"""The lot as JSON, for `Accept: application/json` on a lot URL."""

from __future__ import annotations

from typing import Any

from ..models import Certification, Event, Lot, LotInput, Producer, Product
from ..vocabulary import STEPS
from .clock import as_utc
from .lots import LotPage


def _both(obj: Any, field: str) -> dict[str, str | None]:
    return {"vi": getattr(obj, f"{field}_vi"), "en": getattr(obj, f"{field}_en")}


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _decimal(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def producer_dict(producer: Producer) -> dict[str, Any]:
    return {
        "id": producer.id,
        "name": _both(producer, "name"),
        "legal_form": producer.legal_form.value,
        "tax_code": producer.tax_code,
        "address": {
            "street": producer.street,
            "commune": producer.commune,
            "province": producer.province,
            "former_district": producer.former_district,
        },
        "phone": producer.phone,
        "email": producer.email,
        "website": producer.website,
        "gln": producer.gln,
        "coordinates": (
            {"latitude": float(producer.latitude), "longitude": float(producer.longitude)}
            if producer.latitude is not None and producer.longitude is not None
            else None
        ),
        "demo": producer.is_demo,
    }


def product_dict(product: Product) -> dict[str, Any]:
    return {
        "id": product.id,
        "gtin": product.gtin,
        "name": _both(product, "name"),
        "description": _both(product, "description"),
        "ocop_group": product.ocop_group.value if product.ocop_group else None,
        "net_content": _decimal(product.net_content),
        "net_content_unit": product.net_content_unit,
        "brand": product.brand,
        "standards": product.standards,
        "shelf_life_days": product.shelf_life_days,
        "demo": product.is_demo,
    }


def certification_dict(certification: Certification, today) -> dict[str, Any]:
    return {
        "kind": certification.kind.value,
        "holder": "product" if certification.product_id else "producer",
        "name": _both(certification, "name"),
        "ocop_stars": certification.ocop_stars,
        "granting_level": (
            certification.granting_level.value if certification.granting_level else None
        ),
        "number": certification.number,
        "issuer": certification.issuer,
        "issued_on": _date(certification.issued_on),
        "valid_until": _date(certification.valid_until),
        "status": certification.status_on(today).value,
    }


def _lot_reference(lot: Lot, path: str) -> dict[str, Any]:
    return {
        "code": lot.code,
        "public_code": lot.public_code,
        "product": _both(lot.product, "name"),
        "producer": _both(lot.product.producer, "name"),
        "url": path,
    }


def _link(link: LotInput, lot: Lot, path: str) -> dict[str, Any]:
    reference = _lot_reference(lot, path)
    reference["quantity"] = _decimal(link.quantity)
    reference["quantity_unit"] = link.quantity_unit
    return reference


def event_dict(event: Event, page: LotPage) -> dict[str, Any]:
    step = STEPS.get(event.step)
    corrects = page.events_by_id.get(event.corrects_id) if event.corrects_id else None
    return {
        "id": event.uuid,
        "sequence": event.sequence,
        "step": event.step,
        "biz_step": step.uri if step else None,
        "event_time": as_utc(event.event_time).isoformat(),
        "event_time_zone_offset": event.time_zone_offset,
        "location": {
            "name": event.location_name,
            "address": event.location_address,
            "gln": event.location_gln,
        },
        "actor": event.actor,
        "notes": _both(event, "notes"),
        "recorded_at": as_utc(event.recorded_at).isoformat(),
        "corrects": corrects.uuid if corrects else None,
        "hash": event.hash,
        "previous_hash": event.previous_hash,
    }


def lot_dict(page: LotPage, path_of, qr_url: str) -> dict[str, Any]:
    """Serialise a lot page; path_of(lot) gives a lot's site URL."""
    lot = page.lot
    return {
        "lot": {
            "code": lot.code,
            "public_code": lot.public_code,
            "url": qr_url,
            "production_date": _date(lot.production_date),
            "packing_date": _date(lot.packing_date),
            "best_before": _date(lot.best_before),
            "best_before_is_expiry": lot.best_before_is_expiry,
            "expired": page.is_expired,
            "quantity": _decimal(lot.quantity),
            "quantity_unit": lot.quantity_unit,
            "status": lot.status.value,
            "status_reason": _both(lot, "status_reason"),
        },
        "product": product_dict(page.product),
        "producer": producer_dict(page.producer),
        "certifications": [certification_dict(c, page.today) for c in page.certifications],
        "inputs": [_link(link, link.input_lot, path_of(link.input_lot)) for link in page.inputs],
        "used_in": [
            _link(link, link.output_lot, path_of(link.output_lot)) for link in page.used_in
        ],
        "events": [event_dict(event, page) for event in page.events],
        "integrity": {
            "verified": page.chain.intact,
            "events_checked": page.chain.checked,
            "broken_at_sequence": page.chain.broken_at,
        },
    }
