"""The Department's programme: batches of supported products, their counts, the overview.

A batch ("Đợt 1 năm 2023") lists the products surveyed for support in building and
applying traceability, each with its status (surveyed, approved, rejected, pending
documents) and the criteria notes the council asked for. Its counts read like the
decision: how many surveyed and approved, by OCOP rating, by facility, by commune.

How a product's OCOP rating is counted (one rule for the batch page and the dashboard):

- The rating is the stars of the product's latest OCOP certificate that has been issued
  and not revoked; 3 to 5 stars are recognised OCOP products, 1 and 2 stars count as
  "no OCOP".
- A product without such a certificate but with an application (no issue date yet) is
  "rating pending"; otherwise it has no OCOP rating.
- A certificate past its 36 months is **expired**. The batch page records the decision,
  so it counts the rating the survey recorded (an expired 3★ still counts among the 3★,
  "31 × 3★") and shows beside it how many of those certificates have expired since.
  The dashboard shows today's state, so it counts only valid certificates by stars and
  expired ones on their own.

Counts come from GROUP BY queries; only the handful of grouped rows reach Python.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..errors import NotFound
from ..extensions import db
from ..models import (
    BatchEntry,
    BatchEntryStatus,
    Certification,
    CertificationKind,
    Lot,
    LotStatus,
    OcopGroup,
    Producer,
    Product,
    ProgrammeBatch,
)
from . import readiness
from .clock import local_today
from .products import FieldError

# Rating keys, best first: recognised OCOP stars, then pending, then none.
STAR_RATINGS = ("5", "4", "3")
RATINGS = (*STAR_RATINGS, "pending", "none")
# The dashboard's keys: stars on valid certificates only, lapsed ones apart.
CURRENT_RATINGS = (*STAR_RATINGS, "expired", "pending", "none")
EXPIRING_WITHIN_DAYS = 90
# Statuses a decision must explain: the council asked for clear criteria.
NEEDS_NOTES = frozenset({BatchEntryStatus.REJECTED, BatchEntryStatus.PENDING_DOCUMENTS})
MIN_YEAR, MAX_YEAR = 2000, 2100
CANDIDATE_LIMIT = 50
BATCH_FIELDS = ("name_vi", "name_en", "year", "decision")


class BatchNotFound(NotFound):
    reason = "batch_not_found"


class EntryNotFound(NotFound):
    reason = "batch_entry_not_found"


# OCOP ratings, as SQL ------------------------------------------------------------------------


def _latest_ocop(today: date):
    """Each product's latest issued, unrevoked OCOP certificate: its stars and end date."""
    issued = (
        Certification.kind == CertificationKind.OCOP,
        Certification.product_id.is_not(None),
        Certification.issued_on.is_not(None),
        Certification.issued_on <= today,
        or_(Certification.revoked_on.is_(None), Certification.revoked_on > today),
    )
    ranked = (
        select(
            Certification.product_id.label("product_id"),
            Certification.ocop_stars.label("stars"),
            Certification.valid_until.label("valid_until"),
            func.row_number()
            .over(
                partition_by=Certification.product_id,
                order_by=(Certification.issued_on.desc(), Certification.id.desc()),
            )
            .label("position"),
        )
        .where(*issued)
        .subquery("ranked_ocop")
    )
    return (
        select(ranked.c.product_id, ranked.c.stars, ranked.c.valid_until)
        .where(ranked.c.position == 1)
        .subquery("latest_ocop")
    )


def _pending_ocop(today: date):
    """Products with an OCOP application not yet granted."""
    return (
        select(Certification.product_id.label("product_id"))
        .where(
            Certification.kind == CertificationKind.OCOP,
            Certification.product_id.is_not(None),
            or_(Certification.issued_on.is_(None), Certification.issued_on > today),
            Certification.revoked_on.is_(None),
        )
        .group_by(Certification.product_id)
        .subquery("pending_ocop")
    )


def _rated(query: Select, product_id: Any, today: date) -> Select:
    """Add columns stars (3-5 or NULL), pending (0/1) and expired (0/1) to query."""
    latest, pending = _latest_ocop(today), _pending_ocop(today)
    recognised = latest.c.stars >= 3
    return (
        query.add_columns(
            case((recognised, latest.c.stars), else_=None).label("stars"),
            case((pending.c.product_id.is_not(None), 1), else_=0).label("pending"),
            case((and_(recognised, latest.c.valid_until < today), 1), else_=0).label("expired"),
        )
        .outerjoin(latest, latest.c.product_id == product_id)
        .outerjoin(pending, pending.c.product_id == product_id)
    )


def _rating_key(stars: int | None, pending: int) -> str:
    if stars is not None:
        return str(min(int(stars), 5))
    return "pending" if pending else "none"


@dataclass(frozen=True)
class Rating:
    """A product's OCOP rating: key is "5", "4", "3", "pending" or "none"."""

    key: str
    expired: bool = False

    @property
    def current_key(self) -> str:
        """The dashboard's key: an expired certificate shows no stars."""
        return "expired" if self.expired else self.key


def product_ratings(product_ids: Sequence[int], today: date | None = None) -> dict[int, Rating]:
    """Rate each product, in one query."""
    if not product_ids:
        return {}
    today = today or local_today()
    query = _rated(select(Product.id), Product.id, today).where(Product.id.in_(product_ids))
    return {
        row.id: Rating(_rating_key(row.stars, row.pending), bool(row.expired))
        for row in db.session.execute(query)
    }


# Batches -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    batch: ProgrammeBatch
    surveyed: int
    approved: int


def _approved_sum():
    return func.coalesce(
        func.sum(case((BatchEntry.status == BatchEntryStatus.APPROVED, 1), else_=0)), 0
    )


def batch_list() -> list[BatchRow]:
    """Every batch, newest first, with its surveyed and approved counts."""
    rows = db.session.execute(
        select(ProgrammeBatch, func.count(BatchEntry.id), _approved_sum())
        .outerjoin(BatchEntry, BatchEntry.batch_id == ProgrammeBatch.id)
        .group_by(ProgrammeBatch.id)
        .order_by(ProgrammeBatch.year.desc(), ProgrammeBatch.id.desc())
    )
    return [BatchRow(batch, int(surveyed), int(approved)) for batch, surveyed, approved in rows]


def get_batch(batch_id: int) -> ProgrammeBatch:
    batch = db.session.get(ProgrammeBatch, batch_id)
    if batch is None:
        raise BatchNotFound(f"No batch {batch_id}", batch_id=batch_id)
    return batch


def _batch_values(fields: Mapping[str, Any], batch: ProgrammeBatch | None) -> dict[str, Any]:
    values = {}
    for name in BATCH_FIELDS:
        if name in fields:
            value = fields[name]
            values[name] = (value.strip() or None) if isinstance(value, str) else value
    current = {name: getattr(batch, name) for name in BATCH_FIELDS} if batch else {}
    merged = {**current, **values}
    if not merged.get("name_vi"):
        raise FieldError(
            "name_vi", _("Enter the batch's name in Vietnamese, such as Đợt 1 năm 2025.")
        )
    year = merged.get("year")
    if year is None:
        raise FieldError("year", _("Enter the year of the batch."))
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise FieldError(
            "year",
            _("Enter a year from %(first)s to %(last)s.", first=MIN_YEAR, last=MAX_YEAR),
        )
    # Compared in Python: SQL lower() folds only ASCII on SQLite ("Đợt" ≠ "đợt"), and a
    # year holds a handful of batches.
    others = select(ProgrammeBatch.name_vi).where(ProgrammeBatch.year == year)
    if batch is not None:
        others = others.where(ProgrammeBatch.id != batch.id)
    if _name_key(merged["name_vi"]) in {_name_key(name) for name in db.session.scalars(others)}:
        raise FieldError("name_vi", _("Another batch of that year already has this name."))
    return values


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def create_batch(fields: Mapping[str, Any]) -> ProgrammeBatch:
    """Open a batch of the programme; its Vietnamese name must be unused."""
    batch = ProgrammeBatch(**_batch_values(fields, None))
    db.session.add(batch)
    db.session.flush()
    return batch


def update_batch(batch: ProgrammeBatch, fields: Mapping[str, Any]) -> ProgrammeBatch:
    """Change a batch's names, year or decision number."""
    for name, value in _batch_values(fields, batch).items():
        setattr(batch, name, value)
    db.session.flush()
    return batch


# Entries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    entry: BatchEntry
    rating: Rating

    @property
    def product(self) -> Product:
        return self.entry.product


def batch_entries(batch: ProgrammeBatch, status: BatchEntryStatus | None = None) -> list[EntryRow]:
    """The batch's products by facility and name, with their OCOP ratings."""
    query = (
        select(BatchEntry)
        .join(BatchEntry.product)
        .join(Product.producer)
        .options(contains_eager(BatchEntry.product).contains_eager(Product.producer))
        .where(BatchEntry.batch_id == batch.id)
        .order_by(Producer.name_vi, Product.name_vi, BatchEntry.id)
    )
    if status is not None:
        query = query.where(BatchEntry.status == status)
    entries = list(db.session.scalars(query))
    ratings = product_ratings([entry.product_id for entry in entries])
    return [EntryRow(entry, ratings.get(entry.product_id, Rating("none"))) for entry in entries]


def get_entry(batch: ProgrammeBatch, entry_id: int) -> BatchEntry:
    entry = db.session.scalar(
        select(BatchEntry)
        .where(BatchEntry.id == entry_id, BatchEntry.batch_id == batch.id)
        .options(joinedload(BatchEntry.product).joinedload(Product.producer))
    )
    if entry is None:
        raise EntryNotFound(f"No entry {entry_id} in batch {batch.id}", entry_id=entry_id)
    return entry


def _check_notes(status: BatchEntryStatus, notes: str | None) -> str | None:
    notes = (notes or "").strip() or None
    if status in NEEDS_NOTES and notes is None:
        raise FieldError(
            "criteria_notes",
            _(
                "Say which criteria the product does not meet yet, or which documents are "
                "missing: the facility and the council read this note."
            ),
        )
    return notes


def update_entry(
    entry: BatchEntry, status: BatchEntryStatus | None, notes: str | None
) -> BatchEntry:
    """Set a product's status in its batch; a refusal or a wait for documents says why."""
    if status is None:
        raise FieldError("status", _("Choose the product's status in the batch."))
    entry.criteria_notes = _check_notes(status, notes)
    entry.status = status
    db.session.flush()
    return entry


def add_products(
    batch: ProgrammeBatch,
    product_ids: Sequence[int],
    status: BatchEntryStatus | None = BatchEntryStatus.SURVEYED,
    notes: str | None = None,
) -> list[BatchEntry]:
    """Enter products in a batch, all with the same status and notes."""
    wanted = list(dict.fromkeys(product_ids))
    if not wanted:
        raise FieldError("product_ids", _("Choose at least one product."))
    if status is None:
        raise FieldError("status", _("Choose the product's status in the batch."))
    notes = _check_notes(status, notes)
    products = list(db.session.scalars(select(Product).where(Product.id.in_(wanted))))
    if len(products) != len(wanted):
        raise FieldError("product_ids", _("One of the chosen products no longer exists."))
    already = db.session.scalar(
        select(func.count(BatchEntry.id)).where(
            BatchEntry.batch_id == batch.id, BatchEntry.product_id.in_(wanted)
        )
    )
    if already:
        raise FieldError("product_ids", _("A chosen product is already in this batch."))
    entries = [
        BatchEntry(batch=batch, product=product, status=status, criteria_notes=notes)
        for product in products
    ]
    db.session.add_all(entries)
    db.session.flush()
    return entries


def candidate_products(batch: ProgrammeBatch, query: str = "") -> list[Product]:
    """Products not yet in the batch, matching query by name, GTIN or facility."""
    in_batch = select(BatchEntry.product_id).where(BatchEntry.batch_id == batch.id)
    statement = (
        select(Product)
        .join(Product.producer)
        .options(contains_eager(Product.producer))
        .where(Product.id.not_in(in_batch))
        .order_by(Producer.name_vi, Product.name_vi, Product.id)
        .limit(CANDIDATE_LIMIT)
    )
    text = query.strip()
    if text:
        pattern = f"%{_escape_like(text)}%"
        statement = statement.where(
            or_(
                Product.name_vi.ilike(pattern, escape="\\"),
                Product.name_en.ilike(pattern, escape="\\"),
                Product.gtin.ilike(pattern, escape="\\"),
                Producer.name_vi.ilike(pattern, escape="\\"),
                Producer.name_en.ilike(pattern, escape="\\"),
            )
        )
    return list(db.session.scalars(statement))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The batch's counts --------------------------------------------------------------------------


@dataclass
class Tally:
    """Products of one kind: how many surveyed and approved, and how many have lapsed."""

    surveyed: int = 0
    approved: int = 0
    expired_surveyed: int = 0
    expired_approved: int = 0


@dataclass(frozen=True)
class FacilityTally:
    producer_id: int
    name_vi: str
    name_en: str | None
    commune: str
    surveyed: int
    approved: int


@dataclass(frozen=True)
class CommuneTally:
    commune: str
    province: str
    facilities: int
    surveyed: int
    approved: int


@dataclass
class BatchCounts:
    """The batch's numbers, as the decision states them."""

    by_status: dict[BatchEntryStatus, int]
    by_rating: dict[str, Tally]
    by_facility: list[FacilityTally]
    by_commune: list[CommuneTally]
    today: date

    @property
    def surveyed(self) -> int:
        return sum(self.by_status.values())

    @property
    def approved(self) -> int:
        return self.by_status[BatchEntryStatus.APPROVED]

    @property
    def rejected(self) -> int:
        return self.by_status[BatchEntryStatus.REJECTED]

    @property
    def pending_documents(self) -> int:
        return self.by_status[BatchEntryStatus.PENDING_DOCUMENTS]

    @property
    def undecided(self) -> int:
        return self.by_status[BatchEntryStatus.SURVEYED]

    @property
    def facilities(self) -> int:
        return len(self.by_facility)

    @property
    def approved_facilities(self) -> int:
        return sum(1 for row in self.by_facility if row.approved)

    @property
    def expired(self) -> int:
        return sum(tally.expired_surveyed for tally in self.by_rating.values())


def batch_counts(batch: ProgrammeBatch, today: date | None = None) -> BatchCounts:
    """Count the batch by status, OCOP rating, facility and commune: three GROUP BY queries."""
    today = today or local_today()
    by_status = {status: 0 for status in BatchEntryStatus}
    by_rating = {key: Tally() for key in RATINGS}
    per_entry = _rated(
        select(BatchEntry.status.label("status")), BatchEntry.product_id, today
    ).where(BatchEntry.batch_id == batch.id)
    rows = per_entry.subquery("rated_entries")
    grouped = select(
        rows.c.status, rows.c.stars, rows.c.pending, rows.c.expired, func.count()
    ).group_by(rows.c.status, rows.c.stars, rows.c.pending, rows.c.expired)
    for status, stars, pending, expired, count in db.session.execute(grouped):
        status = BatchEntryStatus(status) if not isinstance(status, BatchEntryStatus) else status
        by_status[status] += count
        tally = by_rating[_rating_key(stars, pending)]
        tally.surveyed += count
        tally.expired_surveyed += count if expired else 0
        if status is BatchEntryStatus.APPROVED:
            tally.approved += count
            tally.expired_approved += count if expired else 0

    approved = _approved_sum()
    in_batch = (
        select()
        .select_from(BatchEntry)
        .join(Product, Product.id == BatchEntry.product_id)
        .join(Producer, Producer.id == Product.producer_id)
        .where(BatchEntry.batch_id == batch.id)
    )
    by_facility = [
        FacilityTally(*row)
        for row in db.session.execute(
            in_batch.add_columns(
                Producer.id,
                Producer.name_vi,
                Producer.name_en,
                Producer.commune,
                func.count(BatchEntry.id),
                approved,
            )
            .group_by(Producer.id, Producer.name_vi, Producer.name_en, Producer.commune)
            .order_by(approved.desc(), func.count(BatchEntry.id).desc(), Producer.name_vi)
        )
    ]
    by_commune = [
        CommuneTally(*row)
        for row in db.session.execute(
            in_batch.add_columns(
                Producer.commune,
                Producer.province,
                func.count(func.distinct(Producer.id)),
                func.count(BatchEntry.id),
                approved,
            )
            .group_by(Producer.commune, Producer.province)
            .order_by(approved.desc(), func.count(BatchEntry.id).desc(), Producer.commune)
        )
    ]
    return BatchCounts(by_status, by_rating, by_facility, by_commune, today)


# The dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpiringCertificate:
    certification: Certification
    producer: Producer
    product: Product | None
    days_left: int


@dataclass(frozen=True)
class UnreadyProduct:
    product: Product
    readiness: readiness.Readiness


@dataclass
class Overview:
    """The state of the programme at a glance, for the Department's dashboard."""

    products: int
    by_rating: dict[str, int]
    by_group: dict[OcopGroup | None, int]
    expiring: list[ExpiringCertificate]
    stopped_lots: list[Lot]
    unready: list[UnreadyProduct]
    today: date
    expiring_days: int = EXPIRING_WITHIN_DAYS

    @property
    def ready(self) -> int:
        return self.products - len(self.unready)


def _ratings_today(today: date) -> dict[str, int]:
    rows = _rated(select(Product.id), Product.id, today).subquery("rated_products")
    counts = {key: 0 for key in CURRENT_RATINGS}
    grouped = select(rows.c.stars, rows.c.pending, rows.c.expired, func.count()).group_by(
        rows.c.stars, rows.c.pending, rows.c.expired
    )
    for stars, pending, expired, count in db.session.execute(grouped):
        counts["expired" if expired else _rating_key(stars, pending)] += count
    return counts


def _groups() -> dict[OcopGroup | None, int]:
    counts: dict[OcopGroup | None, int] = {group: 0 for group in OcopGroup}
    counts[None] = 0
    for group, count in db.session.execute(
        select(Product.ocop_group, func.count(Product.id)).group_by(Product.ocop_group)
    ):
        counts[group] += count
    return counts


def expiring_certificates(
    today: date | None = None, within_days: int = EXPIRING_WITHIN_DAYS
) -> list[ExpiringCertificate]:
    """Valid certificates of any kind whose validity ends in the next within_days days."""
    today = today or local_today()
    certificates = db.session.scalars(
        select(Certification)
        .where(
            Certification.issued_on.is_not(None),
            Certification.issued_on <= today,
            or_(Certification.revoked_on.is_(None), Certification.revoked_on > today),
            Certification.valid_until >= today,
            Certification.valid_until <= today + timedelta(days=within_days),
        )
        .options(
            joinedload(Certification.product).joinedload(Product.producer),
            joinedload(Certification.producer),
        )
        .order_by(Certification.valid_until, Certification.id)
    )
    results = []
    for certification in certificates:
        product = certification.product
        producer = product.producer if product is not None else certification.producer
        assert producer is not None and certification.valid_until is not None
        days_left = (certification.valid_until - today).days
        results.append(ExpiringCertificate(certification, producer, product, days_left))
    return results


def stopped_lots() -> list[Lot]:
    """Lots recalled or suspended, the latest change first."""
    return list(
        db.session.scalars(
            select(Lot)
            .where(Lot.status != LotStatus.ACTIVE)
            .options(joinedload(Lot.product).joinedload(Product.producer))
            .order_by(Lot.status_changed_at.desc(), Lot.id.desc())
        )
    )


def unready_products() -> tuple[int, list[UnreadyProduct]]:
    """Count all products and list those missing any of the ten items, in three queries.

    The lot and diary facts come from product_readiness (kept counted), not from
    counting every lot and diary entry of the country.
    """
    products = list(
        db.session.scalars(
            select(Product)
            .join(Product.producer)
            .options(contains_eager(Product.producer))
            .order_by(Producer.name_vi, Product.name_vi, Product.id)
        )
    )
    results = readiness.readiness_of(products, counted=True)
    unready = [
        UnreadyProduct(product, results[product.id])
        for product in products
        if not results[product.id].ready
    ]
    return len(products), unready


def overview(today: date | None = None) -> Overview:
    """Everything the Department's dashboard shows, in a fixed number of queries."""
    today = today or local_today()
    total, unready = unready_products()
    return Overview(
        products=total,
        by_rating=_ratings_today(today),
        by_group=_groups(),
        expiring=expiring_certificates(today),
        stopped_lots=stopped_lots(),
        unready=unready,
        today=today,
    )
