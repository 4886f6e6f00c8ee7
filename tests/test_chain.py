"""The append-only event chain detects any later edit."""

from __future__ import annotations

from datetime import datetime

import pytest

from lookup_site.errors import InvalidCorrection
from lookup_site.services import chain
from lookup_site.services import lots as lot_service

from .conftest import VIETNAM


def test_each_event_carries_its_predecessors_hash(make_lot, make_event):
    lot = make_lot()
    first = make_event(lot, "harvesting")
    second = make_event(lot, "packing")
    assert first.previous_hash == chain.GENESIS_HASH
    assert second.previous_hash == first.hash
    assert (first.sequence, second.sequence) == (1, 2)
    assert chain.verify_chain([first, second], lot.public_code)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes_vi", "Đã sửa"),
        ("actor", "Someone else"),
        ("step", "storing"),
        ("event_time", datetime(2020, 1, 1, tzinfo=VIETNAM)),
        ("location_name", "Elsewhere"),
    ],
)
def test_any_edit_breaks_the_chain_at_that_event(db, make_lot, make_event, field, value):
    lot = make_lot()
    events = [make_event(lot, step) for step in ("harvesting", "drying", "packing")]
    setattr(events[1], field, value)
    db.session.flush()

    verdict = chain.verify_chain(events, lot.public_code)

    assert not verdict
    assert verdict.broken_at == 2
    assert verdict.checked == 1


def test_deleting_an_event_breaks_the_chain(make_lot, make_event):
    lot = make_lot()
    events = [make_event(lot, step) for step in ("harvesting", "drying", "packing")]
    verdict = chain.verify_chain([events[0], events[2]], lot.public_code)
    assert not verdict and verdict.broken_at == 3


def test_moving_an_event_to_another_lot_breaks_the_chain(make_lot, make_event, make_product):
    lot = make_lot()
    event = make_event(lot, "packing")
    other = make_lot(make_product(gtin="09520123450014"))
    assert not chain.verify_chain([event], other.public_code)


def test_a_correction_must_belong_to_the_same_lot(make_lot, make_event, make_product):
    lot = make_lot()
    event = make_event(lot, "packing")
    other = make_lot(make_product(gtin="09520123450014"))
    with pytest.raises(InvalidCorrection):
        lot_service.append_event(
            other, step="correction", event_time=datetime.now(VIETNAM), corrects=event
        )


def test_event_time_must_carry_an_offset(make_lot):
    with pytest.raises(ValueError):
        lot_service.append_event(make_lot(), step="packing", event_time=datetime(2026, 1, 1))


def test_unknown_step_is_refused(make_lot):
    with pytest.raises(InvalidCorrection):
        lot_service.append_event(make_lot(), step="teleporting", event_time=datetime.now(VIETNAM))


def test_chain_survives_a_round_trip_through_the_database(db, make_lot, make_event):
    lot = make_lot()
    for step in ("catching", "fermenting", "packing"):
        make_event(lot, step, notes_vi="Ghi chú có dấu: ươ", notes_en=None)
    db.session.commit()
    db.session.expire_all()
    assert chain.verify_chain(lot.events, lot.public_code)
