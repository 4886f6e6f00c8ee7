"""The append-only hash chain over a lot's events."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..models import Event

GENESIS_HASH = "0" * 64


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        # SQLite hands back naive datetimes: they were stored in UTC.
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_payload(event: Event, lot_public_code: str, corrects_uuid: str | None) -> bytes:
    """Serialise the fields an event vouches for, in a stable byte form."""
    payload = {
        "lot": lot_public_code,
        "uuid": event.uuid,
        "sequence": event.sequence,
        "step": event.step,
        "event_time": _utc_iso(event.event_time),
        "time_zone_offset": event.time_zone_offset,
        "location_name": event.location_name,
        "location_address": event.location_address,
        "location_gln": event.location_gln,
        "actor": event.actor,
        "notes_vi": event.notes_vi,
        "notes_en": event.notes_en,
        "recorded_at": _utc_iso(event.recorded_at),
        "recorded_by": event.recorded_by,
        "corrects": corrects_uuid,
        # Photos are vouched for by their content, so a swapped file shows too.
        "photos": [photo.media.sha256 for photo in event.photos],
        "previous_hash": event.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: Event, lot_public_code: str, corrects_uuid: str | None) -> str:
    return hashlib.sha256(canonical_payload(event, lot_public_code, corrects_uuid)).hexdigest()


@dataclass(frozen=True)
class ChainVerdict:
    intact: bool
    checked: int
    broken_at: int | None = None  # the sequence number of the first event that fails

    def __bool__(self) -> bool:
        return self.intact


def verify_chain(events: Sequence[Event], lot_public_code: str) -> ChainVerdict:
    """Recompute every hash in sequence order and report the first break."""
    by_id = {event.id: event for event in events}
    previous = GENESIS_HASH
    ordered: Iterable[Event] = sorted(events, key=lambda event: event.sequence)
    for position, event in enumerate(ordered, start=1):
        corrects = by_id.get(event.corrects_id) if event.corrects_id else None
        corrects_uuid = corrects.uuid if corrects else None
        if (
            event.sequence != position
            or event.previous_hash != previous
            or event.hash != event_hash(event, lot_public_code, corrects_uuid)
        ):
            return ChainVerdict(False, position - 1, broken_at=event.sequence)
        previous = event.hash
    return ChainVerdict(True, len(events))
