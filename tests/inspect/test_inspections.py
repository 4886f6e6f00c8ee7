"""Recording an inspection, suspending a lot and lifting the suspension, end to end."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lookup_site.models import (
    Event,
    EventPhoto,
    Inspection,
    InspectionResult,
    LotStatus,
    LotStatusChange,
    MediaFile,
)
from lookup_site.services import chain


def public_page(client, lot, lang: str = "en") -> str:
    response = client.get(f"/01/{lot.product.gtin}/10/{lot.code}?lang={lang}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def inspection_data(**overrides) -> dict:
    data = {
        "result": "non_conformant",
        "notes": "Nhãn thiếu hạn sử dụng trên 12 chai.",
        "location_name": "Chợ Sắt, Hải Phòng",
        "latitude": "20.861234",
        "longitude": "106.683456",
    }
    data.update(overrides)
    return data


def counts(db) -> tuple[int, int, int, int]:
    """Inspections, diary entries, status changes and stored files: what a refusal must not add."""
    return (
        db.session.scalar(select(func.count(Inspection.id))),
        db.session.scalar(select(func.count(Event.id))),
        db.session.scalar(select(func.count(LotStatusChange.id))),
        db.session.scalar(select(func.count(MediaFile.id))),
    )


def test_the_form_offers_the_results_and_the_location_button(client, inspector, lot):
    response = client.get(f"/inspect/lots/{lot.id}/inspections/new?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for value in ("conformant", "non_conformant", "observation"):
        assert f'value="{value}"' in page
    assert 'id="locate"' in page and "/static/inspect/locate.js" in page
    assert 'id="latitude"' in page and 'id="longitude"' in page
    assert "<script>" not in page  # no inline script: a strict CSP can come later


def test_an_inspection_is_published_on_the_public_timeline(client, db, inspector, lot, photo):
    response = client.post(
        f"/inspect/lots/{lot.id}/inspections/new?lang=vi",
        data={**inspection_data(), "photos": [photo()]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    assert response.headers["Location"] == f"/inspect/inspections/{inspection.id}"
    assert inspection.result is InspectionResult.NON_CONFORMANT
    assert inspection.inspector_id == inspector.id
    assert str(inspection.latitude) == "20.861234"
    event = inspection.event
    assert event.step == "inspecting" and event.lot_id == lot.id and event.sequence == 3
    assert event.actor == "Trần Văn Kiểm"
    assert event.recorded_by == "Trần Văn Kiểm"
    assert event.location_name == "Chợ Sắt, Hải Phòng"
    # Written in Vietnamese: the notes go to the Vietnamese column; the result is in both.
    assert "Nhãn thiếu hạn sử dụng" in event.notes_vi
    assert "Nhãn thiếu" not in event.notes_en and "Non-conformant" in event.notes_en
    photo_row = db.session.scalar(select(EventPhoto))
    assert photo_row.event_id == event.id
    assert photo_row.media.producer_id == lot.product.producer_id
    assert chain.verify_chain(list(lot.events), lot.public_code)

    public = public_page(client, lot, "vi")
    assert "Nhãn thiếu hạn sử dụng trên 12 chai." in public
    assert "Chợ Sắt, Hải Phòng" in public and "Trần Văn Kiểm" in public
    assert f"/media/{photo_row.media_id}/thumb" in public
    english = public_page(client, lot, "en")
    assert "Inspection" in english and "Result: Non-conformant." in english
    assert "Data integrity verified: 3 events" in english


def test_notes_written_in_english_go_to_the_english_column(client, db, inspector, lot):
    response = client.post(
        f"/inspect/lots/{lot.id}/inspections/new?lang=en",
        data={"result": "conformant", "notes": "Labels match the register."},
    )
    assert response.status_code == 302
    event = db.session.scalar(select(Inspection)).event
    assert event.notes_en == "Result: Conformant.\nLabels match the register."
    assert "Labels match" not in (event.notes_vi or "")


def test_a_conformant_inspection_needs_no_notes_or_location(client, db, inspector, lot):
    response = client.post(
        f"/inspect/lots/{lot.id}/inspections/new", data={"result": "observation"}
    )
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    assert inspection.notes is None and inspection.latitude is None
    assert inspection.location_name is None


def test_suspend_with_the_inspection_then_lift_keeps_the_history(client, db, inspector, lot):
    response = client.post(
        f"/inspect/lots/{lot.id}/inspections/new?lang=en",
        data=inspection_data(
            suspend="y",
            reason_vi="Tạm dừng bán để xác minh nguồn gốc.",
            reason_en="Sale paused while the origin is verified.",
        ),
    )
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    db.session.refresh(lot)
    assert lot.status is LotStatus.SUSPENDED
    change = db.session.scalar(select(LotStatusChange))
    assert change.inspection_id == inspection.id and change.changed_by_id == inspector.id
    assert change.to_status is LotStatus.SUSPENDED
    public = public_page(client, lot, "en")
    assert "Sale suspended while this lot is being investigated." in public
    assert "Sale paused while the origin is verified." in public
    assert "Tạm dừng bán" in public_page(client, lot, "vi")

    lifted = client.post(
        f"/inspect/lots/{lot.id}/lift?lang=en",
        data={"reason_vi": "Đã xác minh: nguồn gốc đúng như khai báo."},
    )
    assert lifted.status_code == 302
    db.session.refresh(lot)
    assert lot.status is LotStatus.ACTIVE and lot.status_reason_vi is None
    public = public_page(client, lot, "en")
    assert "Sale suspended" not in public and "Sale paused" not in public
    history = list(db.session.scalars(select(LotStatusChange).order_by(LotStatusChange.id)))
    assert [(c.from_status, c.to_status) for c in history] == [
        (LotStatus.ACTIVE, LotStatus.SUSPENDED),
        (LotStatus.SUSPENDED, LotStatus.ACTIVE),
    ]
    assert history[1].changed_by_id == inspector.id
    assert history[1].reason_vi == "Đã xác minh: nguồn gốc đúng như khai báo."
    view = html.unescape(client.get(f"/inspect/lots/{lot.id}?lang=en").get_data(as_text=True))
    assert "Đã xác minh: nguồn gốc đúng như khai báo." in view
    assert "Sale paused while the origin is verified." in view
    assert view.count("Trần Văn Kiểm") >= 2  # who suspended, who lifted


def test_suspend_on_its_own_from_the_lot_view(client, db, inspector, lot):
    response = client.post(
        f"/inspect/lots/{lot.id}/suspend", data={"reason_en": "Complaint from a shop."}
    )
    assert response.status_code == 302
    db.session.refresh(lot)
    assert lot.status is LotStatus.SUSPENDED
    change = db.session.scalar(select(LotStatusChange))
    assert change.inspection_id is None and change.changed_by_id == inspector.id
    assert "Complaint from a shop." in public_page(client, lot, "en")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"result": ""}, "Choose the result."),
        ({"result": "passed"}, "Not a valid choice."),
        ({"notes": "  "}, "Say what did not conform: notes are required."),
        ({"notes": "x" * 2001}, "2000"),
        ({"location_name": "x" * 201}, "200"),
        ({"latitude": "north"}, "Not a valid decimal value."),
        ({"latitude": "95"}, "between -90 and 90"),
        ({"latitude": "NaN"}, "between -90 and 90"),
        ({"longitude": "Infinity"}, "between -180 and 180"),
        ({"longitude": "-181"}, "between -180 and 180"),
        ({"longitude": ""}, "Give both latitude and longitude, or leave both empty."),
        ({"suspend": "y"}, "Give the reason shoppers will read, in Vietnamese or English."),
        ({"suspend": "y", "reason_en": "x" * 501}, "500"),
    ],
)
def test_bad_inspections_are_explained_and_nothing_is_written(
    client, db, inspector, lot, overrides, message
):
    before = counts(db)
    response = client.post(
        f"/inspect/lots/{lot.id}/inspections/new?lang=en", data=inspection_data(**overrides)
    )
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert counts(db) == before
    db.session.refresh(lot)
    assert lot.status is LotStatus.ACTIVE


def test_a_bad_photo_is_refused_and_nothing_is_written(client, db, inspector, lot, tmp_path):
    before = counts(db)
    response = client.post(
        f"/inspect/lots/{lot.id}/inspections/new?lang=en",
        data={**inspection_data(), "photos": [(io.BytesIO(b"MZ\x90\x00"), "x.jpg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Upload a photo in JPEG, PNG or WebP format." in response.get_data(as_text=True)
    assert counts(db) == before


def test_too_many_photos_are_refused_and_no_file_is_kept(client, db, app, inspector, lot, photo):
    before = counts(db)
    response = client.post(
        f"/inspect/lots/{lot.id}/inspections/new?lang=en",
        data={**inspection_data(), "photos": [photo(f"p{i}.jpg") for i in range(7)]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Attach at most 6 photos." in response.get_data(as_text=True)
    assert counts(db) == before
    uploads = Path(app.config["UPLOAD_FOLDER"])
    assert not uploads.exists() or not [p for p in uploads.rglob("*") if p.is_file()]


def test_a_suspended_lot_cannot_be_suspended_again(client, db, inspector, lot):
    client.post(f"/inspect/lots/{lot.id}/suspend", data={"reason_en": "First."})
    before = counts(db)
    again = client.post(f"/inspect/lots/{lot.id}/suspend?lang=en", data={"reason_en": "Again."})
    assert again.status_code == 400
    assert "This lot is already suspended." in again.get_data(as_text=True)
    with_inspection = client.post(
        f"/inspect/lots/{lot.id}/inspections/new?lang=en",
        data=inspection_data(suspend="y", reason_en="Again."),
    )
    assert with_inspection.status_code == 400
    assert counts(db) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give the reason shoppers will read, in Vietnamese or English."),
        ({"reason_vi": "   ", "reason_en": ""}, "Give the reason shoppers will read"),
        ({"reason_vi": "x" * 501}, "500"),
    ],
)
def test_bad_suspensions_are_refused(client, db, inspector, lot, data, message):
    before = counts(db)
    response = client.post(f"/inspect/lots/{lot.id}/suspend?lang=en", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert counts(db) == before
    db.session.refresh(lot)
    assert lot.status is LotStatus.ACTIVE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Say why the suspension is lifted, in Vietnamese or English."),
        ({"reason_en": "  "}, "Say why the suspension is lifted"),
        ({"reason_en": "x" * 501}, "500"),
    ],
)
def test_lifting_needs_a_reason(client, db, inspector, lot, data, message):
    client.post(f"/inspect/lots/{lot.id}/suspend", data={"reason_en": "Checking."})
    before = counts(db)
    response = client.post(f"/inspect/lots/{lot.id}/lift?lang=en", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert counts(db) == before
    db.session.refresh(lot)
    assert lot.status is LotStatus.SUSPENDED


def test_an_active_lot_has_nothing_to_lift(client, db, inspector, lot):
    response = client.post(f"/inspect/lots/{lot.id}/lift?lang=en", data={"reason_en": "Done."})
    assert response.status_code == 400
    assert "This lot is not suspended." in response.get_data(as_text=True)
    assert counts(db)[2] == 0


def test_a_recalled_lot_can_be_neither_lifted_nor_suspended(client, db, inspector, lot):
    from lookup_site.services import diary

    diary.set_status(lot, LotStatus.RECALLED, "Thu hồi", "Recalled by the producer")
    db.session.commit()
    before = counts(db)
    lifted = client.post(f"/inspect/lots/{lot.id}/lift?lang=en", data={"reason_en": "Fine."})
    assert lifted.status_code == 400
    assert "A recalled lot stays recalled." in lifted.get_data(as_text=True)
    suspended = client.post(f"/inspect/lots/{lot.id}/suspend?lang=en", data={"reason_en": "x"})
    assert suspended.status_code == 400
    assert "A recalled lot stays recalled." in suspended.get_data(as_text=True)
    assert counts(db) == before
    db.session.refresh(lot)
    assert lot.status is LotStatus.RECALLED
    # An inspection of a recalled lot is still recorded, without the suspension choice.
    form = client.get(f"/inspect/lots/{lot.id}/inspections/new?lang=en").get_data(as_text=True)
    assert 'name="suspend"' not in form
    recorded = client.post(
        f"/inspect/lots/{lot.id}/inspections/new", data={"result": "observation"}
    )
    assert recorded.status_code == 302


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/inspect/lots/999999"),
        ("get", "/inspect/lots/999999/inspections/new"),
        ("post", "/inspect/lots/999999/inspections/new"),
        ("post", "/inspect/lots/999999/suspend"),
        ("post", "/inspect/lots/999999/lift"),
        ("get", "/inspect/inspections/999999"),
        ("get", "/inspect/inspections/999999/report.pdf"),
    ],
)
def test_unknown_ids_answer_404(client, inspector, method, path):
    response = getattr(client, method)(path, data={"result": "conformant", "reason_en": "x"})
    assert response.status_code == 404


def test_inspectors_see_every_facilitys_lots(
    client, inspector, make_producer, make_product, make_lot
):
    other = make_producer(name_vi="HTX Gạo Kiến Thụy (demo)", name_en=None)
    lot = make_lot(make_product(producer=other, gtin=None, name_vi="Gạo ruộng rươi"), "G-01")
    page = client.get(f"/inspect/lots/{lot.id}").get_data(as_text=True)
    assert "HTX Gạo Kiến Thụy (demo)" in page
