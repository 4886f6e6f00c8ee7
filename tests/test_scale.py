"""The synthetic-data generator, and the query plans of the pages over its data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lookup_site import identifiers, scale
from lookup_site.models import (
    AuditEntry,
    Event,
    Lot,
    OutboxItem,
    Producer,
    Product,
    ProductReadiness,
    Scan,
    ScanDay,
    ScanNationalDay,
    ScanNationalPlace,
    ScanPlace,
    Serial,
)
from lookup_site.services import chain, lots


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_generate_writes_the_planned_rows_with_valid_identifiers(app, db):
    plan = scale.Plan(lots=450, events_per_lot=3, scans=900, seed=7)

    counts = scale.generate(plan)

    assert counts.rows["lot"] == _count(db, Lot) == 450
    assert counts.rows["event"] == _count(db, Event) == 1350
    assert _count(db, Product) == 3 and _count(db, Producer) == 1
    assert _count(db, Scan) == 900 and _count(db, Serial) == plan.serials == 300
    assert counts.total > 0 and counts.rate > 0
    gtins = list(db.session.scalars(select(Product.gtin)))
    assert all(identifiers.is_valid_gtin(gtin) and len(gtin) == 14 for gtin in gtins)
    codes = list(db.session.scalars(select(Lot.public_code)))
    assert len(set(codes)) == len(codes)
    assert all(identifiers.normalize_public_code(code) == code for code in codes)
    assert not any(code.isdigit() for code in codes)


def test_every_synthetic_chain_verifies_and_the_lot_page_says_so(app, db):
    scale.generate(scale.Plan(lots=60, events_per_lot=4, seed=3))

    for lot in db.session.scalars(select(Lot)):
        assert chain.verify_chain(lot.events, lot.public_code) == chain.ChainVerdict(True, 4)
    some = db.session.scalars(select(Lot).limit(1)).one()
    page = lots.lot_page(lots.find_lot(some.product.gtin, some.code))
    assert page.chain.intact and [e.sequence for e in page.events] == [1, 2, 3, 4]


def test_a_tampered_synthetic_event_breaks_its_chain(app, db):
    scale.generate(scale.Plan(lots=2, events_per_lot=3, seed=5))
    lot = db.session.scalars(select(Lot).limit(1)).one()
    lot.events[1].actor = "someone else"

    assert chain.verify_chain(lot.events, lot.public_code).broken_at == 2


def test_scan_counters_and_rollups_add_up(app, db):
    scale.generate(scale.Plan(lots=40, events_per_lot=1, scans=2000, seed=11))

    assert db.session.scalar(select(func.sum(ScanDay.count))) == 2000
    assert db.session.scalar(select(func.sum(ScanNationalDay.count))) == 2000
    assert db.session.scalar(select(func.sum(ScanNationalPlace.scans))) == db.session.scalar(
        select(func.sum(ScanPlace.scans))
    )
    assert _count(db, ProductReadiness) == _count(db, Product)
    assert db.session.scalar(select(func.sum(ProductReadiness.lots))) == 40
    assert db.session.scalar(select(func.sum(ProductReadiness.events))) == 40
    assert db.session.scalar(select(func.sum(Serial.scan_count))) == 2000
    shared = db.session.scalar(select(func.count()).where(Scan.province.is_not(None)))
    assert db.session.scalar(select(func.sum(ScanPlace.scans))) == shared
    # Each serial's counters agree with its own scans.
    item = db.session.scalars(select(Serial).order_by(Serial.id).limit(1)).one()
    own = select(Scan.scanned_at).where(Scan.serial_id == item.id)
    assert item.scan_count == db.session.scalar(select(func.count()).select_from(own.subquery()))
    assert item.first_scanned_at == db.session.scalar(
        select(func.min(Scan.scanned_at)).where(Scan.serial_id == item.id)
    )
    # About three checks each: under the copy warning threshold, so nothing is flagged.
    assert _count(db, Serial) == 666
    assert db.session.scalar(select(func.count()).where(Serial.flag.is_not(None))) == 0


def test_synthetic_rows_are_neither_audited_nor_sent_to_the_portal(app, db):
    scale.generate(scale.Plan(lots=5, events_per_lot=2, scans=10, seed=1))

    assert _count(db, AuditEntry) == 0
    assert _count(db, OutboxItem) == 0


def test_a_second_run_adds_to_the_data_and_the_app_keeps_inserting(app, db, make_lot):
    scale.generate(scale.Plan(lots=10, events_per_lot=2, scans=6, seed=1))
    scale.generate(scale.Plan(lots=10, events_per_lot=2, scans=6, seed=1))

    assert _count(db, Lot) == 20 and _count(db, Event) == 40 and _count(db, Scan) == 12
    # Ids continue after the synthetic rows (PostgreSQL's sequences were moved on).
    lot = make_lot(code="AFTER-1", production_date=date(2026, 9, 1))
    event = lots.append_event(lot, step="packing", event_time=datetime(2026, 9, 2, tzinfo=UTC))
    db.session.commit()
    assert lot.id == 21 and event.id == 41


def test_generate_command_prints_what_it_wrote(app, runner):
    result = runner.invoke(
        args=["scale", "generate", "--lots", "12", "--events-per-lot", "2", "--scans", "9"]
    )

    assert result.exit_code == 0, result.output
    assert "lot" in result.output and "rows/s" in result.output
    assert "Wrote" in result.output


def test_generate_command_refuses_a_bad_size(app, runner):
    result = runner.invoke(args=["scale", "generate", "--lots", "0", "--events-per-lot", "2"])

    assert result.exit_code == 2
    assert "--lots" in result.output


def test_payload_template_matches_the_chains_serialisation(app):
    template = scale.PayloadTemplate()
    row = {
        **scale.EVENT_CONSTANTS,
        "uuid": "0b0e8f32-5c7d-4a8e-9f00-1234567890ab",
        "sequence": 3,
        "step": "packing",
        "event_time": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "recorded_at": datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC),
        "previous_hash": "a" * 64,
    }
    expected = chain.canonical_payload(SimpleNamespace(**row, photos=()), "K7QM4XZ2", None)

    for _ in range(3):  # the first is checked by the template itself, the others not
        assert template.payload(row, "K7QM4XZ2") == expected


def test_explain_is_postgresql_only(app, db, runner):
    if db.engine.dialect.name == "postgresql":
        pytest.skip("on PostgreSQL the plans are checked by test_pages_use_indexes")
    result = runner.invoke(args=["scale", "explain"])

    assert result.exit_code == 1
    assert "PostgreSQL only" in result.output


def test_pages_use_indexes_on_a_generated_database(app, db, runner):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are PostgreSQL's: set TEST_DATABASE_URL to check them")
    # 4 lots a product keep each of 1,000 producers' share of the lots at 0.1%, as with
    # 1,000,000 lots at the default 200: the planner rightly reads a small table whole
    # for a query that wants 5% of it, which says nothing of the big database.
    plan = scale.Plan(lots=20_000, events_per_lot=5, scans=20_000, seed=2, lots_per_product=4)
    scale.generate(plan)

    report = scale.explain_all()

    assert set(report.probes) == set(scale.probes())
    assert all(planned > 0 for planned in report.probes.values())
    assert report.unexpected == [], [(s.probe, s.table) for s in report.unexpected]
    public = [scan for scan in report.seq_scans if scan.probe.startswith("public:")]
    assert public == []
    # The Department's dashboard reads kept readiness facts, and its national scan figures
    # per day, language and province read the national rollups: none reads a large table
    # whole. What remains documented: lots checked and top lots of the period.
    assert set(scale.KNOWN_SEQ_SCANS) == {("admin: scan analytics", "scan_day")}
    dashboard = [scan for scan in report.seq_scans if scan.probe == "admin: dashboard"]
    assert dashboard == []
    national = [s.statement for s in report.seq_scans if s.probe == "admin: scan analytics"]
    assert not any("GROUP BY scan_day.day, scan_day.language" in s for s in national)
    result = runner.invoke(args=["scale", "explain"])
    assert result.exit_code == 0, result.output
    assert "No unexpected sequential scan" in result.output
