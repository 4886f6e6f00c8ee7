"""The ten minimum items of Circular 02/2024, one rule at a time."""

from __future__ import annotations

import html
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import event, select

from lookup_site.models import MediaFile, MediaKind, OcopGroup, Product
from lookup_site.services.readiness import ITEM_LABELS, product_readiness, readiness_of

from ..conftest import VIETNAM

GLN = "9520123450014"
EVENT_GLN = "9520123450021"


@pytest.fixture(autouse=True)
def english(app):
    """Messages are lazy: compare them as an English page would show them."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def facility(make_producer):
    return make_producer(gln=GLN)


@pytest.fixture
def product(make_product, facility):
    """A product with everything the circular asks for, but no lot yet."""
    return make_product(
        producer=facility, image="demo/fish-sauce.svg", brand="Cát Hải", shelf_life_days=730
    )


@pytest.fixture
def ready(product, make_lot, make_event):
    make_event(make_lot(product))
    return product


def items(product: Product) -> dict:
    return {item.key: item for item in product_readiness(product).items}


def missing(product: Product) -> set[str]:
    return {item.key for item in product_readiness(product).items if not item.ok}


def test_a_complete_product_has_all_ten_items(ready):
    readiness = product_readiness(ready)
    assert [item.key for item in readiness.items] == list(ITEM_LABELS)
    assert (readiness.ok_count, readiness.total, readiness.ready) == (10, 10, True)
    assert readiness.lot_count == 1
    assert all(not item.missing for item in readiness.items)


def test_the_product_name(db, ready):
    ready.name_vi = "  "
    db.session.commit()
    assert missing(ready) == {"name"}
    assert items(ready)["name"].endpoint == "producer.edit_product"


def test_product_images_uploaded_or_the_demo_pictogram(db, ready):
    ready.image = None
    db.session.commit()
    assert missing(ready) == {"images"}
    assert "Add a photo" in items(ready)["images"].missing[0]
    ready.image_media = MediaFile(
        producer_id=ready.producer_id,
        kind=MediaKind.IMAGE,
        content_type="image/jpeg",
        storage_key="images/ab/photo.jpg",
        sha256="0" * 64,
        size=1,
    )
    db.session.commit()
    assert missing(ready) == set()


def test_the_producer_name(db, ready, facility):
    facility.name_vi = ""
    db.session.commit()
    assert missing(ready) == {"producer_name"}
    assert items(ready)["producer_name"].endpoint == "producer.facility"


@pytest.mark.parametrize("field", ["commune", "province"])
def test_the_producer_address_needs_commune_and_province(db, ready, facility, field):
    setattr(facility, field, " ")
    db.session.commit()
    assert missing(ready) == {"producer_address"}


def test_stages_need_diary_entries(product, make_lot):
    make_lot(product)
    assert missing(product) == {"stages"}
    item = items(product)["stages"]
    assert item.missing == ("No diary entries yet: open a lot and record its steps.",)
    assert item.endpoint == "producer.lots"


def test_every_stage_needs_a_place(product, make_lot, make_event):
    lot = make_lot(product)
    make_event(lot)
    make_event(lot, step="shipping", location_name=None)
    make_event(lot, step="storing", location_name=" ", location_address="Kho Cát Bà")
    assert missing(product) == {"stages"}
    assert items(product)["stages"].missing == (
        "1 diary entry has no place: record a correction that names it.",
    )


def test_a_stage_corrected_with_its_place_counts_as_placed(product, make_lot, make_event):
    lot = make_lot(product)
    wrong = make_event(lot, location_name=None)
    assert missing(product) == {"stages"}
    make_event(lot, corrects=wrong, location_name="Xưởng đóng chai")
    assert missing(product) == set()


def test_stages_need_a_location_code_from_the_facility_or_the_entries(
    db, product, facility, make_lot, make_event
):
    facility.gln = None
    db.session.commit()
    lot = make_lot(product)
    make_event(lot, location_gln=EVENT_GLN)
    assert missing(product) == set()  # the entry carries its own GLN
    make_event(lot, step="shipping")
    assert missing(product) == {"stages"}
    item = items(product)["stages"]
    assert "No location code: enter your facility's GLN" in item.missing[0]
    assert item.endpoint == "producer.facility"
    facility.gln = GLN
    db.session.commit()
    assert missing(product) == set()  # the facility's GLN stands in


def test_production_time_needs_lots_with_production_dates(product, make_lot, make_event):
    assert "production_time" in missing(product)
    assert items(product)["production_time"].missing == (
        "No lots yet: register a lot with its production date.",
    )
    make_event(make_lot(product, "L1"))
    make_lot(product, "L2", production_date=None)
    make_lot(product, "L3", production_date=None)
    assert missing(product) == {"production_time"}
    assert items(product)["production_time"].missing == ("2 lots have no production date.",)


def test_the_public_code_is_a_gtin_or_a_lots_short_code(db, product, make_lot, make_event):
    product.gtin = None
    db.session.commit()
    assert "public_code" in missing(product)
    make_event(make_lot(product))
    assert missing(product) == set()


def test_the_brand_is_optional_but_shown(db, ready):
    assert items(ready)["brand"].note == "Cát Hải"
    ready.brand = None
    db.session.commit()
    item = items(ready)["brand"]
    assert item.ok and item.note == "No brand entered; add one if the product has one."


def test_shelf_life_on_the_product_or_its_lots(db, product, make_lot, make_event):
    product.shelf_life_days = None
    db.session.commit()
    make_event(make_lot(product, best_before=None))
    assert missing(product) == {"shelf_life"}
    make_lot(product, "L2")  # with a best-before date
    assert missing(product) == set()


@pytest.mark.parametrize(
    ("group", "needed"),
    [
        (OcopGroup.FOOD, True),
        (OcopGroup.BEVERAGE, True),
        (OcopGroup.HERBAL, True),
        (None, True),
        (OcopGroup.HANDICRAFT, False),
        (OcopGroup.ORNAMENTAL, False),
        (OcopGroup.TOURISM, False),
    ],
)
def test_shelf_life_is_only_asked_of_what_perishes(db, ready, group, needed):
    ready.shelf_life_days = None
    ready.ocop_group = group
    for lot in ready.lots:
        lot.best_before = None
    db.session.commit()
    assert ("shelf_life" in missing(ready)) is needed


@pytest.mark.parametrize("standards", [None, "   "])
def test_the_standards_applied(db, ready, standards):
    ready.standards = standards
    db.session.commit()
    assert missing(ready) == {"standards"}


@contextmanager
def counted_queries(db):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_list_of_products_is_checked_in_a_fixed_number_of_queries(
    db, make_product, make_lot, make_event, make_producer
):
    producers = [make_producer(name_vi=f"HTX {n} (demo)") for n in range(3)]
    for n in range(12):
        product = make_product(producer=producers[n % 3], gtin=None, name_vi=f"Sản phẩm {n}")
        lot = make_lot(product, f"L{n}")
        make_event(lot, when=datetime(2026, 9, 2, 8, n, tzinfo=VIETNAM))
    few = list(db.session.scalars(select(Product).limit(1)))
    with counted_queries(db) as one:
        readiness_of(few)
    many = list(db.session.scalars(select(Product)))
    with counted_queries(db) as twelve:
        results = readiness_of(many)
    assert len(one) == len(twelve) == 3
    assert len(results) == 12
    assert all(result.lot_count == 1 for result in results.values())
    assert readiness_of([]) == {}


def test_the_product_page_shows_the_checklist(client, make_user, login, make_product):
    user = login(make_user())
    product = make_product(producer=user.producer, standards=None, name_en=None)
    page = html.unescape(client.get(f"/producer/products/{product.id}?lang=en").get_data(True))
    assert '<li class="missing" data-item="standards">' in page
    assert '<li class="ok" data-item="name">' in page
    assert '<li class="ok" data-item="brand">' in page
    assert "Name the standards the product follows" in page
    assert f'<a href="/producer/products/{product.id}/edit">Fix</a>' in page
    assert "Ready for the national portal: 5/10 items" in page


def test_the_product_list_shows_a_summary(client, make_user, login, make_product):
    user = login(make_user())
    make_product(producer=user.producer, name_en=None)
    page = client.get("/producer/products?lang=en").get_data(as_text=True)
    assert 'class="readiness missing">6/10 items<' in page
