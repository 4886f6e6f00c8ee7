"""The lot page: what a shopper sees after scanning a code."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import event as sa_event

from lookup_site.models import LotStatus
from lookup_site.services import lots as lot_service

from ..conftest import VIETNAM


def lot_url(lot) -> str:
    return f"/01/{lot.product.gtin}/10/{lot.code}"


def test_lot_page_shows_product_producer_and_timeline(client, make_lot, make_event, make_ocop):
    lot = make_lot()
    make_ocop(lot.product, stars=4, issued_on=date.today() - timedelta(days=100))
    make_event(lot, "catching", datetime(2025, 8, 1, 5, 0, tzinfo=VIETNAM))
    make_event(lot, "fermenting", datetime(2025, 8, 2, 9, 0, tzinfo=VIETNAM))
    make_event(lot, "packing", datetime(2026, 9, 2, 8, 30, tzinfo=VIETNAM))

    response = client.get(lot_url(lot))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Nước mắm cá cơm Cát Hải" in html
    assert "HTX Nước mắm Cát Hải (demo)" in html
    assert "CH2023-01" in html
    assert "★★★★☆" in html
    assert "OCOP 4 sao" in html
    assert "tel:02253888000" in html
    assert "openstreetmap.org/?mlat=20.795" in html
    assert html.index("Đánh bắt") < html.index("Ủ chượp") < html.index("Đóng gói")
    assert "toàn vẹn" in html  # the integrity mark
    assert "<script" not in html


def test_lot_page_in_english_by_accept_language(client, make_lot, make_event):
    lot = make_lot()
    make_event(lot, "packing")

    response = client.get(lot_url(lot), headers={"Accept-Language": "en-US,en;q=0.9"})

    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Cat Hai anchovy fish sauce" in html
    assert "Journey of this lot" in html
    assert "Bottled in 500 ml" in html
    assert "Accept-Language" in response.headers["Vary"]


def test_language_toggle_is_remembered_in_a_cookie(client, make_lot):
    lot = make_lot()

    response = client.get(lot_url(lot) + "?lang=en")
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "lang=en" in response.headers["Set-Cookie"]

    # The cookie now wins over the browser's Accept-Language.
    again = client.get(lot_url(lot), headers={"Accept-Language": "vi"})
    assert '<html lang="en">' in again.get_data(as_text=True)

    back = client.get(lot_url(lot) + "?lang=vi", headers={"Accept-Language": "en"})
    assert '<html lang="vi">' in back.get_data(as_text=True)


def test_vietnamese_is_the_default_for_unknown_languages(client, make_lot):
    lot = make_lot()
    response = client.get(lot_url(lot), headers={"Accept-Language": "fr, de;q=0.8"})
    assert '<html lang="vi">' in response.get_data(as_text=True)


def test_content_falls_back_to_the_other_language(client, make_product, make_lot):
    product = make_product(name_en=None, description_vi="Chỉ có tiếng Việt")
    lot = make_lot(product)

    html = client.get(lot_url(lot) + "?lang=en").get_data(as_text=True)

    assert "Nước mắm cá cơm Cát Hải" in html
    assert "Chỉ có tiếng Việt" in html


def test_language_switch_link_keeps_the_page(client, make_lot):
    lot = make_lot()
    html = client.get(lot_url(lot)).get_data(as_text=True)
    assert f'href="/01/{lot.product.gtin}/10/{lot.code}?lang=en"' in html


def test_recalled_lot_shows_a_red_banner_with_the_reason(client, db, make_lot):
    lot = make_lot()
    lot.status = LotStatus.RECALLED
    lot.status_reason_vi = "Sai hạn sử dụng in trên nhãn"
    lot.status_reason_en = "Wrong expiry date printed on the label"
    db.session.flush()

    vi = client.get(lot_url(lot)).get_data(as_text=True)
    en = client.get(lot_url(lot) + "?lang=en").get_data(as_text=True)

    assert 'class="banner recalled"' in vi and "Sai hạn sử dụng in trên nhãn" in vi
    assert "Recalled: do not eat or use this lot." in en
    assert "Wrong expiry date printed on the label" in en


def test_suspended_lot_shows_a_banner(client, db, make_lot):
    lot = make_lot(status=LotStatus.SUSPENDED, status_reason_en="Under investigation")
    html = client.get(lot_url(lot) + "?lang=en").get_data(as_text=True)
    assert 'class="banner suspended"' in html
    assert "Under investigation" in html


def test_expired_lot_shows_a_notice(client, make_lot):
    lot = make_lot(best_before=date(2020, 1, 31))
    html = client.get(lot_url(lot) + "?lang=en").get_data(as_text=True)
    assert "passed its best-before date" in html


def test_expired_ocop_certificate_shows_expired_not_stars(client, make_lot, make_ocop):
    lot = make_lot()
    make_ocop(lot.product, stars=3, issued_on=date(2021, 1, 15))

    html = client.get(lot_url(lot) + "?lang=en").get_data(as_text=True)

    assert "OCOP certificate expired" in html
    assert "★" not in html


def test_pending_ocop_shows_pending(client, make_lot, make_ocop):
    lot = make_lot()
    make_ocop(lot.product, stars=None, issued_on=None)
    html = client.get(lot_url(lot) + "?lang=en").get_data(as_text=True)
    assert "OCOP rating pending" in html


def test_inputs_link_both_ways_across_producers(client, make_product, make_producer, make_lot):
    catch_producer = make_producer(
        name_vi="Tổ hợp tác đánh cá (demo)", name_en="Fishing group (demo)"
    )
    anchovies = make_product(
        producer=catch_producer,
        name_vi="Cá cơm tươi",
        name_en="Fresh anchovies",
        gtin="09520123450014",
    )
    catch = make_lot(anchovies, "CC-2609")
    sauce = make_lot(code="NM-2609")
    lot_service.add_input(sauce, catch, quantity=300, quantity_unit="kg")

    sauce_html = client.get(lot_url(sauce) + "?lang=en").get_data(as_text=True)
    catch_html = client.get(lot_url(catch) + "?lang=en").get_data(as_text=True)

    assert "Made from" in sauce_html
    assert 'href="/01/09520123450014/10/CC-2609"' in sauce_html
    assert "Fishing group (demo)" in sauce_html
    assert "Used to make" in catch_html
    assert f'href="/01/{sauce.product.gtin}/10/NM-2609"' in catch_html


def test_corrections_are_shown_next_to_what_they_correct(client, make_lot, make_event):
    lot = make_lot()
    wrong = make_event(lot, "packing", notes_en="Bottled 400 bottles")
    make_event(lot, "correction", corrects=wrong, notes_en="It was 420 bottles")

    html = client.get(lot_url(lot) + "?lang=en").get_data(as_text=True)

    assert "Bottled 400 bottles" in html and "It was 420 bottles" in html
    assert "A later entry corrects this one." in html
    assert "Data integrity verified: 2 events" in html


def test_a_tampered_event_is_flagged_on_the_page(client, db, make_lot, make_event):
    lot = make_lot()
    make_event(lot, "harvesting")
    tampered = make_event(lot, "packing")
    tampered.notes_en = "Quietly rewritten"
    db.session.flush()

    html = client.get(lot_url(lot) + "?lang=en").get_data(as_text=True)

    assert "failed its integrity check" in html
    assert "Data integrity verified" not in html


def test_short_code_url_shows_the_same_lot(client, make_lot):
    lot = make_lot()
    response = client.get(f"/t/{lot.public_code}")
    assert response.status_code == 200
    assert "CH2023-01" in response.get_data(as_text=True)


def test_short_code_is_case_insensitive_and_redirects_to_canonical(client, make_lot):
    lot = make_lot()
    typed = f"{lot.public_code[:4].lower()}-{lot.public_code[4:].lower()}"
    response = client.get(f"/t/{typed}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/t/{lot.public_code}")


def test_product_without_gtin_is_reached_by_short_code(client, make_product, make_lot):
    lot = make_lot(make_product(gtin=None))
    html = client.get(f"/t/{lot.public_code}").get_data(as_text=True)
    assert "CH2023-01" in html
    assert "GTIN" not in html


def test_lot_page_has_a_report_link(client, make_lot):
    lot = make_lot()
    html = client.get(lot_url(lot)).get_data(as_text=True)
    assert "mailto:txng@example.org?subject=TXNG" in html


def test_lot_page_queries_are_bounded_whatever_the_number_of_events(
    app, db, client, make_lot, make_event, make_product, make_ocop
):
    def count_queries(lot) -> int:
        url = lot_url(lot)
        statements: list[str] = []

        def record(*args):
            statements.append(args[2])

        sa_event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    small = make_lot(code="SMALL")
    make_event(small, "packing")
    big = make_lot(make_product(gtin="09520123450021"), code="BIG")
    make_ocop(big.product)
    other = make_lot(make_product(gtin="09520123450038"), code="IN")
    lot_service.add_input(big, other)
    start = datetime(2026, 1, 1, 7, 0, tzinfo=VIETNAM)
    for hour in range(60):
        make_event(big, "storing", start + timedelta(hours=hour))
    db.session.commit()

    small_count, big_count = count_queries(small), count_queries(big)
    assert small_count == big_count <= 6, (small_count, big_count)


def test_lot_page_is_small(client, make_lot, make_event, make_ocop):
    lot = make_lot()
    make_ocop(lot.product)
    for step in ("catching", "receiving", "fermenting", "storing", "packing", "inspecting"):
        make_event(lot, step)
    html = client.get(lot_url(lot)).get_data()
    with client.get("/static/site.css") as response:
        css = response.get_data()
    assert len(html) + len(css) < 30 * 1024


def test_numbers_and_units_follow_the_visitors_locale(client, make_lot):
    lot = make_lot()
    vi = client.get(lot_url(lot)).get_data(as_text=True)
    en = client.get(lot_url(lot) + "?lang=en").get_data(as_text=True)
    assert "1.200 chai" in vi
    assert "1,200 bottles" in en
    assert "500 ml" in vi and "500 ml" in en
