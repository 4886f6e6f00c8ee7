"""Per-item serial codes (GS1 AI 21): generate them, list them for print, count their checks."""

from __future__ import annotations

import base64
import csv
import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .. import identifiers
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..models import Lot, Product, Scan, Serial
from ..models.base import utcnow
from . import rollups
from .clock import VIETNAM, as_utc

MAX_SERIALS = 100_000
SERIAL_LENGTH = 12  # 12 Crockford base32 characters: 60 random bits
DEFAULT_COPY_WARNING_THRESHOLD = 5
FLAG_MANY_CHECKS = "many_checks"
FLAG_FAR_APART = "far_apart"
# Rows per "which of these already exist?" query: under SQLite's oldest bound-parameter limit.
_CHECK_CHUNK = 900
_CSV_CHUNK = 1000
# RFC 4648 base32 to Crockford's: digits and upper-case letters without I, L, O and U, all
# of them in GS1's character set 82 and left bare in a URL, none mistaken for another.
_TO_CROCKFORD = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

# Substrings (lower case) of User-Agents that fetch a page without a person reading it:
# link previews in chat apps, search engines, monitors and scripts. Zalo, Facebook,
# Instagram, Line and Viber in-app browsers are real shoppers and are not listed.
NOT_A_SHOPPER = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "preview",
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "meta-externalfetcher",
    "whatsapp",
    "embedly",
    "iframely",
    "unfurl",
    "headlesschrome",
    "lighthouse",
    "prerender",
    "curl/",
    "wget/",
    "python-",
    "go-http-client",
    "okhttp",
    "java/",
    "httpclient",
    "postman",
    "monitor",
    "pingdom",
    "uptime",
)


class SerialQuantityOutOfRange(InvalidInput):
    reason = "serial_quantity_out_of_range"


class SerialNotFound(NotFound):
    """A well-formed item code that no lot issued: possibly a counterfeit."""

    reason = "serial_not_found"


def _random_serials(count: int) -> list[str]:
    """Return count random serials; 15 random bytes encode to exactly two of them."""
    pairs = -(-count // 2)
    text = base64.b32encode(secrets.token_bytes(15 * pairs)).translate(_TO_CROCKFORD).decode()
    return [text[i : i + SERIAL_LENGTH] for i in range(0, count * SERIAL_LENGTH, SERIAL_LENGTH)]


def _taken(product_id: int, candidates: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(candidates), _CHECK_CHUNK):
        chunk = candidates[start : start + _CHECK_CHUNK]
        taken.update(
            db.session.scalars(
                select(Serial.serial).where(
                    Serial.product_id == product_id, Serial.serial.in_(chunk)
                )
            )
        )
    return taken


def check_quantity(count: object) -> int:
    """Return count if it is a quantity of serials one request may issue."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_SERIALS:
        raise SerialQuantityOutOfRange(
            f"Between 1 and {MAX_SERIALS} serials", count=count, max=MAX_SERIALS
        )
    return count


def generate_serials(lot: Lot, count: int) -> list[Serial]:
    """Issue count new unguessable serials for the lot's items, unique for its product."""
    now = utcnow()
    issue_serials(lot, check_quantity(count), created_at=now)
    return list(
        db.session.scalars(
            select(Serial)
            .where(Serial.lot_id == lot.id, Serial.created_at == now)
            .order_by(Serial.id)
        )
    )


def issue_serials(lot: Lot, count: int, *, created_at: datetime) -> int:
    """Insert count new serials stamped created_at (one INSERT); return how many."""
    chosen: list[str] = []
    seen: set[str] = set()
    while len(chosen) < count:
        fresh = [s for s in dict.fromkeys(_random_serials(count - len(chosen))) if s not in seen]
        taken = _taken(lot.product_id, fresh)
        for serial in fresh[: count - len(chosen)]:
            if serial not in taken:
                chosen.append(serial)
                seen.add(serial)
    _insert_rows(lot, chosen, created_at)
    return len(chosen)


def _insert_rows(lot: Lot, chosen: list[str], created_at: datetime) -> None:
    """One executemany straight to the driver: 100,000 rows as plain tuples.

    SQLAlchemy's bulk INSERT processes every row's parameters in Python, which was
    most of the time issuing costs; here only the shared timestamp is converted (once,
    by the column type's own bind processor, so that it compares equal later).
    """
    connection = db.session.connection()
    table = Serial.__table__
    stamp_type = table.c.created_at.type.dialect_impl(connection.dialect)
    convert = stamp_type.bind_processor(connection.dialect)
    stamp = convert(created_at) if convert else created_at
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {table.name} (lot_id, product_id, serial, created_at, scan_count) "
        f"VALUES ({marker}, {marker}, {marker}, {marker}, 0)"
    )
    rows = [(lot.id, lot.product_id, serial, stamp) for serial in chosen]
    connection.exec_driver_sql(statement, rows)


def withdraw_unchecked(lot: Lot, created_at: datetime) -> int:
    """Delete the serials of one issue (by its stamp) that were never checked: undoes a
    bulk issue that failed half-way. Returns how many went."""
    return db.session.execute(
        delete(Serial).where(
            Serial.lot_id == lot.id, Serial.created_at == created_at, Serial.scan_count == 0
        ),
        execution_options={"synchronize_session": False},
    ).rowcount


def count_serials(lot: Lot) -> int:
    return db.session.scalar(select(db.func.count(Serial.id)).where(Serial.lot_id == lot.id)) or 0


def _item_url(base: str, lot: Lot, serial: str) -> str:
    if lot.product.gtin:
        return identifiers.build_digital_link(base, lot.product.gtin, lot=lot.code, serial=serial)
    return f"{base}/t/{lot.public_code}/{identifiers.percent_encode(serial)}"


def serial_url(serial: Serial) -> str:
    """The URL an item's QR code encodes: its Digital Link, or the short-code form."""
    return _item_url(current_app.config["PUBLIC_BASE_URL"], serial.lot, serial.serial)


def short_code(lot: Lot, serial: str) -> str:
    """The item code printed for typing: the lot's short code, then the serial."""
    return f"{identifiers.format_public_code(lot.public_code)}-{serial}"


def serials_csv(lot: Lot, created_at: datetime | None = None) -> Iterator[str]:
    """Yield the lot's serials (or one issue's, by its stamp) as CSV text
    (serial,url,short_code) for print houses."""
    base = current_app.config["PUBLIC_BASE_URL"]
    # One valid URL built in full; the rest only swap the serial, as 100,000 must be quick.
    prefix = _item_url(base, lot, "0").removesuffix("0")
    lot_short = identifiers.format_public_code(lot.public_code)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("serial", "url", "short_code"))
    query = select(Serial.serial).where(Serial.lot_id == lot.id)
    if created_at is not None:
        query = query.where(Serial.created_at == created_at)
    values = db.session.scalars(
        query.order_by(Serial.id), execution_options={"yield_per": _CSV_CHUNK}
    )
    for number, serial in enumerate(values, start=1):
        writer.writerow(
            (serial, prefix + identifiers.percent_encode(serial), f"{lot_short}-{serial}")
        )
        if number % _CSV_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _item_query():
    return select(Serial).options(
        joinedload(Serial.lot).joinedload(Lot.product).joinedload(Product.producer),
        joinedload(Serial.lot).joinedload(Lot.product).joinedload(Product.image_media),
    )


def find_serial(gtin14: str, serial: str, lot_code: str | None = None) -> Serial:
    """Find an item by its Digital Link; a lot code that is not the item's lot is unknown."""
    item = db.session.scalar(
        _item_query()
        .join(Product, Product.id == Serial.product_id)
        .where(Product.gtin == gtin14, Serial.serial == serial)
    )
    if item is None or (lot_code is not None and item.lot.code != lot_code):
        raise SerialNotFound(f"No item {serial} of GTIN {gtin14}", gtin=gtin14, code=serial)
    return item


def find_serial_by_public_code(public_code: str, serial: str) -> Serial:
    item = db.session.scalar(
        _item_query()
        .join(Lot, Lot.id == Serial.lot_id)
        .where(Lot.public_code == public_code, Serial.serial == serial)
    )
    if item is None:
        raise SerialNotFound(f"No item {serial} in lot {public_code}", code=serial)
    return item


@dataclass(frozen=True)
class ItemChecks:
    """What the item's page says about its checks, this one included when it counted."""

    serial: Serial
    count: int
    first_checked_at: datetime | None
    counted: bool
    # The scan row this view recorded: the shopper may add their province to it.
    scan_id: int | None = None

    @property
    def threshold(self) -> int:
        threshold = self.serial.lot.product.copy_warning_threshold
        return DEFAULT_COPY_WARNING_THRESHOLD if threshold is None else threshold

    @property
    def far_apart(self) -> bool:
        return self.serial.flag == FLAG_FAR_APART

    @property
    def may_be_copied(self) -> bool:
        return self.count > self.threshold or self.far_apart


def is_shopper(method: str, user_agent: str, purpose: str) -> bool:
    """Tell whether a request is a person opening the page (not a preview, crawler or prefetch)."""
    if method != "GET" or "prefetch" in purpose.lower():
        return False
    agent = user_agent.lower()
    return bool(agent) and not any(marker in agent for marker in NOT_A_SHOPPER)


def client_class(user_agent: str) -> str:
    """Reduce a User-Agent to phone, tablet, desktop or other; the string itself is not kept."""
    agent = user_agent.lower()
    if "ipad" in agent or "tablet" in agent or ("android" in agent and "mobile" not in agent):
        return "tablet"
    if "mobi" in agent or "iphone" in agent or "android" in agent:
        return "phone"
    if any(os in agent for os in ("windows nt", "macintosh", "x11", "cros", "linux")):
        return "desktop"
    return "other"


# The three statements of a counted check, built once: a check is the hottest write of
# the site, and building and caching-key an ORM statement costs more than running it.
_SERIAL = Serial.__table__
_COUNT_CHECK = (
    update(_SERIAL)
    .where(_SERIAL.c.id == bindparam("item_id"))
    .values(
        scan_count=_SERIAL.c.scan_count + 1,
        first_scanned_at=func.coalesce(_SERIAL.c.first_scanned_at, bindparam("now")),
        last_scanned_at=bindparam("now"),
    )
    .returning(_SERIAL.c.scan_count, _SERIAL.c.first_scanned_at)
)
_RECORD_SCAN = insert(Scan.__table__).returning(Scan.__table__.c.id)


def record_check(item: Serial, *, language: str, client: str) -> ItemChecks:
    """Count one check of the item.

    One atomic UPDATE of its counters, one scan row, one upsert of each of the day's
    two rollups (the lot's and the nation's), and, only on the check that crosses the
    product's threshold, one UPDATE that flags the item as suspicious for the
    producer's analytics.
    """
    now = utcnow()
    language = language[:5]
    connection = db.session.connection()
    count, first = connection.execute(_COUNT_CHECK, {"item_id": item.id, "now": now}).one()
    scan_id = connection.execute(
        _RECORD_SCAN,
        {
            "serial_id": item.id,
            "lot_id": item.lot_id,
            "product_id": item.product_id,
            "scanned_at": now,
            "language": language,
            "client_class": client,
        },
    ).scalar_one()
    rollups.add_check(
        connection,
        day=now.astimezone(VIETNAM).date(),
        lot_id=item.lot_id,
        product_id=item.product_id,
        language=language,
    )
    checks = ItemChecks(
        serial=item, count=count, first_checked_at=as_utc(first), counted=True, scan_id=scan_id
    )
    if item.flag is None and count > checks.threshold:
        flag_serial(item, FLAG_MANY_CHECKS, now)
    return checks


def flag_serial(item: Serial, flag: str, now: datetime) -> None:
    """Mark the item as suspicious once; the first reason found is the one kept."""
    flagged = db.session.execute(
        update(Serial)
        .where(Serial.id == item.id, Serial.flag.is_(None))
        .values(flag=flag, flagged_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if flagged:
        # The page being rendered reads the flag; no second UPDATE at commit.
        set_committed_value(item, "flag", flag)
        set_committed_value(item, "flagged_at", now)


def unrecorded_check(item: Serial) -> ItemChecks:
    """The item's checks as stored, for a request that is not counted."""
    first = item.first_scanned_at
    return ItemChecks(
        serial=item,
        count=item.scan_count,
        first_checked_at=as_utc(first) if first else None,
        counted=False,
    )
