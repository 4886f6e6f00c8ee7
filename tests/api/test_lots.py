"""Lots and lot inputs through the API: the workspace's rules, the facility's lots only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lookup_site.models import Lot, LotInput, LotStatus

LOTS = "/api/v1/lots"


@pytest.fixture
def product(api, make_product):
    return make_product(producer=api.producer)


@pytest.fixture
def their_product(other_api, make_product):
    return make_product(producer=other_api.producer, gtin="09520123450014")


def lot_body(product, **overrides) -> dict:
    body = {
        "product_id": product.id,
        "code": "NM-2611-01",
        "production_date": "2026-11-01",
        "packing_date": "2026-11-02",
        "best_before": "2028-11-01",
        "quantity": "1200",
        "quantity_unit": "bottle",
    }
    body.update(overrides)
    return body


def lot_count(db) -> int:
    return db.session.scalar(select(func.count(Lot.id)))


def test_register_a_lot(api, db, product):
    response = api.post(LOTS, json=lot_body(product))
    assert response.status_code == 201
    shown = response.get_json()
    lot = db.session.get(Lot, shown["id"])
    assert response.headers["Location"] == f"{LOTS}/{lot.id}"
    assert (lot.code, lot.product_id, lot.quantity) == ("NM-2611-01", product.id, Decimal(1200))
    assert lot.production_date == date(2026, 11, 1) and lot.best_before == date(2028, 11, 1)
    assert shown["url"] == "https://txng.example.vn/01/09520123450007/10/NM-2611-01"
    assert shown["public_code"] == lot.public_code and shown["locked"] is False
    assert shown["status"] == "active" and shown["inputs"] == []


def test_only_the_product_and_the_code_are_required(api, product):
    response = api.post(LOTS, json={"product_id": product.id, "code": "L1"})
    assert response.status_code == 201
    assert response.get_json()["production_date"] is None


def test_a_lot_of_another_facilitys_product_is_refused(api, db, their_product):
    response = api.post(LOTS, json=lot_body(their_product), lang="en")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["errors"][0]["field"] == "product_id"
    assert "Your facility has no product" in problem["detail"]
    assert lot_count(db) == 0


@pytest.mark.parametrize(
    "code, reason, expected",
    [
        ("LÔ 1", "invalid_lot_code", "may not contain “Ô”"),
        ("X" * 21, "invalid_lot_code", "at most 20 characters"),
        ("X" * 41, "invalid_body", "at most 40 characters"),
    ],
)
def test_a_lot_code_follows_gs1(api, db, product, code, reason, expected):
    response = api.post(LOTS, json=lot_body(product, code=code), lang="en")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"] == f"urn:txng:problem:{reason}"
    assert problem["errors"][0]["field"] == "code"
    assert expected in problem["errors"][0]["detail"]
    assert lot_count(db) == 0


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_duplicate_lot_code_is_refused(api, db, product, make_lot, lang):
    make_lot(product, "NM-2611-01")
    response = api.post(LOTS, json=lot_body(product), lang=lang)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"] == "urn:txng:problem:duplicate_lot_code"
    assert problem["errors"][0]["field"] == "code"
    expected = {"en": "already has a lot with that code", "vi": "đã có một lô hàng mang mã đó"}
    assert expected[lang] in problem["detail"]
    assert problem["detail"] == problem[f"detail_{lang}"]
    assert lot_count(db) == 1


def test_dates_out_of_order_are_refused_on_their_field(api, db, product):
    response = api.post(LOTS, json=lot_body(product, best_before="2025-01-01"), lang="en")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["errors"][0]["field"] == "best_before"
    assert "out of order" in problem["detail"]
    assert lot_count(db) == 0


def test_change_a_lot_until_it_is_published(api, db, product, make_lot, make_event):
    lot = make_lot(product, "NM-1")
    response = api.patch(f"{LOTS}/{lot.id}", json={"code": "NM-2", "quantity": 900})
    assert response.status_code == 200
    db.session.refresh(lot)
    assert (lot.code, lot.quantity) == ("NM-2", Decimal(900))
    assert lot.production_date == date(2026, 9, 1)  # not sent: unchanged
    make_event(lot)
    refused = api.patch(f"{LOTS}/{lot.id}", json={"code": "NM-3"}, lang="en")
    assert refused.status_code == 409
    assert refused.get_json()["type"] == "urn:txng:problem:lot_locked"
    assert "Record a correction in the diary" in refused.get_json()["detail"]
    assert api.get(f"{LOTS}/{lot.id}").get_json()["locked"] is True
    db.session.refresh(lot)
    assert lot.code == "NM-2"


def test_a_lot_cannot_take_a_code_its_product_already_uses(api, db, product, make_lot):
    make_lot(product, "NM-1")
    lot = make_lot(product, "NM-2")
    response = api.patch(f"{LOTS}/{lot.id}", json={"code": "NM-1"})
    assert response.status_code == 422
    db.session.refresh(lot)
    assert lot.code == "NM-2"


def test_list_and_filter_lots(api, product, make_product, make_lot, db):
    other_product = make_product(producer=api.producer, gtin="09520123450021")
    first = make_lot(product, "A-1")
    second = make_lot(product, "A-2")
    third = make_lot(other_product, "A-1")
    second.status = LotStatus.RECALLED
    db.session.commit()

    def ids(**params) -> list[int]:
        response = api.get(LOTS, query_string=params)
        assert response.status_code == 200
        return [lot["id"] for lot in response.get_json()["items"]]

    assert ids() == [first.id, second.id, third.id]
    assert ids(product_id=product.id) == [first.id, second.id]
    assert ids(status="recalled") == [second.id]
    assert ids(code="A-1") == [first.id, third.id]
    assert ids(code="A-1", product_id=other_product.id) == [third.id]


def test_filtering_by_another_facilitys_product_is_not_found(api, their_product, make_lot):
    make_lot(their_product)
    response = api.get(LOTS, query_string={"product_id": their_product.id})
    assert response.status_code == 404


def test_another_facilitys_lot_is_not_found(api, other_api, db, their_product, make_lot):
    theirs = make_lot(their_product, "THEIRS")
    for response in (
        api.get(f"{LOTS}/{theirs.id}"),
        api.patch(f"{LOTS}/{theirs.id}", json={"code": "MINE"}),
        api.post(f"{LOTS}/{theirs.id}/inputs", json={"reference": "x"}),
        api.delete(f"{LOTS}/{theirs.id}/inputs/1"),
        api.get(f"{LOTS}/{theirs.id}/events"),
        api.post(
            f"{LOTS}/{theirs.id}/events",
            json={"step": "packing", "event_time": "2026-09-02T08:30:00+07:00"},
        ),
    ):
        assert response.status_code == 404
        assert response.get_json()["type"] == "urn:txng:problem:lot_not_found"
    assert [lot["id"] for lot in api.get(LOTS).get_json()["items"]] == []
    db.session.refresh(theirs)
    assert theirs.code == "THEIRS" and not theirs.events


def test_declare_an_input_lot_of_any_producer(api, db, product, their_product, make_lot):
    lot = make_lot(product, "OUT")
    bought = make_lot(their_product, "IN-1")
    response = api.post(
        f"{LOTS}/{lot.id}/inputs",
        json={"reference": bought.public_code, "quantity": "12.5", "quantity_unit": "kg"},
    )
    assert response.status_code == 201
    link = response.get_json()
    assert link["input_lot"]["code"] == "IN-1" and link["quantity"] == "12.5"
    assert link["input_lot"]["url"] == "https://txng.example.vn/01/09520123450014/10/IN-1"
    assert "id" not in link["input_lot"]  # another producer's lot: its public identity only
    assert api.get(f"{LOTS}/{lot.id}").get_json()["inputs"] == [link]
    again = api.post(
        f"{LOTS}/{lot.id}/inputs", json={"reference": "(01)09520123450014(10)IN-1"}, lang="en"
    )
    assert again.status_code == 422
    assert again.get_json()["errors"][0]["field"] == "reference"
    assert "already listed" in again.get_json()["detail"]


def test_an_unknown_input_reference_is_refused(api, db, product, make_lot):
    lot = make_lot(product, "OUT")
    response = api.post(f"{LOTS}/{lot.id}/inputs", json={"reference": "ZZZZ-ZZZZ"}, lang="en")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "reference"
    assert db.session.scalar(select(func.count(LotInput.id))) == 0


def test_remove_an_input_until_the_lot_is_published(api, db, product, make_lot, make_event):
    lot = make_lot(product, "OUT")
    source = make_lot(product, "IN")
    link_id = api.post(f"{LOTS}/{lot.id}/inputs", json={"reference": source.public_code})
    link_id = link_id.get_json()["id"]
    assert api.delete(f"{LOTS}/{lot.id}/inputs/{link_id + 1}").status_code == 404
    assert api.delete(f"{LOTS}/{lot.id}/inputs/{link_id}").status_code == 204
    assert db.session.scalar(select(func.count(LotInput.id))) == 0
    link_id = api.post(f"{LOTS}/{lot.id}/inputs", json={"reference": source.public_code})
    make_event(lot)
    locked = api.delete(f"{LOTS}/{lot.id}/inputs/{link_id.get_json()['id']}")
    assert locked.status_code == 409
    more = api.post(f"{LOTS}/{lot.id}/inputs", json={"reference": "(01)09520123450007(10)IN"})
    assert more.status_code == 409
    assert db.session.scalar(select(func.count(LotInput.id))) == 1
