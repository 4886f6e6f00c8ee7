"""The serials service: unguessable item codes, unique per product, listed for print."""

from __future__ import annotations

import csv
import io
import time

import pytest
from sqlalchemy import func, inspect, select

from lookup_site import identifiers
from lookup_site.messages import describe
from lookup_site.models import Serial
from lookup_site.services import serials

CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def serial_count(db) -> int:
    return db.session.scalar(select(func.count(Serial.id)))


def test_serials_follow_gs1_rules_and_round_trip_through_a_digital_link(app, db, make_lot):
    lot = make_lot()
    issued = serials.generate_serials(lot, 500)
    db.session.commit()

    assert len(issued) == 500
    for item in issued:
        assert identifiers.validate_serial(item.serial) == item.serial
        assert len(item.serial) == serials.SERIAL_LENGTH
        assert set(item.serial) <= CROCKFORD
        url = serials.serial_url(item)
        assert url == (
            f"https://txng.example.vn/01/{lot.product.gtin}/10/{lot.code}/21/{item.serial}"
        )
        link = identifiers.parse_digital_link(url)
        assert (link.gtin, link.lot, link.serial) == (lot.product.gtin, lot.code, item.serial)
        assert item.lot_id == lot.id and item.product_id == lot.product_id
        assert item.scan_count == 0


def test_serials_are_not_sequential(app, db, make_lot):
    values = [item.serial for item in serials.generate_serials(make_lot(), 200)]
    assert values != sorted(values)
    # Consecutive codes share no more leading characters than chance allows.
    shared = sum(a[:3] == b[:3] for a, b in zip(values, values[1:], strict=False))
    assert shared < 5


def test_serials_are_unique_across_the_lots_of_a_product(app, db, make_lot, make_product):
    product = make_product()
    first = serials.generate_serials(make_lot(product, "L1"), 5000)
    second = serials.generate_serials(make_lot(product, "L2"), 5000)
    db.session.commit()
    values = [item.serial for item in first + second]
    assert len(set(values)) == 10_000


def test_a_serial_already_taken_is_replaced(app, db, make_lot, make_product, monkeypatch):
    product = make_product()
    old_lot = make_lot(product, "OLD")
    taken = serials.generate_serials(old_lot, 1)[0].serial
    db.session.commit()
    # The random source first offers the taken code (and a duplicate of it), then fresh ones.
    offers = iter([[taken, taken, "FRESH0000001"], ["FRESH0000002"]])
    monkeypatch.setattr(serials, "_random_serials", lambda count: next(offers))

    issued = serials.generate_serials(make_lot(product, "NEW"), 2)
    db.session.commit()

    assert sorted(item.serial for item in issued) == ["FRESH0000001", "FRESH0000002"]
    assert serial_count(db) == 3


def test_the_same_serial_may_exist_for_another_product(
    app, db, make_lot, make_product, monkeypatch
):
    monkeypatch.setattr(serials, "_random_serials", lambda count: ["SAME00000000"] * count)
    serials.generate_serials(make_lot(make_product(gtin="09520123450014")), 1)
    serials.generate_serials(make_lot(make_product(gtin="09520123450021")), 1)
    db.session.commit()
    assert serial_count(db) == 2


@pytest.mark.parametrize("count", [0, -1, 100_001, 10**9])
def test_quantity_out_of_range_is_refused_and_nothing_written(app, db, make_lot, count):
    lot = make_lot()
    with pytest.raises(serials.SerialQuantityOutOfRange) as raised:
        serials.generate_serials(lot, count)
    assert serial_count(db) == 0
    with app.test_request_context("/?lang=en"):
        assert describe(raised.value) == "Enter a number of serial codes from 1 to 100,000."


def test_one_hundred_thousand_serials_in_one_call(app, db, make_lot):
    lot = make_lot()
    started = time.perf_counter()
    issued = serials.generate_serials(lot, serials.MAX_SERIALS)
    values = {item.serial for item in issued}  # read before the commit expires them
    db.session.commit()
    generated = time.perf_counter() - started
    started = time.perf_counter()
    body = "".join(serials.serials_csv(lot))
    listed = time.perf_counter() - started
    print(f"100,000 serials: generated in {generated:.2f} s, CSV in {listed:.2f} s")

    assert len(issued) == serials.MAX_SERIALS
    assert len(values) == serials.MAX_SERIALS
    assert body.count("\r\n") == serials.MAX_SERIALS + 1
    assert (
        generated + listed < 30
    )  # the target is 10 s; this bound only catches a regression


def test_csv_lists_serial_url_and_short_code(app, db, make_lot):
    lot = make_lot(code="NM/26")  # a '/' is percent-encoded in the URL
    issued = serials.generate_serials(lot, 3)
    db.session.commit()

    rows = list(csv.reader(io.StringIO("".join(serials.serials_csv(lot)))))

    assert rows[0] == ["serial", "url", "short_code"]
    short = f"{lot.public_code[:4]}-{lot.public_code[4:]}"
    assert rows[1:] == [
        [item.serial, serials.serial_url(item), f"{short}-{item.serial}"] for item in issued
    ]
    assert "/10/NM%2F26/21/" in rows[1][1]


def test_items_of_a_product_without_gtin_use_the_short_code_url(app, db, make_lot, make_product):
    lot = make_lot(make_product(gtin=None))
    item = serials.generate_serials(lot, 1)[0]
    assert serials.serial_url(item) == f"https://txng.example.vn/t/{lot.public_code}/{item.serial}"
    rows = list(csv.reader(io.StringIO("".join(serials.serials_csv(lot)))))
    assert rows[1][1] == serials.serial_url(item)


def test_scan_table_holds_no_personal_data(app, db):
    columns = {column["name"] for column in inspect(db.engine).get_columns("scan")}
    assert columns == {
        "id",
        "serial_id",
        "lot_id",
        "product_id",
        "scanned_at",
        "language",
        "client_class",
        "province",
    }
    assert not {name for name in columns if "ip" in name.split("_") or "agent" in name}


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (
            "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/119.0 Mobile Safari/537.36",
            "phone",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148 Zalo iOS/436 ZaloTheme/light ZaloLanguage/vi",
            "phone",
        ),
        ("Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15", "tablet"),
        ("Mozilla/5.0 (Linux; Android 12; SM-X200) AppleWebKit/537.36 Safari/537.36", "tablet"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/119.0", "desktop"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15", "desktop"),
        ("SomethingElse/1.0", "other"),
    ],
)
def test_client_class_is_coarse(user_agent, expected):
    assert serials.client_class(user_agent) == expected
