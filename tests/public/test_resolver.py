"""Digital Link paths: canonical pages, tolerated forms, malformed and unknown codes."""

from __future__ import annotations

import pytest


def test_product_page_lists_its_lots(client, make_product, make_lot):
    product = make_product()
    make_lot(product, "L1")
    make_lot(product, "L2")

    response = client.get(f"/01/{product.gtin}?lang=en")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cat Hai anchovy fish sauce" in html
    assert f'href="/01/{product.gtin}/10/L1"' in html
    assert f'href="/01/{product.gtin}/10/L2"' in html


def test_thirteen_digit_gtin_redirects_to_the_canonical_uri(client, make_lot):
    lot = make_lot()
    response = client.get(f"/01/{lot.product.gtin[1:]}/10/{lot.code}")
    # GS1 strict parsing rejects a 13-digit GTIN (dl-parse-1454 and friends);
    # the resolver tolerates it and points to the canonical 14-digit form.
    assert response.status_code == 301
    assert response.headers["Location"] == f"/01/{lot.product.gtin}/10/{lot.code}"


def test_trailing_slash_redirects_to_the_canonical_uri(client, make_lot):
    lot = make_lot()
    response = client.get(f"/01/{lot.product.gtin}/10/{lot.code}/")
    # dl-parse-1531: a trailing slash is not a valid Digital Link; we redirect.
    assert response.status_code == 301
    assert response.headers["Location"] == f"/01/{lot.product.gtin}/10/{lot.code}"


def test_redirect_keeps_the_query(client, make_lot):
    lot = make_lot()
    response = client.get(f"/01/{lot.product.gtin}/10/{lot.code}/?lang=en")
    assert response.headers["Location"].endswith("?lang=en")


def test_lot_code_with_a_slash_is_percent_encoded(client, make_product, make_lot):
    lot = make_lot(make_product(), "2026/09")
    html = client.get(f"/01/{lot.product.gtin}").get_data(as_text=True)
    assert f'href="/01/{lot.product.gtin}/10/2026%2F09"' in html
    response = client.get(f"/01/{lot.product.gtin}/10/2026%2F09")
    assert response.status_code == 200
    assert "2026/09" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/01/09520123450008/10/CH2023-01", "should be 7"),
        ("/01/0952012345001/10/CH2023-01", "check digit"),
        ("/01/ABCDEFGHIJKLMN", "contains digits only"),
        ("/01/09520123450007/10/L%C3%94-01", "may not contain “Ô”"),
        ("/01/09520123450007/10/A%20B", "may not contain “ ”"),
        ("/01/09520123450007/10/ABCDEFGHIJKLMNOPQRSTU", "at most 20 characters"),
        ("/01/09520123450007/10/", "The lot code is empty"),
        ("/01/09520123450007/99/X", "not a valid GS1 Digital Link"),
        ("/01//09520123450007", "(GTIN) is empty"),
    ],
)
def test_malformed_codes_answer_400_with_a_bilingual_explanation(client, path, expected):
    response = client.get(path + "?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html
    assert "This code is not valid" in html
    assert expected in html
    assert 'class="other" lang="vi"' in html


def test_bad_check_digit_explains_the_expected_digit(client):
    response = client.get("/01/09520123450008/10/X?lang=en")
    assert response.status_code == 400
    assert "should be 7" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/01/09520123450007/10/NOPE",
        "/01/09520123450007",
        "/01/09520123450007/21/SERIAL1",
        "/t/ZZZZZZZZ",
    ],
)
def test_unknown_well_formed_codes_answer_404(client, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Mã này chưa được đăng ký" in html
    assert "<form" in html  # offers to try again


def test_malformed_short_code_answers_400(client):
    response = client.get("/t/ABC?lang=en")
    assert response.status_code == 400
    assert "8 characters (letters and digits)" in response.get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/01/%00",
        "/01/%FF%FE",
        "/01/" + "9" * 5000,
        "/01/09520123450007/10/%",
        "/01/09520123450007?17=999999",
        "/t/%00%01",
        "/lookup?q=%00",
        "/lookup?q=" + "(" * 300,
    ],
)
def test_hostile_input_never_gives_a_500(client, path):
    assert client.get(path).status_code < 500


def test_head_is_answered_without_a_body(client, make_lot):
    lot = make_lot()
    response = client.head(f"/01/{lot.product.gtin}/10/{lot.code}")
    assert response.status_code == 200
    assert response.get_data() == b""
