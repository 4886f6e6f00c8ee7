"""Last-Modified and ETag follow every change a public page shows, to the second.

Every row is first dated back to 2020 (explicit values: ``onupdate`` leaves them be),
so that a change made now must move Last-Modified, whatever the clock's resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from werkzeug.http import http_date, parse_date

from lookup_site.models import (
    Certification,
    CertificationKind,
    Event,
    InspectionResult,
    Lot,
    LotInput,
    LotStatus,
    Producer,
    Product,
    Role,
)
from lookup_site.services import diary, inspections, page_versions, products
from lookup_site.services import lots as lot_service
from lookup_site.services.clock import VIETNAM

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class Scene:
    lot: Lot
    other: Lot  # made from by lot
    certification: Certification

    @property
    def urls(self) -> dict[str, str]:
        product = self.lot.product
        return {
            "lot": f"/01/{product.gtin}/10/{self.lot.code}",
            "product": f"/01/{product.gtin}",
            "producer": f"/producers/{product.producer_id}",
        }


def date_everything_back(db) -> None:
    session = db.session
    for model in (Producer, Product, Certification):
        session.execute(update(model).values(created_at=LONG_AGO, updated_at=LONG_AGO))
    session.execute(update(Lot).values(created_at=LONG_AGO, updated_at=LONG_AGO))
    session.execute(update(LotInput).values(created_at=LONG_AGO))
    session.execute(update(Event).values(recorded_at=LONG_AGO))
    session.commit()
    session.expire_all()


@pytest.fixture
def scene(db, make_lot, make_product, make_producer, make_ocop, make_event) -> Scene:
    lot = make_lot()
    supplier = make_product(
        producer=make_producer(name_vi="HTX Cá cơm Bạch Long Vĩ"),
        name_vi="Cá cơm tươi",
        gtin="08930000000019",
    )
    other = make_lot(supplier, code="CC-01")
    lot_service.add_input(lot, other)
    certification = make_ocop(lot.product, issued_on=date(2019, 1, 1), valid_until=date(2099, 1, 1))
    db.session.commit()
    date_everything_back(db)
    return Scene(lot, other, certification)


def validators(client, url: str) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return response.headers["ETag"], response.headers["Last-Modified"]


def test_an_untouched_page_is_dated_by_its_rows_and_answered_304(client, scene):
    for url in scene.urls.values():
        etag, last_modified = validators(client, url)

        assert parse_date(last_modified) == LONG_AGO
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304


def _edit_lot(db, scene):
    scene.lot.quantity = 900


def _edit_product(db, scene):
    scene.lot.product.name_en = "Cat Hai fish sauce, 40 N"


def _edit_producer(db, scene):
    scene.lot.product.producer.phone = "0225 3999 999"


def _edit_certification(db, scene):
    scene.certification.number = "OCOP-HP-2025-002"


def _revoke_certification(db, scene):
    scene.certification.revoked_on = date(2020, 6, 1)


def _delete_certification(db, scene):
    products.delete_certification(scene.certification)


def _add_producer_certification(db, scene):
    db.session.add(
        Certification(
            producer_id=scene.lot.product.producer_id,
            kind=CertificationKind.VIETGAP,
            number="VG-01",
            issued_on=date(2019, 1, 1),
        )
    )


def _recall(db, scene):
    diary.set_status(scene.lot, LotStatus.RECALLED, "Sai nhãn", "Wrong label")


PAGE_WIDE = {
    "lot": _edit_lot,
    "product": _edit_product,
    "producer": _edit_producer,
    "certification": _edit_certification,
    "revoked certification": _revoke_certification,
    "deleted certification": _delete_certification,
    "new producer certification": _add_producer_certification,
    "recall": _recall,
}


@pytest.mark.parametrize("page", ["lot", "product", "producer"])
@pytest.mark.parametrize("change", list(PAGE_WIDE))
def test_a_change_moves_both_validators(client, db, scene, page, change):
    url = scene.urls[page]
    etag, last_modified = validators(client, url)
    started = datetime.now(UTC).replace(microsecond=0)

    PAGE_WIDE[change](db, scene)
    db.session.commit()

    by_date = client.get(url, headers={"If-Modified-Since": last_modified})
    by_tag = client.get(url, headers={"If-None-Match": etag})
    assert by_date.status_code == by_tag.status_code == 200
    assert by_tag.headers["ETag"] != etag
    assert started <= by_date.last_modified <= datetime.now(UTC) + timedelta(seconds=1)
    new_etag, new_last_modified = by_tag.headers["ETag"], by_tag.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": new_etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": new_last_modified}).status_code == 304


def _new_event(db, scene):
    lot_service.append_event(
        scene.lot,
        step="packing",
        event_time=datetime(2026, 9, 2, 8, 30, tzinfo=VIETNAM),
        location_name="Xưởng đóng chai",
    )


def _inspection(db, scene, make_user):
    inspector = make_user(Role.INSPECTOR, email="thanh.tra@example.org")
    inspections.record_inspection(
        scene.lot, inspections.InspectionDraft(InspectionResult.CONFORMANT), inspector
    )


def _rename_input_product(db, scene):
    scene.other.product.name_vi = "Cá cơm Bạch Long Vĩ"


def _rename_input_producer(db, scene):
    scene.other.product.producer.name_vi = "HTX Hải sản Bạch Long Vĩ"


def _edit_input_lot(db, scene):
    scene.other.code = "CC-02"


def _remove_input(db, scene):
    link = scene.lot.inputs[0]
    diary.remove_input(scene.lot, link.id)


def _new_output(db, scene, make_lot):
    made = make_lot(scene.lot.product, code="CH2023-02")
    lot_service.add_input(made, scene.lot)


LOT_PAGE = {
    "new event": _new_event,
    "inspection": _inspection,
    "input's product renamed": _rename_input_product,
    "input's producer renamed": _rename_input_producer,
    "input lot edited": _edit_input_lot,
    "input removed": _remove_input,
    "used to make another lot": _new_output,
}


@pytest.mark.parametrize("change", list(LOT_PAGE))
def test_what_only_the_lot_page_shows_moves_its_validators(
    client, db, scene, change, make_user, make_lot
):
    url = scene.urls["lot"]
    etag, last_modified = validators(client, url)
    started = datetime.now(UTC).replace(microsecond=0)

    edit = LOT_PAGE[change]
    if change == "inspection":
        edit(db, scene, make_user)
    elif change == "used to make another lot":
        edit(db, scene, make_lot)
    else:
        edit(db, scene)
    db.session.commit()

    by_date = client.get(url, headers={"If-Modified-Since": last_modified})
    by_tag = client.get(url, headers={"If-None-Match": etag})
    assert by_date.status_code == by_tag.status_code == 200
    assert by_tag.headers["ETag"] != etag
    assert by_date.last_modified >= started
    again = client.get(url, headers={"If-Modified-Since": by_date.headers["Last-Modified"]})
    assert again.status_code == 304


def test_the_input_lots_page_shows_the_removal_too(client, db, scene):
    url = f"/01/{scene.other.product.gtin}/10/{scene.other.code}"
    etag, last_modified = validators(client, url)

    _remove_input(db, scene)
    db.session.commit()

    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 200
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_an_unrelated_change_leaves_the_page_alone(client, db, scene, make_product):
    url = scene.urls["lot"]
    etag, last_modified = validators(client, url)

    stranger = make_product(name_vi="Mật ong bạc hà", gtin="08930000000026")
    stranger.name_en = "Mint honey"
    db.session.commit()

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304


def test_a_certificate_expiring_overnight_changes_the_validators_at_midnight(
    client, db, scene, monkeypatch
):
    """No row changes, yet the page does: the day's start is its Last-Modified."""
    last_day = date(2027, 3, 1)
    scene.certification.valid_until = last_day
    db.session.commit()
    date_everything_back(db)
    url = scene.urls["lot"]
    monkeypatch.setattr(page_versions, "local_today", lambda: last_day)
    etag, last_modified = validators(client, url)

    monkeypatch.setattr(page_versions, "local_today", lambda: last_day + timedelta(days=1))
    by_date = client.get(url, headers={"If-Modified-Since": last_modified})
    by_tag = client.get(url, headers={"If-None-Match": etag})

    assert by_date.status_code == by_tag.status_code == 200
    midnight = datetime(2027, 3, 2, tzinfo=VIETNAM)
    assert by_date.last_modified == midnight.astimezone(UTC)
    assert by_date.headers["Last-Modified"] == http_date(midnight)


def test_a_page_that_does_not_change_with_the_day_keeps_its_validators(client, scene, monkeypatch):
    """The ETag no longer carries the date: tomorrow's 304 saves a render."""
    url = scene.urls["producer"]
    monkeypatch.setattr(page_versions, "local_today", lambda: date(2027, 3, 1))
    etag, last_modified = validators(client, url)

    monkeypatch.setattr(page_versions, "local_today", lambda: date(2027, 3, 2))

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304


def test_a_new_row_is_stamped_and_an_edit_moves_only_updated_at(db, make_lot):
    lot = make_lot()
    assert lot.updated_at is not None
    db.session.execute(update(Lot).values(updated_at=LONG_AGO))
    db.session.commit()
    db.session.expire_all()
    created = lot.created_at

    lot.quantity = 5
    db.session.commit()

    assert lot.created_at == created
    assert page_versions.as_utc(lot.updated_at) > LONG_AGO
