"""The producer page: who makes it, where, and what else they make."""

from __future__ import annotations

from datetime import date

from lookup_site.models import Certification, CertificationKind


def test_producer_page_shows_contacts_certificates_and_products(
    client, db, make_product, make_lot, make_ocop
):
    product = make_product()
    make_lot(product, "L1")
    make_ocop(product, stars=3, issued_on=date(2025, 6, 1))
    db.session.add(
        Certification(
            producer=product.producer,
            kind=CertificationKind.HACCP_ISO22000,
            name_en="HACCP for the bottling line",
            issued_on=date(2025, 1, 1),
            valid_until=date(2028, 1, 1),
        )
    )
    db.session.flush()

    response = client.get(f"/producers/{product.producer_id}?lang=en")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cat Hai Fish Sauce Cooperative (demo)" in html
    assert "Cooperative" in html
    assert "Đặc khu Cát Hải, Hải Phòng" in html
    assert "HACCP for the bottling line" in html
    assert f'href="/01/{product.gtin}"' in html
    assert f'href="/01/{product.gtin}/10/L1"' in html
    assert "OCOP 3 stars" in html
    assert "Demo data" in html


def test_lot_and_product_pages_link_to_the_producer(client, make_lot):
    lot = make_lot()
    link = f'href="/producers/{lot.product.producer_id}"'
    assert link in client.get(f"/t/{lot.public_code}").get_data(as_text=True)
    assert link in client.get(f"/01/{lot.product.gtin}").get_data(as_text=True)


def test_unknown_producer_is_a_404_in_the_visitors_language(client):
    response = client.get("/producers/999999", headers={"Accept-Language": "vi"})
    assert response.status_code == 404
    assert "Cơ sở sản xuất này chưa được đăng ký" in response.get_data(as_text=True)


def test_product_page_flags_recalled_lots(client, db, make_product, make_lot):
    from lookup_site.models import LotStatus

    product = make_product()
    make_lot(product, "OK1")
    make_lot(product, "BAD1", status=LotStatus.RECALLED)
    html = client.get(f"/01/{product.gtin}?lang=en").get_data(as_text=True)
    assert html.count('class="tag recalled"') == 1
