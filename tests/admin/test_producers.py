"""Facilities: list and search, register and edit with the producer profile's rules."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from lookup_site.models import LegalForm, Producer, Product, Role

from .conftest import text_of

VALID = {
    "name_vi": "HTX Nấm Kiến Thụy (demo)",
    "name_en": "Kien Thuy Mushroom Cooperative (demo)",
    "legal_form": "cooperative",
    "commune": "Xã Kiến Thụy",
    "province": "Hải Phòng",
    "tax_code": "0299990099",
    "phone": "0225 3999 199",
    "email": "namkienthuy@example.vn",
    "gln": "9520199000007",
    "latitude": "20.72",
    "longitude": "106.66",
}


def count_producers(db) -> int:
    return db.session.scalar(select(func.count(Producer.id)))


def test_list_shows_facilities_with_their_products_and_accounts(
    client, admin, make_product, make_user
):
    product = make_product()
    make_user(Role.PRODUCER, producer=product.producer)
    html = text_of(client.get("/admin/producers?lang=en"))
    assert "HTX Nước mắm Cát Hải (demo)" in html
    assert "1 facility" in html


def test_search_finds_by_name_commune_or_tax_code(client, admin, make_producer):
    make_producer(name_vi="HTX Táo Bàng La (demo)", commune="Phường Đồ Sơn", tax_code="0299990011")
    make_producer(name_vi="HTX Nước mắm Cát Hải (demo)", commune="Đặc khu Cát Hải")
    for query in ("Bàng La", "Đồ Sơn", "0299990011"):
        html = text_of(client.get("/admin/producers", query_string={"q": query, "lang": "en"}))
        assert "HTX Táo Bàng La" in html and "Nước mắm" not in html, query
    html = text_of(client.get("/admin/producers?q=nothing-like-this&lang=en"))
    assert "No facility matches." in html


def test_search_treats_percent_signs_literally(client, admin, make_producer):
    make_producer(name_vi="HTX 100% hữu cơ (demo)")
    make_producer(name_vi="HTX Nước mắm (demo)")
    html = text_of(client.get("/admin/producers", query_string={"q": "100%", "lang": "en"}))
    assert "100% hữu cơ" in html and "Nước mắm" not in html


def test_list_pages_through_many_facilities(client, admin, db):
    db.session.add_all(
        Producer(
            legal_form=LegalForm.HOUSEHOLD,
            name_vi=f"Hộ kinh doanh {number:03d} (demo)",
            commune="Xã An Lão",
            province="Hải Phòng",
        )
        for number in range(55)
    )
    db.session.commit()
    first = text_of(client.get("/admin/producers?lang=en"))
    second = text_of(client.get("/admin/producers?page=2&lang=en"))
    assert "Hộ kinh doanh 000" in first and "Hộ kinh doanh 054" not in first
    assert "Hộ kinh doanh 054" in second and "Page 2 of 2" in second
    assert client.get("/admin/producers?page=99").status_code == 200
    assert client.get("/admin/producers?page=abc").status_code == 200


def test_admin_registers_a_facility(client, admin, db):
    response = client.post("/admin/producers/new", data=VALID)
    assert response.status_code == 302
    producer = db.session.scalar(select(Producer).where(Producer.name_vi == VALID["name_vi"]))
    assert response.headers["Location"] == f"/admin/producers/{producer.id}"
    assert producer.gln == "9520199000007" and producer.latitude == Decimal("20.72")
    assert producer.is_demo is False
    page = text_of(client.get(f"/admin/producers/{producer.id}?lang=en"))
    assert "HTX Nấm Kiến Thụy (demo)" in page and "No products registered yet." in page


def test_a_facility_needs_its_name_and_address(client, admin, db):
    data = {**VALID, "name_vi": "", "commune": " ", "province": ""}
    response = client.post("/admin/producers/new?lang=en", data=data)
    html = text_of(response)
    assert response.status_code == 200
    assert "Enter the facility's name in Vietnamese." in html
    assert "Enter the commune or ward." in html and "Enter the province or city." in html
    assert count_producers(db) == 0


def test_a_bad_gln_tax_code_or_half_a_position_is_refused(client, admin, db):
    for field, value, message in (
        ("gln", "9520199000006", "A location number (GLN) has 13 digits"),
        ("tax_code", "12345", "A tax code has 10 digits"),
        ("longitude", "", "Enter both the latitude and the longitude, or neither."),
        ("legal_form", "kingdom", "Choose one of the options."),
    ):
        html = text_of(client.post("/admin/producers/new?lang=en", data={**VALID, field: value}))
        assert message in html, field
    assert count_producers(db) == 0


def test_a_gln_already_registered_is_refused_by_the_service(client, admin, db, make_producer):
    make_producer(gln="9520199000007")
    html = text_of(client.post("/admin/producers/new?lang=en", data=VALID))
    assert "is already registered for another facility" in html
    assert count_producers(db) == 1


def test_admin_edits_a_facility_with_the_same_rules(client, admin, db, make_producer):
    producer = make_producer()
    other = make_producer(name_vi="Khác (demo)", gln="9520199000007")
    form = text_of(client.get(f"/admin/producers/{producer.id}/edit?lang=en"))
    assert 'value="HTX Nước mắm Cát Hải (demo)"' in form
    taken = client.post(f"/admin/producers/{producer.id}/edit?lang=en", data=VALID)
    assert "is already registered for another facility" in text_of(taken)
    db.session.expire_all()
    assert db.session.get(Producer, producer.id).gln is None
    saved = client.post(
        f"/admin/producers/{producer.id}/edit", data={**VALID, "gln": "", "name_vi": "Tên mới"}
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Producer, producer.id).name_vi == "Tên mới"
    assert db.session.get(Producer, other.id).name_vi == "Khác (demo)"


def test_facility_page_lists_products_ratings_readiness_and_accounts(
    client, admin, make_product, make_ocop, make_user
):
    product = make_product()
    make_ocop(product, stars=4, issued_on=product.created_at.date())
    user = make_user(Role.PRODUCER, producer=product.producer, display_name="Lê Thị Mai")
    html = text_of(client.get(f"/admin/producers/{product.producer_id}?lang=en"))
    assert "Nước mắm cá cơm Cát Hải" in html or "Cat Hai anchovy fish sauce" in html
    assert "OCOP 4★" in html
    assert "/10 items" in html
    assert user.email in html and "Lê Thị Mai" in html
    assert f"/admin/users/new?producer_id={product.producer_id}" in html


def test_an_unknown_facility_is_not_found(client, admin):
    assert client.get("/admin/producers/999").status_code == 404
    assert client.get("/admin/producers/999/edit").status_code == 404
    assert client.post("/admin/producers/999/edit", data=VALID).status_code == 404


def test_products_are_unchanged_by_facility_edits(client, admin, db, make_product):
    product = make_product()
    client.post(f"/admin/producers/{product.producer_id}/edit", data={**VALID, "gln": ""})
    assert db.session.scalar(select(func.count(Product.id))) == 1
