"""Registering lots: GS1 lot codes, unique codes per product, unguessable short codes."""

from __future__ import annotations

import pytest

from lookup_site import identifiers
from lookup_site.errors import DuplicateLotCode, InvalidCorrection
from lookup_site.services import lots as lot_service


@pytest.mark.parametrize(
    ("code", "reason"),
    [("LÔ-01", "charset"), ("A B", "charset"), ("", "empty"), ("X" * 21, "length")],
)
def test_lot_codes_follow_gs1_ai_10(make_product, code, reason):
    with pytest.raises(identifiers.InvalidLotCode) as caught:
        lot_service.create_lot(make_product(), code)
    assert caught.value.reason == reason


def test_lot_code_is_unique_per_product_only(make_product, make_lot):
    first = make_product()
    make_lot(first, "2026-01")
    with pytest.raises(DuplicateLotCode):
        make_lot(first, "2026-01")
    other = make_lot(make_product(gtin="09520123450014"), "2026-01")
    assert other.code == "2026-01"


def test_public_codes_are_unique_typable_and_not_all_digits(make_product, make_lot):
    product = make_product()
    codes = {make_lot(product, f"L{i}").public_code for i in range(40)}
    assert len(codes) == 40
    for code in codes:
        assert identifiers.normalize_public_code(code) == code
        assert not code.isdigit()


def test_a_lot_cannot_be_made_from_itself(make_lot):
    lot = make_lot()
    with pytest.raises(InvalidCorrection):
        lot_service.add_input(lot, lot)


def test_writers_of_one_lot_at_the_same_time_all_succeed(app, db, make_lot):
    """Several phones saving diary entries on one lot at once: none refused, chain intact."""
    import threading
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import select

    from lookup_site.extensions import db as site_db
    from lookup_site.models import Event, Lot
    from lookup_site.services import chain

    lot_id = make_lot().id
    db.session.commit()
    start = datetime(2026, 9, 2, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    failures: list[BaseException] = []
    barrier = threading.Barrier(4)

    def write(writer: int) -> None:
        with app.app_context():
            barrier.wait()
            for n in range(8):
                try:
                    lot = site_db.session.get(Lot, lot_id)
                    lot_service.append_event(
                        lot, step="packing", event_time=start + timedelta(minutes=n),
                        notes_en=f"writer {writer} entry {n}",
                    )
                    site_db.session.commit()
                except BaseException as error:  # noqa: BLE001 - reported below
                    site_db.session.rollback()
                    failures.append(error)
            site_db.session.remove()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    db.session.expire_all()
    events = db.session.scalars(
        select(Event).where(Event.lot_id == lot_id).order_by(Event.sequence)
    ).all()
    assert [e.sequence for e in events] == list(range(1, 33))
    assert len({e.notes_en for e in events}) == 32
    assert chain.verify_chain(events, db.session.get(Lot, lot_id).public_code).intact
