"""Label sheets for item codes: every label decodes to its own item's URL and shows its code."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask_babel import force_locale
from PIL import Image, ImageDraw
from pypdf import PdfReader

from lookup_site.messages import describe
from lookup_site.models import Serial
from lookup_site.services import labels, serial_labels, serial_qr, serials

NAME_VI = "Nước mắm cá cơm Cát Hải"
TAGLINE_VI, TAGLINE_EN = labels.TAGLINE


@pytest.fixture
def lot(make_product, make_lot, producer_user):
    return make_lot(make_product(producer=producer_user.producer))


@pytest.fixture
def issue(db):
    def issue(lot, count: int) -> list[Serial]:
        items = serials.generate_serials(lot, count)
        db.session.commit()
        return items

    return issue


def sheets(lot, grid: str = labels.DEFAULT_GRID, **options) -> tuple[bytes, int]:
    """Write the lot's item labels as a job does: in Vietnamese, outside any page request."""
    out = io.BytesIO()
    with force_locale("vi"):
        count = serial_labels.write_serial_sheets(lot, out, grid, **options)
    return out.getvalue(), count


def page_count(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def render(data: bytes, index: int, dpi: int = 300) -> tuple[Image.Image, str]:
    """Rasterise one page at dpi; return the image and the page's extracted text."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[index]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        text_page = page.get_textpage()
        image, text = bitmap.to_pil().copy(), text_page.get_text_range()
        text_page.close()
        bitmap.close()
        page.close()
    finally:
        document.close()
    return image, text


def codes_by_cell(image: Image.Image, grid: labels.Grid, dpi: int = 300) -> list[str]:
    """Decode every label's QR code on the page; return their texts in label order."""
    px = dpi / 25.4
    # Scanning a whole page, zxing-cpp now and then also reports a tiny phantom symbol
    # inside a finder pattern; a label's own code fills most of its square.
    side = min(grid.label.height - 2 * labels.PAD_MM, grid.label.width / 2) * px
    found = [
        code
        for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if code.position.bottom_right.x - code.position.top_left.x > side / 2
    ]
    assert all(code.ec_level == "M" for code in found)
    pitch_x, pitch_y = (grid.label.width + grid.gap_x) * px, (grid.label.height + grid.gap_y) * px

    def cell(code) -> int:
        centre_x = (code.position.top_left.x + code.position.bottom_right.x) / 2 - grid.left * px
        centre_y = (code.position.top_left.y + code.position.bottom_right.y) / 2 - grid.top * px
        return int(centre_y // pitch_y) * grid.columns + int(centre_x // pitch_x)

    return [code.text for code in sorted(found, key=cell)]


def flat(text: str) -> str:
    return " ".join(text.split())


def solid(text: str) -> str:
    """Extracted text without any space or line break: a code broken over lines reads whole."""
    # PDFium reports a hyphen that ends a line as U+FFFE, the hyphen it may have added.
    return "".join(text.split()).replace("\ufffe", "-")


# --- pages and codes -------------------------------------------------------------------


@pytest.mark.parametrize(("grid", "pages"), [("2x7", 4), ("3x7", 3), ("3x8", 2), ("4x10", 2)])
def test_one_label_per_item_fills_the_grid_page_by_page(app, lot, issue, grid, pages):
    issue(lot, 45)
    data, count = sheets(lot, grid)
    assert count == 45
    assert page_count(data) == pages
    assert PdfReader(io.BytesIO(data)).pages[0].mediabox.width == pytest.approx(
        labels.A4_MM[0] / 25.4 * 72, abs=0.1
    )


@pytest.mark.parametrize("grid_key", ["4x10", "2x7"])
def test_every_label_decodes_to_its_own_items_url_in_issue_order(
    app, lot, issue, make_lot, grid_key
):
    items = issue(lot, 50)
    issue(make_lot(lot.product, code="CH2023-02"), 5)  # another lot's items stay off the sheet
    grid = labels.GRIDS[grid_key]
    data, count = sheets(lot, grid_key)
    assert count == 50
    urls = [serials.serial_url(item) for item in items]
    first_page, text = render(data, 0)
    assert codes_by_cell(first_page, grid) == urls[: grid.per_sheet]
    last_index = page_count(data) - 1
    last_page, _ = render(data, last_index)
    assert codes_by_cell(last_page, grid) == urls[last_index * grid.per_sheet :]
    # First, middle and last item: the URL is exactly the item's Digital Link.
    assert urls[0] == f"https://txng.example.vn/01/09520123450007/10/CH2023-01/21/{items[0].serial}"
    assert urls[25].endswith(f"/21/{items[25].serial}") and urls[-1].endswith(items[-1].serial)


def test_each_label_shows_its_item_code_the_name_lot_and_tagline(app, lot, issue):
    items = issue(lot, 40)
    data, _ = sheets(lot, "4x10")
    _, text = render(data, 0)
    for item in items:
        assert solid(serials.short_code(lot, item.serial)) in solid(text)
    words = flat(text)
    assert words.count(NAME_VI) == 40  # diacritics extracted back as written
    assert words.count("CH2023-01") == 40
    assert words.count(TAGLINE_VI) == 40 and words.count(TAGLINE_EN) == 40
    assert b"DejaVuSansCondensed" in data and b"Helvetica" not in data


def test_on_a_wide_label_the_item_code_is_one_line(app, lot, issue):
    items = issue(lot, 3)
    data, _ = sheets(lot, "2x7")
    _, text = render(data, 0)
    lines = text.splitlines()
    for item in items:
        assert serials.short_code(lot, item.serial) in lines


def test_on_a_narrow_label_the_code_breaks_after_the_lots_part_never_inside_the_serial(app, lot):
    code = serials.short_code(lot, "7HG3KQ9M2XTB")
    text = labels.LabelText(NAME_VI, "Lô: CH2023-01", code, labels.TAGLINE)
    for grid in ("3x7", "3x8", "4x10"):
        layout = labels.layout_label(labels.GRIDS[grid].label, text)
        lines = [line.text for line in layout.lines if line.block == "code"]
        assert lines == [f"{code[:10]}", "7HG3KQ9M2XTB"]
        assert all(line.size >= 6.0 for line in layout.lines if line.block == "code")


def test_a_serial_unlike_the_others_gets_a_label_laid_out_on_its_own(app, db, lot, issue):
    items = issue(lot, 3)
    odd = Serial(lot_id=lot.id, product_id=lot.product_id, serial="A1")
    db.session.add(odd)
    db.session.commit()
    data, count = sheets(lot, "4x10")
    assert count == 4
    image, text = render(data, 0)
    urls = [serials.serial_url(item) for item in [*items, odd]]
    assert codes_by_cell(image, labels.GRIDS["4x10"]) == urls
    assert serials.short_code(lot, "A1") in text.splitlines()
    assert flat(text).count(NAME_VI) == 4


def test_codes_are_vector_rectangles_with_their_quiet_zone(app, lot, issue):
    issue(lot, 2)
    data, _ = sheets(lot, "4x10")
    reader = PdfReader(io.BytesIO(data))
    resources = reader.pages[0]["/Resources"]["/XObject"]
    subtypes = {str(resources[name].get_object()["/Subtype"]) for name in resources}
    assert subtypes == {"/Form"}  # no image anywhere: codes are drawn, not pasted

    url = "https://txng.example.vn/01/09520123450007/10/CH2023-01/21/7HG3KQ9M2XTB"
    modules, runs = serial_qr.symbol_runs(url, "M", labels.QUIET_ZONE)
    rectangles = [tuple(map(int, run.split()[:4])) for run in runs.splitlines()]
    assert all(height == 1 for _, _, _, height in rectangles)
    assert min(x for x, _, _, _ in rectangles) == labels.QUIET_ZONE
    assert min(y for _, y, _, _ in rectangles) == labels.QUIET_ZONE
    assert max(x + w for x, _, w, _ in rectangles) == modules - labels.QUIET_ZONE
    assert max(y + 1 for _, y, _, _ in rectangles) == modules - labels.QUIET_ZONE
    scale = 8
    image = Image.new("L", (modules * scale, modules * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in rectangles:
        draw.rectangle((x * scale, y * scale, (x + w) * scale - 1, (y + h) * scale - 1), fill=0)
    [decoded] = zxingcpp.read_barcodes(image)
    assert (decoded.text, decoded.ec_level) == (url, "M")


# --- progress and workers --------------------------------------------------------------


def test_progress_rises_page_by_page_to_the_total(app, lot, issue):
    issue(lot, 90)
    calls: list[tuple[int, int]] = []
    sheets(lot, "4x10", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 90), (40, 90), (80, 90), (90, 90)]


def test_two_worker_processes_draw_the_same_pdf_as_one(app, lot, issue):
    issue(lot, 300)
    calls: list[tuple[int, int]] = []
    alone, count = sheets(lot, "4x10", workers=1)
    pooled, pooled_count = sheets(
        lot, "4x10", workers=2, progress=lambda done, total: calls.append((done, total))
    )
    assert count == pooled_count == 300
    assert pooled == alone  # same labels, same order, same bytes
    assert [done for done, _ in calls] == [0, *range(40, 300, 40), 300]
    assert {total for _, total in calls} == {300}


# --- refusals --------------------------------------------------------------------------


def test_a_lot_without_item_codes_is_refused_with_a_clear_reason(app, lot, make_lot, issue):
    issue(make_lot(lot.product, code="CH2023-02"), 3)  # another lot's codes do not count
    out = io.BytesIO()
    with pytest.raises(serial_labels.LotHasNoSerials) as refused, force_locale("vi"):
        serial_labels.write_serial_sheets(lot, out)
    assert refused.value.reason == "lot_has_no_serials"
    assert out.getvalue() == b""  # nothing written
    with app.test_request_context("/?lang=en"):
        assert describe(refused.value) == (
            "This lot has no item codes yet. Issue item codes first, then print their labels."
        )


def test_an_unknown_sheet_layout_is_refused(app, lot, issue):
    issue(lot, 2)
    out = io.BytesIO()
    with pytest.raises(labels.InvalidLabelRequest) as refused, force_locale("vi"):
        serial_labels.write_serial_sheets(lot, out, "5x13")
    assert refused.value.params["field"] == "grid"
    assert out.getvalue() == b""


def test_benchmark_draws_made_up_items_without_a_database():
    result = serial_labels.benchmark(count=41, workers=1)
    assert result["labels"] == 41
    assert result["workers"] == 1
    assert result["bytes"] > 10_000
    assert result["labels_per_second"] == pytest.approx(41 / result["seconds"], rel=0.05)
