"""Bulk CSV import: templates, the preview of every row, all-or-nothing confirmation."""

from __future__ import annotations

import csv
import gc
import html
import io
import json
import re
import time
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.identifiers import format_public_code
from lookup_site.models import Event, Lot, Role
from lookup_site.services import imports
from lookup_site.services.chain import verify_chain
from lookup_site.services.clock import local_today
from lookup_site.services.imports import ImportKind

VIETNAM = timezone(timedelta(hours=7))
GTIN = "09520123450007"  # the make_product default
OTHER_GTIN = "09520123450014"
UNREGISTERED_GTIN = "09520123450090"
LOT_HEADER = [
    "Sản phẩm (GTIN hoặc số) / Product (GTIN or number)",
    "Mã lô / Lot code",
    "Ngày sản xuất / Production date",
    "Ngày đóng gói / Packing date",
    "Sử dụng tốt nhất trước / Best before",
    "Hạn sử dụng / Expiry date",
    "Số lượng / Quantity",
    "Đơn vị / Unit",
]
EVENT_HEADER = [
    "Mã tra cứu / Short code",
    "Sản phẩm (GTIN hoặc số) / Product (GTIN or number)",
    "Mã lô / Lot code",
    "Công đoạn / Step",
    "Thời gian / Date and time",
    "Địa điểm / Place",
    "Người thực hiện / Done by",
    "Ghi chú tiếng Việt / Notes in Vietnamese",
    "Ghi chú tiếng Anh / Notes in English",
]
EN = {"Accept-Language": "en"}


def make_csv(rows, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def upload(client, kind, content: bytes, filename="rows.csv", headers=EN):
    return client.post(
        "/producer/import",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        headers=headers,
    )


def token_of(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[-1]


def preview(client, content, kind="lots", headers=EN):
    """Upload and open the preview: (token, page text)."""
    token = token_of(upload(client, kind, content, headers=headers))
    page = client.get(f"/producer/import/{token}", headers=headers)
    assert page.status_code == 200
    return token, page.get_data(as_text=True)


def problems_by_line(page: str) -> dict[int, str]:
    rows = re.findall(r'<tr id="line-(\d+)">(.*?)</tr>', page, re.S)
    return {
        int(line): " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
        for line, body in rows
    }


def plain(page: str) -> str:
    """The page's text without tags, as a reader sees it."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def count(model) -> int:
    return _db.session.scalar(select(func.count(model.id)))


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "imports"
    return list(folder.glob("*.json")) if folder.exists() else []


@pytest.fixture
def product(producer_user, make_product, db):
    """The signed-in producer's product (GTIN 09520123450007)."""
    product = make_product(producer=producer_user.producer)
    db.session.commit()
    return product


@pytest.fixture
def switch_user(login):
    """Sign another user in; the app context (and Flask-Login's cached user) is shared."""

    def switch(user):
        login(user)
        g.pop("_login_user", None)
        return user

    return switch


@pytest.fixture
def other_producer_product(make_user, make_product, db):
    other = make_user()
    product = make_product(producer=other.producer, gtin=OTHER_GTIN, name_vi="Mật ong Cát Bà")
    db.session.commit()
    return product


# -- the landing page and templates -----------------------------------------------------------


def test_landing_page_offers_templates_form_and_product_numbers(client, product):
    page = client.get("/producer/import", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/producer/import/template/lots.csv" in text
    assert "/producer/import/template/events.csv" in text
    assert 'enctype="multipart/form-data"' in text
    assert f"<td>{product.id}</td>" in text and GTIN in text
    assert 'aria-current="page"' in text  # the Import tab is the current one


def test_lots_template_is_excel_ready_utf8_with_bilingual_headers(client, product):
    response = client.get("/producer/import/template/lots.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="txng-import-lots.csv"'
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == LOT_HEADER
    assert len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    # ="…" keeps the GTIN's leading zero in Excel; the reader unwraps it.
    assert example[LOT_HEADER[0]] == f'="{GTIN}"'
    assert example["Ngày sản xuất / Production date"] == local_today().isoformat()
    assert example["Mã lô / Lot code"]
    assert example["Số lượng / Quantity"] == "100"


def test_events_template_names_a_lot_and_a_step_in_vietnamese(client, product, make_lot, db):
    lot = make_lot(product, "L-01")
    db.session.commit()
    response = client.get("/producer/import/template/events.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == EVENT_HEADER
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["Mã lô / Lot code"] == lot.code
    assert example["Công đoạn / Step"] == "Đóng gói"
    assert example["Địa điểm / Place"] == "HTX Nước mắm Cát Hải (demo)"


def test_template_without_products_is_the_header_alone(client, make_user, login):
    login(make_user())
    response = client.get("/producer/import/template/lots.csv")
    assert response.data.decode("utf-8-sig").splitlines() == [";".join(LOT_HEADER)]


def test_template_cells_never_start_a_spreadsheet_formula(client, make_user, make_product, login):
    user = make_user(display_name="=HYPERLINK(1)")
    make_product(producer=user.producer)
    login(user)
    response = client.get("/producer/import/template/events.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][EVENT_HEADER.index("Người thực hiện / Done by")] == " =HYPERLINK(1)"


def test_unknown_template_kind_is_not_found(client, producer_user):
    assert client.get("/producer/import/template/products.csv").status_code == 404


def test_lots_template_round_trips(client, product, db):
    template = client.get("/producer/import/template/lots.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(template), delimiter=";"))
    filled = [rows[0], rows[1]]
    for number in range(2, 5):
        filled.append(
            [f'="{GTIN}"', f"TPL-{number}", "01/09/2026", "", "01/09/2028", "", "240", "chai"]
        )
    token, page = preview(client, make_csv(filled, delimiter=";", bom=True))
    assert "4 rows ready" in plain(page)
    assert client.post(f"/producer/import/{token}").status_code == 302
    codes = set(db.session.scalars(select(Lot.code)))
    assert codes == {rows[1][1], "TPL-2", "TPL-3", "TPL-4"}
    lot = db.session.scalar(select(Lot).where(Lot.code == "TPL-2"))
    assert lot.quantity == Decimal("240") and lot.quantity_unit == "bottle"


def test_events_template_round_trips_and_the_chain_verifies(
    client, product, make_lot, make_event, db
):
    lot = make_lot(product, "RT-1")
    make_event(lot, "harvesting", datetime(2025, 8, 30, 6, 0, tzinfo=VIETNAM))
    db.session.commit()
    template = client.get("/producer/import/template/events.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(template), delimiter=";"))
    header, example = rows
    example[header.index("Thời gian / Date and time")] = "02/09/2025 08:30"
    second = list(example)
    second[header.index("Công đoạn / Step")] = "Lưu kho"
    second[header.index("Thời gian / Date and time")] = "03/09/2025 07:00"
    second[header.index("Ghi chú tiếng Việt / Notes in Vietnamese")] = "Kho mát, 18 °C"
    content = make_csv([header, example, second], delimiter=";", bom=True)
    token, page = preview(client, content, "events")
    assert "2 rows ready" in plain(page)
    assert client.post(f"/producer/import/{token}").status_code == 302
    db.session.expire_all()
    events = list(db.session.scalars(select(Event).where(Event.lot_id == lot.id)))
    assert [e.step for e in sorted(events, key=lambda e: e.sequence)] == [
        "harvesting",
        "packing",
        "storing",
    ]
    assert verify_chain(events, lot.public_code).intact


# -- happy paths ------------------------------------------------------------------------------


def test_lots_import_with_bom_semicolons_day_first_dates_and_mixed_headers(
    client, product, producer_user, db
):
    content = make_csv(
        [
            # vi only, en only, bilingual, without diacritics, shouting, extra spaces
            [
                "Sản phẩm",
                "lot code",
                "Ngay san xuat",
                "PACKING DATE",
                "  Hạn   sử dụng ",
                "Số lượng / Quantity",
                "Đơn vị",
            ],
            [GTIN, "CH-001", "01/09/2026", "02/09/2026", "01/09/2028", "1200", "chai"],
            ["9520123450007", "CH-002", "2026-09-03", "", "", "12,5", "KG"],
            [str(product.id), "CH-003", "4/9/2026", "", "", "0.75", "bottles"],
        ],
        delimiter=";",
        bom=True,
    )
    token, page = preview(client, content)
    assert "3 rows ready" in plain(page) and "0 rows to correct" in plain(page)
    assert "Confirm import of 3 rows" in page
    assert count(Lot) == 0  # the preview writes nothing

    result = client.post(f"/producer/import/{token}", headers=EN)
    assert result.headers["Location"] == f"/producer/import/{token}/done"
    done = client.get(result.headers["Location"], headers=EN).get_data(as_text=True)
    assert "3 lots registered." in done
    lots = {lot.code: lot for lot in db.session.scalars(select(Lot))}
    assert set(lots) == {"CH-001", "CH-002", "CH-003"}
    first = lots["CH-001"]
    assert first.product_id == product.id
    assert first.production_date == date(2026, 9, 1)
    assert first.packing_date == date(2026, 9, 2)
    assert first.best_before == date(2028, 9, 1) and first.best_before_is_expiry
    assert (first.quantity, first.quantity_unit) == (Decimal("1200"), "bottle")
    assert (lots["CH-002"].quantity, lots["CH-002"].quantity_unit) == (Decimal("12.5"), "kg")
    assert lots["CH-003"].production_date == date(2026, 9, 4)
    assert lots["CH-003"].quantity == Decimal("0.75")
    assert f"/producer/lots/{first.id}" in done
    assert len(stored_files(client.application)) == 1  # kept as the result's record


def test_events_import_by_short_code_and_by_product_and_lot_code(
    client, product, producer_user, make_lot, make_event, db
):
    lot_a = make_lot(product, "EV-A")
    lot_b = make_lot(product, "EV-B")
    make_event(lot_b, "harvesting", datetime(2025, 8, 1, 6, 0, tzinfo=VIETNAM))
    db.session.commit()
    content = make_csv(
        [
            [
                "Short code",
                "Product",
                "Lot code",
                "Step",
                "Date and time",
                "Place",
                "Done by",
                "Notes in Vietnamese",
                "Notes in English",
            ],
            # Out of time order on purpose: the chain is written in time order per lot.
            [
                format_public_code(lot_a.public_code).lower(),
                "",
                "",
                "Packing",
                "03/09/2025 14:00",
                "Xưởng đóng chai",
                "Chị Lan",
                "Đóng chai",
                "Bottled",
            ],
            ["", GTIN, "EV-A", "thu hoach", "2025-09-01 06:30", "", "", "", ""],
            [
                "",
                str(product.id),
                "EV-A",
                "commissioning",
                "2025-09-02T10:00+07:00",
                "",
                "",
                "",
                "",
            ],
            [lot_b.public_code, GTIN, "EV-B", "Lưu kho", "2025-09-01 23:30Z", "", "", "", ""],
        ]
    )
    token, page = preview(client, content, "events")
    assert "4 rows ready" in plain(page), problems_by_line(page)
    assert client.post(f"/producer/import/{token}").status_code == 302

    db.session.expire_all()
    events_a = list(db.session.scalars(select(Event).where(Event.lot_id == lot_a.id)))
    by_sequence = sorted(events_a, key=lambda e: e.sequence)
    assert [e.step for e in by_sequence] == ["harvesting", "commissioning", "packing"]
    packing = by_sequence[2]
    assert packing.event_time.replace(tzinfo=UTC) == datetime(2025, 9, 3, 7, 0, tzinfo=UTC)
    assert packing.time_zone_offset == "+07:00"
    assert (packing.location_name, packing.actor) == ("Xưởng đóng chai", "Chị Lan")
    assert (packing.notes_vi, packing.notes_en) == ("Đóng chai", "Bottled")
    assert packing.recorded_by == producer_user.label
    harvest = by_sequence[0]
    # No place given: the facility, as the diary form suggests.
    assert harvest.location_name == "HTX Nước mắm Cát Hải (demo)"
    assert harvest.location_address == "Đặc khu Cát Hải, Hải Phòng"
    assert verify_chain(events_a, lot_a.public_code).intact

    events_b = list(db.session.scalars(select(Event).where(Event.lot_id == lot_b.id)))
    assert len(events_b) == 2
    stored = max(events_b, key=lambda e: e.sequence)
    assert stored.time_zone_offset == "+00:00"
    assert verify_chain(events_b, lot_b.public_code).intact

    done = plain(client.get(f"/producer/import/{token}/done", headers=EN).get_data(as_text=True))
    assert "4 diary entries recorded · 2 lots" in done


def test_confirming_twice_imports_once(client, product, db):
    token, _page = preview(client, make_csv([LOT_HEADER, [GTIN, "TWICE", "2026-09-01"]]))
    assert client.post(f"/producer/import/{token}").status_code == 302
    again = client.post(f"/producer/import/{token}")
    assert again.headers["Location"] == f"/producer/import/{token}/done"
    assert count(Lot) == 1
    # The preview of a finished import shows its result instead.
    assert client.get(f"/producer/import/{token}").status_code == 302


def test_unknown_columns_are_ignored_and_said_so(client, product):
    content = make_csv([["GTIN", "Mã lô", "NSX", "Ghi chú kho"], [GTIN, "X1", "2026-09-01", "A3"]])
    _token, page = preview(client, content)
    assert "1 row ready" in plain(page)
    assert "Columns not recognised, and ignored: Ghi chú kho." in page


def test_line_numbers_follow_the_spreadsheet_rows(client, product):
    """Blank rows count, a quoted cell spanning lines is one row, Excel hides a sep= line."""
    text = (
        "sep=,\r\n"
        + ",".join(EVENT_HEADER[:6])
        + "\r\n"
        + ',,,,,"first line\r\nsecond line"\r\n'
        + "\r\n"
        + ",,,,,\r\n"
        + ",,,Bogus step,2026-09-01 08:00,\r\n"
    )
    _token, page = preview(client, text.encode(), "events")
    problems = problems_by_line(page)
    assert set(problems) == {2, 5}


# -- every bad row, with its line and reason --------------------------------------------------


def test_every_bad_lot_row_is_listed_with_its_line_and_reason(
    client, product, other_producer_product, make_lot, db
):
    make_lot(product, "TAKEN")
    db.session.commit()
    rows = [
        LOT_HEADER,
        [GTIN, "OK-1", "2026-09-01", "", "", "", "", ""],  # 2: fine
        [UNREGISTERED_GTIN, "A1", "2026-09-01", "", "", "", "", ""],  # 3
        [OTHER_GTIN, "A2", "2026-09-01", "", "", "", "", ""],  # 4: another facility's
        [str(other_producer_product.id), "A3", "2026-09-01", "", "", "", "", ""],  # 5
        ["09520123450008", "A4", "2026-09-01", "", "", "", "", ""],  # 6: check digit
        [GTIN, "LÔ 1", "2026-09-01", "", "", "", "", ""],  # 7
        [GTIN, "X" * 21, "2026-09-01", "", "", "", "", ""],  # 8
        [GTIN, "", "2026-09-01", "", "", "", "", ""],  # 9
        [GTIN, "OK-1", "2026-09-02", "", "", "", "", ""],  # 10: same code as line 2
        [GTIN, "TAKEN", "2026-09-01", "", "", "", "", ""],  # 11
        [GTIN, "A5", "31/02/2026", "", "", "", "", ""],  # 12
        [GTIN, "A6", "2026-09-10", "", "2026-09-01", "", "", ""],  # 13
        [GTIN, "A7", "2026-09-10", "2026-09-09", "", "", "", ""],  # 14
        [GTIN, "A8", "2026-09-01", "", "2027-09-01", "2027-09-01", "", ""],  # 15
        [GTIN, "A9", "2026-09-01", "", "", "", "nhiều", "kg"],  # 16
        [GTIN, "A10", "2026-09-01", "", "", "", "-5", "kg"],  # 17
        [GTIN, "A11", "2026-09-01", "", "", "", "1.200", "kg"],  # 18
        [GTIN, "A12", "2026-09-01", "", "", "", "5", "xô"],  # 19
        [GTIN, "A13", "2026-09-01", "", "", "", "5", ""],  # 20
        ["9,52012E+12", "A14", "2026-09-01", "", "", "", "", ""],  # 21
        [GTIN, "A15", "2026-09-01", "", "", "", "", "", "oops"],  # 22
        [GTIN, "A16", "", "", "", "", "", ""],  # 23
        [GTIN, "A17", "2026-09-01", "", "", "", "", "chai"],  # 24
        [GTIN, "A18", "2026-09-10", "2026-09-12", "2026-09-11", "", "", ""],  # 25
    ]
    token, page = preview(client, make_csv(rows))
    problems = problems_by_line(page)
    expected = {
        3: f"None of your products has the GTIN {UNREGISTERED_GTIN}.",
        4: f"None of your products has the GTIN {OTHER_GTIN}.",
        5: f"None of your products has the number {other_producer_product.id}.",
        6: "its last digit, the check digit, should be 7",
        7: "A lot code may not contain “Ô”",
        8: "A lot code has at most 20 characters.",
        9: "Lot code: This column must be filled in.",
        10: "Lot code OK-1 of this product is already on line 2.",
        11: "This product already has a lot with that code.",
        12: "“31/02/2026” is not a date.",
        13: "Best before: Sep 1, 2026 is before the production date (Sep 10, 2026).",
        14: "Packing date: Sep 9, 2026 is before the production date (Sep 10, 2026).",
        15: "Give either a best-before date or an expiry date, not both.",
        16: "“nhiều” is not a quantity.",
        17: "The quantity must be more than zero.",
        18: "“1.200” is ambiguous: write 1200 without a separator",
        19: "Unknown unit “xô”.",
        20: "Give the unit of the quantity",
        21: "is a number the spreadsheet shortened",
        22: "This row has more cells than the header.",
        23: "Production date: This column must be filled in.",
        24: "Give the quantity as well as its unit.",
        25: "Best before: Sep 11, 2026 is before the packing date (Sep 12, 2026).",
    }
    assert set(problems) == set(expected), problems
    for line, message in expected.items():
        assert message in problems[line], (line, problems[line])
    assert "1 row ready" in plain(page) and "23 rows to correct" in plain(page)
    assert "Confirm import" not in page
    # A row naming another facility's product reads exactly as one naming nothing.
    assert (
        problems[4].replace(OTHER_GTIN, "X")[2:] == problems[3].replace(UNREGISTERED_GTIN, "X")[2:]
    )
    # Confirming anyway writes nothing.
    refused = client.post(f"/producer/import/{token}", headers=EN)
    assert refused.status_code == 409
    assert count(Lot) == 1  # TAKEN only


def test_every_bad_event_row_is_listed_with_its_line_and_reason(
    client, product, other_producer_product, make_lot, make_event, db
):
    mine = make_lot(product, "MINE")
    make_event(mine, "packing", datetime(2025, 9, 2, 8, 30, tzinfo=VIETNAM))
    theirs = make_lot(other_producer_product, "THEIRS")
    db.session.commit()
    tomorrow = (datetime.now(VIETNAM) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    code = mine.public_code
    rows = [
        EVENT_HEADER,
        [code, "", "", "harvesting", "2025-09-01 06:00", "", "", "", ""],  # 2: fine
        [code, "", "", "dancing", "2025-09-01 06:00", "", "", "", ""],  # 3
        [code, "", "", "Đính chính", "2025-09-01 06:00", "", "", "", ""],  # 4
        [code, "", "", "drying", tomorrow, "", "", "", ""],  # 5
        [code, "", "", "drying", "hôm qua", "", "", "", ""],  # 6
        [code, "", "", "drying", "2025-09-01", "", "", "", ""],  # 7
        ["ZZZZ-ZZZZ", "", "", "drying", "2025-09-01 06:00", "", "", "", ""],  # 8
        [theirs.public_code, "", "", "drying", "2025-09-01 06:00", "", "", "", ""],  # 9
        ["", OTHER_GTIN, "THEIRS", "drying", "2025-09-01 06:00", "", "", "", ""],  # 10
        ["", GTIN, "NOPE", "drying", "2025-09-01 06:00", "", "", "", ""],  # 11
        [code, "", "OTHER", "drying", "2025-09-01 06:00", "", "", "", ""],  # 12
        ["", "", "", "drying", "2025-09-01 06:00", "", "", "", ""],  # 13
        [code, "", "", "harvesting", "01/09/2025 06:00", "", "", "", ""],  # 14: as line 2
        [code, "", "", "packing", "2025-09-02 08:30", "", "", "", ""],  # 15: recorded
        [code, "", "", "drying", "2025-09-01 07:00", "x" * 201, "", "", ""],  # 16
        ["K7Q", "", "", "drying", "2025-09-01 06:00", "", "", "", ""],  # 17
        ["", GTIN, "", "drying", "2025-09-01 06:00", "", "", "", ""],  # 18
        [code, "", "", "", "", "", "", "", ""],  # 19
        [code, "", "", "drying", "2025-02-30 06:00", "", "", "", ""],  # 20
    ]
    token, page = preview(client, make_csv(rows), "events")
    problems = problems_by_line(page)
    expected = {
        3: "Unknown step “dancing”. Use one of: Sowing, Planting,",
        4: "A correction refers to an earlier entry",
        5: "This time is in the future.",
        6: "“hôm qua” is not a date and time.",
        7: "Give the time as well as the date, for example 2025-09-01 08:30.",
        8: "None of your lots has the short code ZZZZ-ZZZZ.",
        9: f"None of your lots has the short code {format_public_code(theirs.public_code)}.",
        10: f"None of your products has the GTIN {OTHER_GTIN}.",
        11: "Cat Hai anchovy fish sauce has no lot NOPE.",
        12: f"The short code {format_public_code(code)} is lot MINE of Cat Hai anchovy fish sauce",
        13: "Say which lot: give its short code, or the product and the lot code.",
        14: "Line 2 already records this step on this lot at the same time.",
        15: "The lot's diary already has this step at this time (imported before?).",
        16: "Place: At most 200 characters.",
        17: "A short code has 8 characters",
        18: "Lot code: This column must be filled in.",
        19: "Step: This column must be filled in.",
        20: "“2025-02-30 06:00” is not a date and time.",
    }
    assert set(problems) == set(expected), problems
    for line, message in expected.items():
        assert message in problems[line], (line, problems[line])
    assert "Time: This column must be filled in." in problems[19].replace("Date and time", "Time")
    # Another facility's lot, by short code or by GTIN and lot code, reads as no lot at all.
    assert "None of your lots has the short code" in problems[9]
    assert "Confirm import" not in page
    assert client.post(f"/producer/import/{token}").status_code == 409
    assert count(Event) == 1


def test_problems_are_explained_in_the_users_language(client, product):
    content = make_csv([LOT_HEADER, [GTIN, "LÔ 1", "2026-09-01"]])
    _token, page = preview(client, content, headers={"Accept-Language": "vi"})
    problem = problems_by_line(page)[2]
    assert "Mã lô:" in problem  # the column named in Vietnamese
    assert "Mã lô không được chứa ký tự “Ô”" in problem
    assert "A lot code may not contain" not in problem


# -- all or nothing ---------------------------------------------------------------------------


def test_one_bad_row_among_many_writes_nothing(client, product):
    rows = [LOT_HEADER] + [[GTIN, f"MANY-{n}", "2026-09-01"] for n in range(60)]
    rows.insert(41, [GTIN, "BAD LOT", "2026-09-01"])
    token, page = preview(client, make_csv(rows))
    assert set(problems_by_line(page)) == {42}
    assert "60 rows ready" in plain(page) and "1 row to correct" in plain(page)
    assert client.post(f"/producer/import/{token}").status_code == 409
    assert count(Lot) == 0


def test_a_lot_code_taken_between_preview_and_confirm_writes_nothing(client, product, make_lot, db):
    rows = [LOT_HEADER] + [[GTIN, f"RACE-{n}", "2026-09-01"] for n in range(5)]
    token, page = preview(client, make_csv(rows))
    assert "Confirm import of 5 rows" in page
    make_lot(product, "RACE-3")  # someone registers one of the codes meanwhile
    db.session.commit()
    response = client.post(f"/producer/import/{token}", headers=EN)
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "the data changed since the preview. Nothing was imported." in text
    assert "This product already has a lot with that code." in problems_by_line(text)[5]
    assert list(_db.session.scalars(select(Lot.code))) == ["RACE-3"]


@pytest.fixture
def collide_on_insert(db):
    """Make the n-th insert of a model collide with a row a concurrent writer slips in first."""
    registered = []

    def arm(model, nth: int, conflicting_row) -> None:
        seen = []

        def before_insert(mapper, connection, target):
            seen.append(target)
            if len(seen) == nth:
                connection.execute(model.__table__.insert().values(**conflicting_row(target)))

        sa_event.listen(model, "before_insert", before_insert)
        registered.append((model, before_insert))

    yield arm
    for model, listener in registered:
        sa_event.remove(model, "before_insert", listener)


def test_a_failure_while_writing_lots_rolls_everything_back(client, product, collide_on_insert):
    rows = [LOT_HEADER] + [[GTIN, f"ROLL-{n}", "2026-09-01"] for n in range(5)]
    token, _page = preview(client, make_csv(rows))
    collide_on_insert(
        Lot,
        3,
        lambda lot: {"product_id": lot.product_id, "code": lot.code, "public_code": "ZZZZ0000"},
    )
    response = client.post(f"/producer/import/{token}", headers=EN)
    assert response.status_code == 409
    assert "Nothing was imported: line 4 could not be saved" in response.get_data(as_text=True)
    assert count(Lot) == 0  # neither the two lots before it nor the intruder


def test_a_failure_while_writing_events_rolls_everything_back(
    client, product, make_lot, db, collide_on_insert
):
    lots = [make_lot(product, f"EVR-{n}") for n in range(3)]
    db.session.commit()
    rows = [EVENT_HEADER] + [
        [lot.public_code, "", "", step, f"2025-09-0{day} 08:00", "", "", "", ""]
        for lot in lots
        for day, step in ((1, "harvesting"), (2, "packing"))
    ]
    token, _page = preview(client, make_csv(rows), "events")
    collide_on_insert(
        Event,
        4,
        lambda event: {
            "uuid": "intruder",
            "lot_id": event.lot_id,
            "sequence": event.sequence,
            "step": "storing",
            "event_time": datetime(2026, 9, 1, tzinfo=UTC),
            "previous_hash": "0" * 64,
            "hash": "0" * 64,
        },
    )
    response = client.post(f"/producer/import/{token}", headers=EN)
    assert response.status_code == 409
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert count(Event) == 0
    assert count(Lot) == 3


# -- whose data -------------------------------------------------------------------------------


def test_another_users_preview_is_not_found(client, product, make_user, switch_user, db):
    token, _page = preview(client, make_csv([LOT_HEADER, [GTIN, "MINE-1", "2026-09-01"]]))
    owner_facility = product.producer
    stranger = make_user()
    colleague = make_user(producer=owner_facility)
    db.session.commit()
    for other in (stranger, colleague):
        switch_user(other)
        assert client.get(f"/producer/import/{token}").status_code == 404
        assert client.post(f"/producer/import/{token}").status_code == 404
        assert client.get(f"/producer/import/{token}/done").status_code == 404
    assert count(Lot) == 0


def test_another_users_result_is_not_found(client, product, make_user, switch_user):
    token, _page = preview(client, make_csv([LOT_HEADER, [GTIN, "MINE-2", "2026-09-01"]]))
    client.post(f"/producer/import/{token}")
    switch_user(make_user())
    assert client.get(f"/producer/import/{token}/done").status_code == 404
    assert client.post(f"/producer/import/{token}").status_code == 404


@pytest.mark.parametrize("token", ["nope", "../../etc/passwd", "a" * 32, "x" * 100])
def test_unknown_or_malformed_tokens_are_not_found(client, producer_user, token):
    assert client.get(f"/producer/import/{token}").status_code == 404
    assert client.post(f"/producer/import/{token}").status_code == 404


def test_an_expired_preview_is_not_found(client, product, app):
    token, _page = preview(client, make_csv([LOT_HEADER, [GTIN, "OLD-1", "2026-09-01"]]))
    path = Path(app.config["UPLOAD_FOLDER"]) / "imports" / f"{token}.json"
    data = json.loads(path.read_text())
    data["created_at"] = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    path.write_text(json.dumps(data))
    assert client.post(f"/producer/import/{token}").status_code == 404
    assert count(Lot) == 0


def test_the_import_pages_are_for_producers_only(client, make_user, switch_user):
    assert client.get("/producer/import").status_code == 302  # to sign in
    switch_user(make_user(Role.INSPECTOR))
    assert client.get("/producer/import").status_code == 403
    assert client.get("/producer/import/template/lots.csv").status_code == 403


@pytest.fixture
def csrf_client(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        _db.create_all()
        yield app.test_client()
        _db.session.remove()
        _db.engine.dispose()


def test_uploads_and_confirmations_need_the_csrf_token(csrf_client, make_user, make_product):
    user = make_user()
    make_product(producer=user.producer)
    _db.session.commit()
    with csrf_client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    content = make_csv([LOT_HEADER, [GTIN, "CSRF-1", "2026-09-01"]])
    assert upload(csrf_client, "lots", content).status_code == 400
    form = csrf_client.get("/producer/import").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = csrf_client.post(
        "/producer/import",
        data={"kind": "lots", "file": (io.BytesIO(content), "a.csv"), "csrf_token": csrf},
    )
    token = token_of(response)
    assert csrf_client.post(f"/producer/import/{token}").status_code == 400
    _db.session.rollback()  # another app's session wrote: start a fresh read
    assert count(Lot) == 0
    confirmed = csrf_client.post(f"/producer/import/{token}", data={"csrf_token": csrf})
    assert confirmed.status_code == 302
    _db.session.rollback()
    assert count(Lot) == 1


# -- files that cannot be imported ------------------------------------------------------------


def refused(client, content, kind="lots", filename="rows.csv") -> str:
    response = upload(client, kind, content, filename)
    assert response.status_code == 400
    assert not stored_files(client.application)
    return html.unescape(response.get_data(as_text=True))


# Werkzeug's test client spools a body over 500 KB to a temporary file it never closes.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_file_over_two_megabytes_is_refused(client, product):
    big = make_csv([LOT_HEADER]) + b"#" * (imports.MAX_FILE_BYTES + 1)
    assert "The file is larger than 2 MB." in refused(client, big)
    with pytest.raises(imports.FileTooLarge):
        imports.read_file(big, ImportKind.LOTS)  # for callers other than the form, too
    gc.collect()  # close the client's spool here, where its warning is expected


@pytest.mark.parametrize(
    "content",
    [
        "Lô hàng;Đơn\nLÔ-1;x\n".encode("cp1258"),
        "Mã lô,Sản phẩm\n".encode("utf-16"),
        "Mã lô,Sản phẩm\n".encode("latin-1", errors="replace"),
    ],
    ids=["cp1258", "utf-16", "latin-1"],
)
def test_files_not_in_utf8_are_refused_not_guessed(client, product, content):
    assert "The file is not UTF-8 text." in refused(client, content)


def test_a_workbook_is_refused_as_not_csv(client, product):
    assert "This is not a CSV file" in refused(
        client, b"PK\x03\x04" + b"\x00" * 100, filename="x.xlsx"
    )


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n ;;\r\n"])
def test_an_empty_file_is_refused(client, product, content):
    assert "The file is empty." in refused(client, content)


def test_a_cell_too_long_for_csv_is_refused_with_its_line(client, product):
    rows = [LOT_HEADER, [GTIN, "L1", "2026-09-01"], [GTIN, "L2", "x" * 200_000]]
    assert "The file could not be read as CSV near line 3." in refused(client, make_csv(rows))


def test_a_header_without_rows_is_refused(client, product):
    assert "The file has a header line but no rows to import." in refused(
        client, make_csv([LOT_HEADER])
    )


def test_a_missing_required_column_is_named(client, product):
    text = refused(client, make_csv([["GTIN", "Ngày sản xuất"], [GTIN, "2026-09-01"]]))
    assert "The first line must name the columns. Missing: Mã lô / Lot code." in text


def test_an_events_file_needs_a_way_to_name_the_lot(client, product):
    text = refused(
        client, make_csv([["Step", "Time", "Lot code"], ["packing", "x", "L1"]]), "events"
    )
    assert "Missing: Mã tra cứu / Short code | Sản phẩm (GTIN hoặc số)" in text


def test_a_file_of_the_other_kind_is_recognised(client, product):
    text = refused(client, make_csv([LOT_HEADER, [GTIN, "L1", "2026-09-01"]]), "events")
    assert "This file's columns are those of the other kind of import." in text


def test_two_columns_meaning_the_same_are_refused(client, product):
    content = make_csv([["GTIN", "Sản phẩm", "Mã lô", "NSX"], [GTIN, GTIN, "L1", "2026-09-01"]])
    assert "Two columns of the first line mean the same thing" in refused(client, content)


def test_no_file_chosen(client, product):
    response = client.post("/producer/import", data={"kind": "lots"}, headers=EN)
    assert response.status_code == 400
    assert "Choose a CSV file." in response.get_data(as_text=True)


def test_more_than_five_thousand_rows_are_refused(client, product):
    rows = [LOT_HEADER] + [[GTIN, f"N{n}", "2026-09-01"] for n in range(imports.MAX_ROWS + 1)]
    text = refused(client, make_csv(rows))
    assert "The file has 5,001 rows; import at most 5,000 at a time." in text


@pytest.mark.slow
def test_five_thousand_lots_import_in_one_go(client, product):
    rows = [LOT_HEADER] + [
        [GTIN, f"BULK-{n:04d}", "01/09/2026", "", "01/09/2028", "", "1200", "chai"]
        for n in range(imports.MAX_ROWS)
    ]
    token, page = preview(client, make_csv(rows, delimiter=";", bom=True))
    assert "5,000 rows ready" in plain(page)
    started = time.perf_counter()
    assert client.post(f"/producer/import/{token}").status_code == 302
    elapsed = time.perf_counter() - started
    assert count(Lot) == imports.MAX_ROWS
    assert elapsed < 120  # generous: a smoke alarm, not a benchmark


@pytest.fixture
def request_ctx(app):
    """Messages are built in the visitor's language, which needs a request."""
    with app.test_request_context(headers=EN):
        yield


# -- reading cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "kind", "key"),
    [
        ("Mã lô / Lot code", ImportKind.LOTS, "lot_code"),
        ("MÃ LÔ", ImportKind.LOTS, "lot_code"),
        ("ma lo", ImportKind.LOTS, "lot_code"),
        ("Lot  Code ", ImportKind.LOTS, "lot_code"),
        ("lot_code", ImportKind.LOTS, "lot_code"),
        ("Hạn sử dụng", ImportKind.LOTS, "expiry"),
        ("HSD", ImportKind.LOTS, "expiry"),
        ("Sản phẩm (GTIN hoặc số)", ImportKind.LOTS, "product"),
        ("Product", ImportKind.LOTS, "product"),
        ("Ngày sản xuất / Production date", ImportKind.LOTS, "production_date"),
        ("Thời gian / Date and time", ImportKind.EVENTS, "event_time"),
        ("Ghi chú tiếng Việt", ImportKind.EVENTS, "notes_vi"),
        ("Notes in English", ImportKind.EVENTS, "notes_en"),
        ("Mã tra cứu", ImportKind.EVENTS, "public_code"),
        ("Công đoạn / Step", ImportKind.EVENTS, "step"),
        ("Địa điểm", ImportKind.EVENTS, "place"),
        ("Colour", ImportKind.LOTS, None),
        ("Công đoạn", ImportKind.LOTS, None),
    ],
)
def test_headers_match_in_either_language_without_case_or_diacritics(app, cell, kind, key):
    assert imports.match_header(cell, kind) == key


def test_no_two_columns_share_a_name(app):
    for kind in ImportKind:
        names = [imports._names(column) for column in imports.COLUMNS[kind]]
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                assert not first & second


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1200", Decimal("1200")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("0,250", Decimal("0.250")),
        ("1.200,5", Decimal("1200.5")),
        ("1,200.5", Decimal("1200.5")),
        ("1.200.000", Decimal("1200000")),
        ("1 200", Decimal("1200")),
    ],
)
def test_quantities_take_a_decimal_comma_or_point(request_ctx, raw, expected):
    assert imports.parse_quantity(raw) == expected


@pytest.mark.parametrize("raw", ["1.200", "1,500", "abc", "0", "-3", "1,2,3", "1.2.3,4", "0,0001"])
def test_doubtful_quantities_are_refused(request_ctx, raw):
    with pytest.raises(imports._Bad):
        imports.parse_quantity(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-09-01", date(2026, 9, 1)),
        ("01/09/2026", date(2026, 9, 1)),
        ("1/9/2026", date(2026, 9, 1)),
        ("01-09-2026", date(2026, 9, 1)),
        ("01.09.2026", date(2026, 9, 1)),
        ("01/09/2026 00:00", date(2026, 9, 1)),
    ],
)
def test_dates_are_iso_or_day_first(request_ctx, raw, expected):
    assert imports.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["09/31/2026", "2026-13-01", "1/9/26", "2026-09-01 08:00", "x"])
def test_other_dates_are_refused(request_ctx, raw):
    with pytest.raises(imports._Bad):
        imports.parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-09-02 08:30", datetime(2026, 9, 2, 1, 30, tzinfo=UTC)),
        ("02/09/2026 08:30", datetime(2026, 9, 2, 1, 30, tzinfo=UTC)),
        ("2026-09-02T08:30:15", datetime(2026, 9, 2, 1, 30, 15, tzinfo=UTC)),
        ("2026-09-02 08:30+09:00", datetime(2026, 9, 1, 23, 30, tzinfo=UTC)),
        ("2026-09-02 08:30 -0300", datetime(2026, 9, 2, 11, 30, tzinfo=UTC)),
        ("2026-09-02 08:30Z", datetime(2026, 9, 2, 8, 30, tzinfo=UTC)),
        ("2/9/2026 8:30 PM", datetime(2026, 9, 2, 13, 30, tzinfo=UTC)),
        ("2/9/2026 8:30 SA", datetime(2026, 9, 2, 1, 30, tzinfo=UTC)),
    ],
)
def test_event_times_are_vietnam_time_unless_an_offset_says_otherwise(request_ctx, raw, expected):
    assert imports.parse_event_time(raw) == expected


def test_excel_text_cells_are_unwrapped_and_text_is_composed(app):
    assert imports.clean_cell(' ="09520123450007" ') == "09520123450007"
    assert imports.clean_cell("Thu hoa\u0323ch\u00a0") == "Thu hoạch"
