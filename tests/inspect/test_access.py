"""Who may use the inspectors' workspace, route by route, and what inspectors may not touch."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lookup_site.models import Inspection, InspectionResult, LotStatusChange, Role
from lookup_site.services import inspections

INSPECT_ENDPOINTS = {
    "inspect.scan",
    "inspect.resolve",
    "inspect.lot",
    "inspect.new_inspection",
    "inspect.suspend",
    "inspect.lift_suspension",
    "inspect.history",
    "inspect.history_csv",
    "inspect.inspection",
    "inspect.inspection_pdf",
}


def requests_for(app, prefix: str, ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route of a blueprint, ids filled in."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(prefix):
            continue
        values = {}
        for name in rule.arguments:
            choices = getattr(rule._converters.get(name), "items", None)  # <any(a, b):name>
            values[name] = sorted(choices)[0] if choices else ids.get(name, 1)
        url = adapter.build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


@pytest.fixture
def recorded(app, db, make_user, lot):
    """A lot with one inspection (recorded through the service: the client stays signed out,
    as the signed-in user is remembered for the whole test's app context)."""
    inspector = make_user(Role.INSPECTOR, display_name="Trần Văn Kiểm")
    with app.test_request_context():
        inspection = inspections.record_inspection(
            lot, inspections.InspectionDraft(result=InspectionResult.CONFORMANT), inspector
        )
    db.session.commit()
    return {"lot_id": lot.id, "inspection_id": inspection.id}


def writes(db) -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(Inspection.id))),
        db.session.scalar(select(func.count(LotStatusChange.id))),
    )


def test_every_route_of_the_workspace_is_covered_here(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in endpoints if e.startswith("inspect.")} == INSPECT_ENDPOINTS


def test_anonymous_visitors_are_sent_to_sign_in(app, client, db, recorded):
    before = writes(db)
    for endpoint, method, url in requests_for(app, "inspect.", recorded):
        response = client.open(url, method=method, data={"result": "conformant"})
        assert response.status_code == 302, (endpoint, method)
        assert response.headers["Location"].startswith("/login?next="), endpoint
    assert writes(db) == before


def test_producers_get_403_everywhere(app, client, db, make_user, login, recorded):
    login(make_user(Role.PRODUCER))
    before = writes(db)
    for endpoint, method, url in requests_for(app, "inspect.", recorded):
        response = client.open(
            url, method=method, data={"result": "conformant", "reason_en": "Stop."}
        )
        assert response.status_code == 403, (endpoint, method)
    assert writes(db) == before


def test_the_lots_own_producer_gets_403_too(app, client, db, make_user, login, lot, recorded):
    login(make_user(Role.PRODUCER, producer=lot.product.producer))
    for endpoint, method, url in requests_for(app, "inspect.", recorded):
        assert client.open(url, method=method).status_code == 403, endpoint


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ADMIN])
def test_inspectors_and_admins_may_read_every_page(app, client, make_user, login, recorded, role):
    login(make_user(role))
    for endpoint, method, url in requests_for(app, "inspect.", recorded):
        if method != "GET":
            continue
        query = {"q": "(01)09520123450007(10)CH2023-01"} if endpoint == "inspect.resolve" else {}
        response = client.get(url, query_string=query)
        assert response.status_code in (200, 303), endpoint
        response.close()


def test_inspectors_get_403_on_every_producer_route(app, client, db, inspector, lot):
    routes = requests_for(app, "producer.", {"lot_id": lot.id, "product_id": lot.product_id})
    assert len(routes) > 10
    for endpoint, method, url in routes:
        response = client.open(url, method=method, data={"name_vi": "Changed", "code": "X-1"})
        assert response.status_code == 403, (endpoint, method)
    db.session.refresh(lot)
    assert lot.code == "CH2023-01" and lot.product.name_vi == "Nước mắm cá cơm Cát Hải"


def test_inspectors_get_403_on_the_department_workspace(app, client, inspector):
    for endpoint, method, url in requests_for(app, "admin.", {}):
        assert client.open(url, method=method).status_code == 403, (endpoint, method)


def test_the_menu_shows_the_inspectors_sections(client, inspector):
    page = client.get("/inspect/?lang=en").get_data(as_text=True)
    assert 'href="/inspect/"' in page and 'href="/inspect/inspections"' in page
    assert "/producer/" not in page and "/admin/" not in page


def test_an_inspector_signs_in_to_the_scan_page(client, make_user):
    user = make_user(Role.INSPECTOR)
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/inspect/"
