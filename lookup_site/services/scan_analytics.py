"""Scan analytics for producers (their own products) and the Department (every producer).

Every figure is read from the rollups, never from the ``scan`` table: checks per
day, lot and page language from ``scan_day``, shared provinces per lot from
``scan_place``, suspicious items from the flagged rows of ``serial``. The
Department's national figures per day and language, and per province, read the
national rollups instead (``scan_national_day``, ``scan_national_place``): one row
per day and language, or per province, however many lots were checked. A report costs
the same handful of grouped queries whether a lot was checked ten times or ten
million, and only the grouped rows (at most one per day and language) reach Python.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from .. import provinces
from ..errors import InvalidInput, LotNotFound, ProducerNotFound, ProductNotFound
from ..extensions import db
from ..models import (
    Lot,
    Producer,
    Product,
    ScanDay,
    ScanNationalDay,
    ScanNationalPlace,
    ScanPlace,
    Serial,
)
from . import ownership
from .clock import VIETNAM, local_today

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 30
TOP_LOTS = 10
SUSPICIOUS_LIMIT = 50
# Page languages shown on their own; any other (a future catalogue) is counted as "other".
LANGUAGES = ("vi", "en")
OTHER_LANGUAGE = "other"
CSV_HEADER = ("day", "producer", "product", "gtin", "lot", "language", "checks")
# A cell starting with one of these is a formula to a spreadsheet: quote it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CSV_CHUNK = 1000


class PeriodNotOffered(InvalidInput):
    reason = "analytics_period_not_offered"


class LotNotOfProduct(InvalidInput):
    """Both filters were given and disagree: a form left half-changed, not a probe."""

    reason = "analytics_lot_not_of_product"


class NotOfProducer(InvalidInput):
    """The Department chose a facility and a product or lot of another facility."""

    reason = "analytics_not_of_producer"


@dataclass(frozen=True)
class Period:
    """Whole local (Vietnam) days, first to last included."""

    first: date
    last: date

    @classmethod
    def ending_today(cls, days: int = DEFAULT_PERIOD) -> Period:
        if days not in PERIODS:
            raise PeriodNotOffered(f"No {days}-day period", days=days)
        today = local_today()
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range(self.days)]

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The period as a UTC interval [start, end): what ``flagged_at`` is compared with."""
        start = datetime.combine(self.first, time(), tzinfo=VIETNAM)
        end = datetime.combine(self.last + timedelta(days=1), time(), tzinfo=VIETNAM)
        return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class Scope:
    """Whose checks: one producer's (None: every producer), narrowed to a product or lot."""

    producer: Producer | None = None
    product: Product | None = None
    lot: Lot | None = None

    @property
    def national(self) -> bool:
        """Every producer's checks: the national rollups hold the sums already."""
        return self.producer is None and self.product is None and self.lot is None

    def where(self, model: Any) -> list[ColumnElement[bool]]:
        """Conditions on a table that carries ``lot_id`` and ``product_id`` columns."""
        if self.lot is not None:
            return [model.lot_id == self.lot.id]
        if self.product is not None:
            return [model.product_id == self.product.id]
        if self.producer is not None:
            owned = select(Product.id).where(Product.producer_id == self.producer.id)
            return [model.product_id.in_(owned)]
        return []


def producer_scope(
    producer: Producer, *, product_id: int | None = None, lot_id: int | None = None
) -> Scope:
    """The signed-in producer's scope; another producer's product or lot is not found."""
    product = ownership.own_product(producer, product_id) if product_id is not None else None
    lot = ownership.own_lot(producer, lot_id) if lot_id is not None else None
    return _narrowed(producer, product, lot)


def department_scope(
    *, producer_id: int | None = None, product_id: int | None = None, lot_id: int | None = None
) -> Scope:
    """The Department's scope: every producer, or the one, product or lot chosen."""
    producer = product = lot = None
    if producer_id is not None:
        producer = db.session.get(Producer, producer_id)
        if producer is None:
            raise ProducerNotFound(f"No producer {producer_id}", producer_id=producer_id)
    if product_id is not None:
        product = db.session.get(Product, product_id)
        if product is None:
            raise ProductNotFound(f"No product {product_id}", product_id=product_id)
    if lot_id is not None:
        lot = db.session.scalar(
            select(Lot).where(Lot.id == lot_id).options(joinedload(Lot.product))
        )
        if lot is None:
            raise LotNotFound(f"No lot {lot_id}", lot_id=lot_id)
    chosen = product or (lot.product if lot is not None else None)
    if producer is not None and chosen is not None and chosen.producer_id != producer.id:
        raise NotOfProducer("The product or lot is another facility's", producer_id=producer.id)
    if producer is None and chosen is not None:
        producer = chosen.producer  # the page names the facility whose items it shows
    return _narrowed(producer, product, lot)


def _narrowed(producer: Producer | None, product: Product | None, lot: Lot | None) -> Scope:
    if lot is not None:
        if product is not None and lot.product_id != product.id:
            raise LotNotOfProduct(f"Lot {lot.id} is not of product {product.id}")
        product = lot.product
    return Scope(producer=producer, product=product, lot=lot)


@dataclass(frozen=True)
class DayChecks:
    day: date
    checks: int


@dataclass(frozen=True)
class WeekChecks:
    """One ISO week; the period's first and last weeks may hold only some of their days."""

    year: int
    week: int
    monday: date
    checks: int
    days_in_period: int

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def partial(self) -> bool:
        return self.days_in_period < 7


@dataclass(frozen=True)
class LanguageShare:
    language: str  # "vi", "en" or OTHER_LANGUAGE
    checks: int
    share: float  # 0 to 1 of the period's checks


@dataclass(frozen=True)
class LotChecks:
    lot: Lot  # its product and producer loaded
    checks: int


@dataclass(frozen=True)
class ProvinceChecks:
    """Shared checks from one province: all of them, and those that were an item's first."""

    province: provinces.Province
    first_checks: int
    shared_checks: int


@dataclass(frozen=True)
class Totals:
    checks: int
    lots_checked: int
    busiest_day: DayChecks | None
    suspicious: int
    shared_checks: int
    first_shares: int


@dataclass(frozen=True)
class Report:
    scope: Scope
    period: Period
    totals: Totals
    days: list[DayChecks]
    weeks: list[WeekChecks]
    languages: list[LanguageShare]
    top_lots: list[LotChecks]
    provinces: list[ProvinceChecks]
    suspicious: list[Serial]  # newest first, each with its lot, product and producer
    # False when no item in the scope has ever been checked, whatever the period.
    ever_checked: bool

    @property
    def has_checks(self) -> bool:
        return self.totals.checks > 0


def report(scope: Scope, period: Period) -> Report:
    """Build the scope's report for the period in a fixed number of grouped queries."""
    per_day_language = _checks_by_day_and_language(scope, period)
    days = _days(period, per_day_language)
    checks = sum(day.checks for day in days)
    places = _provinces(scope)
    suspicious, suspicious_count = _suspicious(scope, period)
    busiest = max(days, key=lambda day: (day.checks, day.day)) if checks else None
    return Report(
        scope=scope,
        period=period,
        totals=Totals(
            checks=checks,
            lots_checked=_lots_checked(scope, period),
            busiest_day=busiest,
            suspicious=suspicious_count,
            shared_checks=sum(place.shared_checks for place in places),
            first_shares=sum(place.first_checks for place in places),
        ),
        days=days,
        weeks=_weeks(days),
        languages=_languages(per_day_language, checks),
        top_lots=_top_lots(scope, period),
        provinces=places,
        suspicious=suspicious,
        ever_checked=bool(checks) or _ever_checked(scope),
    )


def _in_period(period: Period) -> list[ColumnElement[bool]]:
    return [ScanDay.day >= period.first, ScanDay.day <= period.last]


def _checks_by_day_and_language(scope: Scope, period: Period) -> dict[tuple[date, str], int]:
    if scope.national:
        rows = db.session.execute(
            select(ScanNationalDay.day, ScanNationalDay.language, ScanNationalDay.count).where(
                ScanNationalDay.day >= period.first, ScanNationalDay.day <= period.last
            )
        )
        return {(day, language): int(total) for day, language, total in rows}
    rows = db.session.execute(
        select(ScanDay.day, ScanDay.language, func.sum(ScanDay.count))
        .where(*_in_period(period), *scope.where(ScanDay))
        .group_by(ScanDay.day, ScanDay.language)
    )
    return {(day, language): int(total or 0) for day, language, total in rows}


def _days(period: Period, counts: dict[tuple[date, str], int]) -> list[DayChecks]:
    per_day: dict[date, int] = defaultdict(int)
    for (day, _language), total in counts.items():
        per_day[day] += total
    return [DayChecks(day, per_day.get(day, 0)) for day in period.dates()]


def _weeks(days: list[DayChecks]) -> list[WeekChecks]:
    """Group the days by ISO week (Monday first), in order."""
    weeks: dict[tuple[int, int], list[DayChecks]] = {}
    for day in days:
        year, week, _weekday = day.day.isocalendar()
        weeks.setdefault((year, week), []).append(day)
    return [
        WeekChecks(
            year=year,
            week=week,
            monday=members[0].day - timedelta(days=members[0].day.weekday()),
            checks=sum(member.checks for member in members),
            days_in_period=len(members),
        )
        for (year, week), members in weeks.items()
    ]


def _languages(counts: dict[tuple[date, str], int], checks: int) -> list[LanguageShare]:
    per_language = dict.fromkeys((*LANGUAGES, OTHER_LANGUAGE), 0)
    for (_day, language), total in counts.items():
        per_language[language if language in LANGUAGES else OTHER_LANGUAGE] += total
    return [
        LanguageShare(language, total, total / checks if checks else 0.0)
        for language, total in per_language.items()
        if language in LANGUAGES or total
    ]


def _lots_checked(scope: Scope, period: Period) -> int:
    return (
        db.session.scalar(
            select(func.count(func.distinct(ScanDay.lot_id))).where(
                *_in_period(period), *scope.where(ScanDay)
            )
        )
        or 0
    )


def _top_lots(scope: Scope, period: Period) -> list[LotChecks]:
    totals = (
        select(ScanDay.lot_id, func.sum(ScanDay.count).label("checks"))
        .where(*_in_period(period), *scope.where(ScanDay))
        .group_by(ScanDay.lot_id)
        .order_by(func.sum(ScanDay.count).desc(), ScanDay.lot_id)
        .limit(TOP_LOTS)
        .subquery()
    )
    rows = db.session.execute(
        select(Lot, totals.c.checks)
        .join(totals, totals.c.lot_id == Lot.id)
        .options(joinedload(Lot.product).joinedload(Product.producer))
        .order_by(totals.c.checks.desc(), Lot.id)
    )
    return [LotChecks(lot, int(checks)) for lot, checks in rows]


def _provinces(scope: Scope) -> list[ProvinceChecks]:
    """Shared provinces, most first checks first; the rollup keeps no dates, so all time."""
    if scope.national:
        national = ScanNationalPlace
        rows = db.session.execute(select(national.province, national.first_scans, national.scans))
    else:
        rows = db.session.execute(
            select(ScanPlace.province, func.sum(ScanPlace.first_scans), func.sum(ScanPlace.scans))
            .where(*scope.where(ScanPlace))
            .group_by(ScanPlace.province)
        )
    places = [
        ProvinceChecks(province, int(first or 0), int(shared or 0))
        for code, first, shared in rows
        # Only the form's codes are ever stored; a code retired by a later merger has no
        # place on the map, and its figures stay in the database for when it is mapped.
        if (province := provinces.get(code)) is not None and (first or shared)
    ]
    return sorted(places, key=lambda p: (-p.first_checks, -p.shared_checks, p.province.code))


def _suspicious(scope: Scope, period: Period) -> tuple[list[Serial], int]:
    start, end = period.utc_bounds()
    flagged = [
        Serial.flagged_at.is_not(None),
        Serial.flagged_at >= start,
        Serial.flagged_at < end,
        *scope.where(Serial),
    ]
    items = list(
        db.session.scalars(
            select(Serial)
            .where(*flagged)
            .options(joinedload(Serial.lot).joinedload(Lot.product).joinedload(Product.producer))
            .order_by(Serial.flagged_at.desc(), Serial.id.desc())
            .limit(SUSPICIOUS_LIMIT)
        )
    )
    return items, db.session.scalar(select(func.count(Serial.id)).where(*flagged)) or 0


def _ever_checked(scope: Scope) -> bool:
    if scope.national:
        return db.session.scalar(select(select(ScanNationalDay.day).exists()))
    return db.session.scalar(select(select(ScanDay.day).where(*scope.where(ScanDay)).exists()))


def _cell(text: str | None) -> str:
    text = text or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(scope: Scope, period: Period) -> Iterator[tuple[str, ...]]:
    """Yield the period's rollup rows in order: one per day, lot and page language."""
    query = (
        select(
            ScanDay.day,
            Producer.name_vi,
            Product.name_vi,
            Product.gtin,
            Lot.code,
            ScanDay.language,
            ScanDay.count,
        )
        .join(Lot, Lot.id == ScanDay.lot_id)
        .join(Product, Product.id == ScanDay.product_id)
        .join(Producer, Producer.id == Product.producer_id)
        .where(*_in_period(period), *scope.where(ScanDay))
        .order_by(ScanDay.day, Producer.id, Product.id, Lot.code, ScanDay.language)
        .execution_options(yield_per=_CSV_CHUNK)
    )
    for day, producer, product, gtin, lot, language, checks in db.session.execute(query):
        yield (
            day.isoformat(),
            _cell(producer),
            _cell(product),
            gtin or "",
            _cell(lot),
            language,
            str(checks),
        )


def csv_chunks(scope: Scope, period: Period) -> Iterator[str]:
    """Yield the export as CSV text, starting with a BOM so that Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield codecs.BOM_UTF8.decode("utf-8")
    writer.writerow(CSV_HEADER)
    for number, row in enumerate(csv_rows(scope, period), start=1):
        writer.writerow(row)
        if number % _CSV_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
