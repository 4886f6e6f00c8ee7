"""Manual lookup on the home page: short code, pasted URL or GS1 element string."""

from __future__ import annotations

import pytest


def test_home_page_offers_the_lookup_form(client):
    html = client.get("/").get_data(as_text=True)
    assert 'action="/lookup"' in html
    assert "<script" not in html


@pytest.mark.parametrize(
    "typed",
    [
        "{public}",
        "  {public_lower}  ",
        "{public_dashed}",
        "https://txng.example.vn/01/09520123450007/10/CH2023-01",
        "https://other-resolver.example/some/stem/01/09520123450007/10/CH2023-01?17=281231",
        "https://id.gs1.org/01/9520123450007/10/CH2023-01",
        "https://txng.example.vn/01/09520123450007/10/CH2023-01/",
        "https://txng.example.vn/t/{public}",
        "(01)09520123450007(10)CH2023-01",
        " (01) 09520123450007 (10) CH2023-01 ",
        "(01)09520123450007(17)281231(10)CH2023-01",
    ],
)
def test_lookup_finds_the_lot(client, make_lot, typed):
    lot = make_lot()
    code = lot.public_code
    typed = typed.format(
        public=code, public_lower=code.lower(), public_dashed=f"{code[:4]}-{code[4:]}"
    )
    response = client.get("/lookup", query_string={"q": typed})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == "/01/09520123450007/10/CH2023-01"


@pytest.mark.parametrize("typed", ["09520123450007", "9520123450007", "(01)09520123450007"])
def test_lookup_of_a_gtin_finds_the_product(client, make_lot, typed):
    make_lot()
    response = client.get("/lookup", query_string={"q": typed})
    assert response.status_code == 303
    assert response.headers["Location"] == "/01/09520123450007"


@pytest.mark.parametrize(
    ("typed", "status", "message"),
    [
        ("", 400, "Enter the code printed under the QR code"),
        ("   ", 400, "Enter the code printed under the QR code"),
        ("09520123450008", 400, "check digit"),
        ("12345", 400, "8, 12, 13 or 14 digits"),
        ("(01)09520123450007(10)LÔ 1", 400, "could not be read"),
        ("https://example.com/not/a/link", 400, "not a valid GS1 Digital Link"),
        ("ABC", 400, "8 characters (letters and digits)"),
        ("ZZZZZZZZ", 404, "not registered"),
        ("(01)09520123450007(10)OTHER", 404, "not registered"),
    ],
)
def test_lookup_explains_what_is_wrong(client, make_lot, typed, status, message):
    make_lot()
    response = client.get("/lookup", query_string={"q": typed, "lang": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in html
    assert f'value="{typed}"' in html or not typed.strip()  # the form keeps what was typed
