"""The national portal connector: the outbox recorded with each change, and its sending.

The portal is a local HTTP server started by the tests (tests/portal_server.py) that
acknowledges, fails, times out, answers garbage and refuses, and records every
request; time is advanced through sync's clock, never by sleeping.
"""

from __future__ import annotations

import random
import re
import socket
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.models import LotStatus, OutboxItem, OutboxState, Product, Role
from lookup_site.services import diary, portal, portal_sync
from lookup_site.services import lots as lot_service
from lookup_site.services.clock import as_utc

from .portal_server import running_portal

FACILITY_GLN = "9520123450014"
TOKEN = "s3cret-portal-token"


@pytest.fixture
def portal_server():
    with running_portal(slow_seconds=3.0) as server:
        yield server


@pytest.fixture
def app_config(app_config, portal_server):
    return {
        **app_config,
        "PORTAL_URL": portal_server.url,
        "PORTAL_TOKEN": TOKEN,
        # Generous, so that a busy test machine never times out by accident; the tests
        # about timeouts shorten it.
        "PORTAL_TIMEOUT": 5,
        "PORTAL_MAX_ATTEMPTS": 4,
        "PORTAL_BATCH": 50,
    }


class Clock:
    """Time as sync sees it: the real time of its first reading, then moved by the test."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        if self.now is None:
            self.now = datetime.now(UTC)
        return self.now

    def move_to(self, moment: datetime) -> None:
        self.now = as_utc(moment)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def facility(make_producer):
    return make_producer(
        is_demo=False,
        name_vi="HTX Nước mắm Cát Hải",
        name_en="Cat Hai Fish Sauce Cooperative",
        street="Số 1 đường Bến Gót",
        gln=FACILITY_GLN,
    )


@pytest.fixture
def real_product(make_product, facility):
    return make_product(
        producer=facility,
        is_demo=False,
        image="demo/fish-sauce.svg",
        brand="Cát Hải",
        shelf_life_days=720,
    )


@pytest.fixture
def real_lot(make_lot, real_product):
    return make_lot(real_product, "CH2026-01", packing_date=date(2026, 9, 2))


def items(db) -> list[OutboxItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxItem).order_by(OutboxItem.id)))


def owed(db) -> list[tuple[str, str]]:
    return [(item.entity, item.action) for item in items(db)]


def record(item: OutboxItem) -> dict:
    return item.payload["record"]


# -- recording ---------------------------------------------------------------------


def test_each_real_change_is_owed_with_the_ten_items(db, real_lot, make_event):
    make_event(real_lot, step="packing", location_name="Xưởng đóng chai")
    assert owed(db) == [
        ("producer", "upsert"),
        ("product", "upsert"),
        ("lot", "upsert"),
        ("event", "create"),
    ]
    producer, product, lot, entry = items(db)
    assert all(item.state is OutboxState.PENDING and item.attempts == 0 for item in items(db))
    assert len({item.idempotency_key for item in items(db)}) == 4
    assert producer.payload["source"] == {"system": "TXNG", "url": "https://txng.example.vn"}
    assert record(producer)["name"] == "HTX Nước mắm Cát Hải"
    assert record(producer)["address"]["full"] == "Số 1 đường Bến Gót, Đặc khu Cát Hải, Hải Phòng"
    assert record(producer)["page_url"] == f"https://txng.example.vn/producers/{producer.entity_id}"
    assert record(product) | {
        "name": "Nước mắm cá cơm Cát Hải",
        "images": ["https://txng.example.vn/static/demo/fish-sauce.svg"],
        "gtin": "09520123450007",
        "traceability_url": "https://txng.example.vn/01/09520123450007",
        "brand": "Cát Hải",
        "shelf_life_days": 720,
        "standards": "TCVN 5107:2018",
        "net_content": "500",
    } == record(product)
    assert record(product)["producer_source_id"] == record(producer)["source_id"]
    assert record(lot) | {
        "lot_code": "CH2026-01",
        "production_date": "2026-09-01",
        "best_before": "2028-09-01",
        "quantity": "1200",
        "status": "active",
        "traceability_url": "https://txng.example.vn/01/09520123450007/10/CH2026-01",
        "inputs": [],
    } == record(lot)
    assert record(entry) | {
        "event_time": "2026-09-02T08:30:00+07:00",
        "step": "packing",
        "step_name": {"vi": "Đóng gói", "en": "Packing"},
        "biz_step": "https://ref.gs1.org/cbv/BizStep-packing",
        "location": {"name": "Xưởng đóng chai", "address": None},
        # The entry names no GLN: the facility's stands in (item 5).
        "location_code": FACILITY_GLN,
        "lot_source_id": record(lot)["source_id"],
    } == record(entry)
    assert record(entry)["product_code"] == {
        "gtin": "09520123450007",
        "lot_code": "CH2026-01",
        "traceability_code": real_lot.public_code,
    }


def test_demo_data_is_never_owed(db, make_lot, make_event, make_product, facility):
    make_event(make_lot())  # the fixtures' catalogue is demo data
    demo_product = make_product(producer=facility, gtin="09520123450014", is_demo=True)
    make_lot(demo_product, "D-1")
    assert owed(db) == [("producer", "upsert")]


def test_demo_data_made_real_is_owed_with_everything_under_it(
    db, make_product, make_lot, make_event, facility
):
    product = make_product(producer=facility, is_demo=True)
    lot = make_lot(product, "CH2026-01")
    make_event(lot)
    make_event(lot, step="shipping")
    assert owed(db) == [("producer", "upsert")]
    product.is_demo = False
    product.brand = "Cát Hải"
    db.session.commit()
    assert owed(db)[1:] == [
        ("product", "upsert"),
        ("lot", "upsert"),
        ("event", "create"),
        ("event", "create"),
    ]
    assert record(items(db)[1])["brand"] == "Cát Hải"


def test_a_rolled_back_change_leaves_no_item(db, real_lot, make_event):
    before = len(items(db))
    real_lot.product.name_vi = "Tên mới"
    lot_service.append_event(
        real_lot, step="storing", event_time=datetime(2026, 9, 3, tzinfo=UTC)
    )  # flushed: the recorder has seen both changes
    db.session.rollback()
    assert len(items(db)) == before
    assert db.session.get(Product, real_lot.product_id).name_vi == "Nước mắm cá cơm Cát Hải"
    # The next transaction starts afresh: only its own change is owed.
    make_event(real_lot, step="shipping")
    assert owed(db)[before:] == [("event", "create")]


def test_a_change_that_fails_to_commit_leaves_no_item(db, real_product, make_product, facility):
    other = make_product(producer=facility, is_demo=False, gtin="09520123450014")
    before = len(items(db))
    real_product.name_vi = "Tên mới"
    other.gtin = real_product.gtin  # GTINs are unique: the commit fails
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert len(items(db)) == before
    assert db.session.get(Product, real_product.id).name_vi == "Nước mắm cá cơm Cát Hải"


def test_changes_in_one_transaction_become_one_item_with_the_final_state(db, real_product):
    before = len(items(db))
    real_product.name_vi = "Nước mắm nhĩ"
    db.session.flush()
    real_product.standards = "TCVN 5107:2018, HACCP"
    db.session.flush()
    real_product.name_vi = "Nước mắm nhĩ Cát Hải"
    db.session.commit()
    new = items(db)[before:]
    assert [(item.entity, item.action) for item in new] == [("product", "upsert")]
    assert record(new[0])["name"] == "Nước mắm nhĩ Cát Hải"
    assert record(new[0])["standards"] == "TCVN 5107:2018, HACCP"


def test_a_later_change_does_not_alter_what_was_owed(db, real_product):
    real_product.brand = "Hải Đăng"
    db.session.commit()
    real_product.brand = "Cát Hải Xanh"
    db.session.commit()
    brands = [record(item)["brand"] for item in items(db) if item.entity == "product"]
    assert brands == ["Cát Hải", "Hải Đăng", "Cát Hải Xanh"]


def test_nothing_is_owed_when_nothing_changed(db, real_product, make_lot):
    before = len(items(db))
    real_product.name_vi = real_product.name_vi  # same value
    db.session.commit()
    make_lot(real_product, "CH2026-02")  # the product's lot list changes, not the product
    assert owed(db)[before:] == [("lot", "upsert")]


def test_a_suspension_and_a_recall_are_owed_each_as_told(db, real_lot, make_user):
    inspector = make_user(Role.INSPECTOR)
    before = len(items(db))
    diary.set_status(real_lot, LotStatus.SUSPENDED, "Nghi nhiễm khuẩn", "", user=inspector)
    diary.set_status(real_lot, LotStatus.ACTIVE, "Đã kiểm nghiệm đạt", "", user=inspector)
    db.session.commit()
    diary.set_status(real_lot, LotStatus.RECALLED, "Thu hồi theo quyết định 12/QĐ", "Recalled")
    db.session.commit()
    new = items(db)[before:]
    # A suspension lifted in the same transaction is still told; no extra lot upsert.
    assert [(item.entity, item.action) for item in new] == [
        ("lot", "suspend"),
        ("lot", "reinstate"),
        ("lot", "recall"),
    ]
    assert record(new[0])["reason"] == {"vi": "Nghi nhiễm khuẩn", "en": None}
    assert record(new[2]) | {
        "status": "recalled",
        "previous_status": "active",
        "lot_code": "CH2026-01",
        "reason": {"vi": "Thu hồi theo quyết định 12/QĐ", "en": "Recalled"},
    } == record(new[2])


def test_a_lot_input_owes_the_output_lot(db, real_lot, make_lot, real_product):
    salt = make_lot(real_product, "MUOI-01")
    before = len(items(db))
    lot_service.add_input(real_lot, salt, Decimal("50"), "kg")
    db.session.commit()
    new = items(db)[before:]
    assert [(item.entity, item.entity_id) for item in new] == [("lot", real_lot.id)]
    assert record(new[0])["inputs"] == [
        {
            "lot_source_id": f"lot:{salt.id}",
            "traceability_url": "https://txng.example.vn/01/09520123450007/10/MUOI-01",
            "quantity": "50",
            "quantity_unit": "kg",
        }
    ]


def test_backfill_owes_every_publishable_record(db, real_lot, make_event, make_lot, make_product):
    make_event(real_lot)
    make_event(make_lot(make_product(gtin="09520123450014")))  # demo
    diary.set_status(real_lot, LotStatus.RECALLED, "Thu hồi", "")
    db.session.commit()
    before = len(items(db))
    assert portal.record_everything(chunk=2) == 5
    assert owed(db)[before:] == [
        ("producer", "upsert"),
        ("product", "upsert"),
        ("lot", "upsert"),
        ("lot", "recall"),
        ("event", "create"),
    ]


# -- sending -----------------------------------------------------------------------


def test_sync_needs_a_portal_url(app, db):
    app.config["PORTAL_URL"] = None
    with pytest.raises(portal_sync.PortalNotConfigured):
        portal_sync.sync()


@pytest.mark.parametrize(
    ("key", "value"),
    [("PORTAL_TIMEOUT", "ten"), ("PORTAL_MAX_ATTEMPTS", "0"), ("PORTAL_URL", "ftp://x")],
)
def test_bad_settings_are_refused_by_name(app, key, value):
    app.config[key] = value
    with pytest.raises(portal_sync.InvalidPortalSetting, match=key):
        portal_sync.settings()


def test_settings_from_the_environment_are_read_as_numbers(monkeypatch, app_config):
    monkeypatch.setenv("PORTAL_TIMEOUT", "2.5")
    monkeypatch.setenv("PORTAL_MAX_ATTEMPTS", "7")
    config = {key: value for key, value in app_config.items() if not key.startswith("PORTAL_")}
    app = create_app({**config, "PORTAL_URL": "https://portal.example.vn/api"})
    with app.app_context():
        settings = portal_sync.settings()
        _db.engine.dispose()
    assert (settings.timeout, settings.max_attempts, settings.batch) == (2.5, 7, 100)


def test_credentials_in_the_portal_url_are_never_shown(app):
    app.config["PORTAL_URL"] = "https://txng:s3cret@portal.example.vn:8443/api/v1?x=1"
    assert portal_sync.settings().shown_url == "https://portal.example.vn:8443/api/v1?x=1"


def test_acknowledged_items_are_sent_once_with_their_key_and_token(
    db, portal_server, real_lot, make_event
):
    make_event(real_lot)
    report = portal_sync.sync()
    assert (report.sent, report.failed, report.deferred) == (4, 0, 0)
    sent = items(db)
    assert all(item.state is OutboxState.SENT and item.attempts == 1 for item in sent)
    assert [request.path for request in portal_server.requests] == [
        "/api/v1/producers",
        "/api/v1/products",
        "/api/v1/lots",
        "/api/v1/events",
    ]
    for item, request in zip(sent, portal_server.requests, strict=True):
        assert request.key == item.idempotency_key
        assert request.authorization == f"Bearer {TOKEN}"
        assert request.content_type == "application/json"
        assert request.body == item.payload
        assert item.acknowledgement["key"] == item.idempotency_key
        assert item.acknowledgement["receipt"].startswith("R-")
        assert item.sent_at is not None
    assert portal_sync.sync().attempted == 0  # nothing is sent twice


def test_failures_are_retried_later_and_later_with_the_same_key(db, portal_server, clock, facility):
    portal_server.mode = "fail"
    (item,) = items(db)
    waits = []
    for attempt in range(1, 4):
        report = portal_sync.sync(clock=clock)
        assert (report.attempted, report.deferred) == (1, 1)
        db.session.refresh(item)
        assert item.attempts == attempt and item.state is OutboxState.PENDING
        assert item.last_error == "server_error: HTTP 500: internal error"
        waits.append((as_utc(item.next_attempt_at) - clock.now).total_seconds())
        clock.move_to(as_utc(item.next_attempt_at) - timedelta(seconds=1))
        assert portal_sync.sync(clock=clock).attempted == 0  # not before its time
        clock.move_to(item.next_attempt_at)
    assert 22.5 <= waits[0] <= 30 and 45 <= waits[1] <= 60 and 90 <= waits[2] <= 120
    assert portal_server.keys_received() == [item.idempotency_key] * 3
    # The last try allowed (PORTAL_MAX_ATTEMPTS = 4) fails: the item is given up on.
    report = portal_sync.sync(clock=clock)
    assert (report.failed, report.deferred) == (1, 0)
    db.session.refresh(item)
    assert item.state is OutboxState.FAILED and item.attempts == 4
    assert portal_server.keys_received() == [item.idempotency_key] * 4


def test_the_backoff_grows_to_its_cap_with_jitter():
    rng = random.Random(7)
    waits = [portal_sync.backoff(n, rng).total_seconds() for n in range(1, 16)]
    assert all(later > earlier for earlier, later in zip(waits[:9], waits[1:10], strict=True))
    assert all(0.75 * 6 * 3600 <= wait <= 6 * 3600 for wait in waits[10:])
    assert portal_sync.backoff(10_000).total_seconds() <= 6 * 3600


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("fail", "server_error: HTTP 500: internal error"),
        ("slow", "timeout: no answer within 0.5 s"),
        ("stall", "timeout: answer stalled for 0.5 s"),
        ("garbage", "bad_acknowledgement: HTTP 200: the answer is not JSON"),
        ("busy", "rate_limited: HTTP 429: Too Many Requests"),
        ("unavailable", "unavailable: HTTP 503: Service Unavailable"),
    ],
)
def test_each_kind_of_failure_is_tried_again_later(
    app, db, portal_server, clock, real_product, mode, error
):
    app.config["PORTAL_TIMEOUT"] = 0.5
    portal_server.mode = mode
    report = portal_sync.sync(limit=1, clock=clock)
    assert (report.sent, report.failed, report.deferred) == (0, 0, 1)
    item = items(db)[0]
    assert item.state is OutboxState.PENDING and item.attempts == 1
    assert item.last_error == error
    assert item.acknowledgement is None
    wait = (as_utc(item.next_attempt_at) - clock.now).total_seconds()
    # 429 asked for 600 s (Retry-After): more than the backoff's 30 s.
    assert wait >= (600 if mode == "busy" else 22.5)


def test_an_unreachable_portal_is_tried_again_later(app, db, clock, real_product):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config["PORTAL_URL"] = f"http://127.0.0.1:{port}/api"
    report = portal_sync.sync(clock=clock)
    # The portal seems down: the pass stops after the first try.
    assert (report.attempted, report.deferred) == (1, 1)
    assert report.stopped == "connection: Connection refused"
    assert items(db)[0].last_error == "connection: Connection refused"
    assert [item.attempts for item in items(db)] == [1, 0]


def test_a_refusal_fails_at_once_with_the_portals_reason(db, portal_server, clock, real_product):
    portal_server.script = ["reject"]
    report = portal_sync.sync(clock=clock)
    assert (report.sent, report.failed, report.deferred) == (1, 1, 0)
    refused = items(db)[0]
    assert refused.state is OutboxState.FAILED and refused.attempts == 1
    assert refused.last_error == "rejected: HTTP 400: Thiếu ảnh sản phẩm (mục 2)"
    assert portal_sync.sync(clock=clock).attempted == 0  # never sent again on its own


def test_a_change_the_adapter_cannot_route_fails_at_once(db, portal_server, clock):
    item = portal.new_item("producer", 1, "delete", {"name": "X"}, clock())
    db.session.add(item)
    db.session.commit()
    report = portal_sync.sync(clock=clock)
    assert (report.sent, report.failed) == (0, 1)
    assert items(db)[0].last_error == "adapter: the adapter has no route for producer delete"
    assert portal_server.requests == []


def test_an_older_change_of_a_record_goes_before_a_newer_one(db, portal_server, clock, facility):
    facility.phone = "0225 3888 111"
    db.session.commit()
    facility.phone = "0225 3888 222"
    db.session.commit()
    older, middle, newer = items(db)
    older_key, newer_key = older.idempotency_key, newer.idempotency_key
    portal_server.script = ["fail"]
    portal_sync.sync(clock=clock)
    # The newer state waits for the older one, so that it is the one the portal keeps.
    assert newer_key not in portal_server.keys_received()
    clock.move_to(db.session.get(OutboxItem, older.id).next_attempt_at)
    assert portal_sync.sync(clock=clock).sent == 3
    assert portal_server.applications == [older_key, middle.idempotency_key, newer_key]


def test_after_recovery_everything_is_acknowledged_once_and_nothing_is_lost(
    app, db, portal_server, clock, real_lot, make_lot, make_event, real_product
):
    app.config["PORTAL_TIMEOUT"] = 1
    for number in range(3):
        make_event(real_lot, step="storing", notes_vi=f"Kho {number}")
    make_event(make_lot(real_product, "CH2026-02"))
    outbox_keys = {item.idempotency_key for item in items(db)}
    assert len(outbox_keys) == 8
    # The portal applies the first item but answers too late, then fails and
    # answers garbage for a while, then recovers.
    portal_server.script = ["slow", "fail", "garbage", "fail", "garbage", "unavailable"]
    for _ in range(12):
        portal_sync.sync(clock=clock)
        pending = [item for item in items(db) if item.state is OutboxState.PENDING]
        if not pending:
            break
        clock.move_to(max(as_utc(item.next_attempt_at) for item in pending))
    assert {item.state for item in items(db)} == {OutboxState.SENT}
    assert set(portal_server.applied) == outbox_keys
    assert sorted(portal_server.applications) == sorted(outbox_keys)  # each applied once
    timed_out = items(db)[0]
    # Its retries (after the timeout, then after a 500) carried the same key, so the
    # portal, which had applied the first, did not apply it again.
    assert portal_server.keys_received().count(timed_out.idempotency_key) == 3
    assert timed_out.acknowledgement["duplicate"] is True
    acknowledged = {item.acknowledgement["key"] for item in items(db)}
    assert acknowledged == outbox_keys


def test_two_syncs_at_once_never_send_an_item_twice(app, db, portal_server, real_lot, make_event):
    for number in range(16):
        make_event(real_lot, step="storing", notes_vi=f"Kho {number}")
    outbox_keys = {item.idempotency_key for item in items(db)}
    portal_server.delay = 0.02  # both passes are sending at the same time
    reports, errors = [], []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                reports.append(portal_sync.sync())
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    received = portal_server.keys_received()
    assert sorted(received) == sorted(outbox_keys)  # every key, each exactly once
    assert sum(report.sent for report in reports) == len(outbox_keys)
    assert all(report.sent for report in reports)  # both passes did share the work
    assert {item.state for item in items(db)} == {OutboxState.SENT}


def test_a_pass_that_died_leaves_its_item_to_the_next_after_the_lease(
    db, portal_server, clock, real_product
):
    first = items(db)[0]
    ((item_id, due),) = portal_sync._due(clock(), count=1)
    claim = portal_sync._claim(item_id, due, clock(), timedelta(minutes=5))
    assert claim.item.id == first.id
    # The pass that claimed it is gone: another pass leaves it alone until the lease ends...
    assert portal_sync.sync(clock=clock).sent == 1
    assert first.idempotency_key not in portal_server.keys_received()
    clock.move_to(clock.now + timedelta(minutes=5, seconds=1))
    # ...then sends it, with its key.
    assert portal_sync.sync(clock=clock).sent == 1
    assert portal_server.keys_received()[-1] == first.idempotency_key


# -- the command line --------------------------------------------------------------


def test_portal_sync_prints_its_counts(runner, db, portal_server, real_product):
    result = runner.invoke(args=["portal", "sync"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sent 2, failed 0, deferred 0.\n"
    assert runner.invoke(args=["portal", "sync"]).output == "Nothing due.\n"


def test_portal_sync_exits_non_zero_when_something_failed(runner, db, portal_server, real_product):
    portal_server.script = ["reject", "fail"]
    result = runner.invoke(args=["portal", "sync"])
    assert result.exit_code == 1
    assert result.output == "Sent 0, failed 1, deferred 1.\n"


def test_portal_sync_every_runs_passes_until_told(runner, db, portal_server, real_product):
    result = runner.invoke(args=["portal", "sync", "--every", "0.05", "--passes", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("Sent 2, failed 0, deferred 0.")
    assert lines[1].endswith("Nothing due.")


def test_portal_sync_without_a_url_says_the_connector_is_off(app, runner, db):
    app.config["PORTAL_URL"] = ""
    result = runner.invoke(args=["portal", "sync"])
    assert result.exit_code == 2
    assert "PORTAL_URL is not set" in result.output


def test_portal_status_counts_states_and_shows_the_latest_errors(
    runner, db, portal_server, clock, real_product
):
    portal_server.script = ["reject"]
    portal_sync.sync(clock=clock)
    result = runner.invoke(args=["portal", "status"])
    assert result.exit_code == 0, result.output
    assert f"Connector: on, sending to {portal_server.url}" in result.output
    assert re.search(r"^  pending +0$", result.output, re.M)
    assert re.search(r"^  sent +1$", result.output, re.M)
    assert re.search(r"^  failed +1$", result.output, re.M)
    assert "rejected: HTTP 400: Thiếu ảnh sản phẩm (mục 2)" in result.output
    assert "Oldest pending" not in result.output


def test_portal_status_shows_the_oldest_pending_item(app, runner, db, real_product):
    app.config["PORTAL_URL"] = None
    result = runner.invoke(args=["portal", "status"])
    assert "Connector: off (PORTAL_URL is not set" in result.output
    assert re.search(r"^  pending +2$", result.output, re.M)
    assert "Oldest pending: recorded " in result.output and "2 due now." in result.output


def test_portal_backfill_records_the_catalogue(runner, db, real_product):
    before = len(items(db))
    result = runner.invoke(args=["portal", "backfill", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output == "2 items recorded in the outbox.\n"
    assert len(items(db)) == before + 2


def test_the_factory_wires_the_connector(app_config):
    """The outbox recorder and the `portal` commands come with every app."""
    app = create_app(app_config)
    assert app.extensions.get("portal") is True
    assert "portal" in app.cli.commands
    with app.app_context():
        assert "admin.portal" in app.view_functions
        _db.engine.dispose()
