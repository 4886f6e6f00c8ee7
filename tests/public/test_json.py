"""`Accept: application/json` on a lot URL returns the lot as data."""

from __future__ import annotations

from lookup_site.services import lots as lot_service


def test_lot_as_json(client, make_lot, make_event, make_ocop, make_product):
    lot = make_lot()
    make_ocop(lot.product, stars=4)
    packing = make_event(lot, "packing")
    source = make_lot(make_product(gtin="09520123450014"), "SRC-1")
    lot_service.add_input(lot, source, quantity=12, quantity_unit="kg")

    response = client.get(
        f"/01/{lot.product.gtin}/10/{lot.code}", headers={"Accept": "application/json"}
    )

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["lot"]["code"] == "CH2023-01"
    assert data["lot"]["url"] == "https://txng.example.vn/01/09520123450007/10/CH2023-01"
    assert data["lot"]["status"] == "active"
    assert data["product"]["name"] == {
        "vi": "Nước mắm cá cơm Cát Hải",
        "en": "Cat Hai anchovy fish sauce",
    }
    assert data["producer"]["address"]["province"] == "Hải Phòng"
    assert data["certifications"][0]["ocop_stars"] == 4
    assert data["inputs"][0]["code"] == "SRC-1"
    assert data["inputs"][0]["quantity"] == "12"
    assert data["events"][0]["id"] == packing.uuid
    assert data["events"][0]["biz_step"] == "https://ref.gs1.org/cbv/BizStep-packing"
    assert data["events"][0]["event_time_zone_offset"] == "+07:00"
    assert data["integrity"] == {"verified": True, "events_checked": 1, "broken_at_sequence": None}


def test_json_for_the_short_code_url(client, make_lot):
    lot = make_lot()
    response = client.get(f"/t/{lot.public_code}", headers={"Accept": "application/json"})
    assert response.get_json()["lot"]["public_code"] == lot.public_code


def test_browsers_get_html(client, make_lot):
    lot = make_lot()
    response = client.get(
        f"/t/{lot.public_code}",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.mimetype == "text/html"


def test_errors_as_problem_details(client):
    response = client.get(
        "/01/09520123450008/10/X", headers={"Accept": "application/json", "Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400
    assert "check digit" in body["detail"]
    assert set(body["detail_localized"]) == {"vi", "en"}

    missing = client.get("/01/09520123450007/10/NOPE", headers={"Accept": "application/json"})
    assert missing.status_code == 404
    assert missing.get_json()["status"] == 404
