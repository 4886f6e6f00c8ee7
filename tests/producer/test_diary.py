"""The production diary: entries in a few taps, honest corrections, repeating an entry."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from lookup_site.models import Event
from lookup_site.services import chain
from lookup_site.services.clock import VIETNAM


@pytest.fixture
def product(make_product, producer_user):
    return make_product(producer=producer_user.producer)


def entry(**overrides):
    data = {
        "step": "packing",
        "event_time": "2026-11-02T08:30",
        "location_name": "Xưởng đóng chai",
        "location_address": "Cát Hải, Hải Phòng",
        "actor": "Lê Thị Mai",
        "notes_vi": "Đóng 1.200 chai",
        "notes_en": "Filled 1,200 bottles",
    }
    data.update(overrides)
    return data


def event_count(db) -> int:
    return db.session.scalar(select(func.count(Event.id)))


def test_entry_form_defaults_to_now_at_the_facility_by_the_user(client, product, make_lot):
    lot = make_lot(product)
    html = client.get(f"/producer/lots/{lot.id}/events/new").get_data(as_text=True)
    now = datetime.now(VIETNAM)
    assert f'value="{now:%Y-%m-%dT%H}' in html
    assert 'value="HTX Nước mắm Cát Hải (demo)"' in html
    assert 'value="Lê Thị Mai"' in html
    assert 'capture="environment"' in html  # the phone's camera, one tap away


def test_publish_an_entry_and_shoppers_see_it(client, db, product, make_lot):
    lot = make_lot(product)
    response = client.post(f"/producer/lots/{lot.id}/events/new", data=entry())
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.step == "packing" and event.time_zone_offset == "+07:00"
    assert event.recorded_by == "Lê Thị Mai"
    assert event.event_time.astimezone(VIETNAM).hour == 8
    public = client.get(f"/01/{product.gtin}/10/{lot.code}?lang=en").get_data(as_text=True)
    assert "Filled 1,200 bottles" in public and "Data integrity verified: 1 event" in public


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"step": "teleporting"}, "Not a valid choice."),
        ({"event_time": ""}, "Enter the date and time."),
        ({"event_time": "02/11/2026 08:30"}, "Not a valid datetime value."),
        ({"event_time": "2099-01-01T08:00"}, "in the future"),
        ({"notes_vi": "x" * 2001}, "2000"),
    ],
)
def test_bad_entries_are_explained_and_nothing_is_published(
    client, db, product, make_lot, overrides, message
):
    lot = make_lot(product)
    response = client.post(f"/producer/lots/{lot.id}/events/new?lang=en", data=entry(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert event_count(db) == 0


def test_a_correction_keeps_the_original_and_the_chain(client, db, product, make_lot, make_event):
    lot = make_lot(product)
    original = make_event(lot, "packing", notes_en="Filled 400 bottles")
    form = client.get(
        f"/producer/lots/{lot.id}/events/new?corrects={original.id}&lang=en"
    ).get_data(as_text=True)
    assert "Filled 400 bottles" in form  # starts from the original
    response = client.post(
        f"/producer/lots/{lot.id}/events/new",
        data=entry(corrects=str(original.id), notes_en="Filled 420 bottles"),
    )
    assert response.status_code == 302
    events = list(db.session.scalars(select(Event).order_by(Event.sequence)))
    assert [e.notes_en for e in events] == ["Filled 400 bottles", "Filled 420 bottles"]
    assert events[1].corrects_id == original.id
    assert chain.verify_chain(events, lot.public_code)
    public = client.get(f"/01/{product.gtin}/10/{lot.code}?lang=en").get_data(as_text=True)
    assert "Filled 400 bottles" in public and "Filled 420 bottles" in public
    assert "A later entry corrects this one." in public


def test_there_is_no_way_to_edit_or_delete_a_published_entry(app):
    rules = [rule for rule in app.url_map.iter_rules() if "event" in rule.rule]
    assert all(not {"PUT", "PATCH", "DELETE"} & set(rule.methods) for rule in rules)
    assert not [rule for rule in rules if "edit" in rule.rule or "delete" in rule.rule]


def test_repeat_the_last_entry_on_several_lots(client, db, product, make_lot, make_event):
    first, second, third = (make_lot(product, code) for code in ("A", "B", "C"))
    make_event(first, "storing", notes_en="Moved to the cool store")
    page = client.get("/producer/diary/repeat?lang=en").get_data(as_text=True)
    assert "Moved to the cool store" in page
    response = client.post(
        "/producer/diary/repeat",
        data={"lot_ids": [second.id, third.id], "event_time": "2026-11-03T07:00"},
    )
    assert response.status_code == 302
    for lot in (second, third):
        events = list(db.session.scalars(select(Event).where(Event.lot_id == lot.id)))
        assert [(e.step, e.notes_en) for e in events] == [("storing", "Moved to the cool store")]
        assert chain.verify_chain(events, lot.public_code)


def test_repeat_needs_lots_and_a_past_time(client, db, product, make_lot, make_event):
    lot = make_lot(product)
    make_event(lot)
    before = event_count(db)
    empty = client.post("/producer/diary/repeat?lang=en", data={"event_time": "2026-11-03T07:00"})
    assert "Choose at least one lot." in empty.get_data(as_text=True)
    future = (datetime.now(VIETNAM) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    late = client.post(
        "/producer/diary/repeat?lang=en", data={"lot_ids": [lot.id], "event_time": future}
    )
    assert "in the future" in late.get_data(as_text=True)
    assert event_count(db) == before


def test_repeat_with_nothing_recorded_yet_explains(client, product):
    response = client.get("/producer/diary/repeat?lang=en", follow_redirects=True)
    assert "There is no diary entry to repeat yet." in response.get_data(as_text=True)


def test_another_producers_events_and_lots_are_not_found(
    client, db, make_user, make_product, make_lot, make_event, product
):
    stranger = make_user()
    theirs = make_lot(make_product(producer=stranger.producer, gtin="09520123450014"), "T")
    their_event = make_event(theirs)
    mine = make_lot(product, "M")
    before = event_count(db)
    assert (
        client.get(f"/producer/lots/{mine.id}/events/new?corrects={their_event.id}").status_code
        == 404
    )
    assert client.get(f"/producer/diary/repeat?source_id={their_event.id}").status_code == 404
    assert (
        client.post(
            f"/producer/lots/{mine.id}/events/new", data=entry(corrects=str(their_event.id))
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/producer/diary/repeat?source_id={their_event.id}",
            data={"lot_ids": [mine.id], "event_time": "2026-11-03T07:00"},
        ).status_code
        == 404
    )
    make_event(mine)
    response = client.post(
        "/producer/diary/repeat",
        data={"lot_ids": [mine.id, theirs.id], "event_time": "2026-11-03T07:00"},
    )
    assert response.status_code in (200, 404)
    assert event_count(db) == before + 1  # only the make_event above


def phone_photo() -> tuple:
    """A JPEG as a phone takes it: with GPS coordinates in its EXIF."""
    import io

    from PIL import Image

    image = Image.new("RGB", (640, 480), (30, 120, 60))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (20.0, 47.0, 0.0), 3: "E", 4: (106.0, 54.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    buffer.seek(0)
    return buffer, "IMG_0001.jpg"


def test_an_entry_with_a_photo_is_sealed_and_shown_without_gps(client, db, product, make_lot):
    import io

    from PIL import Image

    from lookup_site.models import EventPhoto

    lot = make_lot(product)
    response = client.post(
        f"/producer/lots/{lot.id}/events/new",
        data={**entry(), "photos": [phone_photo()]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photo = db.session.scalar(select(EventPhoto))
    event = db.session.scalar(select(Event))
    assert photo.event_id == event.id
    assert chain.verify_chain([event], lot.public_code)
    public = client.get(f"/01/{product.gtin}/10/{lot.code}").get_data(as_text=True)
    assert f"/media/{photo.media_id}/thumb" in public
    served = client.get(f"/media/{photo.media_id}/full")
    assert served.status_code == 200
    assert not Image.open(io.BytesIO(served.get_data())).getexif()
    served.close()
    photo.media.sha256 = "0" * 64  # a swapped file no longer matches the sealed entry
    assert not chain.verify_chain([event], lot.public_code)


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_published(
    client, db, product, make_lot
):
    import io

    lot = make_lot(product)
    response = client.post(
        f"/producer/lots/{lot.id}/events/new?lang=en",
        data={**entry(), "photos": [(io.BytesIO(b"%PDF-1.4 not a photo"), "photo.jpg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "JPEG, PNG or WebP" in response.get_data(as_text=True)
    assert event_count(db) == 0
