"""The demo catalogue: the programme's numbers, believable lots, and loading it once."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from lookup_site import identifiers
from lookup_site.demo import DemoSummary, load_demo
from lookup_site.models import (
    BatchEntry,
    BatchEntryStatus,
    Certification,
    CertificationKind,
    CertificationStatus,
    Event,
    LegalForm,
    Lot,
    LotInput,
    LotStatus,
    Producer,
    Product,
    ProgrammeBatch,
)
from lookup_site.paths import resource_dir
from lookup_site.services.chain import verify_chain
from lookup_site.services.clock import as_utc, local_today
from lookup_site.vocabulary import STEPS, UNITS


@pytest.fixture
def demo(db) -> DemoSummary:
    summary = load_demo()
    # Committed so that requests, which get a session of their own, see the data.
    db.session.commit()
    return summary


def all_of(db, model):
    return db.session.scalars(select(model).order_by(model.id)).all()


def ocop_rating(product: Product) -> str:
    """Classify a product as the 2023 survey did: 3 or 4 stars, pending, or none."""
    ocop = [c for c in product.certifications if c.kind == CertificationKind.OCOP]
    if not ocop:
        return "none"
    assert len(ocop) == 1, product.name_vi
    if ocop[0].issued_on is None:
        return "pending"
    return f"{ocop[0].ocop_stars}-star"


def test_demo_holds_the_programmes_facilities_and_products(db, demo):
    producers, products = all_of(db, Producer), all_of(db, Product)

    assert demo.created is True
    assert (demo.producers, demo.products) == (15, 48)
    assert len(producers) == 15 and len(products) == 48
    assert all(p.is_demo for p in producers) and all(p.is_demo for p in products)
    assert all(p.name_vi.endswith("(demo)") and p.name_en.endswith("(demo)") for p in producers)
    assert set(Counter(p.legal_form for p in producers)) == set(LegalForm)
    assert {p.province for p in producers} == {"Hải Phòng"}
    assert all(p.former_district and p.commune for p in producers)
    assert all(re.fullmatch(r"02\d{8}", p.tax_code) for p in producers)
    assert all(p.email.endswith("@example.vn") for p in producers)
    assert all(20.5 < p.latitude < 21.2 and 106.2 < p.longitude < 107.2 for p in producers)


def test_every_product_has_the_minimum_items_a_portal_needs(db, demo):
    static = resource_dir("static")
    for product in all_of(db, Product):
        assert product.name_en and product.description_vi and product.description_en
        assert product.ocop_group and product.standards and product.net_content
        assert (static / product.image).is_file(), product.image


def test_ocop_mix_matches_the_2023_survey(db, demo):
    today = local_today()
    ratings = Counter(ocop_rating(product) for product in all_of(db, Product))
    assert ratings == {"3-star": 31, "4-star": 7, "pending": 6, "none": 4}

    ocop = db.session.scalars(
        select(Certification).where(Certification.kind == CertificationKind.OCOP)
    ).all()
    statuses = Counter(c.status_on(today) for c in ocop)
    assert statuses[CertificationStatus.EXPIRED] == 4
    assert statuses[CertificationStatus.PENDING] == 6
    assert statuses[CertificationStatus.VALID] == 34
    assert all(c.issuer and c.granting_level for c in ocop)
    assert all(c.number for c in ocop if c.issued_on)


def test_products_without_ocop_hold_another_certificate_or_mark(db, demo):
    kinds = {c.kind for c in all_of(db, Certification)}
    assert {
        CertificationKind.VIETGAP,
        CertificationKind.ORGANIC,
        CertificationKind.HACCP_ISO22000,
        CertificationKind.CERTIFICATION_TRADEMARK,
        CertificationKind.GEOGRAPHICAL_INDICATION,
    } <= kinds


def test_programme_batch_approves_44_of_48(db, demo):
    (batch,) = all_of(db, ProgrammeBatch)
    assert (batch.name_vi, batch.name_en, batch.year) == ("Đợt 1 năm 2023", "Batch 1, 2023", 2023)
    entries = all_of(db, BatchEntry)
    assert len(entries) == 48
    assert len({entry.product_id for entry in entries}) == 48
    statuses = Counter(entry.status for entry in entries)
    assert statuses[BatchEntryStatus.APPROVED] == 44
    assert all(e.criteria_notes for e in entries if e.status != BatchEntryStatus.APPROVED)


def test_gtins_use_the_gs1_example_prefix(db, demo):
    products = all_of(db, Product)
    gtins = [p.gtin for p in products if p.gtin]
    assert len(products) - len(gtins) == 5  # reached by the lot's short code instead
    assert all(gtin.startswith("0952") and len(gtin) == 14 for gtin in gtins)
    assert all(identifiers.is_valid_gtin(gtin) for gtin in gtins)
    glns = [p.gln for p in all_of(db, Producer) if p.gln]
    assert glns and all(gln.startswith("952") and identifiers.validate_gln(gln) for gln in glns)


def test_every_product_has_one_to_three_valid_lots(db, demo):
    lots = all_of(db, Lot)
    assert demo.lots == len(lots)
    per_product = Counter(lot.product_id for lot in lots)
    assert len(per_product) == 48
    assert all(1 <= count <= 3 for count in per_product.values())
    today = local_today()
    for lot in lots:
        assert identifiers.validate_lot_code(lot.code) == lot.code
        assert lot.production_date <= today and lot.quantity > 0 and lot.quantity_unit
        assert lot.best_before is None or lot.best_before > lot.production_date


def test_every_lot_has_a_bilingual_verifiable_timeline(db, demo):
    now = datetime.now(UTC)
    events_seen = 0
    for lot in all_of(db, Lot):
        events = lot.events
        events_seen += len(events)
        assert 4 <= len(events) <= 10, lot.code
        assert verify_chain(events, lot.public_code).intact, lot.code
        times = [as_utc(event.event_time) for event in events]
        assert times == sorted(times) and len(set(times)) == len(times), lot.code
        assert times[-1] <= now
        for event in events:
            assert event.step in STEPS
            assert event.time_zone_offset == "+07:00"
            assert event.notes_vi and event.notes_en and event.actor and event.location_name
            assert "{" not in event.notes_vi + event.notes_en + event.location_name
    assert demo.events == events_seen


def test_notes_vary_between_lots_not_copied_defaults(db, demo):
    events = all_of(db, Event)
    for language in ("notes_vi", "notes_en"):
        notes = Counter(getattr(event, language) for event in events)
        assert len(notes) >= 0.75 * len(events)
        assert max(notes.values()) <= 10
    timelines: dict[int, list[tuple[str, ...]]] = {}
    for lot in all_of(db, Lot):
        timelines.setdefault(lot.product_id, []).append(tuple(e.notes_en for e in lot.events))
    for siblings in timelines.values():
        assert len(set(siblings)) == len(siblings)


def test_lots_trace_one_step_back_across_producers(db, demo):
    links = all_of(db, LotInput)
    crossing = [
        link
        for link in links
        if link.input_lot.product.producer_id != link.output_lot.product.producer_id
    ]
    assert crossing and len(crossing) < len(links)  # some cross-producer, some in-house
    for link in links:
        assert link.quantity and link.quantity_unit
        assert link.input_lot.production_date <= link.output_lot.production_date


def test_exactly_one_lot_is_recalled_and_one_is_past_its_date(db, demo):
    lots = all_of(db, Lot)
    recalled = [lot for lot in lots if lot.status == LotStatus.RECALLED]
    assert len(recalled) == 1
    (lot,) = recalled
    assert lot.status_reason_vi and lot.status_reason_en and lot.status_changed_at
    assert sum(lot.is_expired(local_today()) for lot in lots) == 1


def test_a_correction_points_at_an_earlier_event_of_its_lot(db, demo):
    corrections = db.session.scalars(select(Event).where(Event.step == "correction")).all()
    assert corrections
    for correction in corrections:
        assert correction.corrects is not None
        assert correction.corrects.lot_id == correction.lot_id
        assert correction.corrects.sequence < correction.sequence


def test_example_lot_is_the_richest_fish_sauce(db, demo):
    lot = demo.example_lot
    product, producer = lot.product, lot.product.producer
    assert product.gtin and product.name_vi.startswith("Nước mắm")
    assert producer.name_vi == "HTX Nước mắm Cát Hải (demo)"
    ratings = [
        c.ocop_stars
        for c in product.certifications
        if c.kind == CertificationKind.OCOP
        and c.status_on(local_today()) == CertificationStatus.VALID
    ]
    assert ratings == [4]
    assert len(lot.events) >= 7
    assert any(link.input_lot.product.producer_id != producer.id for link in lot.inputs)
    assert lot.status == LotStatus.ACTIVE and not lot.is_expired(local_today())


def test_loading_twice_creates_nothing(db, demo):
    again = load_demo()
    assert again.created is False
    assert (again.producers, again.products, again.lots, again.events) == (
        demo.producers,
        demo.products,
        demo.lots,
        demo.events,
    )
    assert again.example_lot.id == demo.example_lot.id
    assert db.session.scalar(select(func.count(Producer.id))) == 15


def test_example_lot_page_renders(client, demo):
    lot = demo.example_lot
    response = client.get(f"/01/{lot.product.gtin}/10/{lot.code}")
    assert response.status_code == 200
    assert lot.code in response.get_data(as_text=True)


def test_pictograms_are_small_self_contained_svgs():
    pictures = sorted((resource_dir("static") / "demo").glob("*.svg"))
    assert len(pictures) >= 15
    for picture in pictures:
        text = picture.read_text()
        assert picture.stat().st_size < 1536, picture.name
        assert 'viewBox="0 0 96 96"' in text
        assert "<text" not in text and "href" not in text and "url(" not in text


def test_units_are_keys_the_pages_can_translate(db, demo):
    lot_units = {lot.quantity_unit for lot in all_of(db, Lot)}
    content_units = {product.net_content_unit for product in all_of(db, Product)}
    input_units = {link.quantity_unit for link in all_of(db, LotInput)}
    assert (lot_units | content_units | input_units) - {None} <= set(UNITS)


def test_example_lot_page_speaks_vietnamese_units(client, demo):
    lot = demo.example_lot
    html = client.get(f"/01/{lot.product.gtin}/10/{lot.code}").get_data(as_text=True)
    assert " chai</dd>" in html and "bottle" not in html


def test_seed_demo_command_loads_once(db, runner):
    db.drop_all()  # the fixture built the schema with create_all; let the migrations do it
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "15 facilities, 48 products" in first.output
    assert "https://txng.example.vn/01/0952" in first.output

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    assert db.session.scalar(select(func.count(Product.id))) == 48
