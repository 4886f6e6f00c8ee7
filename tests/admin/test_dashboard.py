"""The Department's dashboard: ratings, groups, expiring certificates, stopped lots, readiness."""

from __future__ import annotations

import re
from datetime import timedelta

from lookup_site.models import Certification, CertificationKind, LotStatus, OcopGroup
from lookup_site.models.certification import add_months
from lookup_site.services import programme
from lookup_site.services.clock import local_today

from .conftest import text_of


def test_demo_dashboard_counts_valid_stars_and_lapsed_certificates_apart(client, db, admin, demo):
    overview = programme.overview()
    assert overview.products == 48
    assert overview.by_rating == {
        "5": 0,
        "4": 7,
        "3": 27,
        "expired": 4,
        "pending": 6,
        "none": 4,
    }
    assert overview.by_group[OcopGroup.FOOD] > 0
    assert sum(overview.by_group.values()) == 48
    assert [lot.status for lot in overview.stopped_lots] == [LotStatus.RECALLED]
    html = text_of(client.get("/admin/?lang=en"))
    assert re.search(r'<tr data-rating="3"><td>OCOP 3★</td><td class="num">27</td>', html)
    assert re.search(r'<tr data-rating="expired"><td>[^<]+</td><td class="num">4</td>', html)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert overview.stopped_lots[0].code in html


def test_certificates_expiring_within_90_days_are_listed_with_producer_and_date(
    client, db, admin, make_product, make_ocop, make_producer
):
    today = local_today()
    product = make_product()
    soon = make_ocop(product, stars=3, issued_on=add_months(today, -36) + timedelta(days=20))
    make_ocop(product, stars=4, issued_on=add_months(today, -36) + timedelta(days=120))  # later
    make_ocop(product, stars=3, issued_on=add_months(today, -37))  # already expired
    make_ocop(product, stars=3, issued_on=add_months(today, -35), revoked_on=today)  # revoked
    facility = make_producer(name_vi="HTX Táo Bàng La (demo)")
    vietgap = Certification(
        producer=facility,
        kind=CertificationKind.VIETGAP,
        number="VG-DEMO-1",
        issued_on=today - timedelta(days=700),
        valid_until=today + timedelta(days=89),
    )
    db.session.add(vietgap)
    db.session.commit()
    expiring = programme.expiring_certificates()
    assert [item.certification.id for item in expiring] == [soon.id, vietgap.id]
    assert expiring[0].producer.id == product.producer_id and expiring[0].product.id == product.id
    assert expiring[1].producer.id == facility.id and expiring[1].product is None
    assert expiring[1].days_left == 89
    html = text_of(client.get("/admin/?lang=en"))
    assert "Certificates expiring in the next 90 days" in html
    assert "HTX Táo Bàng La (demo)" in html and "VG-DEMO-1" in html
    assert "in 89 days" in html


def test_recalled_and_suspended_lots_are_listed_with_their_reason(
    client, db, admin, make_lot, make_product
):
    recalled = make_lot(code="GL-01")
    recalled.status = LotStatus.RECALLED
    recalled.status_reason_en = "Labels misprinted"
    suspended = make_lot(product=recalled.product, code="GL-02")
    suspended.status = LotStatus.SUSPENDED
    suspended.status_reason_en = "Pending investigation"
    make_lot(product=recalled.product, code="GL-03")
    db.session.commit()
    assert {lot.code for lot in programme.stopped_lots()} == {"GL-01", "GL-02"}
    html = text_of(client.get("/admin/?lang=en"))
    assert "Labels misprinted" in html and "Pending investigation" in html
    assert "GL-03" not in html


def test_products_missing_items_are_listed_with_what_is_missing(
    client, db, admin, make_product, make_lot, make_event
):
    bare = make_product(gtin=None, standards=None, name_vi="Sản phẩm mới", name_en=None)
    html = text_of(client.get("/admin/?lang=en"))
    assert "Sản phẩm mới" in html
    assert "Standards applied" in html
    total, unready = programme.unready_products()
    assert total == 1 and [row.product.id for row in unready] == [bare.id]


def test_dashboard_takes_the_same_number_of_queries_for_any_number_of_products(
    app, db, make_product, make_producer, make_lot, count_queries
):
    def measure() -> int:
        with app.test_request_context(), count_queries() as queries:
            programme.overview()
        return queries.count

    make_lot(make_product())
    few = measure()
    for number in range(12):
        producer = make_producer(name_vi=f"Cơ sở {number}")
        make_lot(make_product(producer=producer, gtin=None, name_vi=f"Sản phẩm {number}"))
    assert measure() == few


def test_an_empty_site_has_a_calm_dashboard(client, admin):
    html = text_of(client.get("/admin/?lang=en"))
    assert "No certificate expires in that time." in html
    assert "No lot is recalled or suspended." in html
    assert "Every product meets the ten items." in html
