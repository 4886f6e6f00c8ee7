"""Inspection history: filters, pages, the CSV export, one inspection and its PDF report."""

from __future__ import annotations

import csv
import html
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select, update

from lookup_site.models import Event, Inspection, InspectionResult, Role
from lookup_site.services import inspections
from lookup_site.services.clock import VIETNAM


@pytest.fixture
def record(app, db):
    """Record an inspection through the service, at a chosen time (Vietnam's wall clock)."""

    def make(lot, inspector, result="conformant", when=None, **draft) -> Inspection:
        with app.test_request_context():
            inspection = inspections.record_inspection(
                lot,
                inspections.InspectionDraft(result=InspectionResult(result), **draft),
                inspector,
            )
        if when is not None:
            db.session.execute(
                update(Inspection)
                .where(Inspection.id == inspection.id)
                .values(created_at=when.astimezone(UTC))
            )
        db.session.commit()
        return inspection

    return make


@pytest.fixture
def catalogue(make_user, make_producer, make_product, make_lot, record, inspector):
    """Three inspections: two facilities, two inspectors, three results, three days."""
    other_inspector = make_user(Role.INSPECTOR, display_name="Phạm Thu Hà")
    rice_farm = make_producer(name_vi='=HYPERLINK("http://x") HTX Gạo (demo)', name_en=None)
    sauce = make_lot()
    rice = make_lot(
        make_product(producer=rice_farm, gtin=None, name_vi="Gạo ruộng rươi", name_en=None), "G-1"
    )
    day = datetime(2026, 10, 5, 9, 0, tzinfo=VIETNAM)
    first = record(sauce, inspector, "conformant", when=day, location_name="Chợ Sắt")
    second = record(
        rice,
        other_inspector,
        "non_conformant",
        when=day + timedelta(days=1, hours=14, minutes=30),  # 23:30 in Vietnam, 16:30 UTC
        notes="Bao bì ghi sai nơi sản xuất.",
        suspend=True,
        reason_vi="Đang xác minh nơi sản xuất.",
    )
    third = record(sauce, other_inspector, "observation", when=day + timedelta(days=3))
    return {
        "sauce": sauce,
        "rice": rice,
        "rice_farm": rice_farm,
        "other": other_inspector,
        "inspections": [first, second, third],
    }


def listed(client, query: str = "") -> str:
    response = client.get(f"/inspect/inspections?lang=en&{query}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def ids_in(page: str, catalogue) -> list[int]:
    return [
        inspection.id
        for inspection in catalogue["inspections"]
        if f'href="/inspect/inspections/{inspection.id}"' in page
    ]


def test_the_history_lists_all_newest_first(client, catalogue):
    page = listed(client)
    first, second, third = catalogue["inspections"]
    assert ids_in(page, catalogue) == [first.id, second.id, third.id]
    positions = [page.index(f'href="/inspect/inspections/{i.id}"') for i in (third, second, first)]
    assert positions == sorted(positions)
    assert "suspended the lot" in page and "Non-conformant" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("result=non_conformant", [1]),
        ("result=conformant", [0]),
        ("date_from=2026-10-06&date_to=2026-10-06", [1]),  # 23:30 local stays on the 6th
        ("date_from=2026-10-06", [1, 2]),
        ("date_to=2026-10-05", [0]),
        ("inspector={other}", [1, 2]),
        ("producer={rice_farm}", [1]),
        ("producer={rice_farm}&result=conformant", []),
        ("date_from=0001-01-01&date_to=9999-12-31", [0, 1, 2]),
        ("date_to=0001-01-01", []),
    ],
)
def test_filters(client, catalogue, query, expected):
    query = query.format(other=catalogue["other"].id, rice_farm=catalogue["rice_farm"].id)
    page = listed(client, query)
    wanted = [catalogue["inspections"][index].id for index in expected]
    assert sorted(ids_in(page, catalogue)) == sorted(wanted)
    if not expected:
        assert "No inspections match." in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=05/10/2026", "Not a valid date value."),
        ("date_from=2026-10-07&date_to=2026-10-06", "The end date is before the start date."),
        ("result=passed", "Not a valid choice."),
        ("producer=999999", "Not a valid choice."),
        ("inspector=abc", "Not a valid choice."),
    ],
)
def test_bad_filters_are_explained(client, catalogue, query, message):
    for path in ("/inspect/inspections", "/inspect/inspections.csv"):
        response = client.get(f"{path}?lang=en&{query}")
        assert response.status_code == 400
        page = html.unescape(response.get_data(as_text=True))
        assert message in page and 'class="error"' in page


def test_pages_of_results(client, catalogue, monkeypatch):
    monkeypatch.setattr(inspections, "PAGE_SIZE", 2)
    first_page = listed(client)
    assert len(ids_in(first_page, catalogue)) == 2 and "Older" in first_page
    second_page = listed(client, "page=2")
    assert ids_in(second_page, catalogue) == [catalogue["inspections"][0].id]
    assert "Newer" in second_page and "Older" not in second_page
    filtered = listed(client, "result=observation")
    assert "page=2" not in filtered
    for page in ("0", "-3", "x", str(10**30)):
        assert client.get(f"/inspect/inspections?page={page}").status_code == 200


def read_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_export_of_the_filtered_list(client, catalogue):
    response = client.get("/inspect/inspections.csv?result=non_conformant")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = read_csv(response)
    assert rows[0] == list(inspections.CSV_COLUMNS)
    assert rows[0][1] == "Thời điểm / Time"
    (row,) = rows[1:]
    record = dict(zip(rows[0], row, strict=True))
    second = catalogue["inspections"][1]
    assert record["Số / No."] == str(second.id)
    assert record["Thời điểm / Time"] == "2026-10-06T23:30:00+07:00"
    assert record["Kết quả / Result"] == "non_conformant"
    assert record["Sản phẩm / Product"] == "Gạo ruộng rươi"
    assert record["Ghi chú / Notes"] == "Bao bì ghi sai nơi sản xuất."
    assert record["Cán bộ kiểm tra / Inspector"] == "Phạm Thu Hà"
    assert record["Đình chỉ lô / Suspended the lot"] == "yes"
    assert record["Trạng thái lô hiện nay / Lot status now"] == "suspended"
    # A facility name that looks like a spreadsheet formula arrives as text.
    assert record["Cơ sở / Producer"].startswith("'=HYPERLINK")


def test_csv_export_of_everything(client, catalogue):
    rows = read_csv(client.get("/inspect/inspections.csv"))
    assert len(rows) == 4
    assert {row[3] for row in rows[1:]} == {"conformant", "non_conformant", "observation"}


def test_csv_with_no_match_has_just_the_header(client, catalogue):
    rows = read_csv(client.get("/inspect/inspections.csv?date_from=2030-01-01"))
    assert rows == [list(inspections.CSV_COLUMNS)]


def test_one_inspections_page(client, catalogue):
    second = catalogue["inspections"][1]
    response = client.get(f"/inspect/inspections/{second.id}?lang=en")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    for text in (
        "Gạo ruộng rươi",
        "G-1",
        "Phạm Thu Hà",
        "Non-conformant",
        "Bao bì ghi sai nơi sản xuất.",
        "(with this inspection)",
        "Đang xác minh nơi sản xuất.",
        f"/inspect/inspections/{second.id}/report.pdf",
    ):
        assert text in page, text


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            texts.append(text_page.get_text_range())
            text_page.close()
            page.close()
        return " ".join(" ".join(texts).split())
    finally:
        document.close()


def test_the_pdf_report_renders_vietnamese(client, db, inspector, lot, photo):
    client.post(
        f"/inspect/lots/{lot.id}/inspections/new?lang=vi",
        data={
            "result": "non_conformant",
            "notes": "Nhãn thiếu hạn sử dụng; đề nghị cơ sở bổ sung.",
            "location_name": "Chợ Sắt, phường Hồng Bàng",
            "latitude": "20.861234",
            "longitude": "106.683456",
            "suspend": "y",
            "reason_vi": "Tạm dừng bán để xác minh.",
            "photos": [photo("a.jpg"), photo("b.jpg", (20, 90, 200))],
        },
        content_type="multipart/form-data",
    )
    inspection = db.session.scalar(select(Inspection))
    response = client.get(f"/inspect/inspections/{inspection.id}/report.pdf?lang=vi")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF-") and data.count(b"/Subtype /Image") == 2
    text = pdf_text(data)
    for expected in (
        "Nước mắm cá cơm Cát Hải",
        "CH2023-01",
        "HTX Nước mắm Cát Hải (demo)",
        "Trần Văn Kiểm",
        "Nhãn thiếu hạn sử dụng; đề nghị cơ sở bổ sung.",
        "Chợ Sắt, phường Hồng Bàng (20.861234, 106.683456)",
        "Tạm dừng bán để xác minh.",
        str(inspection.id),
    ):
        assert expected in text, expected
    english = pdf_text(
        client.get(f"/inspect/inspections/{inspection.id}/report.pdf?lang=en").get_data()
    )
    assert "Non-conformant" in english and "Intact: 3 diary entries unchanged." in english
    assert "Status history of the lot" in english and "* made with this inspection" in english


def test_the_pdf_report_survives_a_lost_photo_file(client, db, app, inspector, lot, photo):
    client.post(
        f"/inspect/lots/{lot.id}/inspections/new",
        data={"result": "observation", "photos": [photo()]},
        content_type="multipart/form-data",
    )
    inspection = db.session.scalar(select(Inspection))
    for file in Path(app.config["UPLOAD_FOLDER"]).rglob("*-thumb.jpg"):
        file.unlink()
    response = client.get(f"/inspect/inspections/{inspection.id}/report.pdf?lang=en")
    assert response.status_code == 200
    assert "Photo file missing" in pdf_text(response.get_data())


def test_the_report_of_a_lot_with_a_broken_chain_says_so(client, db, inspector, lot, record):
    inspection = record(lot, inspector)
    db.session.execute(update(Event).where(Event.sequence == 1).values(actor="Someone else"))
    db.session.commit()
    text = pdf_text(
        client.get(f"/inspect/inspections/{inspection.id}/report.pdf?lang=en").get_data()
    )
    assert "Broken at entry 1" in text
