"""Accounts: created with a generated password shown once, moved, deactivated, reset."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.models import Role, User
from lookup_site.services import accounts, admin_accounts

from .conftest import text_of

PASSWORD = "correct horse battery"


def shown_password(response) -> str:
    return re.search(r'<p class="password"><code>([^<]+)</code>', text_of(response)).group(1)


def sign_in(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def count_users(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_generated_passwords_are_long_random_and_unambiguous():
    passwords = {admin_accounts.generate_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert re.fullmatch(r"[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}", password)
        assert len(password) >= accounts.MIN_PASSWORD_LENGTH


@pytest.mark.parametrize("role", ["inspector", "admin"])
def test_admin_creates_an_account_and_sees_its_password_once(app, client, db, admin, role):
    response = client.post(
        "/admin/users/new?lang=en",
        data={"email": " Kiem.Tra@Example.VN ", "display_name": "Trần Văn Kiểm", "role": role},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "shown only this once" in text_of(response)
    password = shown_password(response)
    user = db.session.scalar(select(User).where(User.email == "kiem.tra@example.vn"))
    assert user.role is Role(role) and user.producer_id is None
    assert user.display_name == "Trần Văn Kiểm"
    assert password not in user.password_hash
    # The new person signs in with it, on their own phone.
    assert sign_in(app.test_client(), "kiem.tra@example.vn", password).status_code == 302


def test_a_producer_account_belongs_to_the_chosen_facility(app, client, db, admin, make_producer):
    facility = make_producer()
    form = text_of(client.get(f"/admin/users/new?producer_id={facility.id}&lang=en"))
    assert f'<option selected value="{facility.id}">' in form
    response = client.post(
        "/admin/users/new",
        data={"email": "mai@example.vn", "role": "producer", "producer_id": str(facility.id)},
    )
    user = db.session.scalar(select(User).where(User.email == "mai@example.vn"))
    assert user.producer_id == facility.id
    other = app.test_client()
    assert sign_in(other, "mai@example.vn", shown_password(response)).headers["Location"] == (
        "/producer/"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": "inspector"}, "Enter the e-mail address."),
        ({"email": "not an address", "role": "inspector"}, "Enter an e-mail address such as"),
        ({"email": "x@example.vn", "role": "emperor"}, "Choose one of the options."),
        ({"email": "x@example.vn", "role": "producer"}, "A producer account belongs to a facility"),
        ({"email": "x@example.vn", "role": "producer", "producer_id": "999"}, "Choose one of"),
        ({"email": "x@example.vn", "role": "producer", "producer_id": "abc"}, "Invalid Choice"),
    ],
)
def test_bad_account_input_is_explained_and_nothing_is_written(client, db, admin, data, message):
    before = count_users(db)
    response = client.post("/admin/users/new?lang=en", data=data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert count_users(db) == before


def test_a_facility_is_refused_for_inspectors_and_admins(client, db, admin, make_producer):
    facility = make_producer()
    response = client.post(
        "/admin/users/new?lang=en",
        data={"email": "x@example.vn", "role": "inspector", "producer_id": str(facility.id)},
    )
    assert "Only producer accounts belong to a facility." in text_of(response)
    assert db.session.scalar(select(User).where(User.email == "x@example.vn")) is None


def test_an_email_already_used_is_refused(client, db, admin, make_user):
    existing = make_user(Role.INSPECTOR)
    response = client.post(
        "/admin/users/new?lang=en", data={"email": existing.email.upper(), "role": "admin"}
    )
    assert f"{existing.email} already has an account." in text_of(response)
    assert count_users(db) == 2


def test_list_filters_by_role_state_and_search(client, db, admin, make_user):
    producer = make_user(Role.PRODUCER, email="hoa@example.vn")
    make_user(Role.INSPECTOR, email="kiem@example.vn")
    gone = make_user(Role.INSPECTOR, email="nghi@example.vn")
    gone.active = False
    db.session.commit()
    html = text_of(client.get("/admin/users?role=inspector&lang=en"))
    assert "kiem@example.vn" in html and "nghi@example.vn" in html and "hoa@" not in html
    html = text_of(client.get("/admin/users?state=inactive&lang=en"))
    assert "nghi@example.vn" in html and "kiem@" not in html
    html = text_of(client.get("/admin/users?q=Cát Hải&lang=en"))  # the facility's name
    assert producer.email in html and "kiem@" not in html
    assert client.get("/admin/users?role=nonsense&state=x&page=-3").status_code == 200


def test_admin_moves_a_producer_account_to_another_facility(
    client, db, admin, make_user, make_producer
):
    user = make_user(Role.PRODUCER)
    target = make_producer(name_vi="HTX Táo Bàng La (demo)")
    response = client.post(f"/admin/users/{user.id}/facility", data={"producer_id": target.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).producer_id == target.id


def test_moving_needs_a_facility_that_exists(client, db, admin, make_user):
    user = make_user(Role.PRODUCER)
    before = user.producer_id
    for value in ("", "999"):
        response = client.post(
            f"/admin/users/{user.id}/facility?lang=en", data={"producer_id": value}
        )
        assert response.status_code == 400
        html = text_of(response)
        assert "Choose the facility." in html or "Choose one of the options." in html
    db.session.expire_all()
    assert db.session.get(User, user.id).producer_id == before


def test_only_producer_accounts_move_between_facilities(
    client, db, admin, make_user, make_producer
):
    inspector = make_user(Role.INSPECTOR)
    facility = make_producer()
    page = text_of(client.get(f"/admin/users/{inspector.id}?lang=en"))
    assert "Move to this facility" not in page
    response = client.post(
        f"/admin/users/{inspector.id}/facility?lang=en",
        data={"producer_id": facility.id},
        follow_redirects=True,
    )
    assert "Only producer accounts belong to a facility." in text_of(response)
    db.session.expire_all()
    assert db.session.get(User, inspector.id).producer_id is None


def test_a_deactivated_account_cannot_sign_in_then_can_again(app, client, db, admin, make_user):
    user = make_user(Role.INSPECTOR, password=PASSWORD)
    response = client.post(f"/admin/users/{user.id}/deactivate?lang=en", follow_redirects=True)
    assert f"{user.email} can no longer sign in." in text_of(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 200  # refused

    client.post(f"/admin/users/{user.id}/reactivate")
    db.session.expire_all()
    assert db.session.get(User, user.id).active is True
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 302


def test_a_signed_in_user_is_refused_on_the_next_request_once_deactivated(
    app, client, db, admin, make_user, make_producer
):
    producer_user = make_user(Role.PRODUCER, password=PASSWORD)
    phone = app.test_client()
    assert sign_in(phone, producer_user.email, PASSWORD).status_code == 302
    assert phone.get("/producer/").status_code == 200
    client.post(f"/admin/users/{producer_user.id}/deactivate")
    response = phone.get("/producer/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_admin_cannot_deactivate_themselves(client, db, admin):
    page = text_of(client.get(f"/admin/users/{admin.id}?lang=en"))
    assert "Deactivate the account" not in page
    response = client.post(f"/admin/users/{admin.id}/deactivate?lang=en", follow_redirects=True)
    assert "You cannot deactivate your own account" in text_of(response)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active is True
    assert client.get("/admin/").status_code == 200


def test_password_reset_gives_a_new_password_shown_once(app, client, db, admin, make_user):
    user = make_user(Role.PRODUCER, password=PASSWORD)
    response = client.post(f"/admin/users/{user.id}/password?lang=en")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Password reset" in text_of(response)
    password = shown_password(response)
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 200  # old one refused
    assert sign_in(app.test_client(), user.email, password).status_code == 302
    # Shown once: the account's page never shows it again.
    assert password not in text_of(client.get(f"/admin/users/{user.id}"))


def test_a_get_never_resets_a_password(client, db, admin, make_user):
    user = make_user(Role.PRODUCER)
    before = user.password_hash
    assert client.get(f"/admin/users/{user.id}/password").status_code == 405
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_unknown_accounts_are_not_found(client, admin):
    assert client.get("/admin/users/999").status_code == 404
    for action in ("facility", "deactivate", "reactivate", "password"):
        assert client.post(f"/admin/users/999/{action}").status_code == 404, action


@pytest.fixture
def csrf_app(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_account_actions_need_the_csrf_token(csrf_app):
    admin_user = accounts.create_user("so@example.vn", PASSWORD, Role.ADMIN)
    target = accounts.create_user("kiem@example.vn", PASSWORD, Role.INSPECTOR)
    _db.session.commit()
    client = csrf_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = admin_user.get_id()
    before = target.password_hash
    assert client.post(f"/admin/users/{target.id}/password").status_code == 400
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 400
    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert (
        client.post(f"/admin/users/{target.id}/password", data={"csrf_token": token}).status_code
        == 200
    )
    _db.session.expire_all()
    assert _db.session.get(User, target.id).password_hash != before
