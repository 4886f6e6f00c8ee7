"""Products through the API: the workspace's rules, the facility's products only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lookup_site.models import OcopGroup, Product

PRODUCTS = "/api/v1/products"


def product_body(**overrides) -> dict:
    body = {
        "name_vi": "Mật ong hoa rừng Cát Bà",
        "name_en": "Cat Ba wild flower honey",
        "ocop_group": "food",
        "gtin": "952 0123 45001 4",
        "net_content": "0.5",
        "net_content_unit": "l",
        "brand": "Cát Bà Honey",
        "standards": "TCVN 12605:2019",
        "shelf_life_days": 730,
        "description_vi": "Mật ong hoa rừng.",
        "description_en": "Wild flower honey.",
    }
    body.update(overrides)
    return body


def count(db) -> int:
    return db.session.scalar(select(func.count(Product.id)))


def test_register_a_product(api, client, db):
    response = api.post(PRODUCTS, json=product_body())
    assert response.status_code == 201
    created = response.get_json()
    product = db.session.get(Product, created["id"])
    assert response.headers["Location"] == f"{PRODUCTS}/{product.id}"
    assert product.producer_id == api.producer.id
    assert product.gtin == "09520123450014"  # stored as GTIN-14, as the web form does
    assert product.net_content == Decimal("0.5") and product.ocop_group is OcopGroup.FOOD
    assert created["gtin"] == "09520123450014" and created["net_content"] == "0.5"
    assert created["url"] == "https://txng.example.vn/01/09520123450014"
    assert created["lot_count"] == 0
    assert client.get(created["url"].removeprefix("https://txng.example.vn")).status_code == 200


def test_a_name_is_enough_to_start(api):
    response = api.post(PRODUCTS, json={"name_vi": "Chuối sấy Tiên Lãng"})
    assert response.status_code == 201
    assert response.get_json()["gtin"] is None and response.get_json()["url"] is None


def test_numbers_may_be_sent_as_json_numbers(api):
    body = product_body(net_content=0.25, shelf_life_days=365)
    created = api.post(PRODUCTS, json=body).get_json()
    assert created["net_content"] == "0.25" and created["shelf_life_days"] == 365


def test_read_a_product_with_its_lot_count(api, make_product, make_lot):
    product = make_product(producer=api.producer)
    make_lot(product, "L1")
    make_lot(product, "L2")
    shown = api.get(f"{PRODUCTS}/{product.id}").get_json()
    assert shown["name_vi"] == product.name_vi and shown["lot_count"] == 2
    listed = api.get(PRODUCTS).get_json()["items"]
    assert [(item["id"], item["lot_count"]) for item in listed] == [(product.id, 2)]


def test_change_only_what_is_sent(api, db, make_product):
    product = make_product(producer=api.producer, brand="Cát Hải")
    response = api.patch(
        f"{PRODUCTS}/{product.id}", json={"name_en": "Anchovy fish sauce", "brand": None}
    )
    assert response.status_code == 200
    db.session.refresh(product)
    assert product.name_en == "Anchovy fish sauce" and product.brand is None
    assert product.name_vi == "Nước mắm cá cơm Cát Hải" and product.gtin == "09520123450007"
    assert response.get_json()["name_en"] == "Anchovy fish sauce"


def test_an_empty_change_changes_nothing(api, make_product):
    product = make_product(producer=api.producer)
    assert api.patch(f"{PRODUCTS}/{product.id}", json={}).get_json()["name_vi"] == product.name_vi


def test_the_vietnamese_name_cannot_be_removed(api, db, make_product):
    product = make_product(producer=api.producer)
    for value in (None, "   "):
        response = api.patch(f"{PRODUCTS}/{product.id}", json={"name_vi": value}, lang="en")
        assert response.status_code == 422
        assert [error["field"] for error in response.get_json()["errors"]] == ["name_vi"]
    db.session.refresh(product)
    assert product.name_vi == "Nước mắm cá cơm Cát Hải"


def test_a_gtin_is_frozen_once_lots_carry_it(api, db, make_product, make_lot):
    product = make_product(producer=api.producer)
    make_lot(product)
    response = api.patch(f"{PRODUCTS}/{product.id}", json={"gtin": "09520123450014"}, lang="en")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"] == "urn:txng:problem:gtin_locked"
    assert problem["errors"][0]["field"] == "gtin"
    assert "cannot change" in problem["errors"][0]["detail_en"]
    assert "không thể thay đổi" in problem["errors"][0]["detail_vi"]
    db.session.refresh(product)
    assert product.gtin == "09520123450007"


def test_a_gtin_registered_by_anyone_is_refused(api, other_api, db, make_product):
    make_product(producer=other_api.producer, gtin="09520123450014")
    response = api.post(PRODUCTS, json=product_body(gtin="9520123450014"), lang="en")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"] == "urn:txng:problem:gtin_taken"
    assert "already registered" in problem["detail_en"]
    assert "09520123450014" in problem["detail_vi"] and problem["detail_vi"] != problem["detail_en"]
    assert count(db) == 1


@pytest.mark.parametrize(
    "lang, expected",
    [("en", "its last digit, the check digit, should be 4"), ("vi", "phải là 4")],
)
def test_an_invalid_gtin_is_explained_in_the_callers_language(api, db, lang, expected):
    response = api.post(PRODUCTS, json=product_body(gtin="9520123450015"), lang=lang)
    assert response.status_code == 422
    problem = response.get_json()
    assert expected in problem["detail"]
    assert problem["errors"] == [
        {
            "field": "gtin",
            "pointer": "#/gtin",
            "detail": problem["detail"],
            "detail_vi": problem["detail_vi"],
            "detail_en": problem["detail_en"],
        }
    ]
    assert "should be 4" in problem["detail_en"] and "phải là 4" in problem["detail_vi"]
    assert count(db) == 0


def test_another_facilitys_product_is_not_found(api, other_api, db, make_product):
    theirs = make_product(producer=other_api.producer)
    for response in (
        api.get(f"{PRODUCTS}/{theirs.id}", lang="en"),
        api.patch(f"{PRODUCTS}/{theirs.id}", json={"name_vi": "Của tôi"}, lang="en"),
        api.get(f"{PRODUCTS}/999999", lang="en"),
        api.get(f"{PRODUCTS}/99999999999999999999", lang="en"),
    ):
        assert response.status_code == 404
        assert response.get_json()["type"] == "urn:txng:problem:product_not_found"
        assert "Your facility has no product" in response.get_json()["detail"]
    db.session.refresh(theirs)
    assert theirs.name_vi == "Nước mắm cá cơm Cát Hải"


def test_a_refused_change_leaves_the_product_as_it_was(api, db, make_product):
    product = make_product(producer=api.producer)
    response = api.patch(
        f"{PRODUCTS}/{product.id}",
        json={"name_en": "Changed", "net_content": None, "net_content_unit": "ml"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "net_content"
    db.session.refresh(product)
    assert product.name_en == "Cat Hai anchovy fish sauce" and product.net_content == 500
