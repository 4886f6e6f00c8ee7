"""Bulk CSV import of lots and diary entries: check every row, then write all or nothing.

An upload is parsed once (decoded, split into cells, columns recognised) and kept
server-side as ``UPLOAD_FOLDER/imports/<token>.json``, bound to the facility and the
user who sent it. Not in the session: the session is a signed cookie of about 4 KB
and a file may hold 5,000 rows. Not in the database either: a draft nobody
confirmed is no business record. Rows are checked again every time they are shown
or confirmed, because lots and diaries can change in between; a verdict is never
cached.

The column headers are a file format, not page text: they are always bilingual
("Mã lô / Lot code") whatever the page language, so that a file filled in by one
person imports for another.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import os
import re
import secrets
import string
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from sqlalchemy import select, tuple_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from .. import identifiers
from ..errors import DomainError, DuplicateLotCode, InvalidInput, NotFound
from ..extensions import db
from ..i18n import current_language, localized
from ..messages import describe
from ..models import Event, Lot, Producer, Product, User
from ..vocabulary import COUNTED_UNITS, STEPS, UNITS
from . import diary
from . import lots as lot_service
from .clock import VIETNAM, as_utc, local_today

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# Previews not confirmed within a day are dropped: by then the facts have moved on.
UPLOAD_LIFETIME = timedelta(hours=24)
# A phone's clock may run a little ahead of the server's (the diary form allows the same).
FUTURE_TOLERANCE = timedelta(minutes=10)
# A confirm that crashed leaves its lock behind; after this long the lock is ignored.
LOCK_LIFETIME = timedelta(minutes=15)
# Keeps "IN (...)" lists well under every database's bound-parameter limit.
QUERY_CHUNK = 500
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
FORMAT_VERSION = 1
LANGUAGES = ("vi", "en")


class ImportKind(enum.Enum):
    LOTS = "lots"
    EVENTS = "events"


@dataclass(frozen=True)
class Column:
    """One column of an import file: its key, its bilingual header, the other names it goes by."""

    key: str
    vi: str
    en: str
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return f"{self.vi} / {self.en}"

    def label(self, language: str | None = None) -> str:
        return self.vi if (language or current_language()) == "vi" else self.en


PRODUCT = Column(
    "product",
    "Sản phẩm (GTIN hoặc số)",
    "Product (GTIN or number)",
    ("gtin", "ma gtin", "ma vach", "barcode", "ma san pham", "product id", "product number"),
)
LOT_CODE = Column(
    "lot_code", "Mã lô", "Lot code", ("lot", "lo", "so lo", "lo hang", "batch", "lot number")
)
LOT_COLUMNS: tuple[Column, ...] = (
    PRODUCT,
    LOT_CODE,
    Column("production_date", "Ngày sản xuất", "Production date", ("nsx", "ngay sx", "produced")),
    Column("packing_date", "Ngày đóng gói", "Packing date", ("ngay dong goi", "packed")),
    Column("best_before", "Sử dụng tốt nhất trước", "Best before", ("best before date", "bbd")),
    Column(
        "expiry",
        "Hạn sử dụng",
        "Expiry date",
        ("hsd", "han dung", "expiry", "expiration date", "use by"),
    ),
    Column("quantity", "Số lượng", "Quantity", ("sl", "qty", "lot size")),
    Column("unit", "Đơn vị", "Unit", ("dvt", "don vi tinh")),
)
EVENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "public_code",
        "Mã tra cứu",
        "Short code",
        ("ma ngan", "public code", "short code", "ma truy xuat"),
    ),
    PRODUCT,
    LOT_CODE,
    Column("step", "Công đoạn", "Step", ("buoc", "cong viec", "hoat dong", "activity")),
    Column(
        "event_time",
        "Thời gian",
        "Date and time",
        ("thoi diem", "ngay gio", "time", "date time", "datetime", "when"),
    ),
    Column("place", "Địa điểm", "Place", ("noi", "noi thuc hien", "location")),
    Column("actor", "Người thực hiện", "Done by", ("nguoi", "who", "actor")),
    Column("notes_vi", "Ghi chú tiếng Việt", "Notes in Vietnamese", ("ghi chu", "notes vi")),
    Column("notes_en", "Ghi chú tiếng Anh", "Notes in English", ("notes", "notes en")),
)
COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.LOTS: LOT_COLUMNS,
    ImportKind.EVENTS: EVENT_COLUMNS,
}
REQUIRED: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.LOTS: ("product", "lot_code", "production_date"),
    ImportKind.EVENTS: ("step", "event_time"),
}
TEXT_LIMITS = {"place": 200, "actor": 200, "notes_vi": 2000, "notes_en": 2000}


# -- errors -------------------------------------------------------------------------------


class ImportFileError(InvalidInput):
    """The file as a whole cannot be read as an import: nothing about its rows is shown."""

    reason = "import_file"


class FileTooLarge(ImportFileError):
    reason = "import_too_large"


class EmptyFile(ImportFileError):
    reason = "import_empty"


class NotUtf8(ImportFileError):
    reason = "import_not_utf8"


class NotCsv(ImportFileError):
    reason = "import_not_csv"


class MissingColumns(ImportFileError):
    reason = "import_missing_columns"


class DuplicateColumn(ImportFileError):
    reason = "import_duplicate_column"


class NoRows(ImportFileError):
    reason = "import_no_rows"


class TooManyRows(ImportFileError):
    reason = "import_too_many_rows"


class ImportNotFound(NotFound):
    """No such preview for this user: unknown, expired, or someone else's (all look alike)."""

    reason = "import_not_found"


class ImportChanged(InvalidInput):
    """Rows that were fine at the preview are not any more: nothing was written."""

    code = 409
    reason = "import_changed"

    def __init__(self, preview: Preview) -> None:
        super().__init__("Rows became invalid since the preview")
        self.preview = preview


class ImportFailed(InvalidInput):
    """A row could not be written; everything written before it was rolled back."""

    code = 409
    reason = "import_failed"


class ImportBusy(InvalidInput):
    """The same preview is being confirmed by another request right now."""

    code = 409
    reason = "import_busy"


def explain(error: Exception) -> str:
    """Say what is wrong with an import, in the active language."""
    params = error.params if isinstance(error, DomainError) else {}
    if isinstance(error, FileTooLarge):
        return _("The file is larger than %(size)s MB.", size=MAX_FILE_BYTES // (1024 * 1024))
    if isinstance(error, EmptyFile):
        return _("The file is empty.")
    if isinstance(error, NotUtf8):
        return _(
            "The file is not UTF-8 text. In Excel, choose Save As and the type "
            "“CSV UTF-8 (Comma delimited)”; in LibreOffice, choose the character set "
            "Unicode (UTF-8)."
        )
    if isinstance(error, NotCsv):
        return _(
            "This is not a CSV file (it looks like a spreadsheet workbook or another "
            "binary file). Save it as “CSV UTF-8” and upload that."
        )
    if isinstance(error, MissingColumns):
        if params.get("other_kind"):
            return _(
                "This file's columns are those of the other kind of import. "
                "Choose the other kind and upload it again."
            )
        return _(
            "The first line must name the columns. Missing: %(columns)s.",
            columns="; ".join(params.get("columns", ())),
        )
    if isinstance(error, DuplicateColumn):
        return _(
            "Two columns of the first line mean the same thing (%(column)s). Keep one of them.",
            column=params.get("column", ""),
        )
    if isinstance(error, NoRows):
        return _("The file has a header line but no rows to import.")
    if isinstance(error, TooManyRows):
        return _(
            "The file has %(count)s rows; import at most %(limit)s at a time. "
            "Split it into several files.",
            count=format_decimal(params.get("count", 0)),
            limit=format_decimal(MAX_ROWS),
        )
    if isinstance(error, ImportFileError):
        return _(
            "The file could not be read as CSV near line %(line)s. Check the quotes in that line.",
            line=params.get("line", "?"),
        )
    if isinstance(error, ImportChanged):
        return _(
            "Some rows are no longer valid: the data changed since the preview. "
            "Nothing was imported. Correct the rows below and upload the file again."
        )
    if isinstance(error, ImportFailed):
        return _(
            "Nothing was imported: line %(line)s could not be saved (%(reason)s). "
            "Check that line and upload the file again.",
            line=params.get("line", "?"),
            reason=params.get("detail") or _("the database refused it"),
        )
    if isinstance(error, ImportBusy):
        return _("This import is already being saved. Wait a moment, then reload the page.")
    return describe(error)


# -- reading the file -----------------------------------------------------------------------


@dataclass
class SourceRow:
    """One row of the file, as text, with the line number a spreadsheet shows for it."""

    line: int
    values: dict[str, str]
    surplus: int = 0  # non-empty cells to the right of the last named column


@dataclass
class ParsedFile:
    kind: ImportKind
    columns: list[str]
    ignored: list[str]
    rows: list[SourceRow]


_SPACES = re.compile(r"[^a-z0-9]+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.S)
_SEP_LINE = re.compile(r"^sep=([,;])\s*$", re.I)
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


def normalise_name(text: str) -> str:
    """Fold a name for matching: no case, no diacritics (đ is d), single spaces."""
    text = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _SPACES.sub(" ", text).strip()


def _names(column: Column) -> set[str]:
    names = {column.key, column.key.replace("_", " "), *column.aliases}
    for label in (column.vi, column.en, column.header):
        names.add(label)
        names.add(_PARENTHESES.sub(" ", label))
    return {normalise_name(name) for name in names} - {""}


def _header_index(kind: ImportKind) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for name in _names(column):
            index[name] = column.key
    return index


def match_header(cell: str, kind: ImportKind) -> str | None:
    """Return the column key a header cell names, in either language or both, or None."""
    index = _header_index(kind)
    for variant in (cell, _PARENTHESES.sub(" ", cell)):
        key = index.get(normalise_name(variant))
        if key:
            return key
        parts = [index.get(normalise_name(part)) for part in variant.split("/")]
        found = {part for part in parts if part}
        if len(found) == 1:
            return found.pop()
    return None


def clean_cell(value: str) -> str:
    """Trim a cell, unwrap Excel's ="…" text trick, and store text in composed (NFC) form."""
    value = value.strip().strip(_INVISIBLE).strip()
    match = _EXCEL_TEXT.match(value)
    if match:
        value = match.group(1).strip()
    return unicodedata.normalize("NFC", value.replace("\u00a0", " "))


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotUtf8("UTF-16 text")
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotCsv("A workbook, not a CSV file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUtf8("Not UTF-8") from error
    if "\x00" in text:
        raise NotCsv("Binary content")
    return text


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        for record in _records(text, delimiter):
            if any(cell.strip() for cell in record):
                return record
    except csv.Error:
        return []
    return []


def _choose_delimiter(text: str, kind: ImportKind) -> str:
    """Sniff , or ; and keep whichever makes more sense of the header line."""
    try:
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters=",;").delimiter
    except csv.Error:
        sniffed = ","
    candidates = [sniffed, *(d for d in ",;" if d != sniffed)]

    def recognised(delimiter: str) -> int:
        header = _first_record(text, delimiter)
        return len({match_header(cell, kind) for cell in header} - {None})

    return max(candidates, key=recognised)  # max keeps the first (sniffed) on a tie


def read_file(raw: bytes, kind: ImportKind) -> ParsedFile:
    """Decode and split an uploaded CSV file; raise ImportFileError if it cannot be imported."""
    if len(raw) > MAX_FILE_BYTES:
        raise FileTooLarge("File too large", size=len(raw))
    text = _decode(raw)
    if not text.strip(string.whitespace + _INVISIBLE + ",;"):
        raise EmptyFile("Empty file")
    first_line, _newline, rest = text.partition("\n")
    sep = _SEP_LINE.match(first_line.strip("\r"))
    if sep:  # Excel's "sep=;" hint line, which Excel does not show as a row
        text, delimiter = rest, sep.group(1)
    else:
        delimiter = _choose_delimiter(text, kind)

    header: list[str] | None = None
    keys: list[str | None] = []
    rows: list[SourceRow] = []
    ignored: list[str] = []
    line = 0
    reader = _records(text, delimiter)
    try:
        for record in reader:
            line += 1
            cells = [clean_cell(cell) for cell in record]
            if not any(cells):
                continue
            if header is None:
                header, keys, ignored = cells, *_map_header(cells, kind)
                continue
            values = {key: cells[i] for i, key in enumerate(keys) if key and i < len(cells)}
            surplus = sum(1 for i, cell in enumerate(cells) if cell and i >= len(keys))
            rows.append(SourceRow(line, values, surplus))
            if len(rows) > MAX_ROWS:
                # Count the rest cheaply for the message, without keeping them.
                extra = sum(1 for record in reader if any(c.strip() for c in record))
                raise TooManyRows("Too many rows", count=len(rows) + extra)
    except csv.Error as error:
        raise ImportFileError(str(error), line=line + 1) from error
    if header is None:
        raise EmptyFile("No header")
    found = [key for key in keys if key]
    _require_columns(kind, found, header)
    if not rows:
        raise NoRows("Header only")
    return ParsedFile(kind=kind, columns=found, ignored=ignored, rows=rows)


def _map_header(cells: list[str], kind: ImportKind) -> tuple[list[str | None], list[str]]:
    keys: list[str | None] = []
    ignored: list[str] = []
    by_key = {column.key: column for column in COLUMNS[kind]}
    for cell in cells:
        key = match_header(cell, kind) if cell else None
        if key and key in keys:
            raise DuplicateColumn("Duplicate column", column=by_key[key].header)
        if cell and not key:
            ignored.append(cell)
        keys.append(key)
    return keys, ignored


def _missing(kind: ImportKind, found: Iterable[str]) -> list[str]:
    found = set(found)
    by_key = {column.key: column for column in COLUMNS[kind]}
    missing = [by_key[key].header for key in REQUIRED[kind] if key not in found]
    if kind is ImportKind.EVENTS and "public_code" not in found:
        if not {"product", "lot_code"} <= found:
            missing.insert(
                0,
                f"{by_key['public_code'].header} | {PRODUCT.header} + {LOT_CODE.header}",
            )
    return missing


def _require_columns(kind: ImportKind, found: list[str], header: list[str]) -> None:
    missing = _missing(kind, found)
    if not missing:
        return
    other = ImportKind.EVENTS if kind is ImportKind.LOTS else ImportKind.LOTS
    other_found = [key for key in (match_header(cell, other) for cell in header if cell) if key]
    # The header makes a complete file of the other kind: the user picked the wrong kind.
    wrong_kind = not _missing(other, other_found) and len(other_found) > len(found)
    raise MissingColumns("Missing columns", columns=missing, other_kind=wrong_kind)


# -- stored uploads -------------------------------------------------------------------------


@dataclass
class StoredUpload:
    """A parsed upload waiting for its confirmation (or, once imported, its result)."""

    token: str
    kind: ImportKind
    producer_id: int
    user_id: int
    filename: str
    created_at: datetime
    columns: list[str]
    ignored: list[str]
    rows: list[SourceRow]
    result: dict[str, list[int]] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "kind": self.kind.value,
            "producer_id": self.producer_id,
            "user_id": self.user_id,
            "filename": self.filename,
            "created_at": self.created_at.isoformat(),
            "columns": self.columns,
            "ignored": self.ignored,
            "rows": [[row.line, row.values, row.surplus] for row in self.rows],
            "result": self.result,
        }

    @classmethod
    def from_json(cls, token: str, data: dict[str, Any]) -> StoredUpload:
        return cls(
            token=token,
            kind=ImportKind(data["kind"]),
            producer_id=data["producer_id"],
            user_id=data["user_id"],
            filename=data["filename"],
            created_at=datetime.fromisoformat(data["created_at"]),
            columns=data["columns"],
            ignored=data["ignored"],
            rows=[SourceRow(line, values, surplus) for line, values, surplus in data["rows"]],
            result=data.get("result"),
        )


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path:
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise ImportNotFound("Malformed token")
    return _folder() / f"{token}.json"


def _write_json(upload: StoredUpload) -> None:
    path = _path(upload.token)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(upload.to_json(), ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)  # readers never see half a file


def _forget_old_uploads(now: datetime) -> None:
    for path in _folder().iterdir():
        try:
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if now - modified > UPLOAD_LIFETIME:
                path.unlink()
        except FileNotFoundError:  # another request removed it first
            continue


def store_upload(
    producer: Producer, user: User, parsed: ParsedFile, filename: str | None
) -> StoredUpload:
    """Keep a parsed file for its preview and confirmation; return it with its new token."""
    now = datetime.now(UTC)
    _forget_old_uploads(now)
    upload = StoredUpload(
        token=secrets.token_urlsafe(24),
        kind=parsed.kind,
        producer_id=producer.id,
        user_id=user.id,
        filename=(filename or "")[:200],
        created_at=now,
        columns=parsed.columns,
        ignored=parsed.ignored,
        rows=parsed.rows,
    )
    _write_json(upload)
    return upload


def load_upload(producer: Producer, user: User, token: str) -> StoredUpload:
    """Return the user's own upload; anyone else's, or an expired one, is not found."""
    path = _path(token)
    try:
        upload = StoredUpload.from_json(token, json.loads(path.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError, KeyError, TypeError) as error:
        raise ImportNotFound("No such upload") from error
    expired = datetime.now(UTC) - upload.created_at > UPLOAD_LIFETIME
    if (
        upload.producer_id != producer.id
        or upload.user_id != user.id
        or (expired and upload.result is None)
    ):
        raise ImportNotFound("Not this user's upload")
    return upload


@contextmanager
def _claimed(upload: StoredUpload) -> Iterator[None]:
    """Let one request at a time confirm an upload (a double tap must not import twice)."""
    lock = _path(upload.token).with_suffix(".lock")
    try:
        handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        age = datetime.now(UTC) - datetime.fromtimestamp(lock.stat().st_mtime, UTC)
        if age < LOCK_LIFETIME:
            raise ImportBusy("Already being confirmed") from None
        lock.unlink(missing_ok=True)
        handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    os.close(handle)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


# -- checking rows --------------------------------------------------------------------------


@dataclass
class Problem:
    column: str | None  # the column's label in the active language, or None for the row
    message: str


@dataclass
class LotRow:
    product: Product
    code: str
    production_date: date
    packing_date: date | None
    best_before: date | None
    best_before_is_expiry: bool
    quantity: Decimal | None
    quantity_unit: str | None


@dataclass
class EventRow:
    lot: Lot
    step: str
    event_time: datetime
    location_name: str | None
    location_address: str | None
    actor: str | None
    notes_vi: str | None
    notes_en: str | None


@dataclass
class CheckedRow:
    line: int
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    lot: LotRow | None = None
    event: EventRow | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Preview:
    upload: StoredUpload
    rows: list[CheckedRow]
    columns: tuple[Column, ...]

    @property
    def kind(self) -> ImportKind:
        return self.upload.kind

    @property
    def good_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.ok]

    @property
    def bad_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def can_confirm(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def ignored_columns(self) -> list[str]:
        return self.upload.ignored


class _Bad(Exception):
    """A cell that cannot be read; carries the message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _RowCheck:
    def __init__(self, source: SourceRow, columns: tuple[Column, ...]) -> None:
        self.row = CheckedRow(source.line, source.values)
        self.labels = {column.key: column.label() for column in columns}
        if source.surplus:
            self.fail(
                None,
                _(
                    "This row has more cells than the header. A value containing the "
                    "column separator (such as 12,5) must be in quotes."
                ),
            )

    def text(self, key: str) -> str:
        return self.row.values.get(key, "")

    def fail(self, key: str | None, message: str) -> None:
        self.row.problems.append(Problem(self.labels.get(key) if key else None, message))

    def read(self, key: str, parse: Callable[[str], Any], required: bool = False) -> Any:
        raw = self.text(key)
        if not raw:
            if required:
                self.fail(key, _("This column must be filled in."))
            return None
        try:
            return parse(raw)
        except _Bad as bad:
            self.fail(key, bad.message)
        except identifiers.IdentifierError as error:
            self.fail(key, describe(error))
        return None


_ISO_DATE = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_DMY_DATE = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
_TIME = (
    r"(?:[T ]\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<half>AM|PM|SA|CH)?)?"
)
_OFFSET = r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_DATE_TIME_PATTERNS = [
    re.compile(date_part + _TIME + _OFFSET, re.I) for date_part in (_ISO_DATE, _DMY_DATE)
]
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?E\+?\d+", re.I)
_GROUPED = {".": re.compile(r"\d{1,3}(?:\.\d{3})+"), ",": re.compile(r"\d{1,3}(?:,\d{3})+")}


def _match_date_time(raw: str) -> re.Match[str] | None:
    for pattern in _DATE_TIME_PATTERNS:
        match = pattern.fullmatch(raw.strip())
        if match:
            return match
    return None


def parse_date(raw: str) -> date:
    """Read 2026-09-01 or 01/09/2026 (a midnight time, as spreadsheets add, is allowed)."""
    match = _match_date_time(raw)
    if (
        match
        and not match.group("tz")
        and not any(int(match.group(part) or 0) for part in ("H", "M", "S"))
    ):
        try:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            pass
    raise _Bad(
        _(
            "“%(value)s” is not a date. Write dates as 2026-09-01 or 01/09/2026.",
            value=raw,
        )
    )


def parse_event_time(raw: str) -> datetime:
    """Read a date and time; without an offset it is Vietnam time."""
    match = _match_date_time(raw)

    def bad() -> _Bad:
        return _Bad(
            _(
                "“%(value)s” is not a date and time. Write it as 2026-09-02 08:30 or "
                "02/09/2026 08:30.",
                value=raw,
            )
        )

    if match is None:
        raise bad()
    if match["H"] is None:
        raise _Bad(
            _(
                "Give the time as well as the date, for example %(example)s.",
                example=f"{raw} 08:30",
            )
        )
    hour = int(match["H"])
    half = (match["half"] or "").upper()
    if half:
        if not 1 <= hour <= 12:
            raise bad()
        hour = hour % 12 + (12 if half in ("PM", "CH") else 0)
    zone: tzinfo = VIETNAM
    offset = (match["tz"] or "").upper()
    if offset in ("Z", "UTC", "GMT"):
        zone = UTC
    elif offset:
        digits = offset[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        if minutes > 14 * 60:
            raise bad()
        zone = timezone(timedelta(minutes=minutes if offset[0] == "+" else -minutes))
    try:
        return datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            hour,
            int(match["M"]),
            int(match["S"] or 0),
            tzinfo=zone,
        )
    except ValueError:
        raise bad() from None


def parse_quantity(raw: str) -> Decimal:
    """Read 1200, 12,5 or 12.5 (and 1.200,5 or 1,200.5); refuse an ambiguous 1.200."""
    text = re.sub(r"[\s\u00a0\u202f]", "", raw)

    def not_a_number() -> _Bad:
        return _Bad(
            _("“%(value)s” is not a quantity. Write a number such as 1200 or 12,5.", value=raw)
        )

    separators = [char for char in text if char in ",."]
    if len(set(separators)) == 2:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        whole, _mark, fraction = text.rpartition(decimal_mark)
        group = "." if decimal_mark == "," else ","
        if not _GROUPED[group].fullmatch(whole):
            raise not_a_number()
        text = whole.replace(group, "") + "." + fraction
    elif len(separators) > 1:
        if not _GROUPED[separators[0]].fullmatch(text):
            raise not_a_number()
        text = text.replace(separators[0], "")
    elif separators:
        whole, _mark, fraction = text.partition(separators[0])
        if len(fraction) == 3 and whole.lstrip("0"):
            # 1.200 is 1200 in Vietnamese and 1.2 in English: ask rather than guess.
            raise _Bad(
                _(
                    "“%(value)s” is ambiguous: write %(grouped)s without a separator, "
                    "or drop the trailing zeros of a decimal.",
                    value=raw,
                    grouped=whole + fraction,
                )
            )
        text = text.replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", text):
        if re.fullmatch(r"-\d+(?:[.,]\d+)?", text):
            raise _Bad(_("The quantity must be more than zero."))
        raise not_a_number()
    try:
        quantity = Decimal(text)
    except InvalidOperation:
        raise not_a_number() from None
    if quantity <= 0:
        raise _Bad(_("The quantity must be more than zero."))
    if quantity >= Decimal(10) ** 11 or -quantity.as_tuple().exponent > 3:
        raise _Bad(_("The quantity is too large or has more than 3 decimals."))
    return quantity


def _label_index(labels: dict[str, Callable[[], Iterable[str]]]) -> dict[str, str]:
    """Map every key and its labels in both languages, folded, to the key."""
    index: dict[str, str] = {normalise_name(key): key for key in labels}
    for language in LANGUAGES:
        with force_locale(language):
            for key, names in labels.items():
                for name in names():
                    index.setdefault(normalise_name(name), key)
    return index


def _unit_index() -> dict[str, str]:
    def names(key: str) -> Callable[[], list[str]]:
        counted = COUNTED_UNITS.get(key)
        if counted is None:
            return lambda: [key]
        return lambda: [counted(1, "").strip(), counted(2, "").strip()]

    return _label_index({key: names(key) for key in UNITS})


def _step_index() -> dict[str, str]:
    return _label_index({key: (lambda step=step: [str(step.label)]) for key, step in STEPS.items()})


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


class _Products:
    """The facility's products named by a file, by GTIN or number, in a few queries."""

    def __init__(self, producer: Producer, sources: Iterable[SourceRow]) -> None:
        gtins, ids = set(), set()
        for source in sources:
            try:
                kind, value = self.reference(source.values.get("product", ""))
            except (_Bad, identifiers.IdentifierError):
                continue
            (gtins if kind == "gtin" else ids).add(value)
        self.by_gtin: dict[str, Product] = {}
        self.by_id: dict[int, Product] = {}
        own = select(Product).where(Product.producer_id == producer.id)
        for chunk in _chunks(gtins):
            for product in db.session.scalars(own.where(Product.gtin.in_(chunk))):
                self.by_gtin[product.gtin] = product
        for chunk in _chunks(ids):
            for product in db.session.scalars(own.where(Product.id.in_(chunk))):
                self.by_id[product.id] = product

    @staticmethod
    def reference(raw: str) -> tuple[str, Any]:
        value = raw.strip().lstrip("#").strip()
        if re.fullmatch(r"\d{1,7}", value):  # a GTIN has at least 8 digits
            return "id", int(value)
        if _SCIENTIFIC.fullmatch(value):
            raise _Bad(
                _(
                    "“%(value)s” is a number the spreadsheet shortened. Format the column "
                    "as Text and type the GTIN again.",
                    value=raw,
                )
            )
        return "gtin", identifiers.normalize_gtin(value)

    def find(self, raw: str) -> Product:
        kind, value = self.reference(raw)
        product = (self.by_gtin if kind == "gtin" else self.by_id).get(value)
        if product is None:
            # Another facility's product reads exactly like one that does not exist.
            if kind == "gtin":
                raise _Bad(_("None of your products has the GTIN %(gtin)s.", gtin=value))
            raise _Bad(_("None of your products has the number %(number)s.", number=value))
        return product


def _check_lots(producer: Producer, upload: StoredUpload) -> list[CheckedRow]:
    products = _Products(producer, upload.rows)
    units = _unit_index()
    checks: list[_RowCheck] = []
    drafts: list[tuple[_RowCheck, Product, str]] = []
    first_line: dict[tuple[int, str], int] = {}
    for source in upload.rows:
        check = _RowCheck(source, LOT_COLUMNS)
        checks.append(check)
        product = check.read("product", products.find, required=True)
        code = check.read(
            "lot_code", lambda raw: identifiers.validate_lot_code(raw.strip()), required=True
        )
        produced = check.read("production_date", parse_date, required=True)
        packed = check.read("packing_date", parse_date)
        best_before = check.read("best_before", parse_date)
        expiry = check.read("expiry", parse_date)
        quantity = check.read("quantity", parse_quantity)
        unit = check.read("unit", lambda raw: _unit(raw, units))
        if best_before and expiry:
            check.fail("expiry", _("Give either a best-before date or an expiry date, not both."))
        end_key, end = ("best_before", best_before) if best_before else ("expiry", expiry)
        if produced and packed and packed < produced:
            check.fail("packing_date", _before_production(packed, produced))
        if produced and end and end < produced:
            check.fail(end_key, _before_production(end, produced))
        elif packed and end and end < packed:
            check.fail(
                end_key,
                _(
                    "%(date)s is before the packing date (%(packing)s).",
                    date=format_date(end),
                    packing=format_date(packed),
                ),
            )
        if quantity is not None and not unit and not check.text("unit"):
            check.fail("unit", _("Give the unit of the quantity, for example kg or chai."))
        if unit and quantity is None and not check.text("quantity"):
            check.fail("quantity", _("Give the quantity as well as its unit."))
        if product is not None and code:
            earlier = first_line.setdefault((product.id, code), source.line)
            if earlier != source.line:
                check.fail(
                    "lot_code",
                    _(
                        "Lot code %(code)s of this product is already on line %(line)s.",
                        code=code,
                        line=earlier,
                    ),
                )
            drafts.append((check, product, code))
        if check.row.ok:
            check.row.lot = LotRow(
                product=product,
                code=code,
                production_date=produced,
                packing_date=packed,
                best_before=best_before or expiry,
                best_before_is_expiry=bool(expiry),
                quantity=quantity,
                quantity_unit=unit,
            )
    taken = _registered_lot_codes({(product.id, code) for _check, product, code in drafts})
    for check, product, code in drafts:
        if (product.id, code) in taken:
            check.fail("lot_code", describe(DuplicateLotCode(code=code)))
            check.row.lot = None
    return [check.row for check in checks]


def _before_production(when: date, produced: date) -> str:
    return _(
        "%(date)s is before the production date (%(production)s).",
        date=format_date(when),
        production=format_date(produced),
    )


def _unit(raw: str, units: dict[str, str]) -> str:
    key = units.get(normalise_name(raw))
    if key is None:
        raise _Bad(
            _(
                "Unknown unit “%(value)s”. Use one of: %(units)s.",
                value=raw,
                units=", ".join(UNITS),
            )
        )
    return key


def _registered_lot_codes(pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    taken: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted(pairs)):
        rows = db.session.execute(
            select(Lot.product_id, Lot.code).where(tuple_(Lot.product_id, Lot.code).in_(chunk))
        )
        taken.update((product_id, code) for product_id, code in rows)
    return taken


class _Lots:
    """The facility's lots named by a file, by short code or by product and lot code."""

    def __init__(self, producer: Producer, sources: list[SourceRow], products: _Products):
        public_codes: set[str] = set()
        pairs: set[tuple[int, str]] = set()
        for source in sources:
            values = source.values
            try:
                if values.get("public_code"):
                    public_codes.add(identifiers.normalize_public_code(values["public_code"]))
                if values.get("product") and values.get("lot_code"):
                    product = products.find(values["product"])
                    pairs.add((product.id, values["lot_code"].strip()))
            except (_Bad, identifiers.IdentifierError):
                continue
        own = select(Lot).join(Lot.product).where(Product.producer_id == producer.id)
        self.by_public_code: dict[str, Lot] = {}
        self.by_code: dict[tuple[int, str], Lot] = {}
        for chunk in _chunks(public_codes):
            for lot in db.session.scalars(own.where(Lot.public_code.in_(chunk))):
                self.by_public_code[lot.public_code] = lot
        for chunk in _chunks(sorted(pairs)):
            for lot in db.session.scalars(own.where(tuple_(Lot.product_id, Lot.code).in_(chunk))):
                self.by_code[(lot.product_id, lot.code)] = lot


def _check_events(producer: Producer, upload: StoredUpload) -> list[CheckedRow]:
    products = _Products(producer, upload.rows)
    lots = _Lots(producer, upload.rows, products)
    steps = _step_index()
    latest = datetime.now(UTC) + FUTURE_TOLERANCE
    checks: list[_RowCheck] = []
    first_line: dict[tuple[int, str, datetime], int] = {}
    facility_address = ", ".join(producer.address_parts) or None
    for source in upload.rows:
        check = _RowCheck(source, EVENT_COLUMNS)
        checks.append(check)
        lot = _find_lot(check, products, lots)
        step = check.read("step", lambda raw: _step(raw, steps), required=True)
        when = check.read("event_time", parse_event_time, required=True)
        if when is not None and when > latest:
            check.fail("event_time", _("This time is in the future."))
            when = None
        texts = {}
        for key, limit in TEXT_LIMITS.items():
            texts[key] = check.text(key) or None
            if texts[key] and len(texts[key]) > limit:
                check.fail(key, _("At most %(count)s characters.", count=format_decimal(limit)))
        if lot is not None and step and when is not None:
            moment = as_utc(when)
            earlier = first_line.setdefault((lot.id, step, moment), source.line)
            if earlier != source.line:
                check.fail(
                    None,
                    _(
                        "Line %(line)s already records this step on this lot at the same time.",
                        line=earlier,
                    ),
                )
        if check.row.ok:
            place = texts["place"]
            check.row.event = EventRow(
                lot=lot,
                step=step,
                event_time=when,
                # An empty place means the facility itself, as the diary form suggests.
                location_name=place or producer.name_vi,
                location_address=None if place else facility_address,
                actor=texts["actor"],
                notes_vi=texts["notes_vi"],
                notes_en=texts["notes_en"],
            )
    _refuse_recorded_events(checks)
    return [check.row for check in checks]


def _find_lot(check: _RowCheck, products: _Products, lots: _Lots) -> Lot | None:
    raw_public_code, raw_product = check.text("public_code"), check.text("product")
    lot_code = check.text("lot_code").strip()
    if not (raw_public_code or raw_product or lot_code):
        check.fail(None, _("Say which lot: give its short code, or the product and the lot code."))
        return None
    if not raw_public_code:
        product = check.read("product", products.find, required=True)
        if not lot_code:
            check.fail("lot_code", _("This column must be filled in."))
        if product is None or not lot_code:
            return None
        lot = lots.by_code.get((product.id, lot_code))
        if lot is None:
            check.fail(
                "lot_code",
                _(
                    "%(product)s has no lot %(code)s.",
                    product=localized(product, "name"),
                    code=lot_code,
                ),
            )
        return lot
    public_code = check.read("public_code", identifiers.normalize_public_code)
    if public_code is None:
        return None
    lot = lots.by_public_code.get(public_code)
    if lot is None:
        check.fail(
            "public_code",
            _(
                "None of your lots has the short code %(code)s.",
                code=identifiers.format_public_code(public_code),
            ),
        )
        return None
    product = check.read("product", products.find) if raw_product else None
    if raw_product and product is None:
        return None
    if (product is not None and product.id != lot.product_id) or (
        lot_code and lot_code != lot.code
    ):
        check.fail(
            "public_code",
            _(
                "The short code %(short)s is lot %(code)s of %(product)s, which does not "
                "match the product or lot code on this line.",
                short=identifiers.format_public_code(public_code),
                code=lot.code,
                product=localized(lot.product, "name"),
            ),
        )
        return None
    return lot


def step_names() -> list[str]:
    """The steps a file may name, in the active language (corrections are not imported)."""
    return [str(step.label) for key, step in STEPS.items() if key != "correction"]


def _step(raw: str, steps: dict[str, str]) -> str:
    key = steps.get(normalise_name(raw))
    if key is None:
        raise _Bad(
            _(
                "Unknown step “%(value)s”. Use one of: %(steps)s.",
                value=raw,
                steps=", ".join(step_names()),
            )
        )
    if key == "correction":
        raise _Bad(
            _(
                "A correction refers to an earlier entry: record it from the lot's diary, "
                "not by import."
            )
        )
    return key


def _refuse_recorded_events(checks: list[_RowCheck]) -> None:
    """Refuse rows already in the diary: importing a file twice must not double entries."""
    wanted = [check for check in checks if check.row.event is not None]
    lot_ids = {check.row.event.lot.id for check in wanted}
    recorded: set[tuple[int, str, datetime]] = set()
    for chunk in _chunks(sorted(lot_ids)):
        for lot_id, step, moment in db.session.execute(
            select(Event.lot_id, Event.step, Event.event_time).where(Event.lot_id.in_(chunk))
        ):
            recorded.add((lot_id, step, as_utc(moment)))
    for check in wanted:
        event = check.row.event
        if (event.lot.id, event.step, as_utc(event.event_time)) in recorded:
            check.fail(
                None,
                _("The lot's diary already has this step at this time (imported before?)."),
            )
            check.row.event = None


def check_upload(producer: Producer, upload: StoredUpload) -> Preview:
    """Check every row against the database as it is now; write nothing."""
    checker = _check_lots if upload.kind is ImportKind.LOTS else _check_events
    return Preview(upload=upload, rows=checker(producer, upload), columns=COLUMNS[upload.kind])


def receive_upload(
    producer: Producer, user: User, raw: bytes, filename: str | None, kind: ImportKind
) -> StoredUpload:
    """Read an uploaded file and keep it for its preview; raise ImportFileError if unreadable."""
    return store_upload(producer, user, read_file(raw, kind), filename)


def own_products(producer: Producer) -> list[Product]:
    """The facility's products, with the numbers and GTINs a file may name them by."""
    return list(
        db.session.scalars(
            select(Product).where(Product.producer_id == producer.id).order_by(Product.id)
        )
    )


def preview_upload(producer: Producer, user: User, token: str) -> Preview:
    """Load the user's upload and check it for the preview page."""
    return check_upload(producer, load_upload(producer, user, token))


# -- writing --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    kind: ImportKind
    lots: list[Lot]
    events: list[Event]

    @property
    def events_per_lot(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for event in self.events:
            counts[event.lot_id] = counts.get(event.lot_id, 0) + 1
        return counts


def confirm_import(producer: Producer, user: User, token: str) -> StoredUpload:
    """Check the upload again and write every row in one transaction, or nothing.

    This service commits (unlike most): the all-or-nothing promise is the feature,
    so the transaction begins and ends here, around the rows and nothing else.
    """
    upload = load_upload(producer, user, token)
    if upload.result is not None:
        return upload  # confirmed already (a double tap): never import twice
    with _claimed(upload):
        preview = check_upload(producer, upload)
        if not preview.can_confirm:
            raise ImportChanged(preview)
        line = 0
        try:
            written: list[Lot | Event] = []
            # Each write flushes itself; autoflush before its look-ups would only repeat that.
            with db.session.no_autoflush:
                if upload.kind is ImportKind.LOTS:
                    for row in preview.rows:
                        line = row.line
                        written.append(_write_lot(row.lot))
                else:
                    for row in _in_chain_order(preview.rows):
                        line = row.line
                        written.append(_write_event(row.event, user))
            ids = [item.id for item in written]
            db.session.commit()
        except (DomainError, identifiers.IdentifierError, SQLAlchemyError, ValueError) as error:
            db.session.rollback()
            detail = (
                describe(error)
                if isinstance(error, DomainError | identifiers.IdentifierError)
                else None
            )
            raise ImportFailed(str(error), line=line, detail=detail) from error
        upload.result = {upload.kind.value: ids}
        _write_json(upload)
    return upload


def _write_lot(row: LotRow) -> Lot:
    return lot_service.create_lot(
        row.product,
        row.code,
        production_date=row.production_date,
        packing_date=row.packing_date,
        best_before=row.best_before,
        best_before_is_expiry=row.best_before_is_expiry,
        quantity=row.quantity,
        quantity_unit=row.quantity_unit,
    )


def _in_chain_order(rows: list[CheckedRow]) -> list[CheckedRow]:
    """Each lot's rows by event time (then line), so its chain reads in time order."""
    return sorted(rows, key=lambda row: (row.event.lot.id, as_utc(row.event.event_time), row.line))


def _write_event(row: EventRow, user: User) -> Event:
    return lot_service.append_event(
        row.lot,
        step=row.step,
        event_time=row.event_time,
        location_name=row.location_name,
        location_address=row.location_address,
        actor=row.actor,
        notes_vi=row.notes_vi,
        notes_en=row.notes_en,
        recorded_by=user.label,
    )


def import_result(producer: Producer, user: User, token: str) -> ImportResult:
    """What a confirmed upload wrote, still looked up through the facility."""
    upload = load_upload(producer, user, token)
    if upload.result is None:
        raise ImportNotFound("Not imported yet")
    ids = upload.result.get(upload.kind.value, [])
    own_lots = (
        select(Lot)
        .join(Lot.product)
        .where(Product.producer_id == producer.id)
        .options(joinedload(Lot.product))
    )
    if upload.kind is ImportKind.LOTS:
        found: list[Lot] = []
        for chunk in _chunks(ids):
            found.extend(db.session.scalars(own_lots.where(Lot.id.in_(chunk))))
        return ImportResult(upload.kind, sorted(found, key=lambda lot: lot.id), [])
    events: list[Event] = []
    for chunk in _chunks(ids):
        events.extend(
            db.session.scalars(
                select(Event)
                .join(Event.lot)
                .join(Lot.product)
                .where(Event.id.in_(chunk), Product.producer_id == producer.id)
                .options(joinedload(Event.lot).joinedload(Lot.product))
            )
        )
    lots = {event.lot.id: event.lot for event in events}
    return ImportResult(upload.kind, sorted(lots.values(), key=lambda lot: lot.id), events)


# -- templates ------------------------------------------------------------------------------

TEMPLATE_DELIMITER = ";"  # Excel on Vietnamese Windows lists with ";" (decimal comma locale)


def template_csv(producer: Producer, user: User, kind: ImportKind) -> bytes:
    """A template to fill in: UTF-8 with a BOM (for Excel), bilingual headers, one example row."""
    columns = COLUMNS[kind]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=TEMPLATE_DELIMITER, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    example = _example_row(producer, user, kind)
    if example:
        writer.writerow([_inert(example.get(column.key, "")) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _inert(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (the reader trims the space)."""
    if value.startswith(("=", "+", "-", "@")) and not _EXCEL_TEXT.match(value):
        return " " + value
    return value


def _product_cell(product: Product) -> str:
    # ="…" keeps a GTIN's leading zero when Excel opens the file; the reader unwraps it.
    return f'="{product.gtin}"' if product.gtin else str(product.id)


def _example_row(producer: Producer, user: User, kind: ImportKind) -> dict[str, str] | None:
    product = db.session.scalar(
        select(Product).where(Product.producer_id == producer.id).order_by(Product.id).limit(1)
    )
    if product is None:
        return None
    today = local_today()
    last_lot = db.session.scalar(
        select(Lot).where(Lot.product_id == product.id).order_by(Lot.id.desc()).limit(1)
    )
    if kind is ImportKind.LOTS:
        best_before = diary.suggest_best_before(product, today)
        return {
            "product": _product_cell(product),
            "lot_code": diary.suggest_lot_code(product, today),
            "production_date": today.isoformat(),
            "best_before": best_before.isoformat() if best_before else "",
            "quantity": "100",
            "unit": (last_lot.quantity_unit if last_lot else None) or "kg",
        }
    now = datetime.now(VIETNAM).replace(second=0, microsecond=0)
    with force_locale("vi"):
        step = str(STEPS["packing"].label)
    return {
        "product": _product_cell(product),
        "lot_code": last_lot.code if last_lot else "",
        "step": step,
        "event_time": now.strftime("%Y-%m-%d %H:%M"),
        "place": producer.name_vi,
        "actor": user.label,
    }
