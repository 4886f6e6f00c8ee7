"""A shopper on a phone: the lot page, the English switch and a recall."""

from __future__ import annotations


def test_a_shopper_reads_the_lot_journey_and_switches_to_english(demo_site, page):
    response = page.goto(demo_site.url + demo_site.example_lot)
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h2", has_text="Hành trình của lô hàng").is_visible()
    timeline = page.locator("ol.timeline > li")
    steps = timeline.count()
    assert steps >= 3
    assert timeline.first.locator("time").is_visible()

    switch = page.locator("header a.lang")
    assert switch.inner_text() == "English"
    switch.tap()
    page.wait_for_url("**?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2", has_text="Journey of this lot").is_visible()
    assert page.locator("ol.timeline > li").count() == steps
    assert page.locator("header a.lang").inner_text() == "Tiếng Việt"
    # The choice is remembered: the next page opens in English without ?lang=.
    page.goto(demo_site.url + demo_site.example_product)
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_shopper_sees_the_recall_banner_first(demo_site, page):
    page.goto(demo_site.url + demo_site.recalled_lot)
    banner = page.locator("main .banner.recalled[role=alert]")
    assert banner.is_visible()
    assert "Lô hàng đã bị thu hồi" in banner.inner_text()
    assert "in nhầm hạn sử dụng" in banner.inner_text()
    # Above the fold on a phone: the shopper cannot miss it.
    box = banner.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844

    page.locator("header a.lang").tap()
    page.wait_for_url("**?lang=en")
    banner = page.locator("main .banner.recalled")
    assert "Recalled: do not eat or use this lot." in banner.inner_text()
    assert "Voluntary recall" in banner.inner_text()
