"""Synthetic data at scale and the query plans it is served with.

``flask scale generate`` fills the configured database with producers, products (valid
GTINs), lots (unique public codes), events (a hash chain that verifies), serials, scans
and their rollups, written in bulk: PostgreSQL ``COPY`` through psycopg, or SQLAlchemy
Core ``INSERT`` with lists of rows elsewhere (SQLite).

The rows go through the connection, not the ORM session, on purpose: a million lots
flushed as objects would take hours. So the session hooks never see them: synthetic
data is neither written to the audit trail (``services/audit.py``) nor queued for the
national portal (``services/portal.py``). Event hashes are computed with the chain's
own ``canonical_payload``, so ``chain.verify_chain`` accepts every synthetic lot.

``flask scale explain`` runs the services' own queries for the public pages, the
workspace lists and the dashboards under ``EXPLAIN (FORMAT JSON)`` (PostgreSQL only) and
names every sequential scan of a table holding more than ``LARGE_TABLE`` rows.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import Connection, Enum, Table, event, func, insert, select, text

from .extensions import db
from .identifiers import gtin_check_digit
from .identifiers.public_code import ALPHABET
from .models import (
    Event,
    LegalForm,
    Lot,
    LotStatus,
    OcopGroup,
    Producer,
    Product,
    Scan,
    ScanDay,
    ScanNationalDay,
    ScanNationalPlace,
    ScanPlace,
    Serial,
)
from .provinces import PROVINCES
from .services import chain, readiness, rollups
from .services.clock import VIETNAM
from .services.serials import DEFAULT_COPY_WARNING_THRESHOLD, FLAG_MANY_CHECKS, SERIAL_LENGTH

LOTS_PER_PRODUCT = 200
PRODUCTS_PER_PRODUCER = 5
CHUNK_LOTS = 2_000  # lots (and their events) per round trip
CHUNK_SCANS = 20_000
LARGE_TABLE = 10_000  # a sequential scan of a table this big is a finding
SYNTHETIC_RECORDER = "synthetic"
# A plausible diary for a farmed and packed product, cycled through a lot's events.
DIARY = ("planting", "fertilising", "spraying", "harvesting", "drying", "packing", "storing")
UNITS = ("kg", "bottle", "box", "bag", "jar")
GROUPS = tuple(OcopGroup)


@dataclass
class Counts:
    """Rows written per table, and how long it took."""

    rows: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    # Time spent writing each table (the database's share; the rest is building rows).
    writing: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0


class BulkWriter:
    """Write lists of rows to one table: COPY on PostgreSQL, Core executemany otherwise."""

    def __init__(self, connection: Connection, counts: Counts) -> None:
        self.connection = connection
        self.counts = counts
        self.copy = connection.dialect.name == "postgresql"

    def write(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        if self.copy:
            self._copy(table, rows)
        else:
            self.connection.execute(insert(table), rows)
        self.counts.writing[table.name] += time.perf_counter() - started
        self.counts.rows[table.name] += len(rows)

    def _copy(self, table: Table, rows: list[dict[str, Any]]) -> None:
        from psycopg import sql

        columns = list(rows[0])
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        # The same DBAPI connection, so the COPY joins the connection's transaction.
        cursor = self.connection.connection.driver_connection.cursor()
        # Enum members go in as the strings the (non-native) enum columns store.
        enums = [name for name in columns if isinstance(table.c[name].type, Enum)]
        with cursor.copy(statement) as copy:
            for row in rows:
                if enums:
                    row = {**row, **{name: row[name].value for name in enums}}
                copy.write_row([row[name] for name in columns])


def _uuid4(rng: random.Random) -> str:
    """A version 4 UUID from rng (uuid.uuid4 cannot be seeded; uuid.UUID() is slow)."""
    number = rng.getrandbits(128) & ~(0xF000 << 64) & ~(0xC000 << 48)
    text = f"{number | (0x4000 << 64) | (0x8000 << 48):032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _next_id(connection: Connection, table: Table) -> int:
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def _crockford(rng: random.Random, length: int) -> str:
    number = rng.getrandbits(5 * length)
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(length))


def _gtin14(number: int) -> str:
    """A GTIN-13 under Vietnam's 893 prefix, stored as GTIN-14 like every product's."""
    body = f"0893{number:09d}"
    return body + str(gtin_check_digit(body))


# What every synthetic event says besides its lot, identity, place in the chain and time.
EVENT_CONSTANTS: dict[str, Any] = {
    "time_zone_offset": "+07:00",
    "location_name": "Khu sản xuất",
    "location_address": None,
    "location_gln": None,
    "actor": "Tổ sản xuất số 1",
    "notes_vi": None,
    "notes_en": None,
    "recorded_by": SYNTHETIC_RECORDER,
}


class PayloadTemplate:
    """``chain.canonical_payload`` for synthetic events, by string formatting.

    Ten million ``json.dumps`` calls take minutes; the synthetic events differ only in
    a few plain ASCII fields, so the chain's own serialisation is rendered once with
    marker values and the markers become placeholders. Every ``CHECK_EVERY``-th payload
    is compared with ``canonical_payload`` itself, so a change to the chain's format
    stops the generator instead of writing chains that do not verify.
    """

    CHECK_EVERY = 1_000
    _MARKERS = {
        "lot": "~lot~",
        "uuid": "~uuid~",
        "sequence": 918_273_645,
        "step": "~step~",
        "event_time": datetime(1901, 2, 3, 4, 5, 6, 789_012, UTC),
        "recorded_at": datetime(1902, 3, 4, 5, 6, 7, 890_123, UTC),
        "previous_hash": "~previous~",
    }

    def __init__(self) -> None:
        markers = dict(self._MARKERS)
        lot = markers.pop("lot")
        text_form = chain.canonical_payload(
            SimpleNamespace(**EVENT_CONSTANTS, **markers, photos=()), lot, None
        ).decode()
        text_form = text_form.replace("%", "%%")
        for name, marker in self._MARKERS.items():
            token = _iso(marker) if isinstance(marker, datetime) else str(marker)
            if text_form.count(token) != 1:
                raise RuntimeError(f"the chain's payload no longer holds {name} once")
            text_form = text_form.replace(token, f"%({name})s")
        self.template = text_form
        self.rendered = 0

    def payload(self, row: dict[str, Any], lot_public_code: str) -> bytes:
        values = {
            "lot": lot_public_code,
            "uuid": row["uuid"],
            "sequence": row["sequence"],
            "step": row["step"],
            "event_time": _iso(row["event_time"]),
            "recorded_at": _iso(row["recorded_at"]),
            "previous_hash": row["previous_hash"],
        }
        payload = (self.template % values).encode()
        if self.rendered % self.CHECK_EVERY == 0:
            expected = chain.canonical_payload(
                SimpleNamespace(**row, photos=()), lot_public_code, None
            )
            if payload != expected:
                raise RuntimeError("synthetic event payload differs from the chain's")
        self.rendered += 1
        return payload


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Plan:
    lots: int
    events_per_lot: int
    scans: int = 0
    seed: int = 1
    # A producer's share of the data decides its queries' plans: 200 lots a product and
    # 5 products a producer give each of 1,000 producers 0.1% of 1,000,000 lots.
    lots_per_product: int = LOTS_PER_PRODUCT

    @property
    def products(self) -> int:
        return max(1, math.ceil(self.lots / self.lots_per_product))

    @property
    def producers(self) -> int:
        return max(1, math.ceil(self.products / PRODUCTS_PER_PRODUCER))

    @property
    def serials(self) -> int:
        # About three checks per checked item, as on a real label run.
        return min(self.lots * 50, max(1, self.scans // 3)) if self.scans else 0


def generate(plan: Plan, *, now: datetime | None = None) -> Counts:
    """Write plan's rows in one transaction and return what was written, with the time."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    counts = Counts()
    started = time.perf_counter()
    with db.engine.begin() as connection:
        Generator(connection, plan, now, counts).run()
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics, so the planner knows the tables are big (autovacuum lags).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in counts.rows:
                connection.execute(text(f'ANALYZE "{table}"'))
    counts.seconds = time.perf_counter() - started
    return counts


class Generator:
    """One run of the generator: ids continue after the rows already there."""

    def __init__(self, connection: Connection, plan: Plan, now: datetime, counts: Counts) -> None:
        self.connection = connection
        self.plan = plan
        self.now = now
        # The same seed gives the same data on an empty database; a run that adds to
        # earlier ones gets fresh codes and event ids (seeded by where it starts).
        self.rng = random.Random(f"{plan.seed}/{_next_id(connection, Lot.__table__)}")
        self.writer = BulkWriter(connection, counts)
        self.postgres = connection.dialect.name == "postgresql"
        self.payloads = PayloadTemplate()

    def run(self) -> None:
        producer_ids = self._producers()
        products = self._products(producer_ids)
        lots = self._lots_and_events(products)
        self._readiness([product_id for product_id, _gtin in products])
        self._serials_and_scans(lots)
        if self.postgres:
            self._advance_sequences()

    def _producers(self) -> list[int]:
        first = _next_id(self.connection, Producer.__table__)
        rows = []
        for number in range(self.plan.producers):
            province = self.rng.choice(PROVINCES)
            rows.append(
                {
                    "id": first + number,
                    "legal_form": self.rng.choice(tuple(LegalForm)),
                    "name_vi": f"Cơ sở sản xuất thử nghiệm {first + number}",
                    "name_en": f"Synthetic facility {first + number}",
                    "commune": f"Xã {self.rng.randrange(1, 200)}",
                    "province": province.code,
                    "latitude": Decimal(f"{province.lat:.6f}"),
                    "longitude": Decimal(f"{province.lon:.6f}"),
                    "is_demo": False,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        self.writer.write(Producer.__table__, rows)
        return [row["id"] for row in rows]

    def _products(self, producer_ids: list[int]) -> list[tuple[int, str]]:
        first = _next_id(self.connection, Product.__table__)
        taken = set(self.connection.scalars(select(Product.gtin).where(Product.gtin.is_not(None))))
        number = self.rng.randrange(10**8)
        rows = []
        for index in range(self.plan.products):
            gtin = _gtin14(number)
            while gtin in taken:
                number = (number + 1) % 10**9
                gtin = _gtin14(number)
            taken.add(gtin)
            number = (number + 1) % 10**9
            rows.append(
                {
                    "id": first + index,
                    "producer_id": producer_ids[index % len(producer_ids)],
                    "name_vi": f"Sản phẩm thử nghiệm {first + index}",
                    "name_en": f"Synthetic product {first + index}",
                    "ocop_group": self.rng.choice(GROUPS),
                    "gtin": gtin,
                    "shelf_life_days": 365,
                    "is_demo": False,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        self.writer.write(Product.__table__, rows)
        return [(row["id"], row["gtin"]) for row in rows]

    def _readiness(self, product_ids: list[int]) -> None:
        """Count the new products' readiness facts, as the session hook does for one."""
        started = time.perf_counter()
        first, last = min(product_ids), max(product_ids)
        readiness.recount(self.connection, product_ids, Lot.product_id.between(first, last))
        self.writer.counts.writing["product_readiness"] += time.perf_counter() - started
        self.writer.counts.rows["product_readiness"] += len(product_ids)

    def _lots_and_events(self, products: list[tuple[int, str]]) -> list[tuple[int, int]]:
        """Write the lots and their chains chunk by chunk; return (lot id, product id)."""
        lot_id = _next_id(self.connection, Lot.__table__)
        event_id = _next_id(self.connection, Event.__table__)
        taken = set(self.connection.scalars(select(Lot.public_code)))
        written: list[tuple[int, int]] = []
        for start in range(0, self.plan.lots, CHUNK_LOTS):
            lot_rows, event_rows = [], []
            for index in range(start, min(start + CHUNK_LOTS, self.plan.lots)):
                product_id, _gtin = products[index % len(products)]
                lot = self._lot(lot_id, product_id, index, taken)
                lot_rows.append(lot)
                event_rows.extend(self._events(lot, event_id))
                event_id += self.plan.events_per_lot
                written.append((lot_id, product_id))
                lot_id += 1
            self.writer.write(Lot.__table__, lot_rows)
            self.writer.write(Event.__table__, event_rows)
        return written

    def _lot(self, lot_id: int, product_id: int, index: int, taken: set[str]) -> dict[str, Any]:
        code = _crockford(self.rng, 8)
        # All-digit codes read as GTIN-8s in manual lookup (see lots._unused_public_code).
        while code in taken or code.isdigit():
            code = _crockford(self.rng, 8)
        taken.add(code)
        produced = (self.now - timedelta(days=self.rng.randrange(1, 720))).date()
        roll = self.rng.random()
        status = (
            LotStatus.RECALLED
            if roll < 0.01
            else LotStatus.SUSPENDED
            if roll < 0.015
            else LotStatus.ACTIVE
        )
        stopped = status is not LotStatus.ACTIVE
        created = datetime.combine(produced, datetime.min.time(), UTC)
        return {
            "id": lot_id,
            "product_id": product_id,
            "code": f"{produced:%y%m%d}-{index:07d}",
            "public_code": code,
            "production_date": produced,
            "packing_date": produced + timedelta(days=1),
            "best_before": produced + timedelta(days=365),
            "best_before_is_expiry": False,
            "quantity": Decimal(self.rng.randrange(10, 5000)),
            "quantity_unit": self.rng.choice(UNITS),
            "status": status,
            "status_reason_vi": "Dữ liệu thử nghiệm" if stopped else None,
            "status_reason_en": "Synthetic data" if stopped else None,
            "status_changed_at": self.now if stopped else None,
            "created_at": created,
            "updated_at": self.now if stopped else created,
        }

    def _events(self, lot: dict[str, Any], first_id: int) -> Iterator[dict[str, Any]]:
        previous = chain.GENESIS_HASH
        start = datetime.combine(lot["production_date"], datetime.min.time(), UTC)
        for sequence in range(1, self.plan.events_per_lot + 1):
            moment = start + timedelta(hours=6 * sequence)
            row = {
                **EVENT_CONSTANTS,
                "id": first_id + sequence - 1,
                "uuid": _uuid4(self.rng),
                "lot_id": lot["id"],
                "sequence": sequence,
                "step": DIARY[(sequence - 1) % len(DIARY)],
                "event_time": moment,
                "recorded_at": moment,
                "previous_hash": previous,
            }
            payload = self.payloads.payload(row, lot["public_code"])
            row["hash"] = previous = hashlib.sha256(payload).hexdigest()
            yield row

    def _serials_and_scans(self, lots: list[tuple[int, int]]) -> None:
        """Serials with their counters, then scans, then the ScanDay and ScanPlace rollups.

        Scan j checks serial j mod n, so serial s is checked ⌈(scans − s) / n⌉ times, at
        a start and a spacing of its own: its counters are known before any scan is
        written, and the serial rows (which scans refer to) go first.
        """
        total = self.plan.serials
        if not total:
            return
        first_serial = _next_id(self.connection, Serial.__table__)
        first_scan = _next_id(self.connection, Scan.__table__)
        window = 90 * 86_400
        owners, starts, gaps = [], [], []
        seen: set[tuple[int, str]] = set()
        for start in range(0, total, CHUNK_SCANS):
            rows = []
            for index in range(start, min(start + CHUNK_SCANS, total)):
                lot_id, product_id = lots[index % len(lots)]
                serial = _crockford(self.rng, SERIAL_LENGTH)
                while (product_id, serial) in seen:
                    serial = _crockford(self.rng, SERIAL_LENGTH)
                seen.add((product_id, serial))
                checks = len(range(index, self.plan.scans, total))
                first_at = self.now - timedelta(seconds=self.rng.randrange(window))
                gap = timedelta(seconds=self.rng.randrange(60, 86_400))
                owners.append((lot_id, product_id))
                starts.append(first_at)
                gaps.append(gap)
                many = checks > DEFAULT_COPY_WARNING_THRESHOLD
                rows.append(
                    {
                        "id": first_serial + index,
                        "lot_id": lot_id,
                        "product_id": product_id,
                        "serial": serial,
                        "created_at": first_at - timedelta(days=1),
                        "scan_count": checks,
                        "first_scanned_at": first_at if checks else None,
                        "last_scanned_at": first_at + gap * (checks - 1) if checks else None,
                        "flagged_at": first_at + gap * DEFAULT_COPY_WARNING_THRESHOLD
                        if many
                        else None,
                        "flag": FLAG_MANY_CHECKS if many else None,
                    }
                )
            self.writer.write(Serial.__table__, rows)
        days: Counter[tuple[date, int, str, int]] = Counter()
        places: Counter[tuple[int, str, int, bool]] = Counter()
        for start in range(0, self.plan.scans, CHUNK_SCANS):
            rows = []
            for number in range(start, min(start + CHUNK_SCANS, self.plan.scans)):
                index, nth = number % total, number // total
                lot_id, product_id = owners[index]
                moment = starts[index] + gaps[index] * nth
                language = "en" if self.rng.random() < 0.15 else "vi"
                province = self.rng.choice(PROVINCES).code if self.rng.random() < 0.3 else None
                rows.append(
                    {
                        "id": first_scan + number,
                        "serial_id": first_serial + index,
                        "lot_id": lot_id,
                        "product_id": product_id,
                        "scanned_at": moment,
                        "language": language,
                        "client_class": "phone" if self.rng.random() < 0.9 else "desktop",
                        "province": province,
                    }
                )
                days[(moment.astimezone(VIETNAM).date(), lot_id, language, product_id)] += 1
                if province:
                    places[(lot_id, province, product_id, nth == 0)] += 1
            self.writer.write(Scan.__table__, rows)
        self._rollups(days, places)

    def _rollups(
        self,
        days: Counter[tuple[date, int, str, int]],
        places: Counter[tuple[int, str, int, bool]],
    ) -> None:
        day_rows = [
            {"day": day, "lot_id": lot, "language": lang, "product_id": product, "count": n}
            for (day, lot, lang, product), n in days.items()
        ]
        for start in range(0, len(day_rows), CHUNK_SCANS):
            self.writer.write(ScanDay.__table__, day_rows[start : start + CHUNK_SCANS])
        merged: dict[tuple[int, str], dict[str, Any]] = {}
        for (lot, province, product, first), n in places.items():
            row = merged.setdefault(
                (lot, province),
                {"lot_id": lot, "province": province, "product_id": product, "scans": 0},
            )
            row["scans"] += n
            row["first_scans"] = row.get("first_scans", 0) + (n if first else 0)
        place_rows = list(merged.values())
        for start in range(0, len(place_rows), CHUNK_SCANS):
            self.writer.write(ScanPlace.__table__, place_rows[start : start + CHUNK_SCANS])
        self._national_rollups(days, places)

    def _national_rollups(
        self,
        days: Counter[tuple[date, int, str, int]],
        places: Counter[tuple[int, str, int, bool]],
    ) -> None:
        """Add to the national rollups: upserts, since an earlier run may hold the same keys."""
        per_day: Counter[tuple[date, str]] = Counter()
        for (day, _lot, language, _product), n in days.items():
            per_day[(day, language)] += n
        per_province: dict[str, Counter[str]] = {}
        for (_lot, province, _product, first), n in places.items():
            counts = per_province.setdefault(province, Counter(scans=0, first_scans=0))
            counts["scans"] += n
            counts["first_scans"] += n if first else 0
        started = time.perf_counter()
        rollups.add_rows(
            self.connection,
            ScanNationalDay,
            ("day", "language"),
            [{"day": d, "language": lang, "count": n} for (d, lang), n in per_day.items()],
        )
        rollups.add_rows(
            self.connection,
            ScanNationalPlace,
            ("province",),
            [{"province": code, **counts} for code, counts in per_province.items()],
        )
        counts = self.writer.counts
        counts.writing["scan_national_day"] += time.perf_counter() - started
        counts.rows["scan_national_day"] += len(per_day)
        counts.rows["scan_national_place"] += len(per_province)

    def _advance_sequences(self) -> None:
        """Explicit ids leave PostgreSQL's sequences behind: move them past the new rows."""
        for model in (Producer, Product, Lot, Event, Serial, Scan):
            name = model.__tablename__
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"
                )
            )


# --- Query plans ---------------------------------------------------------------------


# Sequential scans the generated data shows that an index cannot remove: each reads a
# share of the table that grows with it, so the cure is a rollup or a rewritten query
# (see the README's Scale section). Listed so that `explain` and the test still fail on
# any other, and dropped from here as each is cured.
KNOWN_SEQ_SCANS: dict[tuple[str, str], str] = {
    ("admin: scan analytics", "scan_day"): (
        "national lots checked and top lots read the period's rows of every lot"
    ),
}


@dataclass(frozen=True)
class SeqScan:
    probe: str
    table: str
    rows: int
    statement: str


@dataclass
class PlanReport:
    probes: dict[str, int] = field(default_factory=dict)  # probe name → statements planned
    seq_scans: list[SeqScan] = field(default_factory=list)

    @property
    def unexpected(self) -> list[SeqScan]:
        return [scan for scan in self.seq_scans if (scan.probe, scan.table) not in KNOWN_SEQ_SCANS]


@contextmanager
def explained(plans: list[tuple[str, dict[str, Any]]]) -> Iterator[None]:
    """Collect EXPLAIN (FORMAT JSON) of every SELECT the session runs meanwhile.

    The plan is taken on the same connection with the same parameters just before the
    statement itself runs, so the services are planned exactly as they query.
    """
    engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        if executemany or not statement.lstrip().upper().startswith("SELECT"):
            return
        with cursor.connection.cursor() as explain:
            explain.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
            plans.append((statement, explain.fetchone()[0][0]["Plan"]))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _table_sizes() -> dict[str, int]:
    rows = db.session.execute(
        text(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = to_regnamespace(current_schema())::oid"
        )
    )
    return {name: int(size) for name, size in rows}


def probes() -> dict[str, Callable[[], object]]:
    """The public pages, workspace lists and dashboards, as their services query them.

    Sample ids come from the data: the producer with the most lots, its newest lot with
    a GTIN, and an item of that product when there are serials.
    """
    from .services import (
        admin_accounts,
        audit,
        catalogue,
        dashboard,
        inspections,
        lots,
        products,
        programme,
        scan_analytics,
        serials,
    )

    producer_id = db.session.scalar(
        select(Product.producer_id)
        .join(Lot, Lot.product_id == Product.id)
        .group_by(Product.producer_id)
        .order_by(func.count(Lot.id).desc())
        .limit(1)
    )
    if producer_id is None:
        raise click.ClickException("no lots to plan queries over: run `flask scale generate`")
    producer = db.session.get(Producer, producer_id)
    lot = db.session.scalar(
        select(Lot)
        .join(Lot.product)
        .where(Product.producer_id == producer_id, Product.gtin.is_not(None))
        .order_by(Lot.id.desc())
        .limit(1)
    )
    item = db.session.scalar(select(Serial).order_by(Serial.id.desc()).limit(1))
    gtin, code, public_code = lot.product.gtin, lot.code, lot.public_code

    def producer_lots() -> object:
        # Replicates the SELECT in producer/lots.py:lots (the view builds it inline).
        from .producer.lots import PAGE_SIZE

        rows = db.session.scalars(
            select(Lot)
            .join(Lot.product)
            .where(Product.producer_id == producer_id)
            .order_by(Lot.id.desc())
            .limit(PAGE_SIZE + 1)
        ).all()
        return db.session.execute(
            select(Event.lot_id, func.count(Event.id))
            .where(Event.lot_id.in_([row.id for row in rows]))
            .group_by(Event.lot_id)
        ).all()

    def item_page() -> object:
        if item is None:
            return None
        found = db.session.get(Product, item.product_id)
        return serials.find_serial(found.gtin, item.serial)

    return {
        "public: lot by GTIN and lot code": lambda: lots.lot_page(lots.find_lot(gtin, code)),
        "public: lot by public code": lambda: lots.find_lot_by_public_code(public_code),
        "public: product by GTIN": lambda: catalogue.product_page(
            catalogue.find_product_by_gtin(gtin)
        ),
        "public: producer page": lambda: catalogue.producer_page(producer_id),
        "public: item page": item_page,
        "producer: lots list": producer_lots,
        "producer: products list": lambda: products.product_list(producer),
        "producer: dashboard": lambda: dashboard.dashboard(producer),
        "producer: scan analytics": lambda: scan_analytics.report(
            scan_analytics.producer_scope(producer), scan_analytics.Period.ending_today()
        ),
        "admin: producers": lambda: admin_accounts.facility_list(),
        "admin: audit trail": lambda: audit.search(audit.AuditFilter()),
        "admin: inspections": lambda: inspections.search_inspections(
            inspections.InspectionFilters()
        ),
        "admin: dashboard": programme.overview,
        "admin: scan analytics": lambda: scan_analytics.report(
            scan_analytics.department_scope(), scan_analytics.Period.ending_today()
        ),
    }


def explain_all(large: int = LARGE_TABLE) -> PlanReport:
    """Plan every probe's queries and list the sequential scans of large tables."""
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("query plans are checked on PostgreSQL only")
    sizes = _table_sizes()
    report = PlanReport()
    for name, run in probes().items():
        plans: list[tuple[str, dict[str, Any]]] = []
        with explained(plans):
            run()
        report.probes[name] = len(plans)
        for statement, plan in plans:
            for node in _nodes(plan):
                table = node.get("Relation Name")
                if node["Node Type"] == "Seq Scan" and sizes.get(table, 0) > large:
                    report.seq_scans.append(SeqScan(name, table, sizes[table], statement))
        db.session.rollback()
    return report


# --- Commands ------------------------------------------------------------------------


@click.group("scale")
def scale_group() -> None:
    """Synthetic data at scale, and the query plans it is served with."""


@scale_group.command("generate")
@click.option("--lots", type=click.IntRange(min=1), required=True, help="Lots to create.")
@click.option(
    "--events-per-lot", type=click.IntRange(min=0), required=True, help="Diary events per lot."
)
@click.option("--scans", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--lots-per-product",
    type=click.IntRange(min=1),
    default=LOTS_PER_PRODUCT,
    show_default=True,
    help=f"Products are lots / this; producers are products / {PRODUCTS_PER_PRODUCER}.",
)
@with_appcontext
def generate_command(
    lots: int, events_per_lot: int, scans: int, seed: int, lots_per_product: int
) -> None:
    """Fill the database with synthetic producers, products, lots, events, serials and scans.

    Not audited and not sent to the national portal (bulk inserts bypass the session).
    """
    plan = Plan(lots, events_per_lot, scans, seed, lots_per_product)
    counts = generate(plan)
    for table, rows in sorted(counts.rows.items()):
        seconds = counts.writing[table]
        click.echo(f"  {table:<12} {rows:>12,} rows, {seconds:7.1f} s writing")
    click.echo(
        f"Wrote {counts.total:,} rows in {counts.seconds:.1f} s "
        f"({counts.rate:,.0f} rows/s, {db.engine.dialect.name})."
    )


@scale_group.command("explain")
@click.option("--large", type=int, default=LARGE_TABLE, show_default=True, help="Rows.")
@with_appcontext
def explain_command(large: int) -> None:
    """Plan the pages' queries (PostgreSQL) and name every Seq Scan of a large table."""
    report = explain_all(large)
    for name, planned in report.probes.items():
        click.echo(f"  {name:<36} {planned} queries planned")
    for found in report.seq_scans:
        known = KNOWN_SEQ_SCANS.get((found.probe, found.table))
        label = f"known: {known}" if known else "UNEXPECTED"
        click.echo(f"Seq Scan of {found.table} ({found.rows:,} rows) in {found.probe}, {label}")
        click.echo(f"    {' '.join(found.statement.split())[:300]}")
    if report.unexpected:
        raise click.ClickException(
            f"{len(report.unexpected)} unexpected sequential scans of tables over {large:,} rows"
        )
    click.echo(f"No unexpected sequential scan of a table over {large:,} rows.")


def init_app(app: Flask) -> None:
    app.cli.add_command(scale_group)
