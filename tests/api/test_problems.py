"""Bad input is answered with RFC 9457 problem details, in Vietnamese and English,
and changes nothing; no input answers 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from lookup_site import create_app
from lookup_site.api.openapi import EVENT_FIELDS, INPUT_FIELDS, LOT_FIELDS, PRODUCT_FIELDS
from lookup_site.api.problems import Issue, Problem, render
from lookup_site.extensions import db as _db
from lookup_site.models import Product

from .conftest import ApiClient

PRODUCTS = "/api/v1/products"


def product_count(db) -> int:
    return db.session.scalar(select(func.count(Product.id)))


def errors_by_field(response) -> dict[str, dict]:
    return {error["field"]: error for error in response.get_json()["errors"]}


def test_a_problem_has_the_rfc_9457_members_in_both_languages(api):
    response = api.post(PRODUCTS, json={}, lang="en")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"] == "urn:txng:problem:invalid_body"
    assert problem["status"] == 422 and problem["instance"] == PRODUCTS
    assert problem["title"] == "Request refused"
    assert problem["detail"] == problem["detail_en"] == "1 field was refused: see errors."
    error = errors_by_field(response)["name_vi"]
    assert error["pointer"] == "#/name_vi"
    assert error["detail_en"] == "This field is required."
    assert error["detail_vi"] == "Vui lòng điền mục này."


def test_vietnamese_is_the_default_language(api):
    response = api.post(PRODUCTS, json={})
    error = errors_by_field(response)["name_vi"]
    assert error["detail"] == error["detail_vi"] == "Vui lòng điền mục này."
    assert response.headers["Vary"].count("Accept-Language") == 1


def test_every_missing_field_is_named(api, db, make_product):
    product = make_product(producer=api.producer)
    response = api.post("/api/v1/lots", json={}, lang="en")
    assert set(errors_by_field(response)) == {"product_id", "code"}
    lot_id = api.post("/api/v1/lots", json={"product_id": product.id, "code": "L1"})
    response = api.post(f"/api/v1/lots/{lot_id.get_json()['id']}/events", json={})
    assert set(errors_by_field(response)) == {"step", "event_time"}


@pytest.mark.parametrize(
    "member, value, expected_en, expected_vi",
    [
        ("name_vi", 12, "Enter text, in quotes.", None),
        ("shelf_life_days", "730", "Enter a whole number, such as 180.", "Hãy nhập số nguyên"),
        ("shelf_life_days", 7.5, "Enter a whole number, such as 180.", "Hãy nhập số nguyên"),
        ("shelf_life_days", 0, "Enter a number from 1 to 3,650.", "từ 1 đến 3.650"),
        ("net_content", "nửa lít", "Enter a number, such as 500 or 0.5.", None),
        ("net_content", -1, "Enter a number from 0.001 to 999,999,999.", None),
        ("net_content", "0.0001", "Enter at most 3 digits after the decimal mark.", None),
        ("net_content", [1], "Enter a number, such as 500 or 0.5.", None),
        ("ocop_group", "cakes", "Choose one of: food, beverage, herbal", None),
        ("gtin", "1" * 31, "Too long: at most 30 characters.", "Quá dài"),
        ("colour", "red", "This field is unknown: check its spelling.", None),
        ("brand", "Cát\u0000Bà", "Remove the NUL character", None),
    ],
)
def test_wrong_types_and_values_are_explained_per_field(
    api, db, member, value, expected_en, expected_vi
):
    body = {"name_vi": "Trà atiso đỏ", "net_content_unit": "g", "net_content": 100}
    body[member] = value
    response = api.post(PRODUCTS, json=body, lang="en")
    assert response.status_code == 422
    error = errors_by_field(response)[member]
    assert expected_en in error["detail_en"]
    assert error["detail"] == error["detail_en"]
    if expected_vi:
        assert expected_vi in error["detail_vi"]
    assert product_count(db) == 0


def test_several_fields_are_refused_at_once(api, db):
    response = api.post(
        PRODUCTS, json={"name_vi": None, "gtin": 95201234, "shelf_life_days": "x"}, lang="en"
    )
    assert set(errors_by_field(response)) == {"name_vi", "gtin", "shelf_life_days"}
    assert response.get_json()["detail"] == "3 fields were refused: see errors."


@pytest.mark.parametrize(
    "data, content_type",
    [
        ('{"name_vi": "Trà"', "application/json"),
        ("{'name_vi': 'Trà'}", "application/json"),
        ('{"net_content": NaN, "name_vi": "Trà"}', "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        ("[" * 100_000, "application/json"),
        ("", "application/json"),
    ],
)
def test_a_body_that_is_not_json_is_a_bad_request(api, db, data, content_type):
    response = api.post(PRODUCTS, data=data, content_type=content_type, lang="en")
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "urn:txng:problem:malformed_json"
    assert "not valid JSON" in problem["detail"]
    assert product_count(db) == 0


def test_malformed_json_says_where(api):
    response = api.post(PRODUCTS, data='{\n"name_vi": }', content_type="application/json")
    problem = response.get_json()
    assert "(line 2, column 12)" in problem["detail_en"]


@pytest.mark.parametrize("body", ["[]", '"Trà"', "42", "null"])
def test_the_body_must_be_an_object(api, db, body):
    response = api.post(PRODUCTS, data=body, content_type="application/json", lang="en")
    assert response.status_code == 422
    assert response.get_json()["detail"] == "Send a JSON object, such as {}."
    assert product_count(db) == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"name_vi": "Trà"}},  # an HTML form's encoding
        {"data": '{"name_vi": "Trà"}', "content_type": "text/plain"},
        {"data": '{"name_vi": "Trà"}'},
    ],
)
def test_a_body_in_another_content_type_is_refused(api, db, kwargs):
    for lang, expected in (("en", "Content-Type: application/json"), ("vi", "JSON")):
        response = api.post(PRODUCTS, lang=lang, **kwargs)
        assert response.status_code == 415
        problem = response.get_json()
        assert problem["type"] == "urn:txng:problem:unsupported_media_type"
        assert expected in problem["detail"]
    assert product_count(db) == 0


def test_a_patch_in_another_content_type_says_what_it_accepts(api, make_product):
    product = make_product(producer=api.producer)
    response = api.patch(f"{PRODUCTS}/{product.id}", data="name_vi=x")
    assert response.status_code == 415
    assert response.headers["Accept-Patch"] == "application/json"


@pytest.fixture
def small_app(app_config):
    app = create_app({**app_config, "MAX_CONTENT_LENGTH": 1000})
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_a_body_too_large_is_refused(small_app, checker, make_token):
    _user, token = make_token()
    api = ApiClient(small_app, small_app.test_client(), checker, token)
    response = api.post(PRODUCTS, json={"name_vi": "x" * 2000}, lang="en")
    assert response.status_code == 413
    assert response.get_json()["detail"] == "The request is too large."


def test_json_with_a_charset_is_fine(api):
    response = api.post(
        PRODUCTS,
        data='{"name_vi": "Trà atiso đỏ"}'.encode(),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "query, parameter, expected",
    [
        ("limit=0", "limit", "Enter a number from 1 to 100."),
        ("limit=101", "limit", "Enter a number from 1 to 100."),
        ("limit=ten", "limit", "Enter a whole number, such as 180."),
        ("cursor=abc", "cursor", "Use the cursor given in the previous page's next link."),
        ("status=lost", "status", "Choose one of: active, recalled, suspended."),
        ("product_id=x", "product_id", "Enter a whole number, such as 180."),
        ("code=" + "x" * 41, "code", "Too long: at most 40 characters."),
        ("code=A%00B", "code", "Remove the NUL character (\\u0000): text cannot hold it."),
    ],
)
def test_query_parameters_out_of_range_are_a_bad_request(api, query, parameter, expected):
    response = api.get(f"/api/v1/lots?{query}", lang="en")
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "urn:txng:problem:invalid_parameter"
    assert problem["errors"] == [
        {
            "field": parameter,
            "parameter": parameter,
            "detail": expected,
            "detail_vi": problem["errors"][0]["detail_vi"],
            "detail_en": expected,
        }
    ]


def test_an_unknown_address_or_method_is_a_problem_too(api):
    missing = api.get("/api/v1/nothing-here", lang="en")
    assert missing.status_code == 404
    assert missing.get_json()["type"] == "about:blank"
    assert missing.get_json()["title"] == "Not found"
    not_allowed = api.open("PUT", PRODUCTS, lang="en")
    assert not_allowed.status_code == 405
    assert set(not_allowed.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert "PUT" in not_allowed.get_json()["detail"]
    wrong_id = api.get(f"{PRODUCTS}/abc", lang="en")
    assert wrong_id.status_code == 404 and wrong_id.mimetype == "application/problem+json"


def test_the_rest_of_the_site_keeps_its_own_error_pages(client):
    response = client.get("/producer/nothing-here")
    assert response.status_code in (302, 404)
    assert response.mimetype != "application/problem+json"


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=60)
    | st.sampled_from(["\u0000", "0.0001", "2026-02-30", "2026-09-02T08:30:00+07:00"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=4,
)
RELAXED = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def members(*names: str):
    keys = st.sampled_from([*names, "id", "other"])
    return st.dictionaries(keys, JSON_VALUES | st.sampled_from(["2026-09-02", "1", "0.5", ""]))


@RELAXED
@given(body=members(*PRODUCT_FIELDS))
def test_no_product_body_answers_500(api, body):
    assert api.post(PRODUCTS, json=body).status_code in {201, 422}


@RELAXED
@given(body=members("product_id", "code", *LOT_FIELDS))
def test_no_lot_body_answers_500(api, body):
    assert api.post("/api/v1/lots", json=body).status_code in {201, 422}


@pytest.fixture
def lot(api, make_product, make_lot):
    return make_lot(make_product(producer=api.producer))


@RELAXED
@given(body=members(*EVENT_FIELDS))
def test_no_event_body_answers_500(api, lot, body):
    assert api.post(f"/api/v1/lots/{lot.id}/events", json=body).status_code in {201, 422}


@RELAXED
@given(body=members(*INPUT_FIELDS))
def test_no_lot_input_body_answers_500(api, lot, body):
    response = api.post(f"/api/v1/lots/{lot.id}/inputs", json=body)
    assert response.status_code in {201, 422}


def test_a_nested_member_is_named_by_its_json_pointer(app):
    issue = Issue("eventList", lambda: "Bad event.", pointer="/epcisBody/eventList/2")
    with app.test_request_context("/api/v1/epcis/capture"):
        body = render(Problem(422, "invalid_document", lambda: "Bad.", [issue])).get_json()
    assert body["errors"][0]["pointer"] == "#/epcisBody/eventList/2"
    assert body["instance"] == "/api/v1/epcis/capture"
