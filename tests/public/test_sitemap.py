"""Sitemap and robots.txt, on the configured public base URL."""

from __future__ import annotations

from xml.etree import ElementTree


def test_sitemap_lists_products_lots_and_producers(client, make_product, make_lot):
    lot = make_lot()
    no_gtin = make_lot(make_product(gtin=None, name_vi="Bánh đa"), "BD-1")

    response = client.get("/sitemap.xml", base_url="http://internal-host:8000")

    assert response.mimetype == "application/xml"
    tree = ElementTree.fromstring(response.get_data())
    locs = [el.text for el in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://txng.example.vn/01/09520123450007" in locs
    assert "https://txng.example.vn/01/09520123450007/10/CH2023-01" in locs
    assert f"https://txng.example.vn/t/{no_gtin.public_code}" in locs
    assert f"https://txng.example.vn/producers/{lot.product.producer_id}" in locs
    assert not any("internal-host" in loc for loc in locs)


def test_robots_points_to_the_sitemap(client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: https://txng.example.vn/sitemap.xml" in body
