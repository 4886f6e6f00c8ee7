"""Signing in and out: passwords, throttling, CSRF, roles."""

from __future__ import annotations

import pytest

from lookup_site import create_app
from lookup_site.config import DefaultConfig
from lookup_site.extensions import db as _db
from lookup_site.models import Role, User

PASSWORD = "correct horse battery"


def sign_in(client, email, password=PASSWORD, lang=None):
    path = f"/login?lang={lang}" if lang else "/login"
    return client.post(path, data={"email": email, "password": password})


def test_producer_signs_in_and_lands_on_the_workspace(client, make_user):
    user = make_user()
    response = sign_in(client, user.email.upper() + "  ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/producer/"
    page = client.get("/producer/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Cat Hai Fish Sauce Cooperative (demo)" in page.get_data(as_text=True)


def test_passwords_are_stored_as_scrypt_hashes(app, make_user):
    app.config["PASSWORD_HASH_METHOD"] = DefaultConfig.PASSWORD_HASH_METHOD
    user = make_user()
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_wrong_password_is_refused_in_the_users_language(client, make_user):
    user = make_user()
    response = sign_in(client, user.email, "wrong password", lang="vi")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sai địa chỉ e-mail hoặc mật khẩu" in html
    assert client.get("/producer/").status_code == 302  # still signed out


def test_unknown_email_gets_the_same_answer(client):
    response = sign_in(client, "nobody@example.vn", lang="en")
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)


def test_empty_form_explains_what_is_missing(client):
    response = client.post("/login?lang=en", data={})
    html = response.get_data(as_text=True)
    assert "Enter your e-mail address." in html and "Enter your password." in html


def test_deactivated_accounts_cannot_sign_in(client, db, make_user):
    user = make_user()
    user.active = False
    db.session.flush()
    assert sign_in(client, user.email).status_code == 200


def test_repeated_failures_are_throttled_then_even_the_right_password_waits(client, make_user):
    user = make_user()
    for _ in range(5):
        assert sign_in(client, user.email, "wrong").status_code == 200
    throttled = sign_in(client, user.email, "wrong", lang="en")
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.get_data(as_text=True)
    assert sign_in(client, user.email).status_code == 429


def test_successful_sign_ins_do_not_count_towards_the_throttle(client, make_user):
    user = make_user()
    for _ in range(8):
        assert sign_in(client, user.email).status_code == 302
        client.post("/logout")


def test_throttle_is_per_account(client, make_user):
    victim, other = make_user(), make_user()
    for _ in range(6):
        sign_in(client, victim.email, "wrong")
    assert sign_in(client, other.email).status_code == 302


def test_next_only_follows_local_paths(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/producer/"


def test_logout_needs_post_and_signs_out(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/producer/").status_code == 302


@pytest.fixture
def csrf_client(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        _db.create_all()
        yield app.test_client()
        _db.session.remove()
        _db.engine.dispose()


def test_forms_without_a_csrf_token_are_refused(csrf_client):
    from lookup_site.services import accounts

    accounts.create_user("csrf@example.vn", PASSWORD, Role.ADMIN)
    response = csrf_client.post(
        "/login?lang=en", data={"email": "csrf@example.vn", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert _db.session.query(User).one().last_login_at is None


def test_forms_with_the_csrf_token_are_accepted(csrf_client):
    import re

    from lookup_site.services import accounts

    accounts.create_user("csrf@example.vn", PASSWORD, Role.ADMIN)
    _db.session.commit()
    form = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = csrf_client.post(
        "/login", data={"email": "csrf@example.vn", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_session_cookies_are_secure_when_the_site_is_served_over_https(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://txng.example.vn")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_a_local_http_demo_can_still_sign_in(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ADMIN])
def test_other_roles_may_not_open_the_producer_workspace(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/producer/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/producer/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_password_reset_signs_out_every_session(client, db, make_user, login):
    from flask import g

    from lookup_site.services import admin_accounts

    user = login(make_user())
    assert client.get("/producer/").status_code == 200
    admin_accounts.reset_password(user)
    db.session.commit()
    g.pop("_login_user", None)  # the tests' shared app context would otherwise cache it
    assert client.get("/producer/").status_code == 302


def test_a_forged_session_id_is_no_user(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # without the account's session token
    assert client.get("/producer/").status_code == 302
