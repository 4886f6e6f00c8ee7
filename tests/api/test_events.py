"""The production diary through the API: publish, correct, read; the facility's lots only."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from lookup_site.models import Event
from lookup_site.services import chain
from lookup_site.services.clock import VIETNAM

EVENTS = "/api/v1/lots/{}/events"


@pytest.fixture
def lot(api, make_product, make_lot):
    return make_lot(make_product(producer=api.producer), "NM-2611-01")


def entry(**overrides) -> dict:
    body = {
        "step": "packing",
        "event_time": "2026-09-02T08:30:00+07:00",
        "location_name": "Xưởng đóng chai",
        "actor": "Nguyễn Văn An",
        "notes_vi": "Đóng chai 500 ml",
        "notes_en": "Bottled in 500 ml",
    }
    body.update(overrides)
    return body


def event_count(db) -> int:
    return db.session.scalar(select(func.count(Event.id)))


def test_publish_a_diary_entry(api, db, lot):
    response = api.post(EVENTS.format(lot.id), json=entry())
    assert response.status_code == 201
    shown = response.get_json()
    event = db.session.get(Event, shown["id"])
    assert response.headers["Location"] == f"/api/v1/events/{event.id}"
    assert (event.step, event.lot_id, event.sequence) == ("packing", lot.id, 1)
    assert event.event_time.astimezone(VIETNAM) == datetime(2026, 9, 2, 8, 30, tzinfo=VIETNAM)
    assert shown["event_time"] == "2026-09-02T08:30:00+07:00"
    assert shown["time_zone_offset"] == "+07:00"
    assert event.recorded_by == api.user.label
    assert chain.verify_chain([event], lot.public_code).intact


def test_the_place_defaults_to_the_facility_as_in_the_workspace(api, lot):
    body = entry()
    del body["location_name"]
    shown = api.post(EVENTS.format(lot.id), json=body).get_json()
    assert shown["location_name"] == api.producer.name_vi
    assert shown["location_address"] == "Đặc khu Cát Hải, Hải Phòng"
    cleared = api.post(EVENTS.format(lot.id), json=entry(location_name=None)).get_json()
    assert cleared["location_name"] is None


def test_times_in_other_offsets_keep_their_offset(api, lot):
    shown = api.post(EVENTS.format(lot.id), json=entry(event_time="2026-09-02T01:30:00Z"))
    assert shown.get_json()["event_time"] == "2026-09-02T01:30:00+00:00"


def test_read_the_diary_in_order(api, lot, make_event):
    first = make_event(lot, "harvesting")
    second = make_event(lot, "packing")
    response = api.get(EVENTS.format(lot.id))
    assert [e["id"] for e in response.get_json()["items"]] == [first.id, second.id]
    assert api.get(f"/api/v1/events/{second.id}").get_json()["sequence"] == 2


def test_a_correction_is_a_new_entry_pointing_at_the_old_one(api, db, lot, make_event):
    wrong = make_event(lot, "packing")
    response = api.post(
        EVENTS.format(lot.id), json=entry(notes_en="Bottled in 250 ml", corrects=wrong.id)
    )
    assert response.status_code == 201
    assert response.get_json()["corrects"] == wrong.id
    db.session.refresh(wrong)
    assert wrong.notes_en == "Bottled in 500 ml"  # published entries never change
    assert event_count(db) == 2


def test_a_correction_refers_to_an_entry_of_the_same_lot(
    api, other_api, db, lot, make_lot, make_product, make_event
):
    other_lot = make_lot(lot.product, "NM-2611-02")
    theirs = make_lot(make_product(producer=other_api.producer, gtin="09520123450014"))
    for event in (make_event(other_lot), make_event(theirs)):
        response = api.post(EVENTS.format(lot.id), json=entry(corrects=event.id), lang="en")
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == "corrects"
        assert "no diary entry" in response.get_json()["detail"]
    assert event_count(db) == 2


def test_an_entry_in_the_future_is_refused(api, db, lot):
    tomorrow = (datetime.now(VIETNAM) + timedelta(days=1)).isoformat(timespec="seconds")
    for lang, expected in (("en", "in the future"), ("vi", "tương lai")):
        response = api.post(EVENTS.format(lot.id), json=entry(event_time=tomorrow), lang=lang)
        assert response.status_code == 422
        problem = response.get_json()
        assert problem["type"] == "urn:txng:problem:event_in_future"
        assert problem["errors"][0]["field"] == "event_time"
        assert expected in problem["detail"]
    assert event_count(db) == 0


@pytest.mark.parametrize(
    "event_time", ["2026-09-02T08:30:00", "2026-09-02", "02/09/2026 08:30", "2026-02-30T08:30Z"]
)
def test_a_time_needs_its_offset_and_must_exist(api, db, lot, event_time):
    response = api.post(EVENTS.format(lot.id), json=entry(event_time=event_time), lang="en")
    assert response.status_code == 422
    error = response.get_json()["errors"][0]
    assert error["field"] == "event_time" and "UTC offset" in error["detail"]
    assert event_count(db) == 0


def test_an_unknown_step_lists_the_known_ones(api, db, lot):
    response = api.post(EVENTS.format(lot.id), json=entry(step="dancing"), lang="en")
    assert response.status_code == 422
    detail = response.get_json()["errors"][0]["detail"]
    assert "Choose one of:" in detail and "harvesting" in detail and "packing" in detail


def test_the_first_entry_locks_the_lot(api, lot):
    api.post(EVENTS.format(lot.id), json=entry())
    assert api.get(f"/api/v1/lots/{lot.id}").get_json()["locked"] is True
    assert api.patch(f"/api/v1/lots/{lot.id}", json={"quantity": 1}).status_code == 409


def test_another_facilitys_entry_is_not_found(api, other_api, make_product, make_lot, make_event):
    theirs = make_event(make_lot(make_product(producer=other_api.producer)))
    response = api.get(f"/api/v1/events/{theirs.id}", lang="en")
    assert response.status_code == 404
    assert response.get_json()["detail"] == f"Your facility has no diary entry {theirs.id}."
    assert other_api.get(f"/api/v1/events/{theirs.id}").status_code == 200
