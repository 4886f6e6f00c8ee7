"""The inspector's lot view: the public facts plus provenance, certificates, chains and history."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from lookup_site.models import CertificationStatus, Event, LegalForm, LotStatus
from lookup_site.models.certification import add_months
from lookup_site.services import diary, inspections
from lookup_site.services import lots as lot_service
from lookup_site.services.clock import local_today


def view_of(client, lot, lang: str = "en") -> str:
    response = client.get(f"/inspect/lots/{lot.id}?lang={lang}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_view_shows_the_public_facts_and_who_recorded_each_entry(client, inspector, lot):
    page = view_of(client, lot)
    assert "Cat Hai anchovy fish sauce" in page and "CH2023-01" in page
    assert f"{lot.public_code[:4]}-{lot.public_code[4:]}" in page
    assert "Fermenting" in page and "Packing" in page
    assert "Bottled in 500 ml" in page
    assert "by Lê Thị Mai" in page  # the second entry's recorded_by
    assert "Recorded" in page
    assert "Hash chain intact: 2 diary entries checked" in page
    assert f'href="/01/{lot.product.gtin}/10/{lot.code}"' in page  # the public page
    assert "Not inspected yet." in page
    assert "No status changes" in page


def test_a_broken_hash_chain_says_where(client, db, inspector, lot):
    db.session.execute(update(Event).where(Event.sequence == 2).values(notes_en="Rewritten"))
    db.session.commit()
    page = view_of(client, lot)
    assert "Hash chain broken at entry #2" in page
    assert "The 1 entry before it checks out." in page
    assert "not verified" in page


def test_the_producers_registration_details(
    client, inspector, make_producer, make_product, make_lot
):
    producer = make_producer(
        legal_form=LegalForm.ENTERPRISE,
        tax_code="0299990001",
        gln="9520123000007",
        street="12 Đường Biển",
        former_district="huyện Cát Hải",
        phone="0225 3999 111",
        is_demo=True,
    )
    lot = make_lot(make_product(producer=producer))
    page = view_of(client, lot)
    for text in (
        "Enterprise",
        "0299990001",
        "9520123000007",
        "12 Đường Biển, Đặc khu Cát Hải, Hải Phòng",
        "formerly huyện Cát Hải",
        "0225 3999 111",
        "Registered on this site",
        "yes: fictitious",
    ):
        assert text in page, text


def test_an_ocop_certificate_past_36_months_is_flagged(client, inspector, lot, make_ocop):
    today = local_today()
    issued = add_months(today, -40)
    make_ocop(lot.product, stars=3, issued_on=issued)
    page = view_of(client, lot)
    assert "OCOP certificate past its 36 months" in page
    assert "expired" in page
    checks = inspections.check_certificates(lot.product.certifications, today)
    assert checks[0].past_ocop_term and checks[0].flagged
    assert checks[0].status is CertificationStatus.EXPIRED


def test_an_ocop_end_date_typed_beyond_36_months_is_flagged_and_overruled(
    client, inspector, lot, make_ocop
):
    today = local_today()
    issued = add_months(today, -37)
    make_ocop(lot.product, stars=4, issued_on=issued, valid_until=today + timedelta(days=400))
    (check,) = inspections.check_certificates(lot.product.certifications, today)
    assert check.beyond_ocop_term and check.past_ocop_term
    assert check.status is CertificationStatus.EXPIRED  # the 36 months win over the typed date
    page = view_of(client, lot)
    assert "later than the 36 months" in page and "past its 36 months" in page


def test_a_valid_ocop_certificate_is_not_flagged(client, inspector, lot, make_ocop):
    make_ocop(lot.product, stars=4, issued_on=add_months(local_today(), -12))
    (check,) = inspections.check_certificates(lot.product.certifications, local_today())
    assert check.status is CertificationStatus.VALID and not check.flagged
    assert "36 months" not in view_of(client, lot)


def test_status_history_and_inspections_are_listed(client, db, inspector, lot, make_user):
    producer_user = make_user(producer=lot.product.producer, display_name="Lê Thị Mai")
    diary.set_status(lot, LotStatus.SUSPENDED, "Kiểm tra lại", "", user=producer_user)
    diary.set_status(lot, LotStatus.ACTIVE, "Đã kiểm tra", "", user=producer_user)
    db.session.commit()
    client.post(f"/inspect/lots/{lot.id}/inspections/new", data={"result": "conformant"})
    page = view_of(client, lot)
    assert "Kiểm tra lại" in page and "Đã kiểm tra" in page
    assert page.count("Lê Thị Mai") >= 3  # entry recorder, suspender, lifter
    assert "Conformant" in page and "Trần Văn Kiểm" in page


@pytest.fixture
def supply_chain(make_producer, make_product, make_lot, db):
    """Anchovies and salt into fish sauce, fish sauce into a gift box, and a loop back."""
    fishery = make_producer(name_vi="Tàu cá Cát Bà (demo)", name_en=None)
    saltern = make_producer(name_vi="Đồng muối Bạch Long (demo)", name_en=None)
    anchovies = make_lot(
        make_product(producer=fishery, gtin=None, name_vi="Cá cơm", name_en=None), "CC-01"
    )
    salt = make_lot(
        make_product(producer=saltern, gtin=None, name_vi="Muối biển", name_en=None), "MB-01"
    )
    sauce = make_lot(code="NM-01")
    box = make_lot(make_product(gtin=None, name_vi="Hộp quà nước mắm", name_en=None), "HQ-01")
    lot_service.add_input(sauce, anchovies, Decimal("300"), "kg")
    lot_service.add_input(sauce, salt, Decimal("100"), "kg")
    lot_service.add_input(box, sauce)
    db.session.commit()
    return {"anchovies": anchovies, "salt": salt, "sauce": sauce, "box": box}


def test_upstream_and_downstream_are_shown_with_links(client, inspector, supply_chain):
    page = view_of(client, supply_chain["box"])
    for name in ("Cá cơm", "Muối biển", "Tàu cá Cát Bà (demo)", "Đồng muối Bạch Long (demo)"):
        assert name in page  # two levels up from the gift box
    assert f'/inspect/lots/{supply_chain["anchovies"].id}"' in page
    assert "300 kg" in page
    assert "3 lots, 2 levels." in page
    downstream = view_of(client, supply_chain["anchovies"])
    assert "Hộp quà nước mắm" in downstream  # anchovies → sauce → gift box
    assert "2 lots, 2 levels." in downstream


def test_a_loop_of_links_is_listed_once_and_flagged(client, db, inspector, supply_chain):
    # A data-entry mistake: the gift box declared as an input of the anchovies.
    lot_service.add_input(supply_chain["anchovies"], supply_chain["box"])
    db.session.commit()
    up = inspections.trace(supply_chain["box"], upstream=True)
    assert up.lot_count == 3 and not up.truncated
    sauce = up.roots[0]
    anchovies = next(node for node in sauce.children if node.lot.code == "CC-01")
    (back,) = anchovies.children
    assert back.repeated and back.lot.id == supply_chain["box"].id and back.children == []
    page = view_of(client, supply_chain["box"])
    assert "Loop: the declared links lead back to this lot." in page


def test_a_shared_input_is_followed_once(db, make_product, make_lot):
    base = make_lot(make_product(gtin=None, name_vi="Muối", name_en=None), "M-01")
    left = make_lot(make_product(gtin=None, name_vi="Mắm A", name_en=None), "A-01")
    right = make_lot(make_product(gtin=None, name_vi="Mắm B", name_en=None), "B-01")
    top = make_lot(make_product(gtin=None, name_vi="Hộp", name_en=None), "H-01")
    for output, input_lot in ((left, base), (right, base), (top, left), (top, right)):
        lot_service.add_input(output, input_lot)
    db.session.commit()
    tree = inspections.trace(top)
    assert tree.lot_count == 3
    repeated = [c for node in tree.roots for c in node.children if c.repeated]
    assert len(repeated) == 1 and repeated[0].lot.id == base.id


def test_one_query_per_level_however_wide(db, make_product, make_lot, count_queries):
    top = make_lot(make_product(gtin=None, name_vi="Hộp", name_en=None), "H-01")
    product = make_product(gtin=None, name_vi="Cá", name_en=None)
    middle = [make_lot(product, f"C-{i:02d}") for i in range(12)]
    bottom = [make_lot(product, f"D-{i:02d}") for i in range(12)]
    for index, lot in enumerate(middle):
        lot_service.add_input(top, lot)
        lot_service.add_input(lot, bottom[index])
    db.session.commit()
    db.session.expire_all()
    assert top.id  # loaded before counting
    with count_queries() as counter:
        tree = inspections.trace(top)
        names = [c.lot.product.producer.name_vi for n in tree.roots for c in n.children]
    assert tree.lot_count == 24 and tree.depth == 2 and len(names) == 12
    assert counter.count == 3  # two levels with links, and the one that finds none


def test_depth_and_size_limits_stop_the_walk(db, make_product, make_lot):
    product = make_product(gtin=None, name_vi="Cá", name_en=None)
    lots = [make_lot(product, f"L-{i}") for i in range(6)]
    for output, input_lot in zip(lots, lots[1:], strict=False):
        lot_service.add_input(output, input_lot)
    db.session.commit()
    deep = inspections.trace(lots[0], max_depth=2)
    assert deep.depth == 2 and deep.lot_count == 2 and deep.truncated
    whole = inspections.trace(lots[0])
    assert whole.depth == 5 and whole.lot_count == 5 and not whole.truncated
    wide_top = make_lot(product, "W-0")
    for lot in lots:
        lot_service.add_input(wide_top, lot)
    db.session.commit()
    capped = inspections.trace(wide_top, max_lots=3)
    assert capped.lot_count == 3 and capped.truncated
