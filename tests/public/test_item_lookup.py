"""Manual lookup of one item: its printed code, a pasted item URL or a Digital Link with /21/."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lookup_site.models import Scan, Serial
from lookup_site.services import serials

PHONE = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0 Mobile Safari/537.36"
)
# A lot code and a serial with the characters a shopper may misread: 0/O and 1/I/L.
PUBLIC_CODE = "K7QM40Z1"
SERIAL = "01HXKQ9M2XTB"
COUNTERFEIT = "the product may be counterfeit"
LENGTHS = "code has 20, for example K7QM-4XZ2-7HG3KQ9M2XTB"


@pytest.fixture
def item(db, make_lot):
    lot = make_lot()
    lot.public_code = PUBLIC_CODE
    row = Serial(lot_id=lot.id, product_id=lot.product_id, serial=SERIAL)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def item_without_gtin(db, make_product, make_lot):
    lot = make_lot(make_product(gtin=None), "NOGTIN-1")
    item = serials.generate_serials(lot, 1)[0]
    db.session.commit()
    return item


def lookup(client, typed: str):
    return client.get("/lookup", query_string={"q": typed, "lang": "en"})


ITEM_PATH = f"/01/09520123450007/10/CH2023-01/21/{SERIAL}"


@pytest.mark.parametrize(
    "typed",
    [
        "K7QM-40Z1-01HXKQ9M2XTB",  # as printed
        "k7qm-40z1-01hxkq9m2xtb",
        "  K7QM 40Z1 01HX KQ9M 2XTB  ",
        "K7QM40Z101HXKQ9M2XTB",
        "K7QM-40Z101HXKQ9M2XTB",  # the second hyphen left out
        "K7QM40Z1-01HXKQ9M2XTB",  # the first one left out
        "K7QM-40Z1--01HX-KQ9M-2XTB-",
        "K7-QM-40-Z1-01HXKQ9M2XTB",  # hyphens anywhere: the length tells the parts apart
        "K7QM-4OZI-OIHXKQ9M2XTB",  # O for 0 and I for 1, in the lot's code and the serial
        "K7QM-40ZL-0LHXKQ9M2XTB",  # L for 1
    ],
)
def test_an_items_printed_code_finds_the_item(client, item, typed):
    response = lookup(client, typed)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == ITEM_PATH


@pytest.mark.parametrize(
    "typed",
    [
        f"https://txng.example.vn/t/{PUBLIC_CODE}/{SERIAL}",
        f"https://txng.example.vn/t/{PUBLIC_CODE}/{SERIAL}/",
        f"/t/{PUBLIC_CODE}/{SERIAL}",
        f"https://txng.example.vn/t/k7qm-40z1/{SERIAL}",
        f"https://txng.example.vn{ITEM_PATH}",
        f"https://txng.example.vn{ITEM_PATH}?lang=vi",
        f"https://id.gs1.org/01/9520123450007/10/CH2023-01/21/{SERIAL}",
        f"https://txng.example.vn/01/09520123450007/21/{SERIAL}",
        f"(01)09520123450007(10)CH2023-01(21){SERIAL}",
        f"(01)09520123450007(21){SERIAL}",
    ],
)
def test_a_pasted_item_address_finds_the_item(client, item, typed):
    response = lookup(client, typed)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == ITEM_PATH


def test_an_item_without_gtin_goes_to_its_short_code_page(client, item_without_gtin):
    lot = item_without_gtin.lot
    typed = serials.short_code(lot, item_without_gtin.serial)
    response = lookup(client, typed)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/t/{lot.public_code}/{item_without_gtin.serial}"
    pasted = lookup(
        client, f"https://txng.example.vn/t/{lot.public_code}/{item_without_gtin.serial}"
    )
    assert pasted.headers["Location"] == response.headers["Location"]


def test_a_lot_code_with_a_slash_is_encoded_in_the_items_address(client, db, make_lot):
    lot = make_lot(code="CH/2023")
    item = serials.generate_serials(lot, 1)[0]
    db.session.commit()
    response = lookup(client, serials.short_code(lot, item.serial))
    assert response.headers["Location"] == f"/01/09520123450007/10/CH%2F2023/21/{item.serial}"


def test_the_lookup_counts_nothing_but_the_item_page_does(client, db, item):
    response = lookup(client, "K7QM-40Z1-01HXKQ9M2XTB")
    assert db.session.scalar(select(func.count(Scan.id))) == 0
    page = client.get(response.headers["Location"] + "?lang=en", headers={"User-Agent": PHONE})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"This is the first check of item code {SERIAL}" in html
    assert db.session.scalar(select(func.count(Scan.id))) == 1


@pytest.mark.parametrize(
    "typed",
    [
        "K7QM-40Z1",
        "k7qm40z1",
        "K7QM-40Z1-",  # a trailing hyphen is layout, not an empty serial
        " K7QM - 40Z1 ",
        f"https://txng.example.vn/t/{PUBLIC_CODE}/qr.svg",
    ],
)
def test_a_lots_short_code_still_finds_the_lot(client, item, typed):
    response = lookup(client, typed)
    assert response.status_code == 303
    assert response.headers["Location"] == "/01/09520123450007/10/CH2023-01"


@pytest.mark.parametrize(
    "typed",
    [
        "K7QM-40Z1-ZZZZZZZZZZZZ",
        f"https://txng.example.vn/t/{PUBLIC_CODE}/NOTREGISTERED",
        "https://txng.example.vn/01/09520123450007/10/CH2023-01/21/NOTREGISTERED",
        "https://txng.example.vn/01/09520123450007/21/NOTREGISTERED",
        "(01)09520123450007(21)NOTREGISTERED",
    ],
)
def test_an_unknown_item_of_a_real_lot_is_the_counterfeit_warning(client, item, typed):
    response = lookup(client, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert COUNTERFEIT in html
    assert "mailto:txng@example.org" in html


def test_an_item_of_another_lot_is_not_found_under_this_lot(client, db, item, make_lot):
    other = make_lot(item.lot.product, "CH2023-02")
    other_item = serials.generate_serials(other, 1)[0]
    db.session.commit()
    for typed in (
        f"K7QM-40Z1-{other_item.serial}",
        f"https://txng.example.vn/01/09520123450007/10/CH2023-01/21/{other_item.serial}",
    ):
        response = lookup(client, typed)
        assert response.status_code == 404
        assert COUNTERFEIT in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "typed",
    [
        f"ZZZZ-ZZZZ-{SERIAL}",
        f"https://txng.example.vn/t/ZZZZZZZZ/{SERIAL}",
        f"https://txng.example.vn/01/09520123450007/10/NO-SUCH-LOT/21/{SERIAL}",
        f"https://txng.example.vn/01/09520123450014/21/{SERIAL}",
    ],
)
def test_an_unknown_lot_or_product_is_not_registered_rather_than_counterfeit(client, item, typed):
    response = lookup(client, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "not registered" in html and COUNTERFEIT not in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("K7QM-40Z1X", LENGTHS),  # one character too many for a lot's code
        ("K7QM-40Z1-01HXKQ9M2XT", LENGTHS),  # one short for an item's
        ("K7QM-40Z1-01HXKQ9M2XTBB", LENGTHS),  # one too many
        ("K7QM-40Z1-01HXKQ9M2XT!", LENGTHS),
        ("K7QM-40Z1-01HXKQ9M2XTU", LENGTHS),  # U is never in a code: mistyped
        ("K7QM-40Z1-01HXKQ9M2XTÉ", LENGTHS),
        ("K7QU-40Z1-01HXKQ9M2XTB", "A short code has 8 characters"),
        (f"https://txng.example.vn/t/{PUBLIC_CODE}/%C3%A9", "may not contain"),
        (f"https://txng.example.vn/t/{PUBLIC_CODE}/{'A' * 21}", "at most 20 characters"),
        ("https://txng.example.vn/t/K7QM/01HXKQ9M2XTB", "A short code has 8 characters"),
        ("(01)09520123450007(21)ÉÉ", "could not be read"),
    ],
)
def test_a_malformed_item_code_is_explained(client, db, item, typed, message):
    response = lookup(client, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert db.session.scalar(select(func.count(Scan.id))) == 0


def test_digits_only_are_still_read_as_a_gtin(client, item):
    response = lookup(client, "0952-0123-4500-07")
    assert response.status_code == 303
    assert response.headers["Location"] == "/01/09520123450007"
    assert "8, 12, 13 or 14 digits" in lookup(client, "1234567890123456789").get_data(as_text=True)


def test_the_lookup_form_mentions_item_codes(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Short code, item code, scanned address or GS1 code" in html
    assert "an item code such as K7QM-4XZ2-7HG3KQ9M2XTB" in html
