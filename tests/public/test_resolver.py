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


# --- Resolver methods, CORS and headers (GS1-conformant resolver) ---------------------------

BASE = "https://txng.example.vn"
LINKSET = "application/linkset+json"
PHONE = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0 Mobile Safari/537.36"
)


def assert_cross_origin(response) -> None:
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Link" in response.headers["Access-Control-Expose-Headers"]


def linkset_link(path: str) -> str:
    return f'<{BASE}{path}?linkType=linkset>; rel="linkset"; type="{LINKSET}"'


@pytest.fixture
def item(db, make_lot):
    from lookup_site.services import serials

    serial = serials.generate_serials(make_lot(), 1)[0]
    db.session.commit()
    return serial


def test_preflight_is_answered(client, make_lot):
    lot = make_lot()
    response = client.options(
        f"/01/{lot.product.gtin}/10/{lot.code}",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept, accept-language",
        },
    )
    assert response.status_code == 204
    assert response.get_data() == b""
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == "accept, accept-language"
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert_cross_origin(response)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/01/{gtin}/10/{lot}", 200),
        ("HEAD", "/01/{gtin}/10/{lot}", 200),
        ("GET", "/01/{gtin}/10/{lot}?linkType=linkset", 200),
        ("GET", "/01/{gtin}/10/{lot}?linkType=gs1:epcis", 307),
        ("GET", "/01/{gtin}/10/{lot}?linkType=gs1:nosuchlt", 404),
        ("GET", "/01/{gtin}/10/{lot}/", 301),
        ("GET", "/01/{gtin}/10/NOPE", 404),
        ("GET", "/01/09520123450008", 400),
        ("OPTIONS", "/01/09520123450008", 400),
        ("GET", "/.well-known/gs1resolver", 200),
        ("OPTIONS", "/.well-known/gs1resolver", 204),
        ("GET", "/t/{code}/epcis", 200),
        ("GET", "/t/ZZZZZZZZ/epcis", 404),
        ("OPTIONS", "/t/{code}/epcis", 204),
    ],
)
def test_every_resolver_answer_may_be_read_across_sites(client, make_lot, method, path, status):
    lot = make_lot()
    url = path.format(gtin=lot.product.gtin, lot=lot.code, code=lot.public_code)
    response = client.open(url, method=method)
    assert response.status_code == status
    assert_cross_origin(response)


def test_other_pages_are_not_opened_to_other_sites(client, make_lot):
    lot = make_lot()
    for url in (f"/t/{lot.public_code}", "/", f"/producers/{lot.product.producer_id}"):
        assert "Access-Control-Allow-Origin" not in client.get(url).headers


@pytest.mark.parametrize(
    ("method", "query", "headers"),
    [
        ("GET", "", {}),
        ("HEAD", "", {}),
        ("OPTIONS", "", {"Access-Control-Request-Method": "GET"}),
        ("GET", "?linkType=linkset", {}),
        ("GET", "", {"Accept": LINKSET}),
        ("HEAD", "?linkType=linkset", {}),
        ("GET", "?linkType=gs1:pip", {}),
    ],
)
@pytest.mark.parametrize(
    "path",
    [
        "/01/09520123450008/10/CH2023-01",  # check digit
        "/01/09520123450007/10/CH2023-01/foo",  # what GS1's suite sends (reportWith400)
        "/01/09520123450007/10/A%20B",
        "/01/09520123450007/99/X",
        "/01/09520123450007?17=999999",  # a query attribute that is not a date
    ],
)
def test_malformed_uris_are_400_whatever_the_method_or_request(
    client, make_lot, method, query, headers, path
):
    make_lot()
    url = path + (query.replace("?", "&") if "?" in path else query)
    response = client.open(url, method=method, headers=headers)
    assert response.status_code == 400, response.headers.get("Location")
    assert_cross_origin(response)
    assert "Link" not in response.headers


def test_bad_query_attribute_after_a_trailing_slash_is_one_redirect_then_400(client, make_lot):
    make_lot()
    first = client.get("/01/09520123450007/?17=999999&lang=en")
    assert first.status_code == 301
    assert first.headers["Location"] == "/01/09520123450007?17=999999&lang=en"
    second = client.get(first.headers["Location"])
    assert second.status_code == 400
    assert "This code is not valid" in second.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/01/{gtin}/10/{lot}", {}),
        ("HEAD", "/01/{gtin}/10/{lot}", {}),
        ("GET", "/01/{gtin}/10/{lot}", {"Accept": "application/json"}),
        ("GET", "/01/{gtin}", {}),
        ("GET", "/01/{gtin}/10/{lot}?linkType=gs1:epcis", {}),
        ("GET", "/01/{gtin}/10/{lot}?linkType=gs1:nosuchlt", {}),
    ],
)
def test_answers_point_to_the_linkset_in_one_short_link_header(
    client, make_lot, method, path, headers
):
    lot = make_lot()
    url = path.format(gtin=lot.product.gtin, lot=lot.code)
    response = client.open(url, method=method, headers=headers)
    assert response.headers["Link"] == linkset_link(url.partition("?")[0])
    assert "Accept" in response.headers["Vary"]


def test_the_canonical_redirects_point_to_the_canonical_linkset(client, make_lot):
    lot = make_lot()
    canonical = f"/01/{lot.product.gtin}/10/{lot.code}"
    for tolerated in (canonical + "/", f"/01/{lot.product.gtin[1:]}/10/{lot.code}"):
        response = client.get(tolerated)
        assert response.status_code == 301
        assert response.headers["Link"] == linkset_link(canonical)


def test_the_linkset_answer_points_to_its_json_ld_context(client, make_lot):
    lot = make_lot()
    response = client.get(f"/01/{lot.product.gtin}?linkType=linkset")
    assert response.headers["Link"] == (
        "<https://ref.gs1.org/standards/resolver/1.2.0/linkset-context>; "
        'rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
    )
    assert response.headers["Content-Type"] == LINKSET


def test_resolver_description(client):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    description = response.get_json()
    assert description["resolverRoot"] == BASE
    assert description["supportedPrimaryKeys"] == ["01"]
    assert description["supportedLinkType"] == [
        {"namespace": "https://gs1.org/voc/", "prefix": "gs1:"}
    ]
    assert description["linkTypeDefaultCanBeLinkset"] is False
    assert description["jsonLdContextLocation"].startswith("https://ref.gs1.org/")
    assert description["name"]
    head = client.head("/.well-known/gs1resolver")
    assert head.status_code == 200 and head.get_data() == b""


def test_resolver_root_follows_the_configured_base(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://truyxuat.example.vn"
    assert client.get("/.well-known/gs1resolver").get_json()["resolverRoot"] == (
        "https://truyxuat.example.vn"
    )


def test_epcis_document_of_a_lot(client, make_lot, make_event):
    from lookup_site.services import epcis

    lot = make_lot()
    make_event(lot, "packing")
    response = client.get(f"/t/{lot.public_code}/epcis")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    document = response.get_json(force=True)
    expected = epcis.lot_document(lot)
    document.pop("creationDate"), expected.pop("creationDate")
    assert document == expected
    assert document["type"] == "EPCISDocument"
    assert "Đóng chai 500 ml" in response.get_data(as_text=True)  # UTF-8, not \\u escapes


def test_epcis_document_is_valid_against_gs1s_schema(client, make_lot, make_event):
    from lookup_site.services.epcis_capture import validate_document

    lot = make_lot()
    make_event(lot, "packing")
    document = client.get(f"/t/{lot.public_code}/epcis").get_json(force=True)
    assert [problem.to_dict() for problem in validate_document(document)] == []


def test_epcis_short_code_is_normalised_and_checked(client, make_lot):
    lot = make_lot()
    code = lot.public_code
    response = client.get(f"/t/{code[:4].lower()}-{code[4:].lower()}/epcis")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/t/{code}/epcis")
    assert client.get("/t/ABC/epcis").status_code == 400
    assert client.get("/t/ZZZZZZZZ/epcis").status_code == 404
    head = client.head(f"/t/{code}/epcis")
    assert head.status_code == 200 and head.get_data() == b""


@pytest.mark.parametrize(
    ("method", "query", "headers"),
    [
        ("GET", "?linkType=linkset", {}),
        ("GET", "?linkType=all", {}),
        ("GET", "", {"Accept": LINKSET}),
        ("HEAD", "", {}),
        ("HEAD", "?linkType=linkset", {}),
        ("OPTIONS", "", {"Access-Control-Request-Method": "GET"}),
        ("GET", "?linkType=gs1:pip", {}),
        ("GET", "?linkType=gs1:defaultLink", {}),
        ("GET", "?linkType=gs1:nosuchlt", {}),
        ("GET", "/?lang=en", {}),  # the trailing-slash redirect
    ],
)
def test_only_a_shoppers_get_of_the_page_counts_a_check(client, db, item, method, query, headers):
    from lookup_site.models import Serial

    lot = item.lot
    path = f"/01/{lot.product.gtin}/10/{lot.code}/21/{item.serial}"
    response = client.open(path + query, method=method, headers={"User-Agent": PHONE, **headers})
    assert response.status_code in (200, 204, 301, 307, 404)
    db.session.expire_all()
    assert db.session.get(Serial, item.id).scan_count == 0

    client.get(path, headers={"User-Agent": PHONE})
    db.session.expire_all()
    assert db.session.get(Serial, item.id).scan_count == 1
