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
