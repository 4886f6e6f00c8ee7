"""What the national traceability portal is sent: the one place that knows its shape.

The portal (truyxuatnguongoc.gov.vn) publishes no API documentation we could confirm
(DOMAIN.md), so every field name, endpoint path and payload shape the connector uses
lives in this module and nowhere else. When the portal's real API is known, change
this file (and its tests); the outbox, the retries and the Department's page stay as
they are.

Every request is ``POST {PORTAL_URL}/{path}`` with a JSON body, the headers
``Authorization: Bearer {PORTAL_TOKEN}`` and ``Idempotency-Key: {the item's key}``.
The body is built when the change is recorded, so a later change never alters what an
earlier one owed::

    {"action": "upsert", "recorded_at": "2026-09-02T01:30:00+00:00",
     "source": {"system": "TXNG", "url": "https://txng.example.vn"},
     "record": {...}}

What is sent, item by item (the ten minimum items of Circular 02/2024/TT-BKHCN):

======================  ==========  =================  ==========================================
our record              action      path               fields of ``record``
======================  ==========  =================  ==========================================
facility (Producer)     upsert      ``producers``      ``source_id``, ``name`` (3), ``name_en``,
                                                       ``legal_form``, ``tax_code``, ``gln``,
                                                       ``address`` (4: ``street``, ``commune``,
                                                       ``province``, ``former_district``,
                                                       ``full``), ``phone``, ``email``,
                                                       ``website``, ``page_url``
product (Product)       upsert      ``products``       ``source_id``, ``producer_source_id``,
                                                       ``name`` (1), ``name_en``, ``images`` (2),
                                                       ``gtin`` and ``traceability_url`` (7),
                                                       ``brand`` (8), ``shelf_life_days`` (9),
                                                       ``standards`` (10), ``ocop_group``,
                                                       ``net_content``, ``net_content_unit``
lot (Lot)               upsert      ``lots``           ``source_id``, ``product_source_id``,
                                                       ``gtin``, ``lot_code``,
                                                       ``traceability_code`` and
                                                       ``traceability_url`` (7),
                                                       ``production_date`` (6), ``packing_date``,
                                                       ``best_before`` and ``best_before_is_expiry``
                                                       (9), ``quantity``, ``quantity_unit``,
                                                       ``status``, ``inputs`` (one step back:
                                                       ``lot_source_id``, ``traceability_url``,
                                                       ``quantity``, ``quantity_unit``)
diary entry (Event)     create      ``events``         ``source_id``, ``event_id`` (a URN),
                                                       ``lot_source_id``, ``product_code`` (5:
                                                       ``gtin``, ``lot_code``,
                                                       ``traceability_code``), ``location_code``
                                                       (5: the entry's GLN, else the facility's),
                                                       ``location`` (``name``, ``address``),
                                                       ``event_time`` (5, with its UTC offset),
                                                       ``step``, ``step_name`` (``vi``, ``en``),
                                                       ``biz_step`` (CBV URI), ``actor``,
                                                       ``corrects`` (``source_id`` or null)
recall, suspension,     recall,     ``lots/status``    ``lot_source_id``, ``gtin``, ``lot_code``,
lifted suspension       suspend,                       ``traceability_code``,
(LotStatusChange)       reinstate                      ``traceability_url``, ``status``,
                                                       ``previous_status``, ``reason`` (``vi``,
                                                       ``en``), ``changed_at``
======================  ==========  =================  ==========================================

``source_id`` is our own identifier (``producer:12``, ``product:34``, ``lot:56``,
``event:<uuid>``), unique together with ``source.url``. Dates are ISO 8601; decimals
are strings; absent values are ``null``.

The portal's answer: a 2xx whose body is a JSON object is the acknowledgement, stored
as it came. A 4xx other than 408 and 429 is a refusal: its ``detail``, ``message``,
``error`` or ``title`` (else its text) is shown to the Department.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale

from .. import identifiers
from ..links import lot_qr_url
from ..models import Event, Lot, LotStatus, LotStatusChange, Producer, Product
from ..vocabulary import STEPS
from .clock import as_utc

UPSERT = "upsert"
CREATE = "create"
STATUS_ACTIONS = {
    LotStatus.RECALLED: "recall",
    LotStatus.SUSPENDED: "suspend",
    LotStatus.ACTIVE: "reinstate",
}
# (entity, action) -> path under PORTAL_URL.
PATHS: dict[tuple[str, str], str] = {
    ("producer", UPSERT): "producers",
    ("product", UPSERT): "products",
    ("lot", UPSERT): "lots",
    ("event", CREATE): "events",
    **{("lot", action): "lots/status" for action in STATUS_ACTIONS.values()},
}
METHOD = "POST"
# Fields of a refusal that carry the portal's reason, most specific first.
MESSAGE_FIELDS = ("detail", "message", "error", "title")


@dataclass(frozen=True)
class PortalRequest:
    method: str
    path: str
    body: dict[str, Any]


class NotAnAcknowledgement(ValueError):
    """A 2xx whose body the connector cannot take as the portal's acknowledgement."""


# -- building what is owed ---------------------------------------------------------


def envelope(action: str, record: dict[str, Any], recorded_at: datetime) -> dict[str, Any]:
    """Wrap a record with what every request carries: the action, when, and from where."""
    return {
        "action": action,
        "recorded_at": as_utc(recorded_at).isoformat(),
        "source": {
            "system": current_app.config["SITE_NAME"],
            "url": current_app.config["PUBLIC_BASE_URL"],
        },
        "record": record,
    }


def producer_record(producer: Producer) -> dict[str, Any]:
    return {
        "source_id": source_id("producer", producer.id),
        "name": producer.name_vi,
        "name_en": producer.name_en,
        "legal_form": producer.legal_form.value,
        "tax_code": producer.tax_code,
        "gln": producer.gln,
        "address": {
            "street": producer.street,
            "commune": producer.commune,
            "province": producer.province,
            "former_district": producer.former_district,
            "full": ", ".join(producer.address_parts),
        },
        "phone": producer.phone,
        "email": producer.email,
        "website": producer.website,
        "page_url": _site_url("public.producer", producer_id=producer.id),
    }


def product_record(product: Product) -> dict[str, Any]:
    base = current_app.config["PUBLIC_BASE_URL"]
    return {
        "source_id": source_id("product", product.id),
        "producer_source_id": source_id("producer", product.producer_id),
        "name": product.name_vi,
        "name_en": product.name_en,
        "images": _images(product),
        "gtin": product.gtin,
        "traceability_url": (
            identifiers.build_digital_link(base, product.gtin) if product.gtin else None
        ),
        "brand": product.brand,
        "shelf_life_days": product.shelf_life_days,
        "standards": product.standards,
        "ocop_group": product.ocop_group.value if product.ocop_group else None,
        "net_content": _decimal(product.net_content),
        "net_content_unit": product.net_content_unit,
    }


def lot_record(lot: Lot) -> dict[str, Any]:
    return {
        "source_id": source_id("lot", lot.id),
        "product_source_id": source_id("product", lot.product_id),
        "gtin": lot.product.gtin,
        "lot_code": lot.code,
        "traceability_code": lot.public_code,
        "traceability_url": lot_qr_url(lot),
        "production_date": _date(lot.production_date),
        "packing_date": _date(lot.packing_date),
        "best_before": _date(lot.best_before),
        "best_before_is_expiry": lot.best_before_is_expiry,
        "quantity": _decimal(lot.quantity),
        "quantity_unit": lot.quantity_unit,
        "status": lot.status.value,
        "inputs": [
            {
                "lot_source_id": source_id("lot", link.input_lot_id),
                "traceability_url": lot_qr_url(link.input_lot),
                "quantity": _decimal(link.quantity),
                "quantity_unit": link.quantity_unit,
            }
            for link in sorted(lot.inputs, key=lambda link: link.id)
        ],
    }


def event_record(event: Event) -> dict[str, Any]:
    lot = event.lot
    step = STEPS.get(event.step)
    return {
        "source_id": source_id("event", event.uuid),
        "event_id": f"urn:uuid:{event.uuid}",
        "lot_source_id": source_id("lot", lot.id),
        "product_code": {
            "gtin": lot.product.gtin,
            "lot_code": lot.code,
            "traceability_code": lot.public_code,
        },
        # An entry names no GLN when it happened at the facility (readiness.py, item 5).
        "location_code": event.location_gln or lot.product.producer.gln,
        "location": {"name": event.location_name, "address": event.location_address},
        "event_time": _local_time(event.event_time, event.time_zone_offset),
        "step": event.step,
        "step_name": _step_names(event.step) if step else None,
        "biz_step": step.uri if step else None,
        "actor": event.actor,
        "corrects": source_id("event", event.corrects.uuid) if event.corrects else None,
    }


def status_record(change: LotStatusChange, lot: Lot) -> dict[str, Any]:
    return {
        "lot_source_id": source_id("lot", lot.id),
        "gtin": lot.product.gtin,
        "lot_code": lot.code,
        "traceability_code": lot.public_code,
        "traceability_url": lot_qr_url(lot),
        "status": change.to_status.value,
        "previous_status": change.from_status.value,
        "reason": {"vi": change.reason_vi, "en": change.reason_en},
        "changed_at": as_utc(change.changed_at).isoformat(),
    }


def status_action(change: LotStatusChange) -> str:
    return STATUS_ACTIONS[change.to_status]


def source_id(entity: str, key: object) -> str:
    return f"{entity}:{key}"


# -- sending -----------------------------------------------------------------------


def request_for(entity: str, action: str, payload: dict[str, Any]) -> PortalRequest:
    """Return how to send an outbox item: the path is chosen now, the body was frozen."""
    try:
        path = PATHS[(entity, action)]
    except KeyError:
        raise ValueError(f"the adapter has no route for {entity} {action}") from None
    return PortalRequest(METHOD, path, payload)


def url_for_path(portal_url: str, path: str) -> str:
    return portal_url.rstrip("/") + "/" + path.lstrip("/")


def acknowledgement_from(body: bytes) -> dict[str, Any]:
    """Read a 2xx body as the portal's acknowledgement, or refuse it."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise NotAnAcknowledgement("the answer is not JSON") from None
    if not isinstance(data, dict):
        raise NotAnAcknowledgement("the answer is not a JSON object") from None
    return data


def refusal_message(body: bytes, limit: int = 300) -> str:
    """Return what the portal said when it refused an item, as short plain text."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for name in MESSAGE_FIELDS:
            value = data.get(name)
            if isinstance(value, str) and value.strip():
                text = value.strip()
                break
    text = " ".join(text.split())
    return text[:limit] or "(no message)"


# -- reading it back ---------------------------------------------------------------


def summary(entity: str, payload: dict[str, Any], language: str = "vi") -> str:
    """Name what an item is about, from what it carries: a name, a lot code, a step."""
    record = payload.get("record") or {}
    if entity in ("producer", "product"):
        return str(record.get("name") or "")
    if entity == "event":
        code = record.get("product_code") or {}
        step = (record.get("step_name") or {}).get(language) or record.get("step") or ""
        return f"{step} · {code.get('lot_code') or ''}"
    return str(record.get("lot_code") or "")


# -- helpers -----------------------------------------------------------------------


def _site_url(endpoint: str, **values: Any) -> str:
    """Build an absolute URL on the configured public base, with or without a request."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def _images(product: Product) -> list[str]:
    if product.image_media_id:
        return [_site_url("media.file", media_id=product.image_media_id, variant="full")]
    if product.image:
        return [_site_url("static", filename=product.image)]
    return []


@cache
def _step_names(key: str) -> dict[str, str]:
    """A step's name in both languages (the catalogues do not change while running)."""
    names = {}
    for language in ("vi", "en"):
        with force_locale(language):
            names[language] = str(STEPS[key].label)
    return names


def _local_time(moment: datetime, offset: str) -> str:
    """Return moment in the offset it happened in, as EPCIS keeps it: 2026-09-02T08:30:00+07:00."""
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = (int(part) for part in offset.lstrip("+-").split(":"))
    zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return as_utc(moment).astimezone(zone).isoformat()


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


__all__ = [
    "CREATE",
    "PATHS",
    "STATUS_ACTIONS",
    "UPSERT",
    "NotAnAcknowledgement",
    "PortalRequest",
    "acknowledgement_from",
    "envelope",
    "event_record",
    "lot_record",
    "producer_record",
    "product_record",
    "refusal_message",
    "request_for",
    "source_id",
    "status_action",
    "status_record",
    "summary",
    "url_for_path",
]
