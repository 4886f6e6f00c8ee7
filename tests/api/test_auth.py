"""Who may use /api/v1: a bearer token of one facility, within its rate limit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.models import ApiToken
from lookup_site.services import api_tokens

from .conftest import ApiClient

PRODUCTS = "/api/v1/products"


def test_no_token_is_refused_with_a_bearer_challenge(anonymous):
    response = anonymous.get(PRODUCTS)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="TXNG API"'
    problem = response.get_json()
    assert problem["type"] == "urn:txng:problem:unauthorized"
    assert problem["instance"] == PRODUCTS
    assert "Authorization: Bearer" in problem["detail_en"]
    assert problem["detail"] == problem["detail_vi"]  # Vietnamese unless asked otherwise


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer txng_" + "A" * 43,  # well-formed, unknown
        "Bearer not-a-token",
        "Bearer ",
        "Token txng_" + "A" * 43,
    ],
)
def test_unknown_tokens_are_refused(client, checker, app, authorization):
    response = client.get(PRODUCTS, headers={"Authorization": authorization})
    checker.check(app, "GET", PRODUCTS, response)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="TXNG API"')


def test_a_known_but_revoked_token_says_invalid_token(api, db):
    token = db.session.scalar(select(ApiToken))
    api_tokens.revoke_token(api.producer, token.id)
    db.session.commit()
    response = api.get(PRODUCTS, lang="en")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="TXNG API", error="invalid_token"'
    )
    assert "revoked" in response.get_json()["detail"]


def test_revocation_takes_effect_on_the_very_next_request(api, db):
    assert api.get(PRODUCTS).status_code == 200
    token = db.session.scalar(select(ApiToken))
    api_tokens.revoke_token(api.producer, token.id)
    db.session.commit()
    assert api.get(PRODUCTS).status_code == 401


def test_a_signed_in_browser_session_is_not_an_api_credential(client, checker, app, producer_user):
    assert client.get("/producer/").status_code in (200, 302)
    response = client.get(PRODUCTS)
    checker.check(app, "GET", PRODUCTS, response)
    assert response.status_code == 401


def test_a_token_sees_only_its_own_facility(api, other_api, make_product):
    mine = make_product(producer=api.producer, gtin="09520123450007")
    theirs = make_product(producer=other_api.producer, gtin="09520123450014")
    assert [p["id"] for p in api.get(PRODUCTS).get_json()["items"]] == [mine.id]
    assert [p["id"] for p in other_api.get(PRODUCTS).get_json()["items"]] == [theirs.id]
    assert api.get(f"{PRODUCTS}/{theirs.id}").status_code == 404


def test_two_tokens_of_one_facility_see_the_same_data(make_api, api, make_product):
    product = make_product(producer=api.producer)
    colleague = make_api(producer=api.producer)
    assert colleague.get(f"{PRODUCTS}/{product.id}").get_json()["id"] == product.id


def test_requests_do_not_set_cookies(api):
    response = api.get(PRODUCTS)
    assert "Set-Cookie" not in response.headers


@pytest.fixture
def limited_app(app_config):
    app = create_app({**app_config, "API_RATE_LIMIT": "3 per minute"})
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_each_token_has_its_own_rate_limit(limited_app, checker, make_token):
    client = limited_app.test_client()
    _user, first = make_token()
    _user, second = make_token()
    api = ApiClient(limited_app, client, checker, first)
    for _ in range(3):
        assert api.get(PRODUCTS).status_code == 200
    refused = api.get(PRODUCTS, lang="en")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    problem = refused.get_json()
    assert problem["type"] == "urn:txng:problem:rate_limited"
    assert "Too many requests" in problem["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # The limit is the token's, across the whole API, not one route's.
    assert api.get(f"{PRODUCTS}/1").status_code == 429
    assert ApiClient(limited_app, client, checker, second).get(PRODUCTS).status_code == 200


def test_requests_without_a_valid_token_are_limited_by_address(limited_app, checker):
    client = limited_app.test_client()
    anonymous = ApiClient(limited_app, client, checker, None)
    assert [anonymous.get(PRODUCTS).status_code for _ in range(4)] == [401, 401, 401, 429]
