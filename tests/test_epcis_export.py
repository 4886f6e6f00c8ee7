"""EPCIS 2.0 export: every lot's history as a document GS1's schema accepts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from lookup_site.demo import DemoSummary, load_demo
from lookup_site.models import Event, Lot, LotStatus
from lookup_site.services import epcis
from lookup_site.services import lots as lot_service
from lookup_site.services.epcis_capture import validate_document

VIETNAM = timezone(timedelta(hours=7))
NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def demo(db) -> DemoSummary:
    summary = load_demo()
    db.session.commit()
    return summary


def all_lots(db) -> list[Lot]:
    return list(db.session.scalars(select(Lot).order_by(Lot.id)))


def events_of(doc: dict) -> list[dict]:
    return doc["epcisBody"]["eventList"]


def object_events(doc: dict) -> list[dict]:
    return [e for e in events_of(doc) if e["type"] == "ObjectEvent"]


def test_every_demo_lot_exports_a_document_the_schema_accepts(db, demo):
    lots = all_lots(db)
    assert len(lots) == demo.lots
    refused = {
        lot.code: [problem.to_dict() for problem in validate_document(epcis.lot_document(lot))]
        for lot in lots
    }
    assert {code: found for code, found in refused.items() if found} == {}


def test_every_demo_event_carries_its_time_zone_offset(db, demo):
    exported = 0
    for lot in all_lots(db):
        doc = epcis.lot_document(lot)
        assert doc["type"] == "EPCISDocument" and doc["schemaVersion"] == "2.0"
        assert doc["@context"][0] == "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
        for event in events_of(doc):
            offset = event["eventTimeZoneOffset"]
            assert offset == "+07:00"
            assert datetime.fromisoformat(event["eventTime"]).utcoffset() == timedelta(hours=7)
            exported += 1
    assert exported >= demo.events


def test_a_lot_with_inputs_starts_with_the_transformation_that_made_it(db, demo):
    lot = demo.example_lot
    assert lot.inputs, "the example lot is made from other lots"
    doc = epcis.lot_document(lot)
    transformation, *rest = events_of(doc)
    assert transformation["type"] == "TransformationEvent"
    assert [q["epcClass"] for q in transformation["inputQuantityList"]] == [
        epcis.lot_uri(link.input_lot) for link in lot.inputs
    ]
    link = lot.inputs[0]
    assert transformation["inputQuantityList"][0]["quantity"] == int(link.quantity)
    assert transformation["inputQuantityList"][0]["uom"] == "KGM"
    assert transformation["outputQuantityList"] == [
        {"epcClass": epcis.lot_uri(lot), "quantity": int(lot.quantity)}
    ]
    assert transformation["ilmd"]["cbvmda:lotNumber"] == lot.code
    # The transformation made the lot: no diary entry adds it again.
    assert {e["action"] for e in rest if e["type"] == "ObjectEvent"} == {"OBSERVE"}
    first_entry = min(datetime.fromisoformat(e["eventTime"]) for e in rest)
    assert datetime.fromisoformat(transformation["eventTime"]) <= first_entry


def test_inputs_from_a_lot_without_gtin_are_named_by_its_page(db, demo):
    lot = demo.example_lot
    source = lot.inputs[0].input_lot
    assert source.product.gtin is None
    doc = epcis.lot_document(lot)
    assert events_of(doc)[0]["inputQuantityList"][0]["epcClass"] == (
        f"https://txng.example.vn/t/{source.public_code}"
    )


def test_the_first_entry_adds_the_lot_with_its_master_data(db, make_lot, make_event):
    lot = make_lot(
        production_date=date(2026, 9, 1),
        packing_date=date(2026, 9, 2),
        best_before=date(2028, 9, 1),
        best_before_is_expiry=True,
    )
    make_event(lot, "harvesting", datetime(2026, 8, 30, 6, 0, tzinfo=VIETNAM))
    make_event(lot, "harvesting", datetime(2026, 8, 31, 23, 30, tzinfo=VIETNAM))
    make_event(lot, "packing", datetime(2026, 9, 2, 8, 30, tzinfo=VIETNAM))
    doc = epcis.lot_document(lot)
    first, *others = object_events(doc)
    assert first["action"] == "ADD"
    assert first["bizStep"] == "urn:txng:bizstep:harvesting"
    # 1,200 bottles: a count, so no unit of measure.
    assert first["quantityList"] == [{"epcClass": epcis.lot_uri(lot), "quantity": 1200}]
    assert first["ilmd"] == {
        "cbvmda:lotNumber": "CH2023-01",
        "cbvmda:itemExpirationDate": "2028-09-01",
        # The second harvest ended at 23:30 in Vietnam: its date there, not in UTC.
        "cbvmda:harvestStartDate": "2026-08-30",
        "cbvmda:harvestEndDate": "2026-08-31",
        "txng:productionDate": "2026-09-01",
        "txng:packingDate": "2026-09-02",
    }
    assert [e["action"] for e in others] == ["OBSERVE", "OBSERVE"]
    assert all("ilmd" not in e for e in others)
    assert validate_document(doc) == []


def test_a_best_before_date_is_not_called_an_expiry(db, make_lot, make_event):
    lot = make_lot(best_before=date(2028, 9, 1), best_before_is_expiry=False)
    make_event(lot, "packing")
    ilmd = object_events(epcis.lot_document(lot))[0]["ilmd"]
    assert ilmd["cbvmda:bestBeforeDate"] == "2028-09-01"
    assert "cbvmda:itemExpirationDate" not in ilmd


def test_a_recalled_lot_says_so_with_the_recalled_disposition(db, demo):
    recalled = [lot for lot in all_lots(db) if lot.status is LotStatus.RECALLED]
    assert len(recalled) == 1
    lot = recalled[0]
    doc = epcis.lot_document(lot)
    recalls = [e for e in events_of(doc) if e.get("disposition") == "recalled"]
    assert len(recalls) == 1
    recall = recalls[0]
    assert recall["quantityList"] == [{"epcClass": epcis.lot_uri(lot)}]
    assert datetime.fromisoformat(recall["eventTime"]) == lot.status_changed_at.replace(
        tzinfo=lot.status_changed_at.tzinfo or UTC
    )
    assert {value["@language"] for value in recall["txng:reason"]} == {"vi", "en"}
    destroyed = [e for e in events_of(doc) if e.get("bizStep") == "destroying"]
    assert destroyed and destroyed[0]["disposition"] == "destroyed"
    assert validate_document(doc) == []


def test_an_active_lot_has_no_recall(db, make_lot, make_event):
    lot = make_lot()
    make_event(lot)
    assert all(e.get("disposition") != "recalled" for e in events_of(epcis.lot_document(lot)))


def test_a_corrected_entry_carries_an_error_declaration(db, demo):
    lot = demo.example_lot
    correction = next(e for e in lot.events if e.corrects_id is not None)
    corrected = db.session.get(Event, correction.corrects_id)
    doc = epcis.lot_document(lot)
    by_id = {e["eventID"]: e for e in events_of(doc)}
    declared = by_id[f"urn:uuid:{corrected.uuid}"]
    assert declared["errorDeclaration"]["reason"] == "incorrect_data"
    assert declared["errorDeclaration"]["correctiveEventIDs"] == [f"urn:uuid:{correction.uuid}"]
    declared_at = datetime.fromisoformat(declared["errorDeclaration"]["declarationTime"])
    assert declared_at == correction.recorded_at.replace(tzinfo=UTC)
    # The correcting entry itself is exported too, and declares nothing.
    assert "errorDeclaration" not in by_id[f"urn:uuid:{correction.uuid}"]
    assert by_id[f"urn:uuid:{correction.uuid}"]["bizStep"] == "urn:txng:bizstep:correction"


def test_event_ids_are_the_same_in_two_exports(db, demo):
    lot = demo.example_lot
    first = epcis.lot_document(lot, now=NOW)
    second = epcis.lot_document(lot, now=NOW + timedelta(days=3))
    ids = [e["eventID"] for e in events_of(first)]
    assert ids == [e["eventID"] for e in events_of(second)]
    assert len(set(ids)) == len(ids)
    assert first["creationDate"] == "2026-10-01T09:00:00.000Z"
    assert second["creationDate"] != first["creationDate"]
    # Apart from when it was made, the document is the same.
    first.pop("creationDate"), second.pop("creationDate")
    assert first == second


def test_event_ids_are_the_diary_entries_uuids(db, make_lot, make_event):
    lot = make_lot()
    event = make_event(lot)
    assert object_events(epcis.lot_document(lot))[0]["eventID"] == f"urn:uuid:{event.uuid}"


def test_a_lot_without_gtin_is_named_by_its_page_and_still_validates(
    db, make_product, make_lot, make_event
):
    lot = make_lot(product=make_product(gtin=None))
    make_event(lot)
    doc = epcis.lot_document(lot)
    assert object_events(doc)[0]["quantityList"][0]["epcClass"] == (
        f"https://txng.example.vn/t/{lot.public_code}"
    )
    assert validate_document(doc) == []


def test_lots_and_places_use_gs1_canonical_digital_links(
    db, make_producer, make_product, make_lot, make_event
):
    producer = make_producer(gln="9520123000004")
    lot = make_lot(product=make_product(producer=producer), code="A/1")
    make_event(lot, "packing")
    make_event(lot, "shipping", datetime(2026, 9, 3, 7, 0, tzinfo=VIETNAM))
    packing, shipping = object_events(epcis.lot_document(lot))
    assert packing["quantityList"][0]["epcClass"] == (
        "https://id.gs1.org/01/09520123450007/10/A%2F1"
    )
    assert packing["readPoint"] == {"id": "https://id.gs1.org/414/9520123000004"}
    assert packing["bizLocation"] == {"id": "https://id.gs1.org/414/9520123000004"}
    assert packing["bizStep"] == "packing"
    # After shipping the lot is on its way: seen at the producer, no longer there.
    assert shipping["disposition"] == "in_transit"
    assert shipping["readPoint"] == packing["readPoint"]
    assert "bizLocation" not in shipping


def test_an_entry_at_another_place_names_that_place(db, make_lot, make_event):
    lot = make_lot()
    make_event(lot, "receiving", location_gln="9520123000011")
    event = object_events(epcis.lot_document(lot))[0]
    assert event["readPoint"] == {"id": "https://id.gs1.org/414/9520123000011"}


def test_without_any_gln_there_is_no_read_point(db, make_lot, make_event):
    lot = make_lot()
    make_event(lot)
    event = object_events(epcis.lot_document(lot))[0]
    assert "readPoint" not in event and "bizLocation" not in event


def test_the_diary_details_travel_as_extensions(db, make_lot, make_event):
    lot = make_lot()
    event = make_event(lot, "drying", event_time=datetime(2026, 9, 2, 8, 30, tzinfo=VIETNAM))
    exported = object_events(epcis.lot_document(lot))[0]
    assert exported["bizStep"] == "urn:txng:bizstep:drying"
    assert exported["txng:locationName"] == "Xưởng đóng chai"
    assert exported["txng:actor"] == "Nguyễn Văn An"
    assert exported["txng:notes"] == [
        {"@value": "Đóng chai 500 ml", "@language": "vi"},
        {"@value": "Bottled in 500 ml", "@language": "en"},
    ]
    assert exported["txng:hash"] == event.hash
    assert exported["eventTime"] == "2026-09-02T08:30:00.000+07:00"


def test_an_entry_recorded_in_another_offset_keeps_it(db, make_lot):
    lot = make_lot()
    lot_service.append_event(
        lot, step="shipping", event_time=datetime(2026, 9, 2, 8, 30, tzinfo=UTC)
    )
    db.session.commit()
    event = object_events(epcis.lot_document(lot))[0]
    assert event["eventTimeZoneOffset"] == "+00:00"
    assert event["eventTime"] == "2026-09-02T08:30:00.000+00:00"


def test_document_json_keeps_vietnamese_readable(db, make_lot, make_event):
    lot = make_lot()
    make_event(lot)
    doc = epcis.lot_document(lot)
    text = epcis.document_json(doc)
    assert "Đóng chai" in text
    assert json.loads(text) == doc


def test_a_lot_without_entries_exports_an_empty_history(db, make_lot):
    lot = make_lot(quantity=Decimal("2.5"), quantity_unit="kg")
    doc = epcis.lot_document(lot)
    assert events_of(doc) == []
    assert validate_document(doc) == []
