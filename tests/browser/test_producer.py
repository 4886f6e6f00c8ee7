"""A producer on a phone: register a lot, write its diary, print its labels."""

from __future__ import annotations

import re

from pypdf import PdfReader

from .conftest import PRODUCER_EMAIL


def test_a_producer_registers_a_lot_writes_the_diary_and_downloads_labels(
    demo_site, page, sign_in, tmp_path
):
    sign_in(page, PRODUCER_EMAIL)
    assert page.url.endswith("/producer/")

    page.goto(f"{demo_site.url}/producer/lots/new")
    # The form comes filled in with a suggested code and today's date.
    assert page.input_value("#code")
    page.select_option("#product_id", index=1)
    page.fill("#code", "BT-2611-99")
    page.fill("#quantity", "1200")
    with page.expect_navigation():
        page.locator("main form.stack button[type=submit]").tap()
    assert re.search(r"/producer/lots/\d+$", page.url), page.locator("main").inner_text()
    lot_url = page.url
    assert page.locator("h1 code").inner_text() == "BT-2611-99"
    assert page.locator("ol.timeline").count() == 0  # no diary yet

    page.locator("main .actions a[href$='/events/new']").tap()
    page.wait_for_url("**/events/new")
    page.select_option("#step", "packing")
    page.fill("#event_time", "2026-11-28T08:30")
    page.fill("#location_name", "Xưởng đóng chai số 3")
    page.fill("#notes_vi", "Đóng chai thử nghiệm trên điện thoại.")
    with page.expect_navigation():
        page.locator("main form.stack button[type=submit]").tap()
    page.goto(lot_url)
    entry = page.locator("ol.timeline > li", has_text="Xưởng đóng chai số 3")
    assert entry.count() == 1
    assert "Đóng chai thử nghiệm trên điện thoại." in entry.inner_text()

    page.locator("main .actions a[href$='/labels']").tap()
    page.wait_for_url("**/labels")
    with page.expect_download() as download_info:
        page.locator("form[action$='/labels/sheet.pdf'] button[type=submit]").tap()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    sheet = PdfReader(saved)
    assert len(sheet.pages) == 1
    assert "BT-2611-99" in sheet.pages[0].extract_text()
