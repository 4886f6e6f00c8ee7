"""API tokens: created and revoked in the producer workspace, stored hashed, scoped."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.models import ApiToken, Role
from lookup_site.models.base import utcnow
from lookup_site.services import api_tokens
from lookup_site.services.clock import as_utc

PRODUCTS = "/api/v1/products"
TOKEN_IN_PAGE = re.compile(r'value="(txng_[A-Za-z0-9_-]+)"')


def create_in_workspace(client, name="Phần mềm kho") -> str:
    response = client.post("/producer/tokens", data={"name": name})
    assert response.status_code == 200
    return TOKEN_IN_PAGE.search(response.get_data(as_text=True)).group(1)


# The service -------------------------------------------------------------------------------------


def test_a_new_token_is_random_recognisable_and_stored_only_as_its_hash(db, make_user):
    user = make_user(Role.PRODUCER)
    token, plain = api_tokens.create_token(user.producer, "  Sales app  ", user)
    db.session.commit()
    assert re.fullmatch(r"txng_[A-Za-z0-9_-]{43}", plain)
    assert token.name == "Sales app" and token.producer_id == user.producer_id
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert token.prefix == plain[:12] and token.created_by_id == user.id
    stored = db.session.execute(text("SELECT * FROM api_token")).one()
    assert plain not in [str(value) for value in stored]
    _second, other = api_tokens.create_token(user.producer, "Sales app", user)
    assert other != plain


@pytest.mark.parametrize(
    "name, message",
    [("   ", "Name the token after the software"), ("x" * 101, "at most 100 characters")],
)
def test_a_token_needs_a_short_name(app, db, make_user, name, message):
    user = make_user(Role.PRODUCER)
    with app.test_request_context("/?lang=en"), pytest.raises(api_tokens.FieldError, match=message):
        api_tokens.create_token(user.producer, name, user)


def test_a_facility_has_a_bounded_number_of_tokens_in_use(app, db, make_user, monkeypatch):
    monkeypatch.setattr(api_tokens, "MAX_ACTIVE_TOKENS", 2)
    user = make_user(Role.PRODUCER)
    first, _plain = api_tokens.create_token(user.producer, "a", user)
    api_tokens.create_token(user.producer, "b", user)
    with app.test_request_context("/?lang=en"), pytest.raises(api_tokens.TooManyTokens):
        api_tokens.create_token(user.producer, "c", user)
    api_tokens.revoke_token(user.producer, first.id)
    api_tokens.create_token(user.producer, "c", user)


def test_authenticate_finds_the_facility_and_refuses_anything_else(db, make_user):
    user = make_user(Role.PRODUCER)
    token, plain = api_tokens.create_token(user.producer, "app", user)
    db.session.commit()
    caller = api_tokens.authenticate(plain)
    assert (caller.token.id, caller.producer.id, caller.user.id) == (
        token.id,
        user.producer_id,
        user.id,
    )
    for wrong in (None, "", plain[:-1], plain + "x", plain[:-1] + "A", "txng_" + "a" * 43):
        if wrong != plain:
            assert api_tokens.authenticate(wrong) is None
    api_tokens.revoke_token(user.producer, token.id)
    db.session.commit()
    assert api_tokens.authenticate(plain) is None


def test_a_token_stops_with_its_creators_account(db, make_user, make_producer):
    user = make_user(Role.PRODUCER)
    _token, plain = api_tokens.create_token(user.producer, "app", user)
    user.active = False
    db.session.commit()
    assert api_tokens.authenticate(plain) is None
    user.active = True
    user.producer = make_producer()  # moved to another facility: not this one's software
    db.session.commit()
    assert api_tokens.authenticate(plain) is None


def test_the_time_of_use_is_written_at_most_once_a_minute(db, make_user):
    user = make_user(Role.PRODUCER)
    token, plain = api_tokens.create_token(user.producer, "app", user)
    db.session.commit()
    assert token.last_used_at is None
    api_tokens.authenticate(plain)
    db.session.commit()
    first = as_utc(db.session.get(ApiToken, token.id).last_used_at)
    assert utcnow() - first < timedelta(seconds=5)
    api_tokens._note_use(token, first + timedelta(seconds=59))
    db.session.commit()
    assert as_utc(db.session.get(ApiToken, token.id).last_used_at) == first
    later = first + timedelta(seconds=61)
    api_tokens._note_use(token, later)
    db.session.commit()
    assert as_utc(db.session.get(ApiToken, token.id).last_used_at) == later


def test_revoking_another_facilitys_token_is_not_found(db, make_user):
    mine, theirs = make_user(Role.PRODUCER), make_user(Role.PRODUCER)
    token, _plain = api_tokens.create_token(theirs.producer, "app", theirs)
    with pytest.raises(api_tokens.TokenNotFound):
        api_tokens.revoke_token(mine.producer, token.id)
    assert token.revoked_at is None


# The workspace pages -----------------------------------------------------------------------------


def test_the_token_is_shown_once_with_a_warning_and_never_again(client, db, producer_user):
    response = client.post("/producer/tokens?lang=en", data={"name": "Phần mềm kho"})
    html = response.get_data(as_text=True)
    plain = TOKEN_IN_PAGE.search(html).group(1)
    assert "shown only this once" in html
    assert response.headers["Cache-Control"] == "no-store"
    token = db.session.scalar(select(ApiToken))
    assert token.name == "Phần mềm kho" and token.created_by_id == producer_user.id
    listing = client.get("/producer/tokens?lang=en").get_data(as_text=True)
    assert "Phần mềm kho" in listing and token.prefix in listing
    assert plain not in listing and token.token_hash not in listing
    assert "never" in listing and producer_user.label in listing


def test_a_token_without_a_name_is_refused_in_the_users_language(client, db, producer_user):
    response = client.post("/producer/tokens?lang=en", data={"name": "  "})
    assert response.status_code == 400
    assert "Name the token after the software" in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_the_list_shows_when_a_token_was_last_used(client, producer_user):
    plain = create_in_workspace(client)
    client.get(PRODUCTS, headers={"Authorization": f"Bearer {plain}"})
    listing = client.get("/producer/tokens?lang=en").get_data(as_text=True)
    assert "never" not in listing


def test_a_revoked_token_is_refused_at_once(client, db, producer_user):
    plain = create_in_workspace(client)
    bearer = {"Authorization": f"Bearer {plain}"}
    assert client.get(PRODUCTS, headers=bearer).status_code == 200
    token = db.session.scalar(select(ApiToken))
    response = client.post(f"/producer/tokens/{token.id}/revoke?lang=en")
    assert response.status_code == 302
    listing = client.get("/producer/tokens?lang=en").get_data(as_text=True)
    assert "revoked" in listing
    assert f"/producer/tokens/{token.id}/revoke" not in listing
    refused = client.get(PRODUCTS, headers=bearer)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_another_facilitys_token_cannot_be_revoked(client, db, make_user, producer_user):
    other = make_user(Role.PRODUCER)
    token, plain = api_tokens.create_token(other.producer, "theirs", other)
    db.session.commit()
    assert client.post(f"/producer/tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None
    listing = client.get("/producer/tokens").get_data(as_text=True)
    assert "theirs" not in listing


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ADMIN])
def test_only_producers_manage_tokens(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/producer/tokens").status_code == 403
    assert client.post("/producer/tokens", data={"name": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/producer/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def csrf_app(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_workspace_forms_need_csrf_but_the_api_does_not(csrf_app, make_user):
    client = csrf_app.test_client()
    user = make_user(Role.PRODUCER)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert client.post("/producer/tokens", data={"name": "x"}).status_code == 400
    page = client.get("/producer/tokens").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/producer/tokens", data={"name": "x", "csrf_token": csrf})
    plain = TOKEN_IN_PAGE.search(response.get_data(as_text=True)).group(1)
    created = client.post(
        PRODUCTS, json={"name_vi": "Trà atiso đỏ"}, headers={"Authorization": f"Bearer {plain}"}
    )
    assert created.status_code == 201
    token = _db.session.scalar(select(ApiToken))
    assert client.post(f"/producer/tokens/{token.id}/revoke").status_code == 400
    _db.session.refresh(token)
    assert token.revoked_at is None
    revoked = client.post(f"/producer/tokens/{token.id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 302
    _db.session.refresh(token)
    assert token.revoked_at is not None
