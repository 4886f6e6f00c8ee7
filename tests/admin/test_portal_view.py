"""The Department's page on the national portal connector: what failed, why, send again."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.models import OutboxItem, OutboxState, Role
from lookup_site.services import portal, portal_sync
from lookup_site.services.clock import as_utc

from ..portal_server import running_portal
from .conftest import text_of


@pytest.fixture
def portal_server():
    with running_portal() as server:
        yield server


@pytest.fixture
def app_config(app_config, portal_server):
    return {
        **app_config,
        "PORTAL_URL": portal_server.url,
        "PORTAL_TOKEN": "token",
        "PORTAL_TIMEOUT": 5,
        "PORTAL_MAX_ATTEMPTS": 3,
    }


@pytest.fixture
def real_product(make_producer, make_product):
    facility = make_producer(is_demo=False, name_vi="HTX Mật ong Cát Bà")
    return make_product(producer=facility, is_demo=False, name_vi="Mật ong hoa rừng")


def outbox(db) -> list[OutboxItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxItem).order_by(OutboxItem.id)))


@pytest.fixture
def refused_and_deferred(db, portal_server, real_product):
    """The facility refused by the portal (failed), the product deferred after a 500."""
    portal_server.script = ["reject", "fail"]
    portal_sync.sync()
    refused, deferred = outbox(db)
    assert refused.state is OutboxState.FAILED, refused.last_error
    assert deferred.state is OutboxState.PENDING and deferred.attempts == 1
    return refused, deferred


def row(page: str, item: OutboxItem) -> str:
    return re.search(rf'<tr id="item-{item.id}">(.*?)</tr>', page, re.S).group(1)


def test_failed_and_pending_items_show_with_their_reasons(client, admin, refused_and_deferred):
    refused, deferred = refused_and_deferred
    response = client.get("/admin/portal?lang=en")
    assert response.status_code == 200
    page = text_of(response)
    assert "The connector is on: changes are sent to http://127.0.0.1:" in page
    counts = {
        name: re.search(rf'id="count-{name}"><strong>(\d+)</strong>', page).group(1)
        for name in ("pending", "due", "sent", "failed")
    }
    assert counts == {"pending": "1", "due": "0", "sent": "0", "failed": "1"}
    failed = row(page, refused)
    assert "Facility created or changed" in failed
    assert "HTX Mật ong Cát Bà" in failed
    assert "Refused by the portal" in failed
    assert "HTTP 400: Thiếu ảnh sản phẩm (mục 2)" in failed
    assert '<td class="num">1</td>' in failed  # one try
    assert f'action="/admin/portal/{refused.id}/retry"' in failed
    pending = row(page, deferred)
    assert "Product created or changed" in pending and "Mật ong hoa rừng" in pending
    assert "Error on the portal&#39;s side" in pending or "Error on the portal's side" in pending
    assert "HTTP 500: internal error" in pending
    assert "The oldest change waiting was recorded on" in page


def test_an_empty_outbox_says_so(client, admin, app):
    app.config["PORTAL_URL"] = None
    page = text_of(client.get("/admin/portal?lang=en"))
    assert "The connector is off (PORTAL_URL is not set)" in page
    assert "No change has failed." in page
    assert "Nothing is waiting." in page


def test_invalid_settings_are_shown(client, admin, app):
    app.config["PORTAL_TIMEOUT"] = "soon"
    page = text_of(client.get("/admin/portal?lang=en"))
    assert "The connector's settings are not valid: PORTAL_TIMEOUT must be a number" in page


def test_a_failed_item_is_sent_again_with_its_key(
    client, db, admin, portal_server, refused_and_deferred
):
    refused, _deferred = refused_and_deferred
    key = refused.idempotency_key
    response = client.post(f"/admin/portal/{refused.id}/retry?lang=en")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/portal"
    item = outbox(db)[0]
    assert item.state is OutboxState.PENDING and item.attempts == 0
    assert as_utc(item.next_attempt_at) <= datetime.now(UTC)
    page = text_of(client.get("/admin/portal?lang=en"))
    assert f"Item {refused.id} will be sent again at the next pass." in page
    portal_sync.sync()
    item = outbox(db)[0]
    assert item.state is OutboxState.SENT
    assert portal_server.keys_received().count(key) == 2  # the refused try, then this one
    assert portal_server.applications.count(key) == 1


def test_only_a_failed_item_can_be_sent_again(client, db, admin, refused_and_deferred):
    _refused, deferred = refused_and_deferred
    before = (deferred.state, deferred.attempts, deferred.next_attempt_at)
    client.post(f"/admin/portal/{deferred.id}/retry?lang=en")
    item = outbox(db)[1]
    assert (item.state, item.attempts, item.next_attempt_at) == before
    page = text_of(client.get("/admin/portal?lang=en"))
    assert "Only a failed item can be retried." in page


def test_an_item_superseded_by_a_later_change_is_not_sent_again(
    client, db, admin, portal_server, real_product
):
    portal_server.script = ["ack", "reject"]  # the facility goes, the product is refused
    portal_sync.sync()
    real_product.name_vi = "Mật ong hoa rừng Cát Bà"
    real_product.image = "demo/honey.svg"
    db.session.commit()
    portal_sync.sync()  # the corrected product is acknowledged
    refused = outbox(db)[1]
    assert refused.state is OutboxState.FAILED
    page = text_of(client.get("/admin/portal?lang=en"))
    assert "A later change of this record has been sent." in row(page, refused)
    assert f"/admin/portal/{refused.id}/retry" not in page
    assert "Send all failed changes again" not in page
    client.post(f"/admin/portal/{refused.id}/retry")
    assert outbox(db)[1].state is OutboxState.FAILED
    page = text_of(client.get("/admin/portal?lang=en"))
    assert "A later change of this record has been sent: nothing to retry." in page


def test_every_failed_item_can_be_sent_again_at_once(
    client, db, admin, portal_server, real_product
):
    portal_server.mode = "reject"
    portal_sync.sync()
    assert {item.state for item in outbox(db)} == {OutboxState.FAILED}
    response = client.post("/admin/portal/retry-failed?lang=en")
    assert response.status_code == 302
    assert {item.state for item in outbox(db)} == {OutboxState.PENDING}
    page = text_of(client.get("/admin/portal?lang=en"))
    assert "2 failed items will be sent again at the next pass." in page


def test_an_unknown_item_is_not_found(client, admin):
    assert client.post("/admin/portal/999/retry").status_code == 404


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.INSPECTOR])
def test_producers_and_inspectors_cannot_see_or_retry(
    client, db, make_user, login, refused_and_deferred, role
):
    refused, _deferred = refused_and_deferred
    login(make_user(role))
    assert client.get("/admin/portal").status_code == 403
    assert client.post(f"/admin/portal/{refused.id}/retry").status_code == 403
    assert client.post("/admin/portal/retry-failed").status_code == 403
    assert outbox(db)[0].state is OutboxState.FAILED


def test_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/portal")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_retry_buttons_need_their_csrf_token(app_config, make_user):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        _db.create_all()
        item = portal.new_item("producer", 1, "upsert", {"name": "X"}, datetime.now(UTC))
        item.state = OutboxState.FAILED
        item.last_error = "rejected: HTTP 400: no"
        _db.session.add(item)
        admin = make_user(Role.ADMIN)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = admin.get_id()
        assert client.post(f"/admin/portal/{item.id}/retry").status_code == 400
        assert client.post("/admin/portal/retry-failed").status_code == 400
        _db.session.expire_all()
        assert _db.session.get(OutboxItem, item.id).state is OutboxState.FAILED
        page = client.get("/admin/portal").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post(f"/admin/portal/{item.id}/retry", data={"csrf_token": token})
        assert response.status_code == 302
        _db.session.expire_all()
        assert _db.session.get(OutboxItem, item.id).state is OutboxState.PENDING
        _db.session.remove()
        _db.engine.dispose()


def test_the_workspace_menu_links_to_the_page(client, admin):
    page = text_of(client.get("/admin/portal?lang=en"))
    assert re.search(r'<a href="/admin/portal" aria-current="page">', page)
