"""QR labels: every code decodes to the lot's canonical URL, the text renders in Vietnamese."""

from __future__ import annotations

import html
import io
import re
import unicodedata
import xml.etree.ElementTree as ET

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from lookup_site.labels_benchmark import init_app as add_benchmark_command
from lookup_site.models import LotStatus, Role
from lookup_site.services import labels

URL = "https://txng.example.vn/01/09520123450007/10/CH2023-01"
NAME_VI = "Nước mắm cá cơm Cát Hải"
NAME_EN = "Cat Hai anchovy fish sauce"
TAGLINE_VI, TAGLINE_EN = labels.TAGLINE
ROUTES = ("", "/qr.svg", "/qr.png", "/label.pdf", "/sheet.pdf")


@pytest.fixture
def lot(producer_user, make_product, make_lot):
    """A lot of the signed-in producer's own product."""
    return make_lot(make_product(producer=producer_user.producer))


def labels_url(lot, route: str = "", **query) -> str:
    path = f"/producer/lots/{lot.id}/labels{route}"
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def pdf_pages(data: bytes, dpi: int = 300) -> list[tuple[Image.Image, str, tuple[float, float]]]:
    """Rasterise each page at dpi; return (image, extracted text, page size in mm)."""
    document = pdfium.PdfDocument(data)
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            text_page = page.get_textpage()
            width, height = page.get_size()
            pages.append(
                (
                    bitmap.to_pil().copy(),
                    text_page.get_text_range(),
                    (width * 25.4 / 72, height * 25.4 / 72),
                )
            )
            text_page.close()
            bitmap.close()
            page.close()
    finally:
        document.close()
    return pages


def codes(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def flat(text: str) -> str:
    """Extracted text with line breaks as spaces (wrapped lines read as one)."""
    return " ".join(text.split())


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def download(client, path: str, mimetype: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, page_text(response)[:2000]
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response.get_data()


# --- the page ------------------------------------------------------------------------


def test_the_labels_page_shows_the_code_short_code_and_choices(client, lot):
    response = client.get(labels_url(lot, lang="en"))
    text = page_text(response)
    assert response.status_code == 200
    assert f"{lot.public_code[:4]}-{lot.public_code[4:]}" in text
    assert URL in text
    assert "<svg" in text  # the preview, inline: no second request on a slow connection
    for grid in labels.GRIDS.values():
        assert grid.like in text
    assert f'action="/producer/lots/{lot.id}/labels/sheet.pdf"' in text
    assert f'action="/producer/lots/{lot.id}/labels/qr.png"' in text


def test_a_recalled_lot_still_gets_labels_with_a_warning(client, db, lot):
    lot.status = LotStatus.RECALLED
    db.session.commit()
    response = client.get(labels_url(lot, lang="en"))
    assert "This lot is recalled or suspended." in page_text(response)


# --- sheets ----------------------------------------------------------------------------


@pytest.mark.parametrize("grid", labels.GRIDS)
def test_every_code_on_a_sheet_decodes_to_the_lot_url_at_300_dpi(client, lot, grid):
    data = download(client, labels_url(lot, "/sheet.pdf", grid=grid), "application/pdf")
    [(image, text, size)] = pdf_pages(data)
    found = codes(image)
    assert len(found) == labels.GRIDS[grid].per_sheet
    assert set(found) == {URL}
    assert size == pytest.approx(labels.A4_MM, abs=0.1)


def test_label_text_is_real_text_in_the_bundled_font(client, lot):
    data = download(client, labels_url(lot, "/sheet.pdf", lang="vi"), "application/pdf")
    [(_, text, _)] = pdf_pages(data)
    words = flat(text)
    short_code = f"{lot.public_code[:4]}-{lot.public_code[4:]}"
    assert words.count(NAME_VI) == 40  # diacritics extracted back as written: the font maps them
    assert words.count("CH2023-01") == 40
    assert words.count(short_code) == 40
    assert words.count(TAGLINE_VI) == 40 and words.count(TAGLINE_EN) == 40
    assert b"/FontFile2" in data  # an embedded TrueType font...
    assert b"DejaVuSansCondensed" in data
    assert b"Helvetica" not in data  # ...and never a core PDF font, which has no "ắ"


def test_the_product_name_follows_the_chosen_language(client, lot):
    data = download(client, labels_url(lot, "/sheet.pdf", lang="en", count=3), "application/pdf")
    [(image, text, _)] = pdf_pages(data)
    assert flat(text).count(NAME_EN) == 3
    assert NAME_VI not in flat(text)
    assert codes(image) == [URL] * 3  # the code never carries a language


def test_a_thousand_labels_fill_pages_and_the_last_page_decodes(client, lot):
    path = labels_url(lot, "/sheet.pdf", grid="4x10", count=1000)
    response = client.get(path)
    assert response.headers["Content-Disposition"].endswith('-sheet-4x10-1000.pdf"')
    document = pdfium.PdfDocument(response.get_data())
    try:
        assert len(document) == 25
        page = document[24]
        bitmap = page.render(scale=300 / 72, grayscale=True)
        image = bitmap.to_pil().copy()
        bitmap.close()
        page.close()
    finally:
        document.close()
    assert codes(image) == [URL] * 40


def test_count_and_start_place_labels_across_pages(client, lot):
    grid = labels.GRIDS["3x8"]
    path = labels_url(lot, "/sheet.pdf", grid="3x8", count=30, start=5)
    pages = pdf_pages(download(client, path, "application/pdf"))
    assert [len(codes(image)) for image, _, _ in pages] == [20, 10]
    first_page = pages[0][0]
    found = zxingcpp.read_barcodes(first_page, formats=zxingcpp.BarcodeFormat.QRCode)
    # Positions 1-4 stay blank (already used): no code starts above the second row.
    second_row_top = (grid.top + grid.label.height) / 25.4 * 300
    assert min(result.position.top_left.y for result in found) > second_row_top - 5
    assert flat(pages[1][1]).count("CH2023-01") == 10


def test_a_product_without_gtin_gets_the_short_code_url(
    client, producer_user, make_product, make_lot
):
    lot = make_lot(make_product(producer=producer_user.producer, gtin=None), code="NOGTIN-1")
    short_url = f"https://txng.example.vn/t/{lot.public_code}"
    data = download(client, labels_url(lot, "/sheet.pdf", count=4), "application/pdf")
    [(image, _, _)] = pdf_pages(data)
    assert codes(image) == [short_url] * 4
    png = download(client, labels_url(lot, "/qr.png"), "image/png")
    assert codes(Image.open(io.BytesIO(png))) == [short_url]


def test_the_code_ignores_the_request_host(client, producer_user, lot):
    internal = "http://internal-host:8080"
    with client.session_transaction(base_url=internal) as session:  # signed in on that host too
        session["_user_id"] = producer_user.get_id()
    response = client.get(labels_url(lot, "/label.pdf"), base_url=internal)
    assert response.mimetype == "application/pdf"
    [(image, _, _)] = pdf_pages(response.get_data())
    assert codes(image) == [URL]


def test_a_very_long_name_is_wrapped_shrunk_and_cut_but_the_label_holds(
    app, client, producer_user, make_product, make_lot
):
    name = ("Nước mắm cá cơm Cát Hải thượng hạng đặc biệt " * 5)[:200]  # the longest allowed
    product = make_product(producer=producer_user.producer, name_vi=name)
    lot = make_lot(product, code="A" * 20)
    data = download(client, labels_url(lot, "/sheet.pdf", lang="vi"), "application/pdf")
    [(image, text, _)] = pdf_pages(data)
    assert len(codes(image)) == 40
    assert "…" in text  # cut with an ellipsis...
    assert flat(text).count("A" * 20) == 40  # ...but the lot code is whole
    with app.test_request_context("/?lang=vi"):
        text_of_label = labels.label_text(lot)
        for size in [grid.label for grid in labels.GRIDS.values()] + list(
            labels.LABEL_SIZES.values()
        ):
            assert_layout_fits(labels.layout_label(size, text_of_label))


def assert_layout_fits(layout) -> None:
    """Every line inside the label's padding, none overlapping the next."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size = layout.size
    previous_bottom = 0.0
    for line in sorted(layout.lines, key=lambda line: line.baseline):
        width = stringWidth(line.text, line.font, line.size) * 25.4 / 72
        top = line.baseline - line.size * 25.4 / 72 * labels.ASCENT
        assert line.x + width <= size.width - labels.PAD_MM + 1e-6, line
        assert top >= previous_bottom - 1e-6, line
        assert line.size >= labels.CODE_MIN_PT
        previous_bottom = line.baseline + line.size * 25.4 / 72 * (labels.LEADING - labels.ASCENT)
    assert previous_bottom <= size.height - labels.PAD_MM + 1e-6
    assert layout.qr_side <= size.height - 2 * labels.PAD_MM


def test_decomposed_vietnamese_is_composed_before_drawing(
    client, producer_user, make_product, make_lot
):
    decomposed = unicodedata.normalize("NFD", "Mật ong hoa rừng Cát Bà")
    lot = make_lot(make_product(producer=producer_user.producer, name_vi=decomposed))
    data = download(client, labels_url(lot, "/label.pdf", lang="vi"), "application/pdf")
    [(_, text, _)] = pdf_pages(data)
    assert "Mật ong hoa rừng Cát Bà" in flat(text)


def test_the_same_lot_gives_the_same_bytes(client, lot):
    path = labels_url(lot, "/sheet.pdf")
    assert client.get(path).get_data() == client.get(path).get_data()


# --- one label -------------------------------------------------------------------------


@pytest.mark.parametrize("size", labels.LABEL_SIZES)
def test_one_label_pdf_is_a_page_the_size_of_the_label(client, lot, size):
    data = download(client, labels_url(lot, "/label.pdf", label_size=size), "application/pdf")
    [(image, text, page_size)] = pdf_pages(data)
    label = labels.LABEL_SIZES[size]
    assert page_size == pytest.approx((label.width, label.height), abs=0.1)
    assert codes(image) == [URL]
    assert NAME_VI in flat(text) and "CH2023-01" in text


# --- PNG and SVG -----------------------------------------------------------------------


@pytest.mark.parametrize(("size_mm", "dpi"), [(20, 150), (30, 300), (25, 600), (80, 1200)])
def test_png_has_the_pixel_size_of_its_millimetres_and_decodes(client, lot, size_mm, dpi):
    data = download(client, labels_url(lot, "/qr.png", size_mm=size_mm, dpi=dpi), "image/png")
    image = Image.open(io.BytesIO(data))
    pixels = round(size_mm / 25.4 * dpi)
    assert image.size == (pixels, pixels)
    assert round(image.info["dpi"][0]) == dpi
    assert codes(image) == [URL]
    # Whole pixels per module: the top-left finder pattern's top edge is 7 modules wide.
    # The quiet zone is 4 modules plus half the pixels left over (under one per module).
    total = labels.encode(URL).modules_with_quiet_zone
    module = pixels // total
    gray = image.convert("L")
    top = next(y for y in range(pixels) if _dark(gray, y))
    left = next(x for x in range(pixels) if gray.getpixel((x, top)) == 0)
    assert left == top
    assert left == 4 * module + (pixels - total * module) // 2
    run = next(x for x in range(left, pixels) if gray.getpixel((x, top)) != 0) - left
    assert run == 7 * module


def _dark(gray: Image.Image, y: int) -> bool:
    return any(gray.getpixel((x, y)) == 0 for x in range(gray.width))


def test_svg_parses_keeps_the_quiet_zone_and_decodes(client, lot):
    data = download(client, labels_url(lot, "/qr.svg"), "image/svg+xml")
    root = ET.fromstring(data)
    namespace = "{http://www.w3.org/2000/svg}"
    side = labels.encode(URL).modules_with_quiet_zone
    assert root.get("viewBox") == f"0 0 {side} {side}"
    assert root.find(f"{namespace}title").text == URL
    background = root.find(f"{namespace}rect")
    assert (background.get("width"), background.get("fill")) == (str(side), "#fff")
    rectangles = [
        tuple(map(int, match))
        for match in re.findall(
            r"M(\d+) (\d+)h(\d+)v(\d+)h-\d+z", root.find(f"{namespace}path").get("d")
        )
    ]
    assert rectangles
    assert min(x for x, _, _, _ in rectangles) == 4 and min(y for _, y, _, _ in rectangles) == 4
    assert max(x + w for x, _, w, _ in rectangles) == side - 4
    assert max(y + h for _, y, _, h in rectangles) == side - 4
    # Draw the path as the SVG says and scan it.
    scale = 8
    image = Image.new("L", (side * scale, side * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in rectangles:
        draw.rectangle((x * scale, y * scale, (x + w) * scale - 1, (y + h) * scale - 1), fill=0)
    assert codes(image) == [URL]


# --- bad parameters: a clear message, no file ---------------------------------------------


@pytest.mark.parametrize(
    ("route", "query", "message"),
    [
        ("/qr.png", {"size_mm": "19"}, "Enter a size from 20 to 80 mm, in whole millimetres."),
        ("/qr.png", {"size_mm": "81"}, "Enter a size from 20 to 80 mm, in whole millimetres."),
        ("/qr.png", {"size_mm": "25.5"}, "Enter a size from 20 to 80 mm, in whole millimetres."),
        ("/qr.png", {"size_mm": ""}, "Enter a size from 20 to 80 mm, in whole millimetres."),
        ("/qr.png", {"dpi": "149"}, "Enter a resolution from 150 to 1200 dpi."),
        ("/qr.png", {"dpi": "1201"}, "Enter a resolution from 150 to 1200 dpi."),
        ("/qr.png", {"dpi": "lots"}, "Enter a resolution from 150 to 1200 dpi."),
        ("/label.pdf", {"label_size": "10x10"}, "Choose one of the listed label sizes."),
        ("/sheet.pdf", {"grid": "5x13"}, "Choose one of the listed label sheets."),
        ("/sheet.pdf", {"count": "0"}, "Enter a number of labels from 1 to 1,000."),
        ("/sheet.pdf", {"count": "1001"}, "Enter a number of labels from 1 to 1,000."),
        ("/sheet.pdf", {"count": "-3"}, "Enter a number of labels from 1 to 1,000."),
        ("/sheet.pdf", {"count": "many"}, "Enter a number of labels from 1 to 1,000."),
        ("/sheet.pdf", {"start": "0"}, "Enter a label position from 1 to 40 on this sheet."),
        ("/sheet.pdf", {"start": "41"}, "Enter a label position from 1 to 40 on this sheet."),
        (
            "/sheet.pdf",
            {"grid": "2x7", "start": "15"},
            "Enter a label position from 1 to 14 on this sheet.",
        ),
    ],
)
def test_bad_parameters_get_a_message_and_no_file(client, lot, route, query, message):
    response = client.get(labels_url(lot, route, lang="en", **query))
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    text = page_text(response)
    assert f'<p class="error" role="alert">{message}</p>' in text


def test_bad_parameters_are_explained_in_vietnamese_by_default(client, lot):
    response = client.get(labels_url(lot, "/qr.png", size_mm="5"))
    assert response.status_code == 400
    assert '<html lang="vi">' in response.get_data(as_text=True)


def test_a_code_too_dense_for_the_size_is_refused_with_advice(app, client, lot):
    app.config["PUBLIC_BASE_URL"] = "https://" + "truy-xuat-nguon-goc." * 8 + "example.vn"
    response = client.get(labels_url(lot, "/qr.png", lang="en", size_mm=20, dpi=150))
    assert response.status_code == 400
    assert "Content-Disposition" not in response.headers
    assert "Choose a larger size or a higher resolution." in page_text(response)
    # The same code at a size it fits is served.
    assert client.get(labels_url(lot, "/qr.png", size_mm=40, dpi=300)).status_code == 200


def test_the_service_refuses_out_of_range_requests_too(app, lot):
    with app.test_request_context("/"):
        with pytest.raises(labels.InvalidLabelRequest):
            labels.sheet_pdf(lot, "4x10", count=labels.MAX_LABELS + 1)
        with pytest.raises(labels.InvalidLabelRequest):
            labels.sheet_pdf(lot, "4x10", skip=40)
        with pytest.raises(labels.InvalidLabelRequest):
            labels.sheet_pdf(lot, "9x9")
        with pytest.raises(labels.InvalidLabelRequest):
            labels.label_pdf(lot, "1x1")
        with pytest.raises(labels.InvalidLabelRequest):
            labels.qr_png(lot, 100, 300)


# --- who may print ---------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_another_producers_lot_is_not_found(
    client, make_user, login, make_product, make_lot, route
):
    owner = make_user()
    other_lot = make_lot(make_product(producer=owner.producer))
    login(make_user())  # a different producer
    assert client.get(labels_url(other_lot, route)).status_code == 404
    assert client.get(labels_url(other_lot, route, size_mm=5, grid="x")).status_code == 404


@pytest.mark.parametrize("route", ROUTES)
def test_an_unknown_lot_is_not_found(client, producer_user, route):
    assert client.get(f"/producer/lots/999999/labels{route}").status_code == 404


@pytest.mark.parametrize("route", ROUTES)
def test_signed_out_visitors_are_sent_to_sign_in(client, make_product, make_lot, route):
    lot = make_lot(make_product())
    response = client.get(labels_url(lot, route))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_inspectors_cannot_print_producer_labels(client, make_user, login, make_lot):
    lot = make_lot()
    login(make_user(Role.INSPECTOR))
    assert client.get(labels_url(lot, "/sheet.pdf")).status_code == 403


# --- geometry and the benchmark --------------------------------------------------------


@pytest.mark.parametrize("grid", labels.GRIDS.values(), ids=lambda grid: grid.key)
def test_grids_fit_a4_and_are_centred(grid):
    width, height = labels.A4_MM
    used_width = grid.columns * grid.label.width + (grid.columns - 1) * grid.gap_x
    used_height = grid.rows * grid.label.height + (grid.rows - 1) * grid.gap_y
    assert grid.left + used_width == pytest.approx(width - grid.left, abs=0.01)
    assert grid.top + used_height == pytest.approx(height - grid.top, abs=0.01)
    # A typical lot URL still prints with modules of at least 0.4 mm on the smallest label.
    side = min(grid.label.height - 2 * labels.PAD_MM, grid.label.width / 2)
    assert side / labels.encode(URL).modules_with_quiet_zone >= 0.4


def test_the_benchmark_reports_times_rates_and_sizes(app, runner):
    add_benchmark_command(app)
    result = runner.invoke(args=["labels-benchmark", "--repeat", "1"])
    assert result.exit_code == 0, result.output
    assert "one 4x10 sheet:" in result.output
    assert "1,000 labels (4x10, 25 pages):" in result.output
    assert result.output.count("labels/s") == 2 and "KiB" in result.output
