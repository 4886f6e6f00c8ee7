"""QR codes encode the canonical URL on the configured base, never the request host."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image


def decode_png(data: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    assert len(results) == 1
    return results[0].text


def test_png_decodes_to_the_digital_link(client, make_lot):
    lot = make_lot()
    response = client.get(
        f"/t/{lot.public_code}/qr.png?lang=en",
        base_url="http://some-internal-host:8080",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert decode_png(response.get_data()) == (
        "https://txng.example.vn/01/09520123450007/10/CH2023-01"
    )


def test_png_for_a_product_without_gtin_encodes_the_short_code_url(client, make_product, make_lot):
    lot = make_lot(make_product(gtin=None))
    response = client.get(f"/t/{lot.public_code}/qr.png")
    assert decode_png(response.get_data()) == f"https://txng.example.vn/t/{lot.public_code}"


def test_lot_code_is_percent_encoded_in_the_qr(client, make_lot):
    lot = make_lot(code="A/B+C")
    text = decode_png(client.get(f"/t/{lot.public_code}/qr.png").get_data())
    assert text == "https://txng.example.vn/01/09520123450007/10/A%2FB%2BC"


def test_svg_is_served(client, make_lot):
    lot = make_lot()
    response = client.get(f"/t/{lot.public_code}/qr.svg")
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<svg")


@pytest.mark.parametrize("path", ["/t/ZZZZZZZZ/qr.png", "/t/ZZZZZZZZ/qr.svg"])
def test_qr_of_an_unknown_lot_is_404(client, path):
    assert client.get(path).status_code == 404


def test_qr_scale_is_bounded(client, make_lot):
    lot = make_lot()
    small = client.get(f"/t/{lot.public_code}/qr.png?scale=1").get_data()
    huge = client.get(f"/t/{lot.public_code}/qr.png?scale=100000").get_data()
    assert len(huge) < 200_000
    assert len(small) < len(huge)
