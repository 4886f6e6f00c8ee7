"""Load the demo catalogue into the database, once, with dates relative to today."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import func, select

from .. import identifiers
from ..extensions import db
from ..models import (
    BatchEntry,
    Certification,
    CertificationKind,
    Event,
    GrantingLevel,
    Lot,
    LotStatus,
    Producer,
    Product,
    ProgrammeBatch,
)
from ..models.certification import add_months
from ..services import lots as lot_service
from ..services.clock import local_today
from . import catalogue as cat
from .accounts import DemoLogin, ensure_demo_logins
from .catalogue import DiaryStep, FacilitySpec, InputLink, Kind, ProductSpec

# Diary times are written as Vietnamese wall-clock times: UTC+07:00, no daylight saving.
VIETNAM = timezone(timedelta(hours=7))
FICTITIOUS_TAX_PREFIX = "029999"

LotKey = tuple[str, int]
Params = dict[str, str]


@dataclass
class DemoSummary:
    """What load_demo did, and the lot to open first."""

    created: bool
    producers: int
    products: int
    lots: int
    events: int
    example_lot: Lot
    logins: list[DemoLogin] = field(default_factory=list)


def load_demo() -> DemoSummary:
    """Add the demo catalogue to the session and flush; the caller commits.

    Does nothing but count when any demo producer exists already.
    """
    present = db.session.scalar(select(Producer.id).where(Producer.is_demo).limit(1))
    if present is None:
        example = _Loader(local_today()).load()
    else:
        example = _find_example_lot()
    producers, products, lots, events = _count_demo()
    logins = ensure_demo_logins(example.product.producer)
    return DemoSummary(present is None, producers, products, lots, events, example, logins)


def gtin_of(facility_number: int, item: int) -> str:
    """Return the GTIN-14 of a demo item, on GS1's example prefix 952."""
    body = f"0{cat.GS1_EXAMPLE_PREFIX}{facility_number:02d}{item:05d}"
    return body + str(identifiers.gtin_check_digit(body))


def gln_of(facility_number: int) -> str:
    body = f"{cat.GS1_EXAMPLE_PREFIX}{facility_number:02d}00000"
    return body + str(identifiers.gtin_check_digit(body))


def product_gtins() -> dict[str, str]:
    """Number each facility's barcoded products in catalogue order."""
    numbers = {spec.key: number for number, spec in enumerate(cat.FACILITIES, start=1)}
    items: dict[str, int] = {}
    gtins = {}
    for spec in cat.PRODUCTS:
        if spec.has_gtin:
            items[spec.facility] = items.get(spec.facility, 0) + 1
            gtins[spec.key] = gtin_of(numbers[spec.facility], items[spec.facility])
    return gtins


def _find_example_lot() -> Lot:
    gtin = product_gtins()[cat.EXAMPLE_LOT[0]]
    return db.session.scalars(
        select(Lot).join(Lot.product).where(Product.gtin == gtin).order_by(Lot.id).limit(1)
    ).one()


def _count_demo() -> tuple[int, int, int, int]:
    demo_lots = select(Lot.id).join(Lot.product).where(Product.is_demo)
    return (
        db.session.scalar(select(func.count(Producer.id)).where(Producer.is_demo)) or 0,
        db.session.scalar(select(func.count(Product.id)).where(Product.is_demo)) or 0,
        db.session.scalar(select(func.count()).select_from(demo_lots.subquery())) or 0,
        db.session.scalar(select(func.count(Event.id)).where(Event.lot_id.in_(demo_lots))) or 0,
    )


def _number(value: int | Decimal, language: str) -> str:
    """Group thousands the way each language writes them: 2.600 in Vietnamese, 2,600 in English."""
    text = f"{value:,}"
    if language == "vi":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def _initials(place: str) -> str:
    """Abbreviate a place for certificate numbers: "Huyện Kiến Thụy" -> "KT"."""
    words = place.split()
    if words[0] in ("Huyện", "Quận"):
        words = words[1:]
    plain = unicodedata.normalize("NFD", "".join(word[0] for word in words).replace("Đ", "D"))
    return "".join(char for char in plain if not unicodedata.combining(char)).upper()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class _Loader:
    """Builds the catalogue in dependency order and remembers what it made."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.now = datetime.now(UTC)
        self.specs = {spec.key: spec for spec in cat.FACILITIES}
        self.producers: dict[str, Producer] = {}
        self.products: dict[str, Product] = {}
        self.lots: dict[LotKey, Lot] = {}

    def load(self) -> Lot:
        self.add_producers()
        self.add_products()
        self.add_certificates()
        self.add_programme()
        self.add_lots()
        inputs = self.link_inputs()
        for spec in cat.PRODUCTS:
            for index in range(len(spec.lots)):
                key = (spec.key, index)
                self.write_diary(key, spec, inputs.get(key, []))
        self.recall()
        db.session.flush()
        return self.lots[cat.EXAMPLE_LOT]

    def add_producers(self) -> None:
        for number, spec in enumerate(cat.FACILITIES, start=1):
            producer = Producer(
                legal_form=spec.legal_form,
                name_vi=spec.name_vi,
                name_en=spec.name_en,
                tax_code=f"{FICTITIOUS_TAX_PREFIX}{number:04d}",
                street=spec.street,
                commune=spec.commune,
                province=cat.PROVINCE,
                former_district=spec.former_district,
                phone=spec.phone,
                email=spec.email,
                gln=gln_of(number) if spec.has_gln else None,
                latitude=Decimal(spec.latitude),
                longitude=Decimal(spec.longitude),
                description_vi=spec.description_vi,
                description_en=spec.description_en,
                is_demo=True,
            )
            db.session.add(producer)
            self.producers[spec.key] = producer

    def add_products(self) -> None:
        gtins = product_gtins()
        for spec in cat.PRODUCTS:
            kind = cat.KINDS[spec.kind]
            product = Product(
                producer=self.producers[spec.facility],
                name_vi=spec.name_vi,
                name_en=spec.name_en,
                description_vi=spec.description_vi,
                description_en=spec.description_en,
                ocop_group=kind.group,
                gtin=gtins.get(spec.key),
                net_content=Decimal(spec.content[0]),
                net_content_unit=spec.content[1],
                image=kind.image,
                standards=spec.standards,
                brand=spec.brand,
                shelf_life_days=kind.shelf_life_days,
                is_demo=True,
            )
            db.session.add(product)
            self.products[spec.key] = product
        db.session.flush()

    def add_certificates(self) -> None:
        for serial, spec in enumerate(cat.PRODUCTS, start=1):
            if spec.ocop is not None:
                db.session.add(self.ocop_certificate(spec, serial))
        for other in cat.CERTIFICATES:
            issued = add_months(self.today, -other.months_ago)
            db.session.add(
                Certification(
                    product=self.products.get(other.holder),
                    producer=self.producers.get(other.holder),
                    kind=other.kind,
                    name_vi=other.name_vi,
                    name_en=other.name_en,
                    number=other.number,
                    issuer=other.issuer,
                    issued_on=issued,
                    valid_until=add_months(issued, other.valid_months)
                    if other.valid_months
                    else None,
                )
            )

    def ocop_certificate(self, spec: ProductSpec, serial: int) -> Certification:
        assert spec.ocop is not None
        product = self.products[spec.key]
        stars = spec.ocop.stars
        if stars is None or spec.ocop.months_ago is None:
            return Certification(
                product=product,
                kind=CertificationKind.OCOP,
                name_vi="Hồ sơ đánh giá, phân hạng sản phẩm OCOP",
                name_en="OCOP rating application",
                granting_level=GrantingLevel.PROVINCE,
                issuer=f"UBND thành phố {cat.PROVINCE}",
                notes="Đã nộp hồ sơ; chờ Hội đồng đánh giá, phân hạng cấp thành phố chấm điểm.",
            )
        issued = add_months(self.today, -spec.ocop.months_ago)
        level, issuer, area = self.ocop_grantor(self.specs[spec.facility], stars, issued)
        return Certification(
            product=product,
            kind=CertificationKind.OCOP,
            name_vi=f"Sản phẩm OCOP {stars} sao",
            name_en=f"OCOP {stars}-star product",
            ocop_stars=stars,
            granting_level=level,
            number=f"{serial:03d}/{issued.year}/OCOP-{area}",
            issuer=issuer,
            issued_on=issued,
        )

    @staticmethod
    def ocop_grantor(
        facility: FacilitySpec, stars: int, issued: date
    ) -> tuple[GrantingLevel, str, str]:
        """Who granted a certificate issued on that day: the district, or the province."""
        reform = date(*cat.PROVINCE_GRANTS_3_STARS_FROM)
        if stars == 3 and issued < reform:
            district = facility.former_district
            return GrantingLevel.DISTRICT, f"UBND {_lower_first(district)}", _initials(district)
        province = facility.former_province if issued < reform else cat.PROVINCE
        title = "thành phố" if province == cat.PROVINCE else "tỉnh"
        return GrantingLevel.PROVINCE, f"UBND {title} {province}", _initials(province)

    def add_programme(self) -> None:
        batch = ProgrammeBatch(**cat.PROGRAMME_BATCH)
        db.session.add(batch)
        for spec in cat.PRODUCTS:
            db.session.add(
                BatchEntry(
                    batch=batch,
                    product=self.products[spec.key],
                    status=spec.entry.status,
                    criteria_notes=spec.entry.notes,
                )
            )

    def add_lots(self) -> None:
        for spec in cat.PRODUCTS:
            kind = cat.KINDS[spec.kind]
            for index, (days_ago, quantity) in enumerate(spec.lots):
                produced = self.today - timedelta(days=days_ago)
                self.lots[(spec.key, index)] = lot_service.create_lot(
                    self.products[spec.key],
                    f"{spec.lot_prefix}-{produced:%y%m}-{index + 1:02d}",
                    production_date=produced,
                    packing_date=produced,
                    best_before=produced + timedelta(days=kind.shelf_life_days)
                    if kind.shelf_life_days
                    else None,
                    best_before_is_expiry=kind.hard_expiry,
                    quantity=Decimal(quantity),
                    quantity_unit=spec.lot_unit or kind.lot_unit,
                )

    def link_inputs(self) -> dict[LotKey, list[InputLink]]:
        by_output: dict[LotKey, list[InputLink]] = {}
        for link in cat.INPUTS:
            lot_service.add_input(
                self.lots[link.output], self.lots[link.source], Decimal(link.quantity), link.unit
            )
            by_output.setdefault(link.output, []).append(link)
        return by_output

    def write_diary(self, key: LotKey, spec: ProductSpec, inputs: list[InputLink]) -> None:
        """Append the lot's events in time order, varied per lot by a seeded generator."""
        kind = cat.KINDS[spec.kind]
        facility = self.specs[spec.facility]
        producer = self.producers[spec.facility]
        lot = self.lots[key]
        rng = random.Random(f"{spec.key}/{key[1]}")
        vi, en = self.params(rng, spec, kind, facility, lot, inputs)
        steps = [step for step in kind.diary if not (step.unless_inputs and inputs)]
        if key == cat.RECALL.lot:
            steps.extend(cat.RECALL.diary)
        correction = cat.CORRECTION.entry if key == cat.CORRECTION.lot else None
        if correction is not None:
            steps.append(correction)
        planned = sorted(((self.moment(lot, step, rng), step) for step in steps), key=_first)
        address = ", ".join(producer.address_parts)
        written: dict[str, Event] = {}
        for moment, step in planned:
            notes_vi, notes_en = rng.choice(step.notes)
            notes_vi, notes_en = notes_vi.format(**vi), notes_en.format(**en)
            if step.takes_inputs and inputs:
                extra_vi, extra_en = self.input_notes(inputs, producer)
                notes_vi, notes_en = f"{notes_vi} {extra_vi}", f"{notes_en} {extra_en}"
            written.setdefault(
                step.step,
                lot_service.append_event(
                    lot,
                    step=step.step,
                    event_time=moment,
                    location_name=step.place.format(**vi),
                    location_address=step.offsite or address,
                    location_gln=None if step.offsite else producer.gln,
                    actor=(step.actor or rng.choice(facility.people)).format(**vi),
                    notes_vi=notes_vi,
                    notes_en=notes_en,
                    recorded_by=facility.people[0],
                    recorded_at=min(moment + timedelta(minutes=rng.randint(5, 90)), self.now),
                    corrects=written[cat.CORRECTION.corrects_step] if step is correction else None,
                ),
            )

    @staticmethod
    def moment(lot: Lot, step: DiaryStep, rng: random.Random) -> datetime:
        """When the step happened: its planned time plus a few minutes of real life."""
        planned = _wall_clock(lot, step.day, step.at)
        return planned + timedelta(minutes=rng.randint(0, 20))

    @staticmethod
    def params(
        rng: random.Random,
        spec: ProductSpec,
        kind: Kind,
        facility: FacilitySpec,
        lot: Lot,
        inputs: list[InputLink],
    ) -> tuple[Params, Params]:
        """Draw the lot's numbers and names for the notes, written for each language."""
        numbers = {name: rng.randint(low, high) for name, low, high in kind.ranges}
        for link in inputs:
            if link.sets:
                numbers[link.sets] = int(link.quantity)
        quantity = int(lot.quantity or 0)
        numbers["qty"] = quantity
        numbers["recalled"] = quantity - rng.randint(8, 30)
        common = {
            "code": lot.code,
            "site": facility.site,
            "captain": rng.choice(cat.CAPTAINS),
            "grower": rng.choice(cat.CONTRACT_GROWERS),
        }
        unit_vi, unit_en = cat.UNITS[lot.quantity_unit or "kg"]
        shop_vi, shop_en = rng.choice(cat.SHOPS)
        vi = {**common, "unit": unit_vi, "shop": shop_vi}
        en = {**common, "unit": unit_en, "shop": shop_en}
        for name, value in numbers.items():
            vi[name], en[name] = _number(value, "vi"), _number(value, "en")
        for name, value_vi, value_en in spec.params:
            vi[name], en[name] = value_vi, value_en
        return vi, en

    def input_notes(self, inputs: list[InputLink], producer: Producer) -> tuple[str, str]:
        """Name the input lots: the "one step back" a shopper can follow."""
        notes: dict[str, list[str]] = {"vi": [], "en": []}
        for link in inputs:
            source = self.lots[link.source]
            product = self.products[link.source[0]]
            supplier = product.producer
            templates = cat.OWN_INPUT_NOTE if supplier is producer else cat.INPUT_NOTE
            names = {
                "vi": (product.name_vi, supplier.name_vi),
                "en": (product.name_en, supplier.name_en),
            }
            for position, language in enumerate(("vi", "en")):
                product_name, supplier_name = names[language]
                notes[language].append(
                    templates[position].format(
                        qty=_number(Decimal(link.quantity), language),
                        unit=cat.UNITS[link.unit][position],
                        product=product_name,
                        code=source.code,
                        facility=supplier_name,
                    )
                )
        return " ".join(notes["vi"]), " ".join(notes["en"])

    def recall(self) -> None:
        plan = cat.RECALL
        lot = self.lots[plan.lot]
        lot.status = LotStatus.RECALLED
        lot.status_reason_vi = plan.reason_vi
        lot.status_reason_en = plan.reason_en
        lot.status_changed_at = _wall_clock(lot, plan.day, plan.at).astimezone(UTC)


def _wall_clock(lot: Lot, day: int, at: str) -> datetime:
    """Return "HH:MM" in Vietnam, day days after the lot's production date."""
    assert lot.production_date is not None
    hour, minute = (int(part) for part in at.split(":"))
    return datetime.combine(lot.production_date + timedelta(days=day), time(hour, minute), VIETNAM)


def _first(pair: tuple[datetime, DiaryStep]) -> datetime:
    return pair[0]
