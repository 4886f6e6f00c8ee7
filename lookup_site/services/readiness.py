"""The ten minimum items of Circular 02/2024/TT-BKHCN, checked for each product.

A product missing any item is not ready for the national traceability portal.
The rules, item by item (DOMAIN.md, "Ten minimum items per product"):

1. name: the product has a Vietnamese name.
2. images: the product has a photo (an upload, or the demo's pictogram).
3. producer_name: the facility has a Vietnamese name.
4. producer_address: the facility's address names its commune/ward and province/city.
5. stages: at least one lot has diary entries, and every entry has a place (a name,
   an address or a GLN) and a location code. An entry's location code is its own
   GLN; entries do not say whether they happened at the facility, so the
   facility's GLN stands in for every entry without one. The product code of a
   stage is its lot's code and the event time is always recorded. An entry
   corrected by a later one is judged by its correction.
6. production_time: the product has lots, and every lot has a production date.
7. public_code: the product has a GTIN, or at least one lot (every lot has a
   public short code printed under its QR code).
8. brand: brand, trademark or serial "if any": always satisfied, shown for review.
9. shelf_life: "if any": satisfied by a shelf life on the product or a best-before
   date on its lots; handicrafts, ornamental plants and tourism services do not
   perish, so for them the item is satisfied without one.
10. standards: the standards applied (TCVN, VietGAP, the facility's own…) are named.

Everything is computed for a list of products in a fixed number of queries.
Labels and messages are lazy strings: they take the language of the page that
shows them, and the check itself needs no request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Event, Lot, OcopGroup, Producer, Product

ITEM_LABELS = {
    "name": _l("Product name"),
    "images": _l("Product images"),
    "producer_name": _l("Producer name"),
    "producer_address": _l("Producer address"),
    "stages": _l("Each stage with product code, location code and time"),
    "production_time": _l("Production time"),
    "public_code": _l("Public traceability code"),
    "brand": _l("Brand, trademark or serial (if any)"),
    "shelf_life": _l("Shelf life (if any)"),
    "standards": _l("Standards applied"),
}
# Groups whose products do not perish, so "shelf life (if any)" has nothing to ask.
NON_PERISHABLE = frozenset({OcopGroup.HANDICRAFT, OcopGroup.ORNAMENTAL, OcopGroup.TOURISM})


@dataclass(frozen=True)
class Item:
    """One of the ten items: whether it is satisfied, and if not, what to do."""

    key: str
    ok: bool
    # What is missing and how to fix it, one sentence each (empty when ok).
    missing: tuple[str, ...] = ()
    # What was found, for items worth reviewing even when satisfied (the brand).
    note: str | None = None
    # Where to fix it: a workspace endpoint and its URL values.
    endpoint: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self):
        return ITEM_LABELS[self.key]


@dataclass(frozen=True)
class Readiness:
    product_id: int
    items: tuple[Item, ...]
    lot_count: int

    @property
    def ok_count(self) -> int:
        return sum(item.ok for item in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def ready(self) -> bool:
        return self.ok_count == self.total

    @property
    def missing_items(self) -> list[Item]:
        return [item for item in self.items if not item.ok]


@dataclass(frozen=True)
class _LotFacts:
    lots: int = 0
    without_production_date: int = 0
    with_best_before: int = 0


@dataclass(frozen=True)
class _EventFacts:
    events: int = 0
    lots_with_events: int = 0
    without_place: int = 0
    without_gln: int = 0


def _blank(column):
    return func.coalesce(func.trim(column), "") == ""


def _lot_facts(product_ids: list[int]) -> dict[int, _LotFacts]:
    rows = db.session.execute(
        select(
            Lot.product_id,
            func.count(Lot.id),
            func.count(Lot.id) - func.count(Lot.production_date),
            func.count(Lot.best_before),
        )
        .where(Lot.product_id.in_(product_ids))
        .group_by(Lot.product_id)
    )
    return {row[0]: _LotFacts(*row[1:]) for row in rows}


def _event_facts(product_ids: list[int]) -> dict[int, _EventFacts]:
    corrected = select(Event.corrects_id).where(Event.corrects_id.is_not(None))
    no_place = (
        _blank(Event.location_name) & _blank(Event.location_address) & _blank(Event.location_gln)
    )
    rows = db.session.execute(
        select(
            Lot.product_id,
            func.count(Event.id),
            func.count(func.distinct(Event.lot_id)),
            func.sum(case((no_place, 1), else_=0)),
            func.sum(case((_blank(Event.location_gln), 1), else_=0)),
        )
        .join(Event.lot)
        .where(Lot.product_id.in_(product_ids), Event.id.not_in(corrected))
        .group_by(Lot.product_id)
    )
    return {row[0]: _EventFacts(*(int(value or 0) for value in row[1:])) for row in rows}


def readiness_of(products: Sequence[Product]) -> dict[int, Readiness]:
    """Check the ten items for each product, in three queries whatever their number."""
    if not products:
        return {}
    product_ids = [product.id for product in products]
    producer_ids = {product.producer_id for product in products}
    # Loaded once so that product.producer is answered from the session, not one query each.
    producers = {
        producer.id: producer
        for producer in db.session.scalars(select(Producer).where(Producer.id.in_(producer_ids)))
    }
    lot_facts = _lot_facts(product_ids)
    event_facts = _event_facts(product_ids)
    return {
        product.id: _check(
            product,
            producers[product.producer_id],
            lot_facts.get(product.id, _LotFacts()),
            event_facts.get(product.id, _EventFacts()),
        )
        for product in products
    }


def product_readiness(product: Product) -> Readiness:
    return readiness_of([product])[product.id]


def _filled(value: str | None) -> bool:
    return bool(value and value.strip())


def _check(product: Product, producer: Producer, lots: _LotFacts, events: _EventFacts) -> Readiness:
    edit = {"endpoint": "producer.edit_product", "values": {"product_id": product.id}}
    facility = {"endpoint": "producer.facility"}
    lot_list = {"endpoint": "producer.lots"}
    items = [
        _item("name", _filled(product.name_vi), _l("Enter the product's Vietnamese name."), **edit),
        _item(
            "images",
            bool(product.image_media_id or product.image),
            _l("Add a photo of the product as sold."),
            **edit,
        ),
        _item(
            "producer_name",
            _filled(producer.name_vi),
            _l("Enter your facility's name in its profile."),
            **facility,
        ),
        _item(
            "producer_address",
            _filled(producer.commune) and _filled(producer.province),
            _l("Enter the commune or ward and the province or city in your facility's profile."),
            **facility,
        ),
        _stages(producer, events, lot_list, facility),
        _production_time(lots, lot_list),
        _item(
            "public_code",
            bool(product.gtin) or lots.lots > 0,
            _l(
                "Enter the product's GTIN (the number under its barcode), or register a lot: "
                "each lot gets a short code printed under its QR code."
            ),
            **edit,
        ),
        Item(
            "brand",
            ok=True,
            note=product.brand or _l("No brand entered; add one if the product has one."),
            **edit,
        ),
        _item(
            "shelf_life",
            bool(product.shelf_life_days)
            or lots.with_best_before > 0
            or product.ocop_group in NON_PERISHABLE,
            _l("Enter the shelf life in days, or the best-before date of the lots."),
            **edit,
        ),
        _item(
            "standards",
            _filled(product.standards),
            _l("Name the standards the product follows, such as TCVN 5107:2018 or VietGAP."),
            **edit,
        ),
    ]
    return Readiness(product_id=product.id, items=tuple(items), lot_count=lots.lots)


def _item(key: str, ok: bool, fix: str, **link: Any) -> Item:
    return Item(key, ok=ok, missing=() if ok else (fix,), **link)


def _stages(producer: Producer, events: _EventFacts, lot_list: dict, facility: dict) -> Item:
    if not events.events:
        return Item(
            "stages",
            ok=False,
            missing=(_l("No diary entries yet: open a lot and record its steps."),),
            **lot_list,
        )
    missing = []
    if events.without_place:
        missing.append(
            lazy_ngettext(
                "%(num)s diary entry has no place: record a correction that names it.",
                "%(num)s diary entries have no place: record corrections that name it.",
                events.without_place,
            )
        )
    if events.without_gln and not _filled(producer.gln):
        missing.append(
            _l(
                "No location code: enter your facility's GLN (the 13-digit location number "
                "from GS1) in its profile."
            )
        )
        link = facility if not events.without_place else lot_list
    else:
        link = lot_list
    return Item("stages", ok=not missing, missing=tuple(missing), **link)


def _production_time(lots: _LotFacts, lot_list: dict) -> Item:
    if not lots.lots:
        return Item(
            "production_time",
            ok=False,
            missing=(_l("No lots yet: register a lot with its production date."),),
            **lot_list,
        )
    if lots.without_production_date:
        return Item(
            "production_time",
            ok=False,
            missing=(
                lazy_ngettext(
                    "%(num)s lot has no production date.",
                    "%(num)s lots have no production date.",
                    lots.without_production_date,
                ),
            ),
            **lot_list,
        )
    return Item("production_time", ok=True, **lot_list)
