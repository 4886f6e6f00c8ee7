"""Export a lot's history as an EPCIS 2.0 JSON-LD document.

What goes in: the lot's diary entries as ObjectEvents (the first one ADD, carrying
the lot's master data as ILMD, when no transformation made the lot), the lot's
inputs as one TransformationEvent (inputs -> this lot, with quantities), a recall
as an ObjectEvent with disposition ``recalled``, and every corrected entry with an
``errorDeclaration`` naming the entries that correct it.

Identifiers. A lot is named by its class-level GS1 Digital Link URI on GS1's
canonical domain, ``https://id.gs1.org/01/{gtin}/10/{lot}``, and a place by
``https://id.gs1.org/414/{gln}``, rather than by URIs on this site's
PUBLIC_BASE_URL. GS1 allows any domain, but EPCIS repositories match objects by
comparing identifiers as strings: the canonical domain gives a lot the same name
in every partner's repository and in every document we ever send, whatever host
this site runs on (a moved deployment must not rename every lot it ever
exported). A lot whose product has no GTIN has no GS1 identity; it is named by
the same URL its QR code carries, ``{PUBLIC_BASE_URL}/t/{public_code}``.

Event IDs. A diary entry is ``urn:uuid:{event.uuid}``: the uuid is fixed when the
entry is appended and covered by the lot's hash chain, so two exports agree. An
entry captured from another system keeps the eventID it came with, so that the
event does not turn up twice, under two names, in a partner's repository.
Events made up here (the transformation, the recall) get name-based UUIDs of what
they describe. EPCIS 2.0 also suggests ``ni:///sha-256;…`` event hashes, but those
are defined by CBV's canonicalisation algorithm; a hash computed any other way
would claim an identity it does not have.

Vocabulary. CBV business steps are written as CBV's bare words (the EPCIS context
maps them to their URIs); the farm steps CBV lacks keep the project's own URIs
from ``vocabulary``. Facts EPCIS has no field for (place name and address, who
did it, the notes in Vietnamese and English, the chain hash) are user extensions
under the project's prefix, declared in the document's ``@context``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from flask import current_app

from .. import identifiers
from ..models import Event, Lot, LotStatus
from ..vocabulary import CBV_BIZSTEP, PROJECT_BIZSTEP, STEPS
from .clock import VIETNAM, as_utc

SCHEMA_VERSION = "2.0"
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
# The project's namespace: the root of its own business-step URIs (urn:txng:bizstep:…).
PROJECT_PREFIX = "txng"
PROJECT_NAMESPACE = PROJECT_BIZSTEP.removesuffix("bizstep:")
# Name-based event IDs for events the diary does not store (transformation, recall).
EVENT_ID_NAMESPACE = uuid.UUID("6f1d5a0e-3b7c-5c2e-9a41-8e0f2d7b4c19")

# Where the lot is and what state it is in after a step (CBV dispositions).
STEP_DISPOSITIONS = {
    "commissioning": "active",
    "shipping": "in_transit",
    "transporting": "in_transit",
    "retail_selling": "retail_sold",
    "destroying": "destroyed",
}
# After these steps the lot is on its way, not at the producer's premises.
STEPS_WITHOUT_BIZ_LOCATION = {"shipping", "transporting"}
# UN/CEFACT Recommendation 20 codes for the metric units; counted units (bottles,
# jars…) carry no uom, which EPCIS reads as a count of items.
UNIT_CODES = {"kg": "KGM", "g": "GRM", "t": "TNE", "l": "LTR", "ml": "MLT"}


def lot_uri(lot: Lot) -> str:
    """Name a lot: its canonical Digital Link URI, or its public page without a GTIN."""
    gtin = lot.product.gtin
    if gtin:
        return identifiers.build_digital_link(identifiers.CANONICAL_STEM, gtin, lot=lot.code)
    return f"{current_app.config['PUBLIC_BASE_URL']}/t/{lot.public_code}"


def location_uri(gln: str) -> str:
    return f"{identifiers.CANONICAL_STEM}/414/{gln}"


def event_id(event: Event) -> str:
    """The entry's eventID: the one it was captured with, else its own uuid."""
    return event.epcis_event_id or f"urn:uuid:{event.uuid}"


def bizstep_value(step: str) -> str:
    """Return the bizStep for a diary step: CBV's bare word, or the project's URI."""
    uri = STEPS[step].uri
    return uri.removeprefix(CBV_BIZSTEP) if uri.startswith(CBV_BIZSTEP) else uri


def lot_document(lot: Lot, now: datetime | None = None) -> dict[str, Any]:
    """Build the EPCIS 2.0 document of lot's history (see the module docstring)."""
    events = sorted(lot.events, key=lambda e: (as_utc(e.event_time), e.sequence))
    corrections: dict[int, list[Event]] = {}
    for event in events:
        if event.corrects_id is not None:
            corrections.setdefault(event.corrects_id, []).append(event)
    event_list: list[dict[str, Any]] = []
    inputs = sorted(lot.inputs, key=lambda link: link.id)
    if inputs:
        event_list.append(_transformation(lot, events))
    first = next((e for e in events if e.corrects_id is None), None) if not inputs else None
    for event in events:
        event_list.append(
            _object_event(lot, event, corrections.get(event.id, []), is_first=event is first)
        )
    if lot.status is LotStatus.RECALLED and lot.status_changed_at is not None:
        event_list.append(_recall(lot))
    return {
        "@context": [EPCIS_CONTEXT, {PROJECT_PREFIX: PROJECT_NAMESPACE}],
        "type": "EPCISDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": _utc_time(now or datetime.now(UTC)),
        "epcisBody": {"eventList": event_list},
    }


def document_json(doc: dict[str, Any]) -> str:
    """Serialise a document as UTF-8-friendly JSON (Vietnamese notes stay readable)."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _object_event(
    lot: Lot, event: Event, corrected_by: Sequence[Event], *, is_first: bool
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": event_id(event),
        **_when(event.event_time, event.time_zone_offset),
        "recordTime": _utc_time(event.recorded_at),
        "quantityList": [_quantity(lot_uri(lot), lot.quantity, lot.quantity_unit)]
        if is_first
        else [{"epcClass": lot_uri(lot)}],
        "action": "ADD" if is_first else "OBSERVE",
        "bizStep": bizstep_value(event.step),
    }
    if event.step in STEP_DISPOSITIONS:
        data["disposition"] = STEP_DISPOSITIONS[event.step]
    gln = event.location_gln or lot.product.producer.gln
    if gln:
        data["readPoint"] = {"id": location_uri(gln)}
        if event.step not in STEPS_WITHOUT_BIZ_LOCATION:
            data["bizLocation"] = {"id": location_uri(gln)}
    if corrected_by:
        data["errorDeclaration"] = {
            "declarationTime": _utc_time(min(as_utc(c.recorded_at) for c in corrected_by)),
            "reason": "incorrect_data",
            "correctiveEventIDs": [event_id(c) for c in corrected_by],
        }
    if is_first:
        data["ilmd"] = _ilmd(lot)
    data.update(_extensions(event))
    return data


def _transformation(lot: Lot, events: Sequence[Event]) -> dict[str, Any]:
    """The inputs that went into lot, as the transformation that made it."""
    links = sorted(lot.inputs, key=lambda link: link.id)
    input_uris = [lot_uri(link.input_lot) for link in links]
    output_uri = lot_uri(lot)
    name = "transformation\n" + output_uri + "\n" + "\n".join(sorted(input_uris))
    data: dict[str, Any] = {
        "type": "TransformationEvent",
        "eventID": f"urn:uuid:{uuid.uuid5(EVENT_ID_NAMESPACE, name)}",
        **_when(*_made_at(lot, events)),
        "inputQuantityList": [
            _quantity(uri, link.quantity, link.quantity_unit)
            for uri, link in zip(input_uris, links, strict=True)
        ],
        "outputQuantityList": [_quantity(output_uri, lot.quantity, lot.quantity_unit)],
        "bizStep": "commissioning",
        "disposition": "active",
    }
    gln = lot.product.producer.gln
    if gln:
        data["readPoint"] = {"id": location_uri(gln)}
        data["bizLocation"] = {"id": location_uri(gln)}
    data["ilmd"] = _ilmd(lot)
    return data


def _made_at(lot: Lot, events: Sequence[Event]) -> tuple[datetime, str]:
    """When the transformation happened: the lot's first entry, else its production date."""
    if events:
        return events[0].event_time, events[0].time_zone_offset
    if lot.production_date is not None:
        return datetime.combine(lot.production_date, time(0, 0), VIETNAM), "+07:00"
    return lot.created_at, "+07:00"


def _recall(lot: Lot) -> dict[str, Any]:
    assert lot.status_changed_at is not None
    name = "recall\n" + lot_uri(lot)
    data: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{uuid.uuid5(EVENT_ID_NAMESPACE, name)}",
        **_when(lot.status_changed_at, "+07:00"),
        "quantityList": [{"epcClass": lot_uri(lot)}],
        "action": "OBSERVE",
        "disposition": "recalled",
    }
    gln = lot.product.producer.gln
    if gln:
        data["readPoint"] = {"id": location_uri(gln)}
    reason = _languages(lot.status_reason_vi, lot.status_reason_en)
    if reason:
        data[f"{PROJECT_PREFIX}:reason"] = reason
    return data


def _ilmd(lot: Lot) -> dict[str, Any]:
    """The lot's master data, with CBV's terms where CBV has one."""
    ilmd: dict[str, Any] = {"cbvmda:lotNumber": lot.code}
    if lot.best_before is not None:
        key = "cbvmda:itemExpirationDate" if lot.best_before_is_expiry else "cbvmda:bestBeforeDate"
        ilmd[key] = lot.best_before.isoformat()
    harvests = sorted(
        _local_date(e.event_time, e.time_zone_offset)
        for e in lot.events
        if e.step == "harvesting" and e.corrects_id is None
    )
    if harvests:
        ilmd["cbvmda:harvestStartDate"] = harvests[0].isoformat()
        ilmd["cbvmda:harvestEndDate"] = harvests[-1].isoformat()
    # CBV has no production or packing date for a lot.
    if lot.production_date is not None:
        ilmd[f"{PROJECT_PREFIX}:productionDate"] = lot.production_date.isoformat()
    if lot.packing_date is not None:
        ilmd[f"{PROJECT_PREFIX}:packingDate"] = lot.packing_date.isoformat()
    return ilmd


def _extensions(event: Event) -> dict[str, Any]:
    values: dict[str, Any] = {
        "locationName": event.location_name,
        "locationAddress": event.location_address,
        "actor": event.actor,
        "notes": _languages(event.notes_vi, event.notes_en) or None,
        "sequence": event.sequence,
        "hash": event.hash,
    }
    return {f"{PROJECT_PREFIX}:{key}": value for key, value in values.items() if value}


def _languages(text_vi: str | None, text_en: str | None) -> list[dict[str, str]]:
    """JSON-LD language-tagged strings, so a reader knows which text is which."""
    return [
        {"@value": text, "@language": language}
        for language, text in (("vi", text_vi), ("en", text_en))
        if text
    ]


def _quantity(uri: str, quantity: Decimal | None, unit: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": uri}
    if quantity is not None:
        element["quantity"] = int(quantity) if quantity == int(quantity) else float(quantity)
        if unit in UNIT_CODES:
            element["uom"] = UNIT_CODES[unit]
    return element


def _when(moment: datetime, offset: str) -> dict[str, str]:
    """eventTime in the offset the event happened in, and that offset."""
    return {
        "eventTime": as_utc(moment)
        .astimezone(offset_zone(offset))
        .isoformat(timespec="milliseconds"),
        "eventTimeZoneOffset": offset,
    }


def _local_date(moment: datetime, offset: str) -> date:
    return as_utc(moment).astimezone(offset_zone(offset)).date()


def offset_zone(offset: str) -> timezone:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = (int(part) for part in offset[1:].split(":"))
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _utc_time(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")
