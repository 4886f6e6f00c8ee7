"""The audit trail records every change, whoever makes it and however, and refuses edits."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import event as sa_event
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.models import AuditEntry, Lot, LotInput, LotStatus, Producer, Role, User
from lookup_site.services import accounts, audit
from lookup_site.services import lots as lot_service


@pytest.fixture(autouse=True)
def audited(app):
    """Keep the trail on this app (a no-op once create_app does it)."""
    audit.init_app(app)
    return app


def entries(db, **where) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    db.session.expire_all()
    return list(db.session.scalars(query))


def only(db, **where) -> AuditEntry:
    found = entries(db, **where)
    assert len(found) == 1, [(e.action, e.object_type, e.changes) for e in found]
    return found[0]


def lot_form(lot, **overrides) -> dict:
    data = {
        "product_id": lot.product_id,
        "code": lot.code,
        "production_date": "2026-09-01",
        "packing_date": "",
        "best_before": "2028-09-01",
        "quantity": "1200",
        "quantity_unit": "bottle",
    }
    data.update(overrides)
    return data


# -- through the producer workspace --------------------------------------------


def test_editing_a_lot_records_who_old_and_new(client, db, producer_user, make_product, make_lot):
    lot = make_lot(make_product(producer=producer_user.producer), "NM-01")
    response = client.post(
        f"/producer/lots/{lot.id}/edit",
        data=lot_form(lot, code="NM-02", quantity="1500", best_before="2028-12-31"),
    )
    assert response.status_code == 302
    entry = only(db, action="update", object_type="Lot")
    assert entry.object_id == str(lot.id)
    assert entry.user_id == producer_user.id and entry.user_label == producer_user.email
    assert entry.interface == "web" and entry.request_path == f"/producer/lots/{lot.id}/edit"
    assert entry.changes == {
        "code": {"old": "NM-01", "new": "NM-02"},
        "quantity": {"old": "1200.000", "new": "1500"},
        "best_before": {"old": "2028-09-01", "new": "2028-12-31"},
    }


def test_saving_a_lot_unchanged_records_nothing(client, db, producer_user, make_product, make_lot):
    lot = make_lot(make_product(producer=producer_user.producer), "NM-01")
    before = len(entries(db))
    assert client.post(f"/producer/lots/{lot.id}/edit", data=lot_form(lot)).status_code == 302
    assert len(entries(db)) == before


def test_registering_a_lot_records_its_creation(client, db, producer_user, make_product):
    product = make_product(producer=producer_user.producer)
    response = client.post(
        "/producer/lots/new", data=lot_form(Lot(product_id=product.id, code="NM-7"))
    )
    assert response.status_code == 302
    lot = db.session.scalar(select(Lot))
    entry = only(db, action="create", object_type="Lot")
    assert entry.object_id == str(lot.id) and entry.user_id == producer_user.id
    assert entry.changes["code"] == {"old": None, "new": "NM-7"}
    assert entry.changes["status"] == {"old": None, "new": "active"}
    assert entry.changes["production_date"]["new"] == "2026-09-01"
    assert "id" not in entry.changes


def test_refused_input_writes_no_entry(client, db, producer_user, make_product, make_lot):
    lot = make_lot(make_product(producer=producer_user.producer), "NM-01")
    before = len(entries(db))
    response = client.post(f"/producer/lots/{lot.id}/edit", data=lot_form(lot, code="LÔ 1"))
    assert response.status_code == 200
    assert len(entries(db)) == before


def test_recalling_a_lot_records_the_status_and_its_history_row(
    client, db, producer_user, make_product, make_lot
):
    lot = make_lot(make_product(producer=producer_user.producer))
    response = client.post(
        f"/producer/lots/{lot.id}/status",
        data={"status": "recalled", "reason_vi": "Nhiễm khuẩn", "reason_en": "Contaminated"},
    )
    assert response.status_code == 302
    change = only(db, action="update", object_type="Lot")
    assert change.changes["status"] == {"old": "active", "new": "recalled"}
    assert change.changes["status_reason_vi"] == {"old": None, "new": "Nhiễm khuẩn"}
    history = only(db, action="create", object_type="LotStatusChange")
    assert history.changes["to_status"]["new"] == "recalled"
    assert history.changes["changed_by_id"]["new"] == producer_user.id
    assert {change.user_id, history.user_id} == {producer_user.id}


def test_a_diary_entry_is_recorded(client, db, producer_user, make_product, make_lot):
    lot = make_lot(make_product(producer=producer_user.producer))
    data = {
        "step": "packing",
        "event_time": "2026-11-02T08:30",
        "location_name": "Xưởng đóng chai",
        "location_address": "Cát Hải, Hải Phòng",
        "actor": "Lê Thị Mai",
        "notes_vi": "Đóng 1.200 chai",
        "notes_en": "Filled 1,200 bottles",
    }
    assert client.post(f"/producer/lots/{lot.id}/events/new", data=data).status_code == 302
    entry = only(db, action="create", object_type="Event")
    assert entry.user_label == producer_user.email
    assert entry.changes["step"]["new"] == "packing"
    assert entry.changes["lot_id"]["new"] == lot.id
    assert entry.changes["event_time"]["new"].startswith("2026-11-02T01:30")
    assert len(entry.changes["hash"]["new"]) == 64


def test_removing_an_input_records_the_deleted_values(
    client, db, producer_user, make_product, make_lot
):
    product = make_product(producer=producer_user.producer)
    output, source = make_lot(product, "OUT"), make_lot(product, "IN")
    link = lot_service.add_input(output, source, Decimal("12.5"), "kg")
    db.session.commit()
    link_id = link.id
    response = client.post(f"/producer/lots/{output.id}/inputs/{link_id}/delete")
    assert response.status_code == 302
    assert db.session.get(LotInput, link_id) is None
    entry = only(db, action="delete", object_type="LotInput")
    assert entry.object_id == str(link_id) and entry.user_id == producer_user.id
    assert entry.changes["quantity"] == {"old": "12.500", "new": None}
    assert entry.changes["input_lot_id"] == {"old": source.id, "new": None}


def test_signing_in_is_not_a_change(app, db, make_user):
    user = make_user(Role.PRODUCER, password="correct horse battery")
    before = len(entries(db))
    response = app.test_client().post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None
    assert len(entries(db)) == before


# -- through the Department's and the inspectors' workspaces ----------------------


def test_an_admin_resetting_a_password_is_recorded_without_the_hash(client, db, make_user, login):
    admin = login(make_user(Role.ADMIN))
    account = make_user(Role.INSPECTOR)
    old_hash = account.password_hash
    response = client.post(f"/admin/users/{account.id}/password")
    assert response.status_code == 200
    entry = only(db, action="update", object_type="User")
    assert entry.object_id == str(account.id)
    assert (entry.user_id, entry.user_label, entry.interface) == (admin.id, admin.email, "web")
    assert entry.request_path == f"/admin/users/{account.id}/password"
    # A reset also ends the account's sessions; neither secret reaches the trail.
    assert entry.changes == {
        "password": {"old": audit.REDACTED, "new": audit.REDACTED},
        "sessions": {"old": audit.REDACTED, "new": audit.REDACTED},
    }
    db.session.expire_all()
    new_hash = db.session.get(User, account.id).password_hash
    stored = json.dumps([e.changes for e in entries(db)])
    assert old_hash not in stored and new_hash not in stored


def test_an_admin_deactivating_an_account_is_recorded(client, db, make_user, login):
    admin = login(make_user(Role.ADMIN))
    account = make_user(Role.PRODUCER)
    response = client.post(f"/admin/users/{account.id}/deactivate")
    assert response.status_code == 302
    entry = only(db, action="update", object_type="User")
    assert entry.user_id == admin.id
    assert entry.changes == {
        "active": {"old": True, "new": False},
        "sessions": {"old": audit.REDACTED, "new": audit.REDACTED},  # signed out everywhere
    }


def test_an_inspection_and_a_suspension_are_recorded_as_the_inspectors(
    client, db, make_user, login, make_lot
):
    inspector = login(make_user(Role.INSPECTOR, display_name="Trần Văn Kiểm"))
    lot = make_lot()
    response = client.post(
        f"/inspect/lots/{lot.id}/inspections/new?lang=en",
        data={
            "result": "non_conformant",
            "notes": "Nhãn thiếu hạn sử dụng.",
            "suspend": "y",
            "reason_vi": "Tạm dừng bán để xác minh.",
            "reason_en": "Sale paused while verified.",
        },
    )
    assert response.status_code == 302
    recorded = entries(db, user_id=inspector.id)
    kinds = {(entry.action, entry.object_type) for entry in recorded}
    assert {
        ("create", "Inspection"),
        ("create", "Event"),
        ("create", "LotStatusChange"),
        ("update", "Lot"),
    } <= kinds
    assert {entry.interface for entry in recorded} == {"web"}
    inspection = next(entry for entry in recorded if entry.object_type == "Inspection")
    assert inspection.changes["result"]["new"] == "non_conformant"
    assert inspection.changes["inspector_id"]["new"] == inspector.id
    status = next(entry for entry in recorded if entry.object_type == "Lot")
    assert status.changes["status"] == {"old": "active", "new": "suspended"}

    lifted = client.post(f"/inspect/lots/{lot.id}/lift", data={"reason_vi": "Đã xác minh."})
    assert lifted.status_code == 302
    last = entries(db, action="update", object_type="Lot")[-1]
    assert last.user_id == inspector.id
    assert last.changes["status"] == {"old": "suspended", "new": "active"}


# -- through the command line ---------------------------------------------------


def test_create_user_on_the_command_line_is_recorded_as_cli(runner, db):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "thanh.tra@example.vn",
            "--role",
            "inspector",
            "--password",
            "correct horse battery",
        ]
    )
    assert result.exit_code == 0, result.output
    entry = only(db, object_type="User")
    assert entry.action == "create" and entry.interface == "cli"
    assert entry.user_id is None and entry.user_label.startswith("cli")
    assert "create-user" in entry.request_path
    assert entry.changes["email"]["new"] == "thanh.tra@example.vn"
    assert entry.changes["role"]["new"] == "inspector"
    user = db.session.scalar(select(User))
    assert user.password_hash not in json.dumps(entry.changes)
    assert "password_hash" not in entry.changes and "password" not in entry.changes


def test_a_refused_command_writes_no_entry(runner, db):
    result = runner.invoke(
        args=["create-user", "--email", "a@example.vn", "--role", "admin", "--password", "short"]
    )
    assert result.exit_code != 0
    assert entries(db) == []


# -- outside requests and commands ------------------------------------------------


def test_work_outside_requests_and_commands_is_the_systems(db, make_producer):
    producer = make_producer()
    entry = only(db, object_type="Producer", object_id=str(producer.id))
    assert entry.interface == "system" and entry.user_label == "system"
    assert entry.user_id is None and entry.request_path is None


def test_acting_as_names_the_api_and_its_user(db, make_user, make_producer):
    admin = make_user(Role.ADMIN)
    producer = make_producer()
    with audit.acting_as("api", admin, path="/api/v1/producers/1"):
        producer.phone = "0225 3999 999"
        db.session.commit()
    entry = only(db, action="update", object_type="Producer")
    assert (entry.interface, entry.user_id, entry.user_label) == ("api", admin.id, admin.email)
    assert entry.request_path == "/api/v1/producers/1"
    assert entry.changes == {"phone": {"old": "0225 3888 000", "new": "0225 3999 999"}}
    with pytest.raises(ValueError):
        with audit.acting_as("fax"):
            pass


def test_a_password_change_records_no_hash(db, make_user):
    user = make_user(Role.INSPECTOR)
    old_hash = user.password_hash
    user.password_hash = accounts.hash_password("another good password")
    user.display_name = "Thanh tra Hùng"
    db.session.commit()
    entry = only(db, action="update", object_type="User")
    assert entry.changes == {
        "password": {"old": audit.REDACTED, "new": audit.REDACTED},
        "display_name": {"old": None, "new": "Thanh tra Hùng"},
    }
    stored = json.dumps([e.changes for e in entries(db)])
    assert old_hash not in stored and user.password_hash not in stored
    assert "scrypt" not in stored and "password_hash" not in stored


def test_old_values_are_read_even_after_a_commit_expired_them(db, make_producer):
    producer = make_producer(name_vi="HTX Cũ")
    db.session.commit()  # expires every attribute: the old name is no longer in memory
    producer.name_vi = "HTX Mới"
    producer.latitude = Decimal("20.8")
    db.session.commit()
    entry = only(db, action="update", object_type="Producer")
    assert entry.changes == {
        "name_vi": {"old": "HTX Cũ", "new": "HTX Mới"},
        "latitude": {"old": "20.795000", "new": "20.8"},
    }


def test_values_are_stored_as_json_safe_strings(db, make_lot):
    lot = make_lot(best_before=date(2029, 1, 31), quantity=Decimal("12.5"))
    entry = only(db, action="create", object_type="Lot")
    assert entry.changes["best_before"]["new"] == "2029-01-31"
    assert entry.changes["quantity"]["new"] == "12.5"
    assert entry.changes["status"]["new"] == LotStatus.ACTIVE.value
    assert entry.changes["public_code"]["new"] == lot.public_code


def test_a_rolled_back_change_leaves_no_entry(db, make_producer):
    producer = make_producer()
    before = len(entries(db))
    producer.name_vi = "Không lưu"
    db.session.flush()  # written to the transaction, entry included...
    db.session.rollback()  # ...and both undone together
    assert len(entries(db)) == before
    assert db.session.get(Producer, producer.id).name_vi != "Không lưu"


def test_the_trail_does_not_record_itself(db, make_producer):
    make_producer()
    assert {entry.object_type for entry in entries(db)} == {"Producer"}


def test_an_app_without_the_trail_records_nothing(app_config, tmp_path):
    config = dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    plain = create_app(config)
    plain.extensions.pop("audit", None)
    with plain.app_context():
        _db.create_all()
        _db.session.add(Producer(legal_form="household", name_vi="X", commune="c", province="p"))
        _db.session.commit()
        assert _db.session.scalars(select(AuditEntry)).all() == []
        _db.session.remove()
        _db.engine.dispose()


# -- append-only -----------------------------------------------------------------


def test_the_orm_refuses_to_change_an_entry(db, make_producer):
    make_producer()
    entry = entries(db)[0]
    entry.user_label = "someone else"
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert entries(db)[0].user_label == "system"


def test_the_orm_refuses_to_delete_an_entry(db, make_producer):
    make_producer()
    db.session.delete(entries(db)[0])
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert len(entries(db)) == 1


def test_the_database_refuses_to_change_or_delete_an_entry(database_url):
    """Triggers installed by the migrations: even raw SQL cannot rewrite history."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t"})
    audit.init_app(app)
    with app.app_context():
        _db.drop_all()  # the default fixture's create_all() tables have no triggers
        upgrade()
        _db.session.add(Producer(legal_form="household", name_vi="X", commune="c", province="p"))
        _db.session.commit()
        assert _db.session.scalar(text("SELECT count(*) FROM audit_entry")) == 1
        for statement in (
            "UPDATE audit_entry SET user_label = 'someone else'",
            "DELETE FROM audit_entry",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                _db.session.execute(text(statement))
            _db.session.rollback()
        assert _db.session.scalar(text("SELECT user_label FROM audit_entry")) == "system"
        _db.session.remove()
        _db.engine.dispose()


# -- cost -------------------------------------------------------------------------


def test_the_public_lot_page_costs_no_extra_query(app, db, client, make_lot, make_event):
    lot = make_lot()
    make_event(lot, "packing")
    url = f"/01/{lot.product.gtin}/10/{lot.code}"
    before = len(entries(db))

    def statements_for_one_visit() -> list[str]:
        seen: list[str] = []

        def record(conn, cursor, statement, *args):
            seen.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", record)
        return seen

    with_trail = statements_for_one_visit()
    app.extensions["audit"] = False
    try:
        without_trail = statements_for_one_visit()
    finally:
        app.extensions["audit"] = True
    assert len(with_trail) == len(without_trail)
    assert not any("audit_entry" in statement for statement in with_trail)
    assert len(entries(db)) == before
