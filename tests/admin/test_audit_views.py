"""The Department reads, filters and exports the audit trail; nobody can change it."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lookup_site.models import AuditEntry, LegalForm, Producer, Role
from lookup_site.services import accounts, audit
from lookup_site.services.clock import local_today


@pytest.fixture(autouse=True)
def audited(app):
    """Keep the trail on this app (a no-op once create_app does it)."""
    audit.init_app(app)
    return app


@pytest.fixture
def admin(make_user, login):
    return login(make_user(Role.ADMIN, email="so.khcn@example.vn"))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def entry_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'id="entry-(\d+)"', html)]


def add_producers(db, count: int, **fields) -> list[Producer]:
    producers = [
        Producer(
            legal_form=LegalForm.HOUSEHOLD,
            name_vi=f"Hộ kinh doanh số {number} (demo)",
            commune="Xã Kiến Thụy",
            province="Hải Phòng",
            **fields,
        )
        for number in range(count)
    ]
    db.session.add_all(producers)
    db.session.commit()
    return producers


def test_admin_sees_the_newest_changes_first_with_old_and_new(client, db, admin, make_producer):
    producer = make_producer(name_vi="HTX Cũ (demo)")
    with audit.acting_as("web", admin, path="/admin/producers/1"):
        producer.name_vi = "HTX Mới (demo)"
        db.session.commit()
    response = client.get("/admin/audit?lang=en")
    assert response.status_code == 200
    html = text_of(response)
    ids = entry_ids(html)
    assert ids == sorted(ids, reverse=True) and len(ids) >= 2
    assert "<del>HTX Cũ (demo)</del> → <ins>HTX Mới (demo)</ins>" in html
    assert "so.khcn@example.vn" in html and "/admin/producers/1" in html
    assert f"Producer #{producer.id}" in html
    assert "changed" in html and "created" in html


def test_a_password_change_shows_no_value(client, db, admin, make_user):
    user = make_user(Role.INSPECTOR)
    user.password_hash = accounts.hash_password("a brand new password")
    db.session.commit()
    html = text_of(client.get("/admin/audit?object_type=User&action=update&lang=en"))
    assert "changed (not shown)" in html
    assert user.password_hash not in html and "scrypt" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("object_type=Producer", {"create:Producer:1", "update:Producer:1", "create:Producer:2"}),
        ("object_type=Producer&object_id=1", {"create:Producer:1", "update:Producer:1"}),
        ("action=update", {"update:Producer:1"}),
        ("user=KHCN", {"update:Producer:1"}),
        ("interface=api", {"update:Producer:1"}),
        ("interface=cli", set()),
    ],
)
def test_filters(client, db, admin, query, expected):
    first, _second = add_producers(db, 2)
    with audit.acting_as("api", admin):
        first.phone = "0225 3000 000"
        db.session.commit()
    html = text_of(client.get(f"/admin/audit?{query}"))
    shown = {
        f"{entry.action}:{entry.object_type}:{entry.object_id}"
        for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.id.in_(entry_ids(html)))
        )
    }
    assert shown == expected


def test_date_range_uses_vietnamese_calendar_days(client, db, admin):
    add_producers(db, 1)
    today, yesterday = local_today(), local_today() - timedelta(days=1)
    count = db.session.scalar(select(func.count(AuditEntry.id)))
    assert len(entry_ids(text_of(client.get(f"/admin/audit?since={today}&until={today}")))) == count
    assert entry_ids(text_of(client.get(f"/admin/audit?until={yesterday}"))) == []
    assert entry_ids(text_of(client.get(f"/admin/audit?since={today + timedelta(days=1)}"))) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=2026-12-01&until=2026-11-01", "The end date is before the start date."),
        ("since=31/02/2026", "Not a valid date value."),
        ("action=rewrite", "Not a valid choice."),
        ("object_type=AuditEntry", "Not a valid choice."),
        ("object_id=" + "9" * 65, "Field cannot be longer than 64 characters."),
    ],
)
def test_bad_filters_are_explained(client, db, admin, query, message):
    add_producers(db, 1)
    response = client.get(f"/admin/audit?{query}&lang=en")
    assert response.status_code == 400
    html = text_of(response)
    assert message in html
    assert entry_ids(html) == []
    assert client.get(f"/admin/audit.csv?{query}&lang=en").status_code == 400


def test_pages_go_back_in_time(client, db, admin):
    add_producers(db, 60)
    first = text_of(client.get("/admin/audit?object_type=Producer&lang=en"))
    first_ids = entry_ids(first)
    assert len(first_ids) == 50
    older = re.search(r'href="(/admin/audit\?before=\d+[^"]*)">Older<', first).group(1)
    assert "object_type=Producer" in older
    second = text_of(client.get(older.replace("&amp;", "&")))
    second_ids = entry_ids(second)
    assert len(second_ids) == 10 and max(second_ids) < min(first_ids)
    assert ">Older<" not in second  # the oldest page: no link further back
    assert "/admin/audit?object_type=Producer" in second  # back to the newest


def test_csv_export_of_the_filtered_trail(client, db, admin):
    producers = add_producers(db, 2)
    with audit.acting_as("web", admin, path="/admin/x"):
        producers[0].name_vi = '=HYPERLINK("http://evil.example")'
        producers[0].phone = "0225 3000 000"
        db.session.commit()
    response = client.get("/admin/audit.csv?action=update")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".csv" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["entry", "occurred_at_utc", "user_id"]
    header, data = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert "field" in header and "old" in header and "new" in header
    assert {row["field"] for row in data} == {"name_vi", "phone"}
    assert {row["action"] for row in data} == {"update"}
    name = next(row for row in data if row["field"] == "name_vi")
    assert name["old"] == "Hộ kinh doanh số 0 (demo)"
    assert name["new"] == '\'=HYPERLINK("http://evil.example")'  # never run as a formula
    assert name["user"] == "so.khcn@example.vn" and name["interface"] == "web"
    assert name["occurred_at_utc"].endswith("+00:00")


def test_csv_export_without_filters_has_every_entry(client, db, admin):
    add_producers(db, 50)  # some 250 rows: more than one streamed chunk
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    assert len(rows) > 250 and all(len(row) == len(rows[0]) for row in rows)
    entries = {row[0] for row in rows[1:]}
    assert len(entries) == db.session.scalar(select(func.count(AuditEntry.id)))


@pytest.mark.parametrize("url", ["/admin/audit", "/admin/audit.csv"])
@pytest.mark.parametrize("role", [Role.PRODUCER, Role.INSPECTOR])
def test_other_roles_are_refused(client, make_user, login, url, role):
    login(make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/admin/audit", "/admin/audit.csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_no_route_can_change_the_trail(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert {rule.endpoint for rule in rules} == {"admin.audit", "admin.audit_csv"}
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_methods_are_not_allowed(client, admin, method):
    assert getattr(client, method)("/admin/audit").status_code == 405


def test_the_menu_shows_the_audit_trail(client, admin):
    html = text_of(client.get("/admin/audit?lang=en"))
    assert 'href="/admin/audit" aria-current="page"' in html
