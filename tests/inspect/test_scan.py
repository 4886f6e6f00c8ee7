"""The scan page and the code resolver: what the camera reads or the inspector types."""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import force_locale

from lookup_site import paths
from lookup_site.messages import describe
from lookup_site.services import lookup


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def public_message(query: str, lang: str) -> str:
    """What the public lookup says about query, in lang."""
    try:
        lookup.resolve(query)
    except Exception as error:  # noqa: BLE001 - any refusal is what we compare with
        with force_locale(lang):
            return describe(error)
    raise AssertionError(f"{query!r} resolved")


def test_the_scan_page_serves_its_own_decoder_and_no_inline_script(client, inspector):
    response = client.get("/inspect/?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    scripts = re.findall(r"<script\b[^>]*>", page)
    # Static URLs carry their content hash (?v=…), so a new version is fetched at once.
    assert len(scripts) == 1
    assert re.fullmatch(r'<script src="/static/inspect/scan\.js\?v=[0-9a-f]{8}" defer>', scripts[0])
    assert re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S) == [""]  # nothing inline
    assert re.search(r'data-decoder-url="/static/inspect/vendor/jsQR\.js\?v=[0-9a-f]{8}"', page)
    assert 'data-resolve-url="/inspect/resolve"' in page
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", page)  # no CDN anywhere
    # Works without JavaScript: a plain GET form to the resolver.
    assert 'action="/inspect/resolve"' in page and 'name="q"' in page


def test_the_decoder_and_its_licence_are_served_from_the_site(client, inspector):
    decoder = client.get("/static/inspect/vendor/jsQR.js")
    assert decoder.status_code == 200 and b"jsQR" in decoder.get_data()
    decoder.close()
    script = client.get("/static/inspect/scan.js")
    assert script.status_code == 200 and b"BarcodeDetector" in script.get_data()
    script.close()
    vendor = paths.resource_dir("static") / "inspect" / "vendor"
    assert "Apache License" in (vendor / "jsQR.LICENSE").read_text()
    assert "jsqr 1.4.0" in (vendor / "README.md").read_text()


@pytest.mark.parametrize(
    "query",
    [
        "{short}",
        "{short_dashed_lower}",
        "https://txng.example.vn/01/09520123450007/10/CH2023-01",
        "https://txng.example.vn/t/{short}",
        "(01)09520123450007(10)CH2023-01",
        "/01/9520123450007/10/CH2023-01",
    ],
)
def test_codes_open_the_inspectors_lot_view(client, inspector, lot, query):
    code = lot.public_code
    query = query.format(short=code, short_dashed_lower=f"{code[:4]}-{code[4:]}".lower())
    response = client.get("/inspect/resolve", query_string={"q": query})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/inspect/lots/{lot.id}"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("   ", 400),
        ("https://txng.example.vn/01/09520123450008/10/CH2023-01", 400),  # check digit
        ("(01)09520123450007(10)LÔ-1", 400),
        ("12345", 400),
        ("ZZZZ-ZZZZ", 404),
        ("https://txng.example.vn/01/09520123450007/10/NOPE", 404),
        ("09520123450014", 404),
    ],
)
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_bad_and_unknown_codes_get_the_public_lookups_message(
    client, inspector, lot, query, status, lang
):
    response = client.get("/inspect/resolve", query_string={"q": query, "lang": lang})
    assert response.status_code == status
    page = text_of(response)
    assert public_message(query, lang) in page
    assert 'class="error"' in page and 'name="q"' in page  # next to the field, form kept


def test_an_overlong_code_is_refused(client, inspector):
    response = client.get("/inspect/resolve", query_string={"lang": "en", "q": "A" * 2001})
    assert response.status_code == 400
    assert "2000" in text_of(response)


def test_a_product_code_lists_the_products_lots(client, inspector, lot, make_lot):
    other = make_lot(lot.product, "CH2023-02")
    response = client.get("/inspect/resolve", query_string={"lang": "en", "q": "09520123450007"})
    assert response.status_code == 200
    page = text_of(response)
    assert "This code names a product, not a lot" in page
    assert f'href="/inspect/lots/{lot.id}"' in page and f'href="/inspect/lots/{other.id}"' in page


def test_a_code_pointing_at_another_site_is_flagged(client, inspector, lot):
    response = client.get(
        "/inspect/resolve",
        query_string={
            "lang": "en",
            "q": "https://txng-check.example.com/01/09520123450007/10/CH2023-01",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "points to another site (txng-check.example.com)" in page
    assert "CH2023-01" in page


def test_our_own_codes_are_not_flagged(client, inspector, lot):
    response = client.get(
        "/inspect/resolve",
        query_string={"lang": "en", "q": "https://txng.example.vn/01/09520123450007/10/CH2023-01"},
        follow_redirects=True,
    )
    assert "points to another site" not in text_of(response)
