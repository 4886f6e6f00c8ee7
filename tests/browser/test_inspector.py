"""An inspector on a phone records an inspection; shoppers see it on the lot's page."""

from __future__ import annotations

from .conftest import INSPECTOR_EMAIL, PHONE


def test_an_inspection_recorded_on_site_shows_on_the_public_timeline(
    demo_site, chromium, page, sign_in
):
    sign_in(page, INSPECTOR_EMAIL)
    assert page.url.endswith("/inspect/")
    # The code typed from the package, as when the camera cannot read it.
    page.fill("#q", "https://txng.example.vn" + demo_site.inspected_lot)
    with page.expect_navigation():
        page.locator("main form.stack button[type=submit]").tap()
    assert page.url.endswith(f"/inspect/lots/{demo_site.inspected_lot_id}")

    page.locator(f"a[href$='/lots/{demo_site.inspected_lot_id}/inspections/new']").first.tap()
    page.wait_for_url("**/inspections/new")
    page.locator("input[name=result][value=observation]").check()
    page.fill("#notes", "Nhãn còn nguyên, hạn dùng in rõ; hàng bày nơi khô ráo.")
    page.fill("#location_name", "Chợ Tam Bạc, quầy 12")
    with page.expect_navigation():
        page.locator("main form.stack button[type=submit]").tap()
    assert "/inspect/inspections/" in page.url, page.locator("main").inner_text()

    # A shopper's phone, with nothing cached from before the inspection.
    shopper = chromium.new_context(**PHONE)
    try:
        public = shopper.new_page()
        public.goto(demo_site.url + demo_site.inspected_lot)
        entry = public.locator("ol.timeline > li", has_text="Chợ Tam Bạc, quầy 12")
        assert entry.count() == 1
        text = entry.inner_text()
        assert "Kiểm tra" in text
        assert "Kết quả: Ghi nhận." in text
        assert "Nhãn còn nguyên, hạn dùng in rõ" in text
        assert "Trần Văn Kiểm (demo)" in text
    finally:
        shopper.close()
