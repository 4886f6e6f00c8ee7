"""Capture EPCIS 2.0 documents from other systems into a producer's lot diaries.

A document is taken whole or not at all, as EPCIS capture is: first it must
follow GS1's EPCIS 2.0 JSON schema (vendored in ``lookup_site/schemas``), then
every event in it must fit our model; any event that does not is named with its
JSON Pointer and a reason, and nothing is written.

What fits:

- An ObjectEvent (action ADD or OBSERVE) naming only lots of this producer, by
  class-level identifiers: a GS1 Digital Link URI with ``/01/{gtin}/10/{lot}`` on
  any domain, an LGTIN (``urn:epc:class:lgtin:…``), or our own lot page
  ``{PUBLIC_BASE_URL}/t/{public_code}``. It becomes one diary entry per lot, its
  business step mapped to our steps (CBV words and the project's own URIs). The
  place is kept when it is a GLN (an SGLN or a ``/414/`` Digital Link).
- An ObjectEvent repeated with an ``errorDeclaration``, for an event we hold:
  it becomes a correction entry pointing at that entry.
- A TransformationEvent from known lots to this producer's lots: it declares the
  inputs of those lots (our model of a transformation). As in the workspace,
  inputs cannot change once a lot's diary has entries.

What does not: items, logistic units and other keys (a lot diary is about whole
lots), other producers' lots or unknown ones (answered alike, so a client learns
nothing about others' data), Aggregation, Association and Transaction events,
DELETE, steps our diary has no word for. Dispositions and ILMD are not applied:
a recall and a lot's master data are changed in the workspace, with reasons.

Idempotency. Capturing a document twice records its events once. An event about
one lot keeps the sender's eventID on its entry (``Event.epcis_event_id``, unique),
and the export gives it back unchanged. Every captured entry also gets a
name-based uuid derived from the eventID (or, for an event without one, from a
hash of its content) and the lot, the same on every capture: that is what
recognises an event about several lots, one entry per lot, whose per-lot copies
cannot all carry the one eventID. An eventID ``urn:uuid:…`` that is one of our own
entries (our export coming back) counts as held.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

from flask import current_app
from flask_babel import lazy_gettext as _l
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import identifiers
from ..errors import DomainError
from ..extensions import db
from ..models import Event, Lot, LotInput, Producer, Product
from ..vocabulary import CBV_BIZSTEP, PROJECT_BIZSTEP, STEPS
from . import diary, epcis
from . import lots as lot_service

SCHEMA_RESOURCE = ("schemas", "epcis-2.0.json")
# The formats GS1's schema relies on: without them a malformed eventTime, or a
# bare word where CBV or a URI is required, would pass.
SCHEMA_FORMATS = ("date-time", "uri")
EVENT_LIST = ("epcisBody", "eventList")
SCHEMA_VERSION = re.compile(r"2(\.\d+)*")
# A diary entry may be dated a little ahead of the server clock (as in the workspace).
FUTURE_TOLERANCE = timedelta(minutes=10)
CAPTURE_NAMESPACE = uuid.UUID("0c3b9b52-81f4-5d7e-a3c6-2f5e7d9a1b48")
CBV_WORD_PREFIXES = (CBV_BIZSTEP, "https://gs1.org/voc/BizStep-")
URN_UUID = re.compile(r"urn:uuid:([0-9a-fA-F-]{36})")
EPC_LGTIN = re.compile(r"urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)")
EPC_SGLN = re.compile(r"urn:epc:id:sgln:(\d+)\.(\d*)\.(.+)")
UNITS_BY_CODE = {code: unit for unit, code in epcis.UNIT_CODES.items()}
DETAIL_LIMIT = 300
# Event.epcis_event_id is VARCHAR(300); LotInput.quantity is NUMERIC(14, 3).
EVENT_ID_LIMIT = 300
MAX_QUANTITY = Decimal(10) ** 11
NO_FORM_MATCHES = "matches none of the allowed forms"
ERROR_REASONS = {
    "incorrect_data": ("dữ liệu sai", "incorrect data"),
    "did_not_occur": ("sự kiện không xảy ra", "the event did not occur"),
}


@dataclass(frozen=True)
class Problem:
    """Why a document, or one event in it, cannot be captured.

    ``pointer`` is a JSON Pointer (RFC 6901) into the document, to the event at
    fault (``/epcisBody/eventList/2``) or to the document's member; ``reason`` a
    stable code for programs; ``message`` the explanation for people, translated.
    """

    pointer: str
    reason: str
    message: Any  # a lazy string, rendered in the client's language

    def to_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "reason": self.reason, "message": str(self.message)}


@dataclass
class CaptureResult:
    """What a capture did: entries and inputs recorded, events already held, or problems."""

    recorded: list[Event] = field(default_factory=list)
    inputs: list[LotInput] = field(default_factory=list)
    already_held: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems


class Unfit(Exception):
    """An event that does not fit our model: reason code and message for its Problem."""

    def __init__(self, reason: str, message: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


def validate_document(data: Any) -> list[Problem]:
    """Check data against GS1's EPCIS 2.0 schema: one Problem per bad event (or member)."""
    if not isinstance(data, dict) or data.get("type") != "EPCISDocument":
        return [
            Problem(
                "",
                "not_epcis_document",
                _l(
                    'An EPCIS capture takes one EPCISDocument: a JSON object with "type": '
                    '"EPCISDocument".'
                ),
            )
        ]
    details: dict[str, list[str]] = {}
    for error in _validator().iter_errors(data):
        pointer, inside = _split_path(list(error.absolute_path))
        detail = _describe(error)
        if inside:
            detail = f"{_pointer(inside).removeprefix('/')}: {detail}"
        listed = details.setdefault(pointer, [])
        if detail not in listed:
            listed.append(detail)
    problems = [
        _schema_problem(pointer, "; ".join(_without_noise(found)))
        for pointer, found in details.items()
    ]
    version = data.get("schemaVersion")
    if isinstance(version, str) and not SCHEMA_VERSION.fullmatch(version):
        problems.append(
            Problem(
                "/schemaVersion",
                "schema_version",
                _l(
                    "This service takes EPCIS 2.0 documents; this one is version %(version)s.",
                    version=version,
                ),
            )
        )
    return problems


def capture(data: Any, producer: Producer, recorded_by: str | None = None) -> CaptureResult:
    """Record a document's events in producer's lots, all or nothing (see the module).

    Every event is checked before anything is written. Flushes; the caller commits.
    If another writer changes one of the lots meanwhile, the session is rolled back
    and the result says to try again.
    """
    problems = validate_document(data)
    if problems:
        return CaptureResult(problems=problems)
    planner = _Planner(producer, _declares_project_prefix(data.get("@context")))
    for index, event in enumerate(data["epcisBody"]["eventList"]):
        pointer = _pointer([*EVENT_LIST, index])
        try:
            planner.plan(event, index + 1)
        except Unfit as unfit:
            problems.append(Problem(pointer, unfit.reason, unfit.message))
    if problems:
        return CaptureResult(problems=problems)
    try:
        return planner.apply(recorded_by or "EPCIS")
    except DomainError as error:  # another writer changed a lot meanwhile
        db.session.rollback()
        return CaptureResult(
            problems=[Problem("", error.reason, _l("A lot changed while saving; try again."))]
        )


@cache
def _validator() -> Draft7Validator:
    """The validator for GS1's schema, which declares JSON Schema draft 7."""
    folder, name = SCHEMA_RESOURCE
    text = resources.files("lookup_site").joinpath(folder, name).read_text(encoding="utf-8")
    schema = json.loads(text)
    Draft7Validator.check_schema(schema)
    # Naming the formats fails loudly if a checker's package is missing.
    return Draft7Validator(schema, format_checker=FormatChecker(formats=SCHEMA_FORMATS))


def _split_path(path: list[Any]) -> tuple[str, list[Any]]:
    """Split an error's path into the event it is in (or the member) and the rest."""
    if len(path) >= 3 and tuple(path[:2]) == EVENT_LIST and isinstance(path[2], int):
        return _pointer(path[:3]), path[3:]
    return _pointer(path[:1]), path[1:]


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _describe(error: ValidationError) -> str:
    """Say what is wrong in the schema's words, without echoing a whole event."""
    if error.validator in ("anyOf", "oneOf") and isinstance(error.instance, dict):
        needed = sorted({c.message for c in _leaves(error) if c.validator == "required"})
        if needed:
            return "matches none of the allowed forms: " + ", or ".join(needed)
        return NO_FORM_MATCHES
    message = error.message
    return message if len(message) <= DETAIL_LIMIT else message[: DETAIL_LIMIT - 1] + "…"


def _without_noise(details: list[str]) -> list[str]:
    """Drop the bare "none of the forms" when the event has a more precise complaint."""
    precise = [detail for detail in details if not detail.endswith(NO_FORM_MATCHES)]
    return precise or details


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    for child in error.context or ():
        if child.context:
            yield from _leaves(child)
        else:
            yield child


def _schema_problem(pointer: str, detail: str) -> Problem:
    match = re.fullmatch(r"/epcisBody/eventList/(\d+)", pointer)
    if match:
        message = _l(
            "Event %(number)s does not follow the EPCIS 2.0 schema: %(detail)s",
            number=int(match.group(1)) + 1,
            detail=detail,
        )
    else:
        message = _l("The document does not follow the EPCIS 2.0 schema: %(detail)s", detail=detail)
    return Problem(pointer, "schema", message)


def _declares_project_prefix(context: Any) -> bool:
    """Whether the document's @context gives our prefix our namespace (so txng:… is ours)."""
    entries = context if isinstance(context, list) else [context]
    return any(
        isinstance(entry, dict) and entry.get(epcis.PROJECT_PREFIX) == epcis.PROJECT_NAMESPACE
        for entry in entries
    )


# --- Identifiers -------------------------------------------------------------


@dataclass(frozen=True)
class LotRef:
    """A lot as an event names it: by GTIN and lot code, or by our public code."""

    uri: str
    gtin: str | None = None
    code: str | None = None
    public_code: str | None = None


def read_lot_identifier(uri: str, number: int) -> LotRef:
    """Read a lot-level identifier, or raise Unfit saying what else it names."""
    if not isinstance(uri, str):
        raise _unfit_identifier("unreadable_identifier", uri, number)
    if uri.startswith("urn:epc:"):
        return _read_epc_urn(uri, number)
    own = current_app.config["PUBLIC_BASE_URL"] + "/t/"
    if uri.startswith(own):
        parts = uri.removeprefix(own).strip("/").split("/")
        if len(parts) == 2:
            raise _unfit_identifier("item_level", uri, number)
        try:
            return LotRef(uri, public_code=identifiers.normalize_public_code(parts[0]))
        except identifiers.IdentifierError:
            raise _unfit_identifier("unreadable_identifier", uri, number) from None
    try:
        link = identifiers.parse_digital_link(uri, permit_zero_suppressed_gtin=True)
    except identifiers.IdentifierError:
        raise _unfit_identifier("unreadable_identifier", uri, number) from None
    key = link.primary[0]
    if key == "00":
        raise _unfit_identifier("logistic_unit", uri, number)
    if key != "01":
        raise _unfit_identifier("not_a_lot", uri, number)
    if link.value("21") is not None or link.value("235") is not None:
        raise _unfit_identifier("item_level", uri, number)
    if link.value("10") is None:
        raise _unfit_identifier("product_level", uri, number)
    return LotRef(uri, gtin=link.gtin, code=link.value("10"))


def _read_epc_urn(uri: str, number: int) -> LotRef:
    match = EPC_LGTIN.fullmatch(uri)
    if match:
        company, item, lot = match.groups()
        body = item[:1] + company + item[1:]
        if len(body) != 13:
            raise _unfit_identifier("unreadable_identifier", uri, number)
        gtin = body + str(identifiers.gtin_check_digit(body))
        return LotRef(uri, gtin=gtin, code=unquote(lot))
    if uri.startswith(("urn:epc:id:sgtin:", "urn:epc:id:tpx:")):
        raise _unfit_identifier("item_level", uri, number)
    if uri.startswith("urn:epc:id:sscc:"):
        raise _unfit_identifier("logistic_unit", uri, number)
    if uri.startswith("urn:epc:idpat:"):
        raise _unfit_identifier("pattern", uri, number)
    raise _unfit_identifier("not_a_lot", uri, number)


# What an identifier names instead of one of our lots, by reason code: each message
# takes the event's number and the identifier as sent.
_UNFIT_IDENTIFIERS: dict[str, Callable[..., Any]] = {
    "item_level": lambda **names: _l(
        "Event %(number)s names one item (%(identifier)s). Lot diaries record whole lots: "
        "name the lot, as a Digital Link URI with /10/ or as an LGTIN.",
        **names,
    ),
    "logistic_unit": lambda **names: _l(
        "Event %(number)s names a logistic unit (%(identifier)s), not a lot.", **names
    ),
    "not_a_lot": lambda **names: _l(
        "Event %(number)s names %(identifier)s, which is not a lot of a product.", **names
    ),
    "pattern": lambda **names: _l(
        "Event %(number)s names a pattern of items (%(identifier)s), not a lot.", **names
    ),
    "product_level": lambda **names: _l(
        "Event %(number)s names a product (%(identifier)s) but not its lot.", **names
    ),
    "unreadable_identifier": lambda **names: _l(
        "Event %(number)s names %(identifier)s, which this site cannot read as an identifier.",
        **names,
    ),
}


def _unfit_identifier(reason: str, uri: Any, number: int) -> Unfit:
    """Unfit for an identifier that is not a lot's; the message stays lazy, so it is
    written in the language of the request that reports it."""
    return Unfit(reason, _UNFIT_IDENTIFIERS[reason](number=number, identifier=str(uri)))


def location_gln(place: Any) -> str | None:
    """The GLN of a readPoint or bizLocation, when it is given as one; else None."""
    uri = place.get("id") if isinstance(place, dict) else None
    if not isinstance(uri, str):
        return None
    match = EPC_SGLN.fullmatch(uri)
    if match and len(match.group(1) + match.group(2)) == 12:
        body = match.group(1) + match.group(2)
        return body + str(identifiers.gtin_check_digit(body))
    try:
        link = identifiers.parse_digital_link(uri)
    except identifiers.IdentifierError:
        return None
    return link.primary[1] if link.primary[0] == "414" else None


# --- Planning and applying ---------------------------------------------------


@dataclass
class _Entry:
    """A diary entry to append."""

    lot: Lot
    uuid: str
    step: str
    event_time: datetime
    epcis_event_id: str | None = None
    location_gln: str | None = None
    location_name: str | None = None
    location_address: str | None = None
    actor: str | None = None
    notes_vi: str | None = None
    notes_en: str | None = None
    corrects_uuid: str | None = None


@dataclass
class _Link:
    """A lot input to declare."""

    output: Lot
    input: Lot
    quantity: Decimal | None
    unit: str | None


class _Planner:
    """Check every event against our model and the database, then write them in order."""

    def __init__(self, producer: Producer, project_fields: bool) -> None:
        self.producer = producer
        self.project_fields = project_fields
        self.steps: list[_Entry | _Link] = []
        self.planned_uuids: set[str] = set()
        self.planned_event_ids: dict[str, tuple[int, str]] = {}
        self.lots_with_entries: set[int] = set()
        self.already_held = 0
        self.lots: dict[tuple[str | None, str | None, str | None], Lot | None] = {}

    def plan(self, event: dict[str, Any], number: int) -> None:
        kind = event.get("type")
        if kind == "ObjectEvent":
            self._plan_object_event(event, number)
        elif kind == "TransformationEvent":
            self._plan_transformation(event, number)
        else:
            raise Unfit(
                "event_type",
                _l(
                    "Event %(number)s is of type %(type)s: only ObjectEvents and "
                    "TransformationEvents fit a lot's diary.",
                    number=number,
                    type=str(kind),
                ),
            )

    # ObjectEvents become diary entries.

    def _plan_object_event(self, event: dict[str, Any], number: int) -> None:
        if event.get("action") == "DELETE":
            raise Unfit(
                "delete_action",
                _l(
                    "Event %(number)s has the action DELETE: a lot's diary never removes anything.",
                    number=number,
                ),
            )
        lots = self._own_lots(_identifiers(event, "epcList", "quantityList", number), number)
        step = self._step(event, number)
        event_time = _event_time(event, event.get("eventTime"), number)
        key = _event_key(event)
        fields = self._fields(event, number)
        gln = location_gln(event.get("readPoint")) or location_gln(event.get("bizLocation"))
        declaration = event.get("errorDeclaration")
        # The sender's eventID is kept when the event is about one lot: an entry exported
        # again must keep its identity, and a per-lot copy of an event about several lots
        # is not that event.
        event_id = event.get("eventID") if len(lots) == 1 else None
        if event_id is not None and len(event_id) > EVENT_ID_LIMIT:
            raise Unfit(
                "too_long",
                _l(
                    "Event %(number)s has a %(field)s longer than %(limit)s characters.",
                    number=number,
                    field="eventID",
                    limit=EVENT_ID_LIMIT,
                ),
            )
        for lot in lots:
            held = self._held(key, lot, number, event_id)
            if declaration is not None:
                self._plan_correction(event, declaration, lot, held, key, number)
                continue
            if held:
                self.already_held += 1
                continue
            entry_uuid = _entry_uuid(key, lot)
            self.planned_uuids.add(entry_uuid)
            if event_id is not None:
                self.planned_event_ids[event_id] = (lot.id, entry_uuid)
            self.lots_with_entries.add(lot.id)
            self.steps.append(
                _Entry(
                    lot,
                    entry_uuid,
                    step,
                    event_time,
                    epcis_event_id=event_id,
                    location_gln=gln,
                    **fields,
                )
            )

    def _plan_correction(
        self,
        event: dict[str, Any],
        declaration: dict[str, Any],
        lot: Lot,
        held: str | None,
        key: str,
        number: int,
    ) -> None:
        """An error declaration for an entry we hold: a correction entry pointing at it."""
        if held is None:
            raise Unfit(
                "unknown_erroneous_event",
                _l(
                    "Event %(number)s declares an error in an event this site does not hold.",
                    number=number,
                ),
            )
        correction_uuid = _entry_uuid("error-declaration\n" + key, lot)
        if (
            correction_uuid in self.planned_uuids
            or self._exists(correction_uuid)
            or _has_correction(held)
        ):
            self.already_held += 1
            return
        declared_at = _event_time(event, declaration.get("declarationTime"), number)
        reason = declaration.get("reason")
        reason_vi, reason_en = ERROR_REASONS.get(reason, (reason, reason))
        correctives = ", ".join(str(i) for i in declaration.get("correctiveEventIDs", []))
        notes_vi = f"Bên gửi khai báo mục này sai ({reason_vi or 'không nêu lý do'})."
        notes_en = f"The sender declared this entry erroneous ({reason_en or 'no reason given'})."
        if correctives:
            notes_vi += f" Sự kiện đính chính: {correctives}."
            notes_en += f" Corrected by: {correctives}."
        self.planned_uuids.add(correction_uuid)
        self.lots_with_entries.add(lot.id)
        self.steps.append(
            _Entry(
                lot,
                correction_uuid,
                "correction",
                declared_at,
                notes_vi=notes_vi,
                notes_en=notes_en,
                corrects_uuid=held,
            )
        )

    def _held(self, key: str, lot: Lot, number: int, event_id: str | None) -> str | None:
        """The uuid of the entry that already records this event on lot, if any.

        Raises Unfit when the eventID belongs to an entry of another lot.
        """
        match = URN_UUID.fullmatch(key)
        if match:  # perhaps one of our own entries, exported and coming back
            own = db.session.scalar(select(Event).where(Event.uuid == match.group(1).lower()))
            if own is not None:
                return self._same_lot(own.lot_id, own.uuid, lot, number)
        if event_id is not None:
            captured = db.session.execute(
                select(Event.lot_id, Event.uuid).where(Event.epcis_event_id == event_id)
            ).first()
            if captured is not None:
                return self._same_lot(captured[0], captured[1], lot, number)
            if event_id in self.planned_event_ids:
                return self._same_lot(*self.planned_event_ids[event_id], lot, number)
        entry_uuid = _entry_uuid(key, lot)
        if entry_uuid in self.planned_uuids or self._exists(entry_uuid):
            return entry_uuid
        return None

    @staticmethod
    def _same_lot(lot_id: int, entry_uuid: str, lot: Lot, number: int) -> str:
        if lot_id != lot.id:
            raise Unfit(
                "event_id_taken",
                _l("Event %(number)s has the eventID of an entry of another lot.", number=number),
            )
        return entry_uuid

    @staticmethod
    def _exists(entry_uuid: str) -> bool:
        return db.session.scalar(select(Event.id).where(Event.uuid == entry_uuid)) is not None

    def _step(self, event: dict[str, Any], number: int) -> str:
        bizstep = event.get("bizStep")
        if bizstep is None:
            raise Unfit(
                "no_bizstep",
                _l(
                    "Event %(number)s has no business step (bizStep); a diary entry needs one.",
                    number=number,
                ),
            )
        step = diary_step(bizstep)
        if step is None:
            raise Unfit(
                "unknown_bizstep",
                _l(
                    "Event %(number)s has the business step %(bizstep)s, which this site's "
                    "diary does not use.",
                    number=number,
                    bizstep=str(bizstep),
                ),
            )
        return step

    def _fields(self, event: dict[str, Any], number: int) -> dict[str, str | None]:
        """Place, people and notes from our own export's extension fields, when present."""
        if not self.project_fields:
            return {}
        prefix = epcis.PROJECT_PREFIX
        notes = _language_values(event.get(f"{prefix}:notes"))
        return {
            "location_name": _text(event, f"{prefix}:locationName", 200, number),
            "location_address": _text(event, f"{prefix}:locationAddress", 300, number),
            "actor": _text(event, f"{prefix}:actor", 200, number),
            "notes_vi": notes.get("vi"),
            "notes_en": notes.get("en"),
        }

    # TransformationEvents declare lot inputs.

    def _plan_transformation(self, event: dict[str, Any], number: int) -> None:
        if event.get("errorDeclaration") is not None:
            raise Unfit(
                "transformation_error_declaration",
                _l(
                    "Event %(number)s declares a transformation erroneous; a lot's inputs "
                    "cannot be withdrawn once its diary has entries.",
                    number=number,
                ),
            )
        outputs = self._own_lots(
            _identifiers(event, "outputEPCList", "outputQuantityList", number), number
        )
        input_refs = _identifiers(event, "inputEPCList", "inputQuantityList", number)
        inputs = [(self._any_lot(ref, number), ref) for ref in input_refs]
        if not inputs:
            raise Unfit(
                "incomplete_transformation",
                _l("Event %(number)s is a transformation without inputs.", number=number),
            )
        quantities = _input_quantities(event, number) if len(outputs) == 1 else {}
        for output in outputs:
            for input_lot, ref in inputs:
                if input_lot.id == output.id:
                    raise Unfit(
                        "self_input",
                        _l(
                            "Event %(number)s makes lot %(identifier)s from itself.",
                            number=number,
                            identifier=ref.uri,
                        ),
                    )
                if _is_input(output, input_lot) or self._link_planned(output, input_lot):
                    self.already_held += 1
                    continue
                if output.id in self.lots_with_entries or diary.has_events(output):
                    raise Unfit(
                        "lot_locked",
                        _l(
                            "Event %(number)s adds inputs to lot %(identifier)s, whose diary "
                            "already has entries: inputs cannot change once entries are "
                            "published.",
                            number=number,
                            identifier=epcis.lot_uri(output),
                        ),
                    )
                quantity, unit = quantities.get(ref.uri, (None, None))
                self.steps.append(_Link(output, input_lot, quantity, unit))

    def _link_planned(self, output: Lot, input_lot: Lot) -> bool:
        return any(
            isinstance(step, _Link) and step.output is output and step.input is input_lot
            for step in self.steps
        )

    # Lots.

    def _own_lots(self, refs: list[LotRef], number: int) -> list[Lot]:
        if not refs:
            raise Unfit("no_lot", _l("Event %(number)s names no lot.", number=number))
        lots: list[Lot] = []
        for ref in refs:
            lot = self._find(ref)
            if lot is None or lot.product.producer_id != self.producer.id:
                raise Unfit(
                    "unknown_lot",
                    _l(
                        "Event %(number)s names %(identifier)s, which is not one of your lots.",
                        number=number,
                        identifier=ref.uri,
                    ),
                )
            if lot not in lots:
                lots.append(lot)
        return lots

    def _any_lot(self, ref: LotRef, number: int) -> Lot:
        lot = self._find(ref)
        if lot is None:
            raise Unfit(
                "unknown_input",
                _l(
                    "Event %(number)s names the input %(identifier)s, which is not a lot "
                    "registered on this site.",
                    number=number,
                    identifier=ref.uri,
                ),
            )
        return lot

    def _find(self, ref: LotRef) -> Lot | None:
        key = (ref.gtin, ref.code, ref.public_code)
        if key not in self.lots:
            query = select(Lot).join(Lot.product).options(joinedload(Lot.product))
            if ref.public_code is not None:
                query = query.where(Lot.public_code == ref.public_code)
            else:
                query = query.where(Product.gtin == ref.gtin, Lot.code == ref.code)
            self.lots[key] = db.session.scalar(query)
        return self.lots[key]

    # Writing.

    def apply(self, recorded_by: str) -> CaptureResult:
        result = CaptureResult(already_held=self.already_held)
        created: dict[str, Event] = {}
        for step in self.steps:
            if isinstance(step, _Link):
                result.inputs.append(
                    lot_service.add_input(step.output, step.input, step.quantity, step.unit)
                )
                continue
            corrects = None
            if step.corrects_uuid is not None:
                corrects = created.get(step.corrects_uuid) or db.session.scalar(
                    select(Event).where(Event.uuid == step.corrects_uuid)
                )
            event = lot_service.append_event(
                step.lot,
                step=step.step,
                event_time=step.event_time,
                location_name=step.location_name,
                location_address=step.location_address,
                location_gln=step.location_gln,
                actor=step.actor,
                notes_vi=step.notes_vi,
                notes_en=step.notes_en,
                recorded_by=recorded_by,
                corrects=corrects,
                uuid=step.uuid,
                epcis_event_id=step.epcis_event_id,
            )
            created[step.uuid] = event
            result.recorded.append(event)
        return result


def diary_step(bizstep: Any) -> str | None:
    """Map an EPCIS bizStep to our diary step, or None when our diary has no such step."""
    if not isinstance(bizstep, str):
        return None
    word = bizstep
    for prefix in CBV_WORD_PREFIXES:
        word = word.removeprefix(prefix)
    if word != bizstep or ":" not in bizstep:
        step = STEPS.get(word)
        return word if step is not None and step.uri == CBV_BIZSTEP + word else None
    if bizstep.startswith(PROJECT_BIZSTEP):
        key = bizstep.removeprefix(PROJECT_BIZSTEP)
        step = STEPS.get(key)
        return key if step is not None and step.uri == bizstep else None
    return None


def _is_input(output: Lot, input_lot: Lot) -> bool:
    found = db.session.scalar(
        select(LotInput.id).where(
            LotInput.output_lot_id == output.id, LotInput.input_lot_id == input_lot.id
        )
    )
    return found is not None


def _has_correction(entry_uuid: str) -> bool:
    held = db.session.scalar(select(Event.id).where(Event.uuid == entry_uuid))
    if held is None:
        return False
    return db.session.scalar(select(Event.id).where(Event.corrects_id == held)) is not None


def _identifiers(
    event: dict[str, Any], epc_list: str, quantity_list: str, number: int
) -> list[LotRef]:
    """Every identifier an event names in one role, read as lots (or Unfit)."""
    uris: list[Any] = list(event.get(epc_list) or [])
    uris += [element.get("epcClass") for element in event.get(quantity_list) or []]
    return [read_lot_identifier(uri, number) for uri in uris]


def _input_quantities(
    event: dict[str, Any], number: int
) -> dict[str, tuple[Decimal | None, str | None]]:
    """Quantities of inputs by identifier, in our units (a count when uom is absent)."""
    found: dict[str, tuple[Decimal | None, str | None]] = {}
    for element in event.get("inputQuantityList") or []:
        quantity, uom = element.get("quantity"), element.get("uom")
        if quantity is None:
            continue
        if uom is not None and uom not in UNITS_BY_CODE:
            raise Unfit(
                "unknown_unit",
                _l(
                    "Event %(number)s gives a quantity in %(uom)s, a unit this site does not "
                    "record.",
                    number=number,
                    uom=str(uom),
                ),
            )
        try:
            amount = Decimal(str(quantity))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or not 0 <= amount < MAX_QUANTITY:
            raise Unfit(
                "bad_quantity",
                _l("Event %(number)s gives a quantity this site cannot store.", number=number),
            )
        unit = UNITS_BY_CODE.get(uom) if uom else None
        found[element["epcClass"]] = (amount.quantize(Decimal("0.001")), unit)
    return found


def _event_time(event: dict[str, Any], text: Any, number: int) -> datetime:
    """Read a time (eventTime, declarationTime) in the event's own time zone offset."""
    try:
        moment = datetime.fromisoformat(str(text).upper().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Unfit(
            "unreadable_time",
            _l(
                "Event %(number)s has a time this site cannot read: %(time)s.",
                number=number,
                time=str(text),
            ),
        )
    moment = moment.astimezone(epcis.offset_zone(event["eventTimeZoneOffset"]))
    if moment > datetime.now(UTC) + FUTURE_TOLERANCE:
        raise Unfit(
            "event_in_future",
            _l("Event %(number)s is dated in the future.", number=number),
        )
    return moment


def _event_key(event: dict[str, Any]) -> str:
    """The event's identity: its eventID, or a hash of its content when it has none."""
    event_id = event.get("eventID")
    if isinstance(event_id, str):
        return event_id
    content = {k: v for k, v in event.items() if k != "recordTime"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha-256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _entry_uuid(key: str, lot: Lot) -> str:
    return str(uuid.uuid5(CAPTURE_NAMESPACE, f"{key}\n{lot.public_code}"))


def _language_values(value: Any) -> dict[str, str]:
    """Read JSON-LD language-tagged strings ({"@value", "@language"}) by language."""
    values = value if isinstance(value, list) else [value]
    found: dict[str, str] = {}
    for item in values:
        if isinstance(item, dict) and item.get("@language") in ("vi", "en"):
            text = item.get("@value")
            if isinstance(text, str) and text.strip():
                found[item["@language"]] = text.strip()
    return found


def _text(event: dict[str, Any], name: str, limit: int, number: int) -> str | None:
    value = event.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    if len(value.strip()) > limit:
        raise Unfit(
            "too_long",
            _l(
                "Event %(number)s has a %(field)s longer than %(limit)s characters.",
                number=number,
                field=name,
                limit=limit,
            ),
        )
    return value.strip()
