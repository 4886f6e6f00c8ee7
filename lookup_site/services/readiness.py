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

Everything is computed for a list of products in a fixed number of queries. The
lot and diary facts of every product are also kept counted in product_readiness,
recounted for a product in the flush that changes one of its lots or entries, so
that the Department's dashboard reads them rather than every lot and entry.
Labels and messages are lazy strings: they take the language of the page that
shows them, and the check itself needs no request.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import ColumnElement, Connection, Select, case, func, inspect, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Event, Lot, OcopGroup, Producer, Product, ProductReadiness
from . import rollups

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


LOT_FACTS = ("lots", "lots_without_production_date", "lots_with_best_before")
EVENT_FACTS = ("events", "lots_with_events", "events_without_place", "events_without_gln")


def _lot_facts_query(which: ColumnElement[bool]) -> Select:
    """Per product: lots, lots without a production date, lots with a best-before date."""
    return (
        select(
            Lot.product_id,
            func.count(Lot.id),
            func.count(Lot.id) - func.count(Lot.production_date),
            func.count(Lot.best_before),
        )
        .where(which)
        .group_by(Lot.product_id)
    )


def _event_facts_query(which: ColumnElement[bool]) -> Select:
    """Per product: entries not corrected later, lots with any, entries lacking a place or GLN."""
    corrected = select(Event.corrects_id).where(Event.corrects_id.is_not(None))
    no_place = (
        _blank(Event.location_name) & _blank(Event.location_address) & _blank(Event.location_gln)
    )
    return (
        select(
            Lot.product_id,
            func.count(Event.id),
            func.count(func.distinct(Event.lot_id)),
            func.sum(case((no_place, 1), else_=0)),
            func.sum(case((_blank(Event.location_gln), 1), else_=0)),
        )
        .join(Event.lot)
        .where(which, Event.id.not_in(corrected))
        .group_by(Lot.product_id)
    )


def _lot_facts(product_ids: list[int]) -> dict[int, _LotFacts]:
    rows = db.session.execute(_lot_facts_query(Lot.product_id.in_(product_ids)))
    return {row[0]: _LotFacts(*row[1:]) for row in rows}


def _event_facts(product_ids: list[int]) -> dict[int, _EventFacts]:
    rows = db.session.execute(_event_facts_query(Lot.product_id.in_(product_ids)))
    return {row[0]: _EventFacts(*(int(value or 0) for value in row[1:])) for row in rows}


def _counted_facts(
    product_ids: list[int],
) -> tuple[dict[int, _LotFacts], dict[int, _EventFacts]]:
    """The facts as last counted into product_readiness: one small indexed read."""
    lot_facts, event_facts = {}, {}
    for row in db.session.scalars(
        select(ProductReadiness).where(ProductReadiness.product_id.in_(product_ids))
    ):
        lot_facts[row.product_id] = _LotFacts(*(getattr(row, name) for name in LOT_FACTS))
        event_facts[row.product_id] = _EventFacts(*(getattr(row, name) for name in EVENT_FACTS))
    return lot_facts, event_facts


def readiness_of(products: Sequence[Product], *, counted: bool = False) -> dict[int, Readiness]:
    """Check the ten items for each product, in three queries whatever their number.

    counted: read the lot and diary facts from product_readiness (two queries in
    all) rather than count them, for lists of every product of the country.
    """
    if not products:
        return {}
    product_ids = [product.id for product in products]
    producer_ids = {product.producer_id for product in products}
    # Loaded once so that product.producer is answered from the session, not one query each.
    producers = {
        producer.id: producer
        for producer in db.session.scalars(select(Producer).where(Producer.id.in_(producer_ids)))
    }
    if counted:
        lot_facts, event_facts = _counted_facts(product_ids)
    else:
        lot_facts, event_facts = _lot_facts(product_ids), _event_facts(product_ids)
    return {
        product.id: _check(
            product,
            producers[product.producer_id],
            lot_facts.get(product.id, _LotFacts()),
            event_facts.get(product.id, _EventFacts()),
        )
        for product in products
    }


# --- Keeping product_readiness current ---------------------------------------------

_ZERO = dict.fromkeys((*LOT_FACTS, *EVENT_FACTS), 0)
# The columns whose change changes a product's facts.
_LOT_COLUMNS = ("product_id", "product", "production_date", "best_before")
_EVENT_COLUMNS = ("lot_id", "location_name", "location_address", "location_gln", "corrects_id")


def count_facts(connection: Connection, which: ColumnElement[bool]) -> dict[int, dict[str, int]]:
    """Count the facts of the products whose lots match which (a condition on Lot)."""
    facts: dict[int, dict[str, int]] = {}
    for product_id, *values in connection.execute(_lot_facts_query(which)):
        facts.setdefault(product_id, dict(_ZERO)).update(
            zip(LOT_FACTS, map(int, values), strict=True)
        )
    for product_id, *values in connection.execute(_event_facts_query(which)):
        counts = (int(value or 0) for value in values)
        facts.setdefault(product_id, dict(_ZERO)).update(zip(EVENT_FACTS, counts, strict=True))
    return facts


def recount(
    connection: Connection,
    product_ids: Collection[int],
    which: ColumnElement[bool] | None = None,
) -> None:
    """Count the products' facts again and store them (zeros for a product with no lots).

    which, when given, selects the same products' lots more cheaply than a list of
    ids (a range, for the scale generator).
    """
    if not product_ids:
        return
    if connection.dialect.name == "postgresql":
        # Two transactions adding entries to one product must not each store a count
        # missing the other's: the second waits here for the first to commit, then counts
        # (a fresh snapshot under READ COMMITTED). NO KEY UPDATE leaves the foreign-key
        # checks of new lots alone. SQLite writes one transaction at a time anyway.
        connection.execute(
            select(Product.id)
            .where(Product.id.in_(product_ids))
            .order_by(Product.id)
            .with_for_update(key_share=True)
        )
    facts = count_facts(connection, which if which is not None else Lot.product_id.in_(product_ids))
    rows = [{"product_id": pid, **facts.get(pid, _ZERO)} for pid in product_ids]
    rollups.replace_rows(connection, ProductReadiness, ("product_id",), rows)


def _changed(obj: Any, columns: Sequence[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in columns)


def _touched_products(session: Session) -> set[int]:
    """Products whose lots or diary entries this flush adds, changes or removes."""
    products: set[int] = set()
    lot_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Lot) and (obj not in session.dirty or _changed(obj, _LOT_COLUMNS)):
            products.add(obj.product_id)
        elif isinstance(obj, Event) and (obj not in session.dirty or _changed(obj, _EVENT_COLUMNS)):
            lot_ids.add(obj.lot_id)
    for lot_id in lot_ids:
        lot = session.get(Lot, lot_id)  # from the identity map, as a rule
        if lot is not None:
            products.add(lot.product_id)
    return products


_MOVED_FROM = "readiness_moved_from"


@sa_event.listens_for(Session, "before_flush")
def _note_moved_lots(session: Session, flush_context: Any, instances: Any) -> None:
    """A lot moved to another product changes the facts of the one it leaves, too.

    Asked of the database before the UPDATE: the old product is often not loaded.
    """
    for obj in session.dirty:
        if isinstance(obj, Lot) and _changed(obj, ("product_id", "product")):
            old = session.execute(select(Lot.product_id).where(Lot.id == obj.id)).scalar()
            session.info.setdefault(_MOVED_FROM, set()).add(old)


@sa_event.listens_for(Session, "after_flush")
def _recount_after_flush(session: Session, flush_context: Any) -> None:
    """Keep product_readiness current in the flush that changed a lot or diary entry."""
    products = _touched_products(session) | session.info.pop(_MOVED_FROM, set())
    products.discard(None)
    if products:
        recount(session.connection(), sorted(products))


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
