"""Scan analytics for the Department: every facility's figures, or one facility's."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import insert

from lookup_site.models import Role, ScanDay, ScanPlace
from lookup_site.services import clock, rollups, serials

from .conftest import text_of

PAGE = "/admin/analytics"


@pytest.fixture
def today() -> date:
    return clock.local_today()


@pytest.fixture
def facilities(db, make_producer, make_product, make_lot):
    """Two facilities, one product and lot each, and a second lot for the first."""
    fish = make_producer(name_vi="HTX Nước mắm Cát Hải (demo)")
    rice = make_producer(name_vi="HTX Gạo ruộng rươi Kiến Thụy (demo)")
    sauce = make_product(producer=fish, gtin="09520123450007")
    grain = make_product(
        producer=rice,
        name_vi="Gạo ruộng rươi",
        name_en="Rice-worm paddy rice",
        gtin="09520123450014",
    )
    return {
        "fish": fish,
        "rice": rice,
        "sauce": sauce,
        "grain": grain,
        "sauce_lot": make_lot(sauce, "CH-01"),
        "sauce_lot_2": make_lot(sauce, "CH-02"),
        "grain_lot": make_lot(grain, "GR-01"),
    }


def add_checks(db, lot, day: date, count: int, language: str = "vi") -> None:
    rollups.add_to(
        ScanDay,
        {"day": day, "lot_id": lot.id, "language": language},
        {"count": count},
        product_id=lot.product_id,
    )
    db.session.commit()


def add_place(db, lot, province: str, scans: int, first: int) -> None:
    rollups.add_to(
        ScanPlace,
        {"lot_id": lot.id, "province": province},
        {"scans": scans, "first_scans": first},
        product_id=lot.product_id,
    )
    db.session.commit()


def numbers(page: str, attribute: str) -> list[tuple[str, list[str]]]:
    rows = re.findall(rf'<tr data-{attribute}="([^"]+)">(.*?)</tr>', page, re.S)
    return [(key, re.findall(r'<td class="num">([^<]*)</td>', cells)) for key, cells in rows]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def checked(db, facilities, today):
    add_checks(db, facilities["sauce_lot"], today, 4)
    add_checks(db, facilities["sauce_lot"], today, 1, "en")
    add_checks(db, facilities["sauce_lot_2"], today - timedelta(days=8), 2)
    add_checks(db, facilities["grain_lot"], today - timedelta(days=1), 6)
    add_place(db, facilities["sauce_lot"], "hai-phong", scans=3, first=2)
    add_place(db, facilities["grain_lot"], "hai-phong", scans=4, first=4)
    add_place(db, facilities["grain_lot"], "can-tho", scans=1, first=0)
    return facilities


def test_every_facility_by_default(client, admin, checked, today):
    response = client.get(f"{PAGE}?lang=en")
    page = text_of(response)
    assert response.status_code == 200
    assert "Scans of every facility's items" in page
    assert "<li><strong>13</strong> checks</li>" in page
    assert "<li><strong>3</strong> lots checked</li>" in page
    assert numbers(page, "lot") == [
        (str(checked["grain_lot"].id), ["6"]),
        (str(checked["sauce_lot"].id), ["5"]),
        (str(checked["sauce_lot_2"].id), ["2"]),
    ]
    assert "HTX Gạo ruộng rươi Kiến Thụy (demo)" in page  # facilities named beside their lots
    assert numbers(page, "province") == [("hai-phong", ["6", "7"]), ("can-tho", ["0", "1"])]
    assert numbers(page, "language") == [("vi", ["12", "92%"]), ("en", ["1", "8%"])]
    days = dict(numbers(page, "day"))
    assert days[today.isoformat()] == ["5"]
    assert days[(today - timedelta(days=1)).isoformat()] == ["6"]
    # The facility filter offers every facility; products appear once one is chosen.
    assert f'<option value="{checked["rice"].id}">HTX Gạo ruộng rươi Kiến Thụy (demo)' in page
    assert 'name="product"' not in page


def test_one_facility(client, admin, checked, today):
    page = text_of(client.get(f"{PAGE}?producer={checked['fish'].id}&lang=en"))
    assert "Scans of the items of HTX Nước mắm Cát Hải (demo)" in page
    assert "<li><strong>7</strong> checks</li>" in page
    assert [key for key, _ in numbers(page, "lot")] == [
        str(checked["sauce_lot"].id),
        str(checked["sauce_lot_2"].id),
    ]
    assert numbers(page, "province") == [("hai-phong", ["2", "3"])]
    products = re.search(r'<select id="product" name="product">(.*?)</select>', page).group(1)
    assert f'<option value="{checked["sauce"].id}">' in products  # its products are offered
    assert "Gạo ruộng rươi" not in products
    # A lot's link keeps the facility, and adds the product and the lot.
    assert (
        f"/admin/analytics?producer={checked['fish'].id}&product={checked['sauce'].id}"
        f"&lot={checked['sauce_lot_2'].id}&period=30"
    ) in page


def test_a_product_alone_selects_its_facility(client, admin, checked):
    page = text_of(client.get(f"{PAGE}?product={checked['grain'].id}&lang=en"))
    assert f'<option selected value="{checked["rice"].id}">' in page
    assert "Scans of the items of HTX Gạo ruộng rươi Kiến Thụy (demo)" in page
    assert "<li><strong>6</strong> checks</li>" in page


def test_suspicious_items_of_every_facility(client, admin, db, checked, today):
    fish_item, rice_item = (
        serials.generate_serials(checked["sauce_lot"], 1)[0],
        serials.generate_serials(checked["grain_lot"], 1)[0],
    )
    serials.flag_serial(
        fish_item, serials.FLAG_FAR_APART, datetime.combine(today, time(8), clock.VIETNAM)
    )
    serials.flag_serial(
        rice_item, serials.FLAG_MANY_CHECKS, datetime.combine(today, time(9), clock.VIETNAM)
    )
    db.session.commit()
    page = text_of(client.get(f"{PAGE}?lang=en"))
    assert re.findall(r'<tr data-serial="([^"]+)">', page) == [rice_item.serial, fish_item.serial]
    only_fish = text_of(client.get(f"{PAGE}?producer={checked['fish'].id}&lang=en"))
    assert re.findall(r'<tr data-serial="([^"]+)">', only_fish) == [fish_item.serial]


def test_csv_of_every_facility_and_of_one(client, admin, checked, today):
    response = client.get(f"{PAGE}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="scans-all-')
    rows = read_csv(response)
    assert rows[0] == ["day", "producer", "product", "gtin", "lot", "language", "checks"]
    week_ago = (today - timedelta(days=8)).isoformat()
    yesterday = (today - timedelta(days=1)).isoformat()
    fish, rice = "HTX Nước mắm Cát Hải (demo)", "HTX Gạo ruộng rươi Kiến Thụy (demo)"
    sauce = "Nước mắm cá cơm Cát Hải"
    assert rows[1:] == [
        [week_ago, fish, sauce, "09520123450007", "CH-02", "vi", "2"],
        [yesterday, rice, "Gạo ruộng rươi", "09520123450014", "GR-01", "vi", "6"],
        [today.isoformat(), fish, sauce, "09520123450007", "CH-01", "en", "1"],
        [today.isoformat(), fish, sauce, "09520123450007", "CH-01", "vi", "4"],
    ]
    rice_only = read_csv(client.get(f"{PAGE}.csv?producer={checked['rice'].id}"))
    assert [row[1] for row in rice_only[1:]] == [rice]


@pytest.mark.parametrize("name", ["producer", "product", "lot"])
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}.csv"])
def test_unknown_ids_answer_404(client, admin, facilities, path, name):
    assert client.get(f"{path}?{name}=999999").status_code == 404


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}.csv"])
def test_another_facilitys_product_is_explained(client, admin, facilities, path):
    url = f"{path}?producer={facilities['fish'].id}&product={facilities['grain'].id}&lang=en"
    response = client.get(url)
    assert response.status_code == 400
    assert "This product or lot is not one of the chosen facility's." in text_of(response)


def test_another_facilitys_lot_is_explained(client, admin, facilities):
    url = f"{PAGE}?producer={facilities['fish'].id}&lot={facilities['grain_lot'].id}&lang=en"
    response = client.get(url)
    assert response.status_code == 400
    assert "This product or lot is not one of the chosen facility's." in text_of(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("producer=abc", "Choose a facility from the list."),
        ("producer=0", "Choose a facility from the list."),
        ("product=x1", "Choose a product from the list."),
        ("lot=1e3", "Choose a lot from the list."),
        ("period=0", "Choose a period of the last 30, 90 or 365 days."),
    ],
)
def test_bad_filters_are_explained(client, admin, facilities, query, message):
    response = client.get(f"{PAGE}?{query}&lang=en")
    assert response.status_code == 400
    assert message in text_of(response)


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.INSPECTOR])
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}.csv"])
def test_only_the_department_may_open_it(client, make_user, login, role, path):
    login(make_user(role))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}.csv"])
def test_shoppers_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_bounded_number_of_queries_whatever_the_data(
    client, admin, db, facilities, make_producer, make_product, make_lot, today, count_queries
):
    add_checks(db, facilities["sauce_lot"], today, 3)
    url = f"{PAGE}?period=365&lang=en"
    client.get(url)
    db.session.expire_all()  # as on a server: nothing loaded beforehand
    with count_queries() as small:
        assert client.get(url).status_code == 200
    db.session.expire_all()  # as on a server: nothing loaded beforehand
    with count_queries() as small_csv:
        assert len(read_csv(client.get(f"{PAGE}.csv?period=365"))) == 2

    lots = []
    for number in range(8):
        producer = make_producer(name_vi=f"Cơ sở {number} (demo)")
        product = make_product(producer=producer, gtin=None, name_vi=f"Sản phẩm {number}")
        lots += [make_lot(product, f"L{number}-A"), make_lot(product, f"L{number}-B")]
    db.session.execute(
        insert(ScanDay),
        [
            {
                "day": today - timedelta(days=offset),
                "lot_id": lot.id,
                "language": "vi",
                "product_id": lot.product_id,
                "count": 1 + offset % 5,
            }
            for lot in lots
            for offset in range(0, 365, 3)
        ],
    )
    for lot in lots:
        add_place(db, lot, "ha-noi", scans=5, first=2)
        for item in serials.generate_serials(lot, 4):
            serials.flag_serial(item, serials.FLAG_MANY_CHECKS, clock.as_utc(item.created_at))
    db.session.commit()
    db.session.expire_all()  # as on a server: nothing loaded beforehand
    with count_queries() as large:
        page = text_of(client.get(url))
    db.session.expire_all()  # as on a server: nothing loaded beforehand
    with count_queries() as large_csv:
        assert len(read_csv(client.get(f"{PAGE}.csv?period=365"))) == 2 + 16 * 122
    assert "The newest 50 of 64 are shown" in page
    assert large.count == small.count <= 10
    assert large_csv.count == small_csv.count <= 4


def test_no_checks_yet(client, admin, facilities):
    page = text_of(client.get(f"{PAGE}?lang=en"))
    assert "No item has been checked yet." in page
    assert "once the facilities issue item codes" in page
    assert "<svg" not in page


def test_the_menu_offers_the_page(client, admin):
    page = client.get("/admin/?lang=en").get_data(as_text=True)
    assert '<a href="/admin/analytics">Scans</a>' in page


def test_vietnamese_by_default(client, admin, checked, today):
    response = client.get(PAGE)
    page = text_of(response)
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    assert format_date(today, "long", locale="vi") in page
    busiest = format_date(today - timedelta(days=1), "medium", locale="vi")
    assert "<strong>6</strong>" in page and busiest in page  # the busiest day, in Vietnamese
