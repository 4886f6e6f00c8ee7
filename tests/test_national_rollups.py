"""The Department's rollups: national checks and provinces, and every product's readiness facts.

Each is compared with a recount from the raw rows (scans, lots, diary entries) after a
mixed sequence of the writes that keep it, and the figures the dashboards show with the
figures computed the direct way.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from lookup_site import scale
from lookup_site.demo import load_demo
from lookup_site.models import (
    Lot,
    Product,
    ProductReadiness,
    Scan,
    ScanDay,
    ScanNationalDay,
    ScanNationalPlace,
    ScanPlace,
    Serial,
)
from lookup_site.services import (
    clock,
    lots,
    programme,
    readiness,
    scan_analytics,
    scan_places,
    serials,
)
from lookup_site.services.clock import VIETNAM


def national_days(db) -> dict[tuple[date, str], int]:
    rows = db.session.execute(
        select(ScanNationalDay.day, ScanNationalDay.language, ScanNationalDay.count)
    )
    return {(day, language): count for day, language, count in rows}


def national_places(db) -> dict[str, tuple[int, int]]:
    rows = db.session.execute(select(ScanNationalPlace))
    return {row.province: (row.scans, row.first_scans) for row in rows.scalars()}


def recounted_days(db) -> dict[tuple[date, str], int]:
    """Checks per Vietnam day and language, counted from the scan rows themselves."""
    counts: Counter[tuple[date, str]] = Counter()
    for scanned_at, language in db.session.execute(select(Scan.scanned_at, Scan.language)):
        counts[(clock.as_utc(scanned_at).astimezone(VIETNAM).date(), language)] += 1
    return dict(counts)


def recounted_places(db) -> dict[str, tuple[int, int]]:
    """Shared checks per province, and those that were their item's first check."""
    first_ids = set(db.session.scalars(select(func.min(Scan.id)).group_by(Scan.serial_id)))
    shared: Counter[str] = Counter()
    first: Counter[str] = Counter()
    for scan_id, province in db.session.execute(
        select(Scan.id, Scan.province).where(Scan.province.is_not(None))
    ):
        shared[province] += 1
        first[province] += scan_id in first_ids
    return {province: (shared[province], first[province]) for province in shared}


@pytest.fixture
def items(db, make_product, make_producer, make_lot):
    """Two facilities' lots, three items each."""
    fish = make_lot()
    rice = make_lot(
        make_product(
            producer=make_producer(name_vi="HTX Gạo Kiến Thụy"),
            name_vi="Gạo ruộng rươi",
            gtin="09520123450014",
        ),
        "GR-01",
    )
    made = serials.generate_serials(fish, 3) + serials.generate_serials(rice, 3)
    db.session.commit()
    return made


def test_checks_and_shares_keep_the_national_rollups_equal_to_a_recount(
    app, db, items, monkeypatch
):
    today = clock.local_today()
    plan = [
        # (item, days ago, Vietnam hour, language, province shared or None)
        (0, 0, 9, "vi", "ha-noi"),
        (0, 0, 23, "en", None),  # late evening: still today in Vietnam, tomorrow nowhere else
        (1, 0, 0, "vi", "hai-phong"),  # just after midnight in Vietnam: yesterday in UTC
        (3, 1, 12, "vi", "ha-noi"),
        (3, 1, 12, "vi", "ha-noi"),  # the same item again: not its first check
        (4, 2, 8, "en", "ca-mau"),
        (5, 40, 8, "vi", None),
        (2, 0, 10, "fr", None),  # a language of its own ("other" in the report)
        (0, 3, 6, "vi", "hai-phong"),  # after its first: a share that is not a first check
    ]
    for index, days_ago, hour, language, province in plan:
        when = datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=VIETNAM)
        monkeypatch.setattr(serials, "utcnow", lambda when=when: when.astimezone(UTC))
        checks = serials.record_check(items[index], language=language, client="phone")
        if province:
            scan_places.share_place(scan_places.place_token(checks.scan_id), province)
        db.session.commit()

    assert sum(national_days(db).values()) == len(plan)
    assert national_days(db) == recounted_days(db)
    assert national_places(db) == recounted_places(db)
    # And equal to the per-lot rollups summed, which the facilities' figures read.
    per_lot: Counter[tuple[date, str]] = Counter()
    for day, language, count in db.session.execute(
        select(ScanDay.day, ScanDay.language, ScanDay.count)
    ):
        per_lot[(day, language)] += count
    assert national_days(db) == dict(per_lot)
    places = db.session.execute(
        select(
            ScanPlace.province, func.sum(ScanPlace.scans), func.sum(ScanPlace.first_scans)
        ).group_by(ScanPlace.province)
    )
    assert national_places(db) == {code: (scans, first) for code, scans, first in places}


def test_a_repeated_share_adds_nothing_anywhere(app, db, items):
    checks = serials.record_check(items[0], language="vi", client="phone")
    token = scan_places.place_token(checks.scan_id)
    scan_places.share_place(token, "ha-noi")
    again = scan_places.share_place(token, "hai-phong")
    db.session.commit()

    assert not again.recorded
    assert national_places(db) == {"ha-noi": (1, 1)} == recounted_places(db)


def test_an_unknown_province_changes_no_rollup(app, db, items):
    checks = serials.record_check(items[0], language="vi", client="phone")
    with app.test_request_context(), pytest.raises(scan_places.UnknownProvince):
        scan_places.share_place(scan_places.place_token(checks.scan_id), "atlantis")
    db.session.commit()

    assert national_places(db) == {}
    assert sum(national_days(db).values()) == 1


def test_the_department_report_reads_the_national_rows_with_the_same_figures(
    app, db, items, monkeypatch
):
    today = clock.local_today()
    for offset, item in enumerate(items):
        when = datetime.combine(today - timedelta(days=offset * 7), time(10), tzinfo=VIETNAM)
        monkeypatch.setattr(serials, "utcnow", lambda when=when: when.astimezone(UTC))
        for number in range(offset + 1):
            checks = serials.record_check(
                item, language="en" if number % 2 else "vi", client="phone"
            )
            if number == 0:
                scan_places.share_place(scan_places.place_token(checks.scan_id), "hue")
    db.session.commit()
    period = scan_analytics.Period.ending_today(30)

    national = scan_analytics.report(scan_analytics.department_scope(), period)
    producers = [item.lot.product.producer for item in (items[0], items[3])]
    facilities = [
        scan_analytics.report(scan_analytics.department_scope(producer_id=p.id), period)
        for p in producers
    ]

    assert national.totals.checks == sum(f.totals.checks for f in facilities) == 1 + 2 + 3 + 4 + 5
    for index, day in enumerate(national.days):
        assert day.checks == sum(f.days[index].checks for f in facilities)
    assert [(share.language, share.checks) for share in national.languages] == [
        (language, sum(f.languages[i].checks for f in facilities))
        for i, language in enumerate(("vi", "en"))
    ]
    [hue] = national.provinces
    # Provinces are kept for all time: the 6th item's share, 35 days old, counts too.
    assert (hue.shared_checks, hue.first_checks) == (6, 6)
    assert hue.shared_checks == sum(f.provinces[0].shared_checks for f in facilities)
    assert national.ever_checked


def test_a_database_never_checked_reports_nothing(app, db, items):
    report = scan_analytics.report(
        scan_analytics.department_scope(), scan_analytics.Period.ending_today(30)
    )
    assert not report.ever_checked and report.totals.checks == 0 and report.provinces == []


# --- Readiness ------------------------------------------------------------------------


def stored_facts(db) -> dict[int, dict[str, int]]:
    columns = (*readiness.LOT_FACTS, *readiness.EVENT_FACTS)
    return {
        row.product_id: {name: getattr(row, name) for name in columns}
        for row in db.session.scalars(select(ProductReadiness))
        if any(getattr(row, name) for name in columns)
    }


def recounted_facts(db) -> dict[int, dict[str, int]]:
    with db.engine.connect() as connection:
        return readiness.count_facts(connection, db.true())


def assert_counted_equals_direct(db) -> None:
    products = list(db.session.scalars(select(Product).order_by(Product.id)))
    direct = readiness.readiness_of(products)
    counted = readiness.readiness_of(products, counted=True)
    with current_app.test_request_context():  # the items' messages are lazy, in a language
        assert counted == direct
    assert stored_facts(db) == recounted_facts(db)


def test_demo_readiness_is_the_same_from_the_kept_facts(app, db):
    load_demo()
    db.session.commit()

    assert stored_facts(db)  # the demo's lots and entries were counted as they were added
    assert_counted_equals_direct(db)
    total, unready = programme.unready_products()
    products = list(db.session.scalars(select(Product)))
    direct = readiness.readiness_of(products)
    assert total == len(products)
    assert {row.product.id for row in unready} == {
        product.id for product in products if not direct[product.id].ready
    }
    with app.test_request_context():
        assert all(row.readiness == direct[row.product.id] for row in unready)


def test_lot_and_diary_changes_keep_the_facts(app, db, make_lot, make_product, make_event):
    product = make_product(standards="TCVN 5107:2018", image="img/fish.svg")
    other = make_product(name_vi="Mật ong", gtin="09520123450014")
    undated = make_lot(product, "L-1", production_date=None, best_before=None)
    assert_counted_equals_direct(db)

    dated = make_lot(product, "L-2")
    make_event(dated, location_name="")  # no place at all
    placed = make_event(dated, "storing", location_name="Kho lạnh")
    assert_counted_equals_direct(db)

    # A correction that names the place replaces the entry it corrects.
    first_entry = dated.events[0]
    lots.append_event(
        dated,
        step=first_entry.step,
        event_time=clock.as_utc(first_entry.event_time),
        location_name="Xưởng đóng chai",
        location_gln="8930000000019",
        corrects=first_entry,
    )
    db.session.commit()
    assert_counted_equals_direct(db)

    undated.production_date = date(2026, 9, 1)
    undated.quantity = Decimal("10")
    db.session.commit()
    assert_counted_equals_direct(db)

    dated.product = other  # a lot moved to another product changes both products' facts
    db.session.commit()
    assert_counted_equals_direct(db)
    assert placed.lot.product_id == other.id


def test_an_edit_outside_the_facts_recounts_nothing(app, db, make_lot):
    lot = make_lot()
    lot.quantity = Decimal("5")
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        db.session.commit()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)

    assert any(statement.startswith("UPDATE lot") for statement in statements)
    assert not any("product_readiness" in statement for statement in statements)


def test_generated_data_comes_with_its_rollups(app, db):
    scale.generate(scale.Plan(lots=40, events_per_lot=2, scans=600, seed=4))

    assert national_days(db) == recounted_days(db)
    assert national_places(db) == recounted_places(db)
    assert_counted_equals_direct(db)
    assert len(stored_facts(db)) == db.session.scalar(select(func.count(Product.id)))


def test_a_second_generated_run_adds_to_the_national_rows(app, db):
    scale.generate(scale.Plan(lots=10, events_per_lot=1, scans=90, seed=1))
    scale.generate(scale.Plan(lots=10, events_per_lot=1, scans=90, seed=1))

    assert sum(national_days(db).values()) == 180 == db.session.scalar(select(func.count(Scan.id)))
    assert national_days(db) == recounted_days(db)
    assert national_places(db) == recounted_places(db)


def test_flagged_items_are_not_counted_twice(app, db, items):
    """A check that flags an item still adds one check to each rollup."""
    item = items[0]
    for _ in range(serials.DEFAULT_COPY_WARNING_THRESHOLD + 2):
        serials.record_check(item, language="vi", client="phone")
    db.session.commit()

    assert db.session.get(Serial, item.id).flag == serials.FLAG_MANY_CHECKS
    assert national_days(db) == recounted_days(db)
    assert sum(national_days(db).values()) == serials.DEFAULT_COPY_WARNING_THRESHOLD + 2
    assert db.session.scalar(select(func.count(Lot.id))) == 2
