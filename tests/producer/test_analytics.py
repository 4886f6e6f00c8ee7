"""Scan analytics in the producer workspace: figures from the rollups, own items only."""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time, timedelta

import pytest
from babel.dates import format_date
from flask import g
from sqlalchemy import event, insert

from lookup_site.models import Role, ScanDay, ScanPlace, Serial
from lookup_site.services import clock, rollups, scan_analytics, serials
from lookup_site.services.clock import VIETNAM

SVG = "{http://www.w3.org/2000/svg}"
PAGE = "/producer/analytics"


@pytest.fixture
def today() -> date:
    return clock.local_today()


@pytest.fixture
def check(db, monkeypatch):
    """Count checks of an item as the item's page does, at a chosen Vietnam time."""

    def record(item: Serial, when: datetime, language: str = "vi", times: int = 1) -> None:
        monkeypatch.setattr(serials, "utcnow", lambda: when.astimezone(UTC))
        for _ in range(times):
            serials.record_check(item, language=language, client="phone")
        db.session.commit()

    return record


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM)


@pytest.fixture
def own(producer_user, make_product, make_lot):
    """Two products of the signed-in producer, with two lots of the first."""
    fish_sauce = make_product(producer=producer_user.producer)
    honey = make_product(
        producer=producer_user.producer,
        name_vi="Mật ong hoa rừng Cát Bà",
        name_en="Cat Ba wild-flower honey",
        gtin="09520123450014",
    )
    return {
        "product": fish_sauce,
        "other_product": honey,
        "lot": make_lot(fish_sauce, "CH2023-01"),
        "second_lot": make_lot(fish_sauce, "CH2023-02"),
        "honey_lot": make_lot(honey, "MO-01"),
    }


@pytest.fixture
def strangers(make_producer, make_product, make_lot):
    producer = make_producer(name_vi="HTX Gạo ruộng rươi (demo)", name_en="Rice co-op (demo)")
    product = make_product(producer=producer, name_vi="Gạo ruộng rươi", gtin="09520123450021")
    return {"producer": producer, "product": product, "lot": make_lot(product, "GR-01")}


def items(db, lot, count: int = 1) -> list[Serial]:
    issued = serials.generate_serials(lot, count)
    db.session.commit()
    return issued


def place(lot, province: str, scans: int, first: int) -> None:
    rollups.add_to(
        ScanPlace,
        {"lot_id": lot.id, "province": province},
        {"scans": scans, "first_scans": first},
        product_id=lot.product_id,
    )


def day_rows(page: str) -> dict[str, int]:
    found = re.findall(r'<tr data-day="([^"]+)"><td>.*?</td><td class="num">([^<]+)</td>', page)
    return {day: int(value.replace(",", "").replace(".", "")) for day, value in found}


def numbers(page: str, attribute: str) -> list[tuple[str, list[str]]]:
    """The rows of the table whose rows carry data-<attribute>, with their number cells."""
    rows = re.findall(rf'<tr data-{attribute}="([^"]+)">(.*?)</tr>', page, re.S)
    return [(key, re.findall(r'<td class="num">([^<]*)</td>', cells)) for key, cells in rows]


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", page, re.S)]


@pytest.fixture
def count_queries(db):
    """Count the SQL statements run inside a with-block: `with count_queries() as n:`."""

    class Counter:
        def __init__(self) -> None:
            self.count = 0

        def __call__(self, *args) -> None:
            self.count += 1

        def __enter__(self) -> Counter:
            # As on a server: nothing loaded by an earlier request or by the test's setup.
            db.session.expire_all()
            g.pop("_login_user", None)
            event.listen(db.engine, "before_cursor_execute", self)
            return self

        def __exit__(self, *exc) -> None:
            event.remove(db.engine, "before_cursor_execute", self)

    return Counter


# Figures


def test_checks_per_day_and_week_with_vietnam_days(client, db, own, check, today):
    first, second = items(db, own["lot"], 2)
    check(first, at(today - timedelta(days=1)), "vi", times=3)
    check(first, at(today - timedelta(days=1), 21), "en")
    check(second, at(today - timedelta(days=10)), "vi")
    # 00:30 in Vietnam is 17:30 UTC the day before: it counts on the Vietnam day.
    check(second, at(today - timedelta(days=2), 0, 30), "vi")
    check(items(db, own["second_lot"])[0], at(today - timedelta(days=3)), "en", times=2)

    response = client.get(f"{PAGE}?lang=en")
    page = text_of(response)
    assert response.status_code == 200
    days = day_rows(page)
    assert len(days) == 30
    assert min(days) == (today - timedelta(days=29)).isoformat()
    assert max(days) == today.isoformat()
    assert {day: value for day, value in days.items() if value} == {
        (today - timedelta(days=1)).isoformat(): 4,
        (today - timedelta(days=2)).isoformat(): 1,
        (today - timedelta(days=3)).isoformat(): 2,
        (today - timedelta(days=10)).isoformat(): 1,
    }
    expected_weeks: dict[str, int] = {}
    for day, value in days.items():
        year, week, _ = date.fromisoformat(day).isocalendar()
        key = f"{year}-W{week:02d}"
        expected_weeks[key] = expected_weeks.get(key, 0) + value
    weeks = {key: int(cells[0]) for key, cells in numbers(page, "week")}
    assert weeks == expected_weeks
    assert "<li><strong>8</strong> checks</li>" in page
    assert "<li><strong>2</strong> lots checked</li>" in page


def test_days_and_weeks_from_rollup_rows_are_bucketed_and_zero_filled(app, db, own, today):
    lot = own["lot"]
    rows = {
        today: 5,
        today - timedelta(days=29): 2,  # the period's first day
        today - timedelta(days=30): 100,  # the day before: outside
        today + timedelta(days=1): 100,  # tomorrow's clock skew: outside
    }
    for day, count in rows.items():
        for language, share in (("vi", count), ("en", 1)):
            rollups.add_to(
                ScanDay,
                {"day": day, "lot_id": lot.id, "language": language},
                {"count": share},
                product_id=lot.product_id,
            )
    db.session.commit()
    scope = scan_analytics.producer_scope(own["product"].producer)
    with app.test_request_context():
        report = scan_analytics.report(scope, scan_analytics.Period.ending_today(30))

    assert [day.day for day in report.days] == [
        today - timedelta(days=offset) for offset in range(29, -1, -1)
    ]
    assert report.days[0].checks == 3 and report.days[-1].checks == 6
    assert sum(day.checks for day in report.days) == report.totals.checks == 9
    assert sum(week.checks for week in report.weeks) == 9
    assert sum(week.days_in_period for week in report.weeks) == 30
    assert all(week.monday.weekday() == 0 for week in report.weeks)
    assert report.weeks[0].monday <= today - timedelta(days=29) <= report.weeks[0].sunday
    assert report.weeks[-1].monday <= today <= report.weeks[-1].sunday
    assert not any(week.partial for week in report.weeks[1:-1])
    assert report.totals.busiest_day == scan_analytics.DayChecks(today, 6)


def test_iso_weeks_across_the_new_year(app, db, own):
    lot = own["lot"]
    for day, count in ((date(2025, 12, 28), 1), (date(2025, 12, 29), 2), (date(2026, 1, 4), 3)):
        rollups.add_to(
            ScanDay,
            {"day": day, "lot_id": lot.id, "language": "vi"},
            {"count": count},
            product_id=lot.product_id,
        )
    db.session.commit()
    period = scan_analytics.Period(date(2025, 12, 25), date(2026, 1, 6))
    with app.test_request_context():
        report = scan_analytics.report(scan_analytics.producer_scope(lot.product.producer), period)
    assert [(w.year, w.week, w.monday, w.checks, w.days_in_period) for w in report.weeks] == [
        (2025, 52, date(2025, 12, 22), 1, 4),  # Thursday 25 to Sunday 28 December
        (2026, 1, date(2025, 12, 29), 5, 7),  # ISO week 1 of 2026 starts in December
        (2026, 2, date(2026, 1, 5), 0, 2),
    ]


def test_language_share(client, db, own, check, today):
    item = items(db, own["lot"])[0]
    check(item, at(today), "vi", times=3)
    check(item, at(today), "en")
    # A language the site may offer later is counted apart, not lost.
    rollups.add_to(
        ScanDay,
        {"day": today, "lot_id": own["lot"].id, "language": "zh"},
        {"count": 4},
        product_id=own["product"].id,
    )
    db.session.commit()

    page = text_of(client.get(f"{PAGE}?lang=en"))
    assert numbers(page, "language") == [
        ("vi", ["3", "38%"]),
        ("en", ["1", "12%"]),
        ("other", ["4", "50%"]),
    ]
    chart = next(svg for svg in svgs(page) if "Checks by page language" in svg.get("aria-label"))
    assert "Vietnamese: 3; English: 1; Other languages: 4" in chart.get("aria-label")


def test_top_lots_by_checks_in_the_period(client, db, own, check, today):
    check(items(db, own["lot"])[0], at(today), times=2)
    check(items(db, own["second_lot"])[0], at(today - timedelta(days=5)), times=5)
    check(items(db, own["honey_lot"])[0], at(today - timedelta(days=1)), times=2)
    # Many checks, but before the period: not a top lot of the last 30 days.
    check(items(db, own["honey_lot"])[0], at(today - timedelta(days=60)), times=50)

    response = client.get(f"{PAGE}?lang=en")
    page = text_of(response)
    assert numbers(page, "lot") == [
        (str(own["second_lot"].id), ["5"]),
        (str(own["lot"].id), ["2"]),  # a tie: the older lot first
        (str(own["honey_lot"].id), ["2"]),
    ]
    assert "CH2023-02</code> · Cat Hai anchovy fish sauce" in page
    assert "MO-01</code> · Cat Ba wild-flower honey" in page
    # Each lot links to the page filtered to it.
    assert (
        f'href="/producer/analytics?product={own["other_product"].id}'
        f'&amp;lot={own["honey_lot"].id}&amp;period=30"'
    ) in response.get_data(as_text=True)

    year = text_of(client.get(f"{PAGE}?period=365&lang=en"))
    assert numbers(year, "lot")[0] == (str(own["honey_lot"].id), ["52"])


def response_html(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def test_provinces_first_and_all_shared_checks(client, db, own, strangers, check, today):
    check(items(db, own["lot"])[0], at(today))
    check(items(db, own["honey_lot"])[0], at(today))
    place(own["lot"], "hai-phong", scans=9, first=6)
    place(own["second_lot"], "hai-phong", scans=3, first=1)
    place(own["honey_lot"], "ha-noi", scans=4, first=2)
    place(own["lot"], "ca-mau", scans=2, first=0)
    place(strangers["lot"], "ha-noi", scans=100, first=100)  # another producer's
    db.session.commit()

    page = text_of(client.get(f"{PAGE}?lang=en"))
    assert numbers(page, "province") == [
        ("hai-phong", ["7", "12"]),
        ("ha-noi", ["2", "4"]),
        ("ca-mau", ["0", "2"]),
    ]
    assert "<td>Hai Phong</td>" in page and "<td>Ca Mau</td>" in page
    board = next(svg for svg in svgs(page) if svg.get("class") == "chart map")
    label = board.get("aria-label")
    assert label.startswith("First checks by shared province.")
    assert "Hai Phong: first checks 7, all shared checks 12" in label
    assert "Ha Noi" not in label and "Hanoi: first checks 2, all shared checks 4" in label
    assert "Ca Mau: first checks 0, all shared checks 2" in label
    circles = {
        c.get("data-province"): c for c in board.iter(f"{SVG}circle") if c.get("data-province")
    }
    assert set(circles) == {"hai-phong", "ha-noi", "ca-mau"}
    assert float(circles["hai-phong"].get("r")) > float(circles["ha-noi"].get("r"))
    names = [t for t in board.iter(f"{SVG}text") if t.get("class") == "name"]
    assert [t.text.strip() for t in names] == ["Hanoi", "Hai Phong", "Ca Mau"]  # north first

    only_honey = text_of(client.get(f"{PAGE}?product={own['other_product'].id}&lang=en"))
    assert numbers(only_honey, "province") == [("ha-noi", ["2", "4"])]


def test_suspicious_items_newest_first(client, db, own, strangers, check, today):
    own["product"].copy_warning_threshold = 2
    db.session.commit()
    copied, far, quiet, old = items(db, own["lot"], 4)
    check(copied, at(today - timedelta(days=3), 8), times=2)
    check(copied, at(today - timedelta(days=2), 9))  # the third check crosses the limit
    check(far, at(today - timedelta(days=1)))
    serials.flag_serial(far, serials.FLAG_FAR_APART, at(today - timedelta(days=1), 11))
    check(quiet, at(today))
    serials.flag_serial(old, serials.FLAG_FAR_APART, at(today - timedelta(days=45)))
    theirs = items(db, strangers["lot"])[0]
    serials.flag_serial(theirs, serials.FLAG_FAR_APART, at(today))
    db.session.commit()

    page = text_of(client.get(f"{PAGE}?lang=en"))
    rows = re.findall(r'<tr data-serial="([^"]+)">(.*?)</tr>', page, re.S)
    assert [serial for serial, _ in rows] == [far.serial, copied.serial]
    far_row, copied_row = (cells for _, cells in rows)
    assert "Checked in places far apart within hours" in far_row
    assert "Checked more often than the product's limit" in copied_row
    assert '<td class="num">3</td>' in copied_row
    assert "CH2023-01" in copied_row
    assert "<li><strong>2</strong> suspicious items</li>" in page
    assert theirs.serial not in page and old.serial not in page

    year = text_of(client.get(f"{PAGE}?period=90&lang=en"))
    assert re.findall(r'<tr data-serial="([^"]+)">', year) == [
        far.serial,
        copied.serial,
        old.serial,
    ]


def test_suspicious_list_is_limited(app, client, db, own, check, today, monkeypatch):
    monkeypatch.setattr(scan_analytics, "SUSPICIOUS_LIMIT", 2)
    flagged = items(db, own["lot"], 3)
    check(flagged[0], at(today))
    for hours, item in enumerate(flagged):
        serials.flag_serial(item, serials.FLAG_MANY_CHECKS, at(today, 1 + hours))
    db.session.commit()
    page = text_of(client.get(f"{PAGE}?lang=en"))
    assert re.findall(r'<tr data-serial="([^"]+)">', page) == [flagged[2].serial, flagged[1].serial]
    assert "The newest 2 of 3 are shown" in page


# Export


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_one_row_per_day_lot_and_language(client, db, own, strangers, check, today):
    own["product"].name_vi = "=Nước mắm"  # a spreadsheet must not run it
    db.session.commit()
    check(items(db, own["lot"])[0], at(today - timedelta(days=1)), "vi", times=2)
    check(items(db, own["lot"])[0], at(today - timedelta(days=1)), "en")
    check(items(db, own["honey_lot"])[0], at(today), "vi")
    check(items(db, strangers["lot"])[0], at(today), "vi", times=7)

    response = client.get(f"{PAGE}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="scans-{today - timedelta(days=29):%Y%m%d}-{today:%Y%m%d}.csv"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = read_csv(response)
    assert rows[0] == ["day", "producer", "product", "gtin", "lot", "language", "checks"]
    facility = own["product"].producer.name_vi
    yesterday = (today - timedelta(days=1)).isoformat()
    assert rows[1:] == [
        [yesterday, facility, "'=Nước mắm", "09520123450007", "CH2023-01", "en", "1"],
        [yesterday, facility, "'=Nước mắm", "09520123450007", "CH2023-01", "vi", "2"],
        [
            today.isoformat(),
            facility,
            "Mật ong hoa rừng Cát Bà",
            "09520123450014",
            "MO-01",
            "vi",
            "1",
        ],
    ]

    honey = read_csv(client.get(f"{PAGE}.csv?lot={own['honey_lot'].id}"))
    assert [row[4] for row in honey[1:]] == ["MO-01"]
    assert len(read_csv(client.get(f"{PAGE}.csv?period=365"))) == 4


def test_csv_link_carries_the_filters(client, db, own, check, today):
    check(items(db, own["lot"])[0], at(today))
    page = response_html(client, f"{PAGE}?product={own['product'].id}&period=90&lang=en")
    assert f'href="/producer/analytics.csv?product={own["product"].id}&amp;period=90"' in page


# Ownership, bad input, access


@pytest.mark.parametrize("query", ["product={product}", "lot={lot}", "product={product}&lot={lot}"])
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}.csv"])
def test_another_producers_product_or_lot_answers_404(client, db, own, strangers, path, query):
    url = f"{path}?" + query.format(product=strangers["product"].id, lot=strangers["lot"].id)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["product=999999", "lot=999999"])
def test_unknown_ids_answer_404(client, own, query):
    assert client.get(f"{PAGE}?{query}").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=7", "Choose a period of the last 30, 90 or 365 days."),
        ("period=abc", "Choose a period of the last 30, 90 or 365 days."),
        ("product=abc", "Choose a product from the list."),
        ("product=-1", "Choose a product from the list."),
        ("product=1.5", "Choose a product from the list."),
        ("product=99999999999", "Choose a product from the list."),
        ("lot=%00", "Choose a lot from the list."),
    ],
)
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}.csv"])
def test_bad_filters_are_explained(client, own, path, query, message):
    response = client.get(f"{path}?{query}&lang=en")
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert 'href="/producer/analytics">Clear the filters' in page
    assert "<svg" not in page


def test_a_lot_of_another_own_product_is_explained(client, own):
    url = f"{PAGE}?product={own['other_product'].id}&lot={own['lot'].id}&lang=en"
    response = client.get(url)
    assert response.status_code == 400
    assert "This lot is not a lot of the chosen product." in text_of(response)


def test_a_lot_alone_selects_its_product(client, db, own, check, today):
    check(items(db, own["second_lot"])[0], at(today))
    page = response_html(client, f"{PAGE}?lot={own['second_lot'].id}&lang=en")
    assert f'<option selected value="{own["product"].id}">' in page
    assert f'<option selected value="{own["second_lot"].id}">CH2023-02</option>' in page
    assert "MO-01" not in page  # the honey's lot is not offered


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ADMIN])
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}.csv"])
def test_other_roles_may_not_open_the_page(client, make_user, login, role, path):
    login(make_user(role))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}.csv"])
def test_shoppers_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Cost, empty states, languages


def seed(db, lots, days: int, flagged: int, today: date) -> None:
    """Rollup rows and flags as a busy producer's would be, without the checks themselves."""
    rows = [
        {
            "day": today - timedelta(days=offset),
            "lot_id": lot.id,
            "language": language,
            "product_id": lot.product_id,
            "count": 3 + offset % 7,
        }
        for lot in lots
        for offset in range(days)
        for language in ("vi", "en")
    ]
    db.session.execute(insert(ScanDay), rows)
    for lot in lots:
        for code in ("ha-noi", "hai-phong", "ca-mau", "hue"):
            place(lot, code, scans=20, first=5)
    for item in serials.generate_serials(lots[0], flagged) if flagged else []:
        serials.flag_serial(item, serials.FLAG_MANY_CHECKS, at(today))
    db.session.commit()


def test_a_bounded_number_of_queries_whatever_the_data(
    client, db, own, make_lot, today, count_queries
):
    seed(db, [own["lot"]], days=3, flagged=1, today=today)
    url = f"{PAGE}?period=365&lang=en"
    client.get(url)  # warm up: the first request loads what every request then reuses
    with count_queries() as small:
        assert client.get(url).status_code == 200
    with count_queries() as small_csv:
        assert len(read_csv(client.get(f"{PAGE}.csv?period=365"))) == 1 + 2 * 3

    seed(db, [own["second_lot"], own["honey_lot"]], days=365, flagged=60, today=today)
    bulk = [make_lot(own["product"], f"BULK-{n}") for n in range(10)]
    seed(db, bulk, days=20, flagged=0, today=today)
    with count_queries() as large:
        page = text_of(client.get(url))
    with count_queries() as large_csv:
        export = read_csv(client.get(f"{PAGE}.csv?period=365"))
    assert len(export) == 1 + 2 * (3 + 2 * 365 + 10 * 20)
    assert "The newest 50 of 61 are shown" in page
    assert len(numbers(page, "lot")) == scan_analytics.TOP_LOTS
    assert large.count == small.count <= 10
    assert large_csv.count == small_csv.count <= 5
    narrowed = f"{PAGE}?period=365&product={own['product'].id}&lot={own['lot'].id}"
    with count_queries() as filtered:
        client.get(narrowed)
    assert filtered.count == small.count + 3  # the product, the lot, and its product's lots


def test_no_checks_yet_says_what_to_do(client, own):
    response = client.get(f"{PAGE}?lang=en")
    page = text_of(response)
    assert response.status_code == 200
    assert "No item has been checked yet." in page
    assert "Issue item codes on a lot's page" in page
    assert "<svg" not in page and "<table" not in page


def test_no_checks_in_the_period_suggests_a_longer_one(client, db, own, check, today):
    check(items(db, own["lot"])[0], at(today - timedelta(days=40)))
    page = text_of(client.get(f"{PAGE}?lang=en"))
    assert "No checks in this period." in page and "choose a longer period" in page
    assert "<svg" not in page
    assert "<li><strong>1</strong> check</li>" in text_of(client.get(f"{PAGE}?period=90&lang=en"))


def test_the_menu_offers_the_page(client, own):
    page = response_html(client, "/producer/?lang=en")
    assert '<a href="/producer/analytics">Scans</a>' in page


def test_vietnamese_by_default_with_vietnamese_dates_and_numbers(client, db, own, today):
    lot = own["lot"]
    rollups.add_to(
        ScanDay,
        {"day": today, "lot_id": lot.id, "language": "vi"},
        {"count": 1234},
        product_id=lot.product_id,
    )
    db.session.commit()
    response = client.get(PAGE)
    page = text_of(response)
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    assert format_date(today, "long", locale="vi") in page
    assert "<strong>1.234</strong>" in page
    english = text_of(client.get(f"{PAGE}?lang=en"))
    assert '<html lang="en">' in english and "<strong>1,234</strong>" in english
    assert format_date(today, "long", locale="en") in english


def test_flag_reasons_cover_every_flag():
    from lookup_site.producer.analytics import FLAG_LABELS

    assert set(FLAG_LABELS) == {serials.FLAG_MANY_CHECKS, serials.FLAG_FAR_APART}
