"""EPCIS 2.0 capture: GS1's schema, our model, all or nothing, once per event.

The conformance documents are vendored in tests/conformance/epcis/ (see its README
for origin, licence and the per-case results these tests pin down).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lookup_site.models import Event, LotInput
from lookup_site.services import epcis
from lookup_site.services import lots as lot_service
from lookup_site.services.chain import verify_chain
from lookup_site.services.epcis_capture import capture, diary_step, validate_document

from .epcis_samples import (
    ACCEPTED,
    INVALID,
    INVALID_EVENTS,
    VALID,
    VALID_OUTCOMES,
    VECTORS,
    register_lots_named_in,
)

VIETNAM = timezone(timedelta(hours=7))
CONTEXT = ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"]
GTIN = "09520123450007"


def ids(paths: list[Path]) -> list[str]:
    return [path.stem for path in paths]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def event_pointer(index: int) -> str:
    return f"/epcisBody/eventList/{index}"


@pytest.fixture
def request_context(app):
    """Lazy messages render in a request's language: English here."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def producer(make_producer):
    return make_producer(gln="9520123000004")


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def document(*events: dict, context: list | None = None) -> dict:
    return {
        "@context": context or CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-09-05T01:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }


def object_event(*classes: str, **fields) -> dict:
    event = {
        "type": "ObjectEvent",
        "eventID": "urn:uuid:5b0d1c7e-6a1f-4f43-9d0b-2f8b8d3c0a11",
        "eventTime": "2026-09-03T08:15:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "quantityList": [{"epcClass": uri} for uri in classes],
    }
    event.update(fields)
    return event


def lot_link(gtin: str, code: str) -> str:
    return f"https://id.gs1.org/01/{gtin}/10/{code}"


# --- Conformance documents ---------------------------------------------------


def test_every_conformance_document_has_an_expected_outcome():
    assert set(ids(INVALID)) == set(INVALID_EVENTS)
    assert set(ids(VALID)) == set(VALID_OUTCOMES)
    outcomes = list(VALID_OUTCOMES.values())
    by_schema = [o for o in outcomes if isinstance(o, dict) and "schema" in o.values()]
    assert (len(INVALID), len(VALID)) == (15, 38)
    # Accepted, refused by GS1's schema, answered event by event.
    assert (outcomes.count(ACCEPTED), len(by_schema)) == (1, 3)
    assert len(outcomes) - 1 - len(by_schema) == 34


@pytest.mark.parametrize("path", INVALID, ids=ids(INVALID))
def test_every_invalid_document_is_rejected_naming_each_bad_event(
    db, request_context, producer, make_product, path
):
    doc = load(path)
    register_lots_named_in(doc, producer, make_product, db)
    result = capture(doc, producer)
    assert not result.accepted
    expected = [event_pointer(i) if i != "" else "" for i in INVALID_EVENTS[path.stem]]
    assert [problem.pointer for problem in result.problems] == expected
    for problem in result.problems:
        assert problem.reason == "schema"
        message = str(problem.message)
        assert "EPCIS 2.0 schema" in message and len(message) < 1000
    assert count(db, Event) == 0


@pytest.mark.parametrize("path", VALID, ids=ids(VALID))
def test_every_valid_document_is_accepted_or_answered_event_by_event(
    db, request_context, producer, make_product, path
):
    doc = load(path)
    register_lots_named_in(doc, producer, make_product, db)
    result = capture(doc, producer)
    expected = VALID_OUTCOMES[path.stem]
    if expected == ACCEPTED:
        assert result.accepted, [p.to_dict() for p in result.problems]
        assert len(result.recorded) == len(doc["epcisBody"]["eventList"])
        assert count(db, Event) == len(result.recorded)
        return
    assert not result.accepted
    assert {problem.pointer: problem.reason for problem in result.problems} == {
        event_pointer(index): reason
        for index, reason in expected.items()  # type: ignore[union-attr]
    }
    for problem in result.problems:
        number = int(problem.pointer.rsplit("/", 1)[1]) + 1
        assert str(problem.message).startswith(f"Event {number} ")
    assert count(db, Event) == 0


def test_an_accepted_conformance_event_lands_in_the_lot_as_sent(
    db, request_context, producer, make_product
):
    doc = load(VECTORS / "capture-valid" / "ObjectEvent_with_digitalLink.json")
    register_lots_named_in(doc, producer, make_product, db)
    result = capture(doc, producer, recorded_by="Hệ thống kho (API)")
    db.session.commit()
    (entry,) = result.recorded
    assert entry.lot.product.gtin == "70614141123451" and entry.lot.code == "998877"
    assert entry.step == "receiving"
    assert entry.time_zone_offset == "+02:00"
    assert entry.event_time.replace(tzinfo=entry.event_time.tzinfo or UTC) == datetime(
        2013, 6, 8, 14, 58, 56, 591000, tzinfo=UTC
    )
    # urn:epc:id:sgln:0614141.00777.0 is the GLN 061414100777 plus its check digit, 6.
    assert entry.location_gln == "0614141007776"
    assert entry.recorded_by == "Hệ thống kho (API)"
    assert verify_chain(entry.lot.events, entry.lot.public_code)


# --- Validation --------------------------------------------------------------


@pytest.mark.parametrize("data", [None, [], "EPCISDocument", 42, {"type": "ObjectEvent"}])
def test_anything_but_an_epcis_document_is_refused_plainly(db, request_context, producer, data):
    result = capture(data, producer)
    assert [(p.pointer, p.reason) for p in result.problems] == [("", "not_epcis_document")]
    assert "EPCISDocument" in str(result.problems[0].message)


def test_an_epcis_1_document_is_refused(request_context):
    problems = validate_document({**document(), "schemaVersion": "1.2"})
    assert [(p.pointer, p.reason) for p in problems] == [("/schemaVersion", "schema_version")]


def test_a_document_with_a_missing_body_is_refused_at_the_document(request_context):
    data = document()
    del data["epcisBody"]
    (problem,) = validate_document(data)
    assert problem.pointer == ""
    assert "'epcisBody' is a required property" in str(problem.message)


def test_a_schema_problem_deep_in_an_event_is_named_by_the_event(request_context):
    bad = object_event(lot_link(GTIN, "A1"))
    bad["readPoint"] = {"id": "not a uri"}
    problems = validate_document(document(object_event(lot_link(GTIN, "A1")), bad))
    assert [p.pointer for p in problems] == [event_pointer(1)]
    assert "readPoint/id" in str(problems[0].message)


def test_our_own_exports_validate(db, make_lot, make_event, request_context):
    lot = make_lot()
    make_event(lot)
    assert validate_document(epcis.lot_document(lot)) == []


# --- Capture into lots -------------------------------------------------------


@pytest.fixture
def lot(producer, make_product, make_lot):
    return make_lot(product=make_product(producer=producer, gtin=GTIN), code="A1")


def test_a_lot_level_digital_link_on_any_domain_is_captured(db, request_context, producer, lot):
    data = document(object_event("https://example.com/shop/01/09520123450007/10/A1"))
    result = capture(data, producer)
    assert result.accepted
    (entry,) = result.recorded
    assert (entry.lot_id, entry.step) == (lot.id, "shipping")
    assert entry.time_zone_offset == "+07:00"


def test_an_lgtin_is_read_as_gtin_and_lot(db, request_context, producer, lot):
    data = document(object_event("urn:epc:class:lgtin:9520123.045000.A1", bizStep="packing"))
    result = capture(data, producer)
    assert result.accepted, [p.to_dict() for p in result.problems]
    assert result.recorded[0].lot_id == lot.id


def test_a_lot_without_gtin_is_named_by_its_page(
    db, request_context, producer, make_product, make_lot
):
    plain = make_lot(product=make_product(producer=producer, gtin=None), code="B7")
    uri = f"https://txng.example.vn/t/{plain.public_code}"
    result = capture(document(object_event(uri)), producer)
    assert result.accepted
    assert result.recorded[0].lot_id == plain.id


def test_capturing_twice_records_the_events_once(db, request_context, producer, lot):
    data = document(
        object_event(lot_link(GTIN, "A1")),
        object_event(
            lot_link(GTIN, "A1"),
            eventID="ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0",
            bizStep="receiving",
            eventTime="2026-09-04T09:00:00+07:00",
        ),
    )
    first = capture(data, producer)
    db.session.commit()
    second = capture(copy.deepcopy(data), producer)
    db.session.commit()
    assert (len(first.recorded), first.already_held) == (2, 0)
    assert second.accepted and (len(second.recorded), second.already_held) == (0, 2)
    assert count(db, Event) == 2


def test_an_event_without_id_is_known_by_its_content(db, request_context, producer, lot):
    event = object_event(lot_link(GTIN, "A1"))
    del event["eventID"]
    assert len(capture(document(event), producer).recorded) == 1
    db.session.commit()
    again = capture(document(copy.deepcopy(event)), producer)
    assert (len(again.recorded), again.already_held) == (0, 1)
    other_time = {**event, "eventTime": "2026-09-03T09:15:00+07:00"}
    assert len(capture(document(other_time), producer).recorded) == 1


def test_the_same_event_twice_in_one_document_is_recorded_once(db, request_context, producer, lot):
    event = object_event(lot_link(GTIN, "A1"))
    result = capture(document(event, copy.deepcopy(event)), producer)
    assert (len(result.recorded), result.already_held) == (1, 1)


def test_one_event_naming_two_lots_records_an_entry_on_each(
    db, request_context, producer, lot, make_lot
):
    other = make_lot(product=lot.product, code="A2")
    result = capture(document(object_event(lot_link(GTIN, "A1"), lot_link(GTIN, "A2"))), producer)
    assert sorted(entry.lot_id for entry in result.recorded) == sorted([lot.id, other.id])
    assert len({entry.uuid for entry in result.recorded}) == 2
    # A lot's copy of an event about two lots is not that event: it gets its own ID.
    assert {entry.epcis_event_id for entry in result.recorded} == {None}
    db.session.commit()
    again = capture(document(object_event(lot_link(GTIN, "A2"), lot_link(GTIN, "A1"))), producer)
    assert (len(again.recorded), again.already_held) == (0, 2)


def test_the_senders_event_id_is_kept_and_exported_again(db, request_context, producer, lot):
    event_id = (
        "ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0"
    )
    result = capture(document(object_event(lot_link(GTIN, "A1"), eventID=event_id)), producer)
    db.session.commit()
    assert result.recorded[0].epcis_event_id == event_id
    exported = epcis.lot_document(lot)
    assert [e["eventID"] for e in exported["epcisBody"]["eventList"]] == [event_id]
    assert validate_document(exported) == []
    assert capture(exported, producer).already_held == 1


def test_an_event_id_already_captured_for_another_lot_is_refused(
    db, request_context, producer, lot, make_lot
):
    other = make_lot(product=lot.product, code="A2")
    capture(document(object_event(lot_link(GTIN, "A1"))), producer)
    db.session.commit()
    result = capture(document(object_event(epcis.lot_uri(other))), producer)
    assert [(p.pointer, p.reason) for p in result.problems] == [
        (event_pointer(0), "event_id_taken")
    ]
    both_at_once = capture(
        document(
            object_event(
                lot_link(GTIN, "A2"), eventID="urn:uuid:9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
            ),
            object_event(
                lot_link(GTIN, "A1"), eventID="urn:uuid:9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
            ),
        ),
        producer,
    )
    assert [(p.pointer, p.reason) for p in both_at_once.problems] == [
        (event_pointer(1), "event_id_taken")
    ]
    assert count(db, Event) == 1


def test_an_overlong_event_id_is_refused(db, request_context, producer, lot):
    event = object_event(lot_link(GTIN, "A1"), eventID="urn:example:" + "x" * 300)
    assert [p.reason for p in capture(document(event), producer).problems] == ["too_long"]


def test_one_bad_event_changes_nothing(db, request_context, producer, lot):
    good = object_event(lot_link(GTIN, "A1"))
    unknown = object_event(
        lot_link(GTIN, "NOPE"), eventID="urn:uuid:1e0c3c1a-2b7e-4a57-9b0e-5d1e9b7f0c22"
    )
    item = object_event(
        eventID="urn:uuid:8a0f1e3b-9c4d-4e2f-a1b0-7c6d5e4f3a21",
        epcList=["https://id.gs1.org/01/09520123450007/21/XYZ"],
    )
    del item["quantityList"]
    result = capture(
        document(
            good, unknown, good | {"eventID": "urn:uuid:2d6f0a9e-3c1b-4e8d-b7a2-5f4c3e2d1b0a"}, item
        ),
        producer,
    )
    assert not result.accepted
    assert [(p.pointer, p.reason) for p in result.problems] == [
        (event_pointer(1), "unknown_lot"),
        (event_pointer(3), "item_level"),
    ]
    assert count(db, Event) == 0


def test_a_schema_error_in_one_event_changes_nothing(db, request_context, producer, lot):
    good = object_event(lot_link(GTIN, "A1"))
    bad = object_event(lot_link(GTIN, "A1"), action="CREATE")
    result = capture(document(good, bad), producer)
    assert [(p.pointer, p.reason) for p in result.problems] == [(event_pointer(1), "schema")]
    assert count(db, Event) == 0


def test_another_producers_lot_is_answered_like_an_unknown_one(
    db, request_context, producer, lot, make_producer, make_product, make_lot
):
    theirs = make_lot(product=make_product(producer=make_producer(), gtin="09520123450014"))
    mine_unknown = capture(document(object_event(lot_link(GTIN, "ZZ9"))), producer)
    other = capture(document(object_event(lot_link("09520123450014", theirs.code))), producer)
    assert [p.reason for p in other.problems] == ["unknown_lot"]
    assert [p.reason for p in mine_unknown.problems] == ["unknown_lot"]
    assert str(other.problems[0].message).endswith("which is not one of your lots.")
    assert count(db, Event) == 0


@pytest.mark.parametrize(
    ("identifier", "reason"),
    [
        ("urn:epc:id:sgtin:9520123.045000.2017", "item_level"),
        ("https://id.gs1.org/01/09520123450007/10/A1/21/2017", "item_level"),
        ("https://txng.example.vn/t/K7QM4XZ2/7HG3KQ9M2XTB", "item_level"),
        ("urn:epc:id:sscc:9520123.0000000001", "logistic_unit"),
        ("https://id.gs1.org/00/095201230000000011", "logistic_unit"),
        ("urn:epc:idpat:sgtin:9520123.045000.*", "pattern"),
        ("https://id.gs1.org/01/09520123450007", "product_level"),
        ("https://id.gs1.org/414/9520123000004", "not_a_lot"),
        ("urn:epc:id:grai:9520123.00000.1", "not_a_lot"),
        ("https://id.gs1.org/01/09520123450008/10/A1", "unreadable_identifier"),
        ("https://example.com/products/42", "unreadable_identifier"),
        ("https://id.gs1.org/01/09520199999998/10/A1", "unknown_lot"),
    ],
)
def test_identifiers_that_do_not_name_one_of_our_lots_get_a_reason(
    db, request_context, producer, lot, identifier, reason
):
    result = capture(document(object_event(identifier)), producer)
    assert [(p.pointer, p.reason) for p in result.problems] == [(event_pointer(0), reason)]
    assert identifier in str(result.problems[0].message)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"action": "DELETE"}, "delete_action"),
        ({"bizStep": "loading"}, "unknown_bizstep"),
        ({"bizStep": "https://example.com/bizStep/inspecting"}, "unknown_bizstep"),
        ({"bizStep": None}, "no_bizstep"),
        ({"eventTime": "2099-01-01T00:00:00+07:00"}, "event_in_future"),
        ({"type": "TransactionEvent"}, "event_type"),
    ],
)
def test_events_our_diary_cannot_hold_get_a_reason(
    db, request_context, producer, lot, fields, reason
):
    event = object_event(lot_link(GTIN, "A1"), **fields)
    event = {key: value for key, value in event.items() if value is not None}
    if event["type"] == "TransactionEvent":
        event["bizTransactionList"] = [{"bizTransaction": "urn:example:po:1"}]
    result = capture(document(event), producer)
    assert [(p.pointer, p.reason) for p in result.problems] == [(event_pointer(0), reason)]
    assert count(db, Event) == 0


@pytest.mark.parametrize(
    ("bizstep", "step"),
    [
        ("packing", "packing"),
        ("https://ref.gs1.org/cbv/BizStep-packing", "packing"),
        ("https://gs1.org/voc/BizStep-retail_selling", "retail_selling"),
        ("urn:txng:bizstep:harvesting", "harvesting"),
        ("harvesting", None),  # bare words are CBV's, and CBV has no harvesting
        ("urn:txng:bizstep:packing", None),  # packing is CBV's: its URI is CBV's too
        ("departing", None),
        (42, None),
    ],
)
def test_business_steps_map_to_our_diary_steps(bizstep, step):
    assert diary_step(bizstep) == step


def test_our_own_export_coming_back_is_already_held(db, request_context, producer, lot, make_event):
    make_event(lot, "packing")
    make_event(lot, "shipping", datetime(2026, 9, 3, 7, 0, tzinfo=VIETNAM))
    result = capture(epcis.lot_document(lot), producer)
    assert result.accepted and (len(result.recorded), result.already_held) == (0, 2)


def test_our_extension_fields_come_back_with_the_entry(
    db, request_context, producer, lot, make_lot, make_event
):
    make_event(lot, "drying", location_gln="9520123000011")
    exported = epcis.lot_document(lot)
    target = make_lot(product=lot.product, code="A2")
    event = exported["epcisBody"]["eventList"][0]
    event["quantityList"] = [{"epcClass": epcis.lot_uri(target)}]
    event["eventID"] = "urn:uuid:3f2b1d0c-4e5a-4b6c-8d7e-9f0a1b2c3d4e"
    result = capture(exported, producer)
    assert result.accepted, [p.to_dict() for p in result.problems]
    (entry,) = result.recorded
    assert entry.lot_id == target.id
    assert entry.step == "drying"
    assert entry.location_gln == "9520123000011"
    assert (entry.location_name, entry.actor) == ("Xưởng đóng chai", "Nguyễn Văn An")
    assert (entry.notes_vi, entry.notes_en) == ("Đóng chai 500 ml", "Bottled in 500 ml")


def test_extension_fields_count_only_under_our_namespace(db, request_context, producer, lot):
    event = object_event(lot_link(GTIN, "A1"), **{"txng:actor": "Someone else's field"})
    context = [*CONTEXT, {"txng": "https://example.com/other#"}]
    result = capture(document(event, context=context), producer)
    assert result.accepted and result.recorded[0].actor is None


def test_an_overlong_extension_field_is_refused(db, request_context, producer, lot):
    event = object_event(lot_link(GTIN, "A1"), **{"txng:actor": "x" * 201})
    context = [*CONTEXT, {"txng": "urn:txng:"}]
    result = capture(document(event, context=context), producer)
    assert [p.reason for p in result.problems] == ["too_long"]


def test_an_event_id_of_another_lots_entry_is_refused(
    db, request_context, producer, lot, make_lot, make_event
):
    entry = make_event(lot)
    other = make_lot(product=lot.product, code="A2")
    event = object_event(epcis.lot_uri(other), eventID=f"urn:uuid:{entry.uuid}")
    result = capture(document(event), producer)
    assert [p.reason for p in result.problems] == ["event_id_taken"]


# --- Error declarations --------------------------------------------------------


def test_an_error_declaration_becomes_a_correction_of_the_entry(db, request_context, producer, lot):
    original = object_event(lot_link(GTIN, "A1"))
    capture(document(original), producer)
    db.session.commit()
    declared = original | {
        "errorDeclaration": {
            "declarationTime": "2026-09-04T10:00:00+07:00",
            "reason": "incorrect_data",
            "correctiveEventIDs": ["urn:uuid:0b5c8a1e-7d2f-4c3b-9e6a-1f0d2c3b4a59"],
        }
    }
    result = capture(document(declared), producer)
    db.session.commit()
    (correction,) = result.recorded
    first = db.session.scalar(select(Event).where(Event.sequence == 1))
    assert correction.step == "correction" and correction.corrects_id == first.id
    assert "incorrect data" in correction.notes_en
    assert "urn:uuid:0b5c8a1e-7d2f-4c3b-9e6a-1f0d2c3b4a59" in correction.notes_en
    assert correction.notes_vi
    again = capture(document(copy.deepcopy(declared)), producer)
    assert (len(again.recorded), again.already_held) == (0, 1)
    assert verify_chain(first.lot.events, first.lot.public_code)


def test_an_event_and_its_error_declaration_in_one_document(db, request_context, producer, lot):
    original = object_event(lot_link(GTIN, "A1"))
    declared = original | {"errorDeclaration": {"declarationTime": "2026-09-04T10:00:00Z"}}
    result = capture(document(original, declared, copy.deepcopy(declared)), producer)
    assert result.accepted and result.already_held == 1
    entry, correction = result.recorded
    assert correction.corrects_id == entry.id
    assert "no reason given" in correction.notes_en


def test_an_error_declaration_for_an_unknown_event_is_refused(db, request_context, producer, lot):
    declared = object_event(lot_link(GTIN, "A1")) | {
        "errorDeclaration": {"declarationTime": "2026-09-04T10:00:00+07:00"}
    }
    result = capture(document(declared), producer)
    assert [p.reason for p in result.problems] == ["unknown_erroneous_event"]


# --- Transformations -----------------------------------------------------------


@pytest.fixture
def supplier_lot(make_producer, make_product, make_lot):
    supplier = make_producer(name_vi="HTX Khai thác hải sản (demo)")
    return make_lot(product=make_product(producer=supplier, gtin="09520123450014"), code="CC1")


def transformation(inputs: list[dict], outputs: list[dict], **fields) -> dict:
    event = {
        "type": "TransformationEvent",
        "eventID": "urn:uuid:7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "eventTime": "2026-09-01T07:00:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "inputQuantityList": inputs,
        "outputQuantityList": outputs,
        "bizStep": "commissioning",
    }
    event.update(fields)
    return event


def test_a_transformation_declares_the_inputs_of_our_lot(
    db, request_context, producer, lot, supplier_lot
):
    data = document(
        transformation(
            [{"epcClass": lot_link("09520123450014", "CC1"), "quantity": 2600, "uom": "KGM"}],
            [{"epcClass": lot_link(GTIN, "A1"), "quantity": 1200}],
        )
    )
    result = capture(data, producer)
    db.session.commit()
    (link,) = result.inputs
    assert (link.output_lot_id, link.input_lot_id) == (lot.id, supplier_lot.id)
    assert (link.quantity, link.quantity_unit) == (Decimal("2600.000"), "kg")
    again = capture(copy.deepcopy(data), producer)
    assert again.accepted and (again.inputs, again.already_held) == ([], 1)
    assert count(db, LotInput) == 1


def test_our_export_of_a_transformation_comes_back_as_held(
    db, request_context, producer, lot, supplier_lot
):
    lot_service.add_input(lot, supplier_lot, Decimal("40"), "l")
    db.session.commit()
    result = capture(epcis.lot_document(lot), producer)
    assert result.accepted and result.already_held == 1 and result.inputs == []


def test_inputs_cannot_change_once_the_diary_has_entries(
    db, request_context, producer, lot, supplier_lot, make_event
):
    make_event(lot)
    data = document(
        transformation(
            [{"epcClass": lot_link("09520123450014", "CC1")}],
            [{"epcClass": lot_link(GTIN, "A1")}],
        )
    )
    result = capture(data, producer)
    assert [p.reason for p in result.problems] == ["lot_locked"]


def test_an_entry_earlier_in_the_document_locks_the_inputs_too(
    db, request_context, producer, lot, supplier_lot
):
    data = document(
        object_event(lot_link(GTIN, "A1")),
        transformation(
            [{"epcClass": lot_link("09520123450014", "CC1")}],
            [{"epcClass": lot_link(GTIN, "A1")}],
        ),
    )
    result = capture(data, producer)
    assert [(p.pointer, p.reason) for p in result.problems] == [(event_pointer(1), "lot_locked")]
    assert count(db, Event) == 0


@pytest.mark.parametrize(
    ("inputs", "outputs", "reason"),
    [
        ([{"epcClass": lot_link("09520199999998", "X")}], [lot_link(GTIN, "A1")], "unknown_input"),
        ([{"epcClass": lot_link(GTIN, "A1")}], [lot_link(GTIN, "A1")], "self_input"),
        ([], [lot_link(GTIN, "A1")], "incomplete_transformation"),
        (
            [{"epcClass": lot_link("09520123450014", "CC1"), "quantity": 3, "uom": "LBR"}],
            [lot_link(GTIN, "A1")],
            "unknown_unit",
        ),
        ([{"epcClass": lot_link("09520123450014", "CC1")}], [lot_link(GTIN, "ZZ")], "unknown_lot"),
        (
            [{"epcClass": lot_link("09520123450014", "CC1"), "quantity": -5, "uom": "KGM"}],
            [lot_link(GTIN, "A1")],
            "bad_quantity",
        ),
        (
            [{"epcClass": lot_link("09520123450014", "CC1"), "quantity": 1e12, "uom": "KGM"}],
            [lot_link(GTIN, "A1")],
            "bad_quantity",
        ),
        (
            [{"epcClass": lot_link("09520123450014", "CC1"), "quantity": float("nan")}],
            [lot_link(GTIN, "A1")],
            "bad_quantity",
        ),
    ],
)
def test_transformations_that_do_not_fit_get_a_reason(
    db, request_context, producer, lot, supplier_lot, inputs, outputs, reason
):
    event = transformation(inputs, [{"epcClass": uri} for uri in outputs])
    if not inputs:
        del event["inputQuantityList"]
        event["transformationID"] = "urn:example:transformation:1"
    result = capture(document(event), producer)
    assert [(p.pointer, p.reason) for p in result.problems] == [(event_pointer(0), reason)]
    assert count(db, LotInput) == 0
