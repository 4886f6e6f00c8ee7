"""Role checks on every route of the Department's workspace, read from the URL map.

A route added later is checked too: the list comes from app.url_map, not from this file.
"""

from __future__ import annotations

import pytest

from lookup_site.models import Role

SAFE = {"HEAD", "OPTIONS"}


def admin_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule under /admin, ids filled with 1."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        values = {name: 1 for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - SAFE):
            routes.append((rule.endpoint, method, url))
    return routes


def request(client, method: str, url: str):
    return client.open(url, method=method, data={})


def test_the_workspace_has_the_routes_the_menu_names(app):
    endpoints = {endpoint for endpoint, _method, _url in admin_routes(app)}
    assert {
        "admin.dashboard",
        "admin.producers",
        "admin.new_producer",
        "admin.producer",
        "admin.edit_producer",
        "admin.users",
        "admin.new_user",
        "admin.user",
        "admin.user_facility",
        "admin.user_deactivate",
        "admin.user_reactivate",
        "admin.user_password",
        "admin.programme",
        "admin.new_batch",
        "admin.batch",
        "admin.edit_batch",
        "admin.batch_add",
        "admin.batch_entry",
    } <= endpoints
    assert all(endpoint.startswith("admin.") for endpoint in endpoints)


def test_anonymous_visitors_are_sent_to_sign_in_from_every_route(app, client):
    for endpoint, method, url in admin_routes(app):
        response = request(client, method, url)
        assert response.status_code == 302, (endpoint, method)
        assert response.headers["Location"].startswith("/login"), (endpoint, method)


@pytest.mark.parametrize("role", [Role.PRODUCER, Role.INSPECTOR])
def test_producers_and_inspectors_are_refused_every_route(app, client, make_user, login, role):
    login(make_user(role))
    for endpoint, method, url in admin_routes(app):
        assert request(client, method, url).status_code == 403, (endpoint, method)


def test_refusals_change_nothing(app, client, db, make_user, login, make_producer):
    from lookup_site.models import Producer, ProgrammeBatch, User

    producer = make_producer()
    login(make_user(Role.INSPECTOR))
    before = (db.session.query(User).count(), db.session.query(ProgrammeBatch).count())
    client.post("/admin/users/new", data={"email": "x@example.vn", "role": "admin"})
    client.post("/admin/programme/new", data={"name_vi": "Đợt 9", "year": "2026"})
    client.post(f"/admin/producers/{producer.id}/edit", data={"name_vi": "Đổi tên"})
    db.session.expire_all()
    assert (db.session.query(User).count(), db.session.query(ProgrammeBatch).count()) == before
    assert db.session.get(Producer, producer.id).name_vi != "Đổi tên"


def test_a_deactivated_admin_is_refused_on_the_next_request(client, db, admin):
    assert client.get("/admin/").status_code == 200
    admin.active = False
    db.session.commit()
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_admins_reach_every_page_without_a_server_error(app, client, admin, demo):
    for endpoint, method, url in admin_routes(app):
        if method != "GET":
            continue
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (endpoint, response.status_code)
        assert response.status_code != 403, endpoint
