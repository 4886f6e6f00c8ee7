"""The inspectors' side: any producer's lot with its provenance, inspections and suspensions.

Inspectors see every facility's lots (checking them is their job), so lots are
looked up by id alone here, never through ownership. Nothing in this module
edits a producer's master data: an inspection is a new diary entry on the lot
plus an ``Inspection`` row, and a suspension is a status change with its history.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from ..errors import InvalidInput, LotNotFound, NotFound
from ..extensions import db
from ..models import (
    Certification,
    CertificationKind,
    CertificationStatus,
    Event,
    EventPhoto,
    Inspection,
    InspectionResult,
    Lot,
    LotInput,
    LotStatus,
    LotStatusChange,
    Producer,
    Product,
    Role,
    User,
)
from ..models.certification import OCOP_VALIDITY_MONTHS, add_months
from . import chain, diary, lookup, media
from . import lots as lot_service
from .clock import VIETNAM, as_utc, local_today

# How far the chain of input lots is followed, and how many lots at most: a
# mistaken link loop or a huge supply web must not turn one page into thousands.
TRACE_MAX_DEPTH = 12
TRACE_MAX_LOTS = 500
MAX_PHOTOS = 6
PAGE_SIZE = 50
MAX_PAGE = 100_000
# An export is for a spreadsheet; past this, narrow the filters.
CSV_MAX_ROWS = 50_000

RESULT_LABELS = {
    InspectionResult.CONFORMANT: _l("Conformant"),
    InspectionResult.NON_CONFORMANT: _l("Non-conformant"),
    InspectionResult.OBSERVATION: _l("Observation"),
}


def result_label(result: InspectionResult) -> str:
    return str(RESULT_LABELS[result])


class InspectionRefused(InvalidInput):
    """Input refused for one form field, with the explanation to show next to it."""

    reason = "inspection_refused"

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(message, field=field, **params)
        self.field = field
        self.message = message


class InspectionNotFound(NotFound):
    reason = "inspection_not_found"


# Finding lots


def find_lot(lot_id: int) -> Lot:
    """Return any facility's lot with its product and producer loaded."""
    lot = db.session.scalar(
        select(Lot)
        .where(Lot.id == lot_id)
        .options(
            joinedload(Lot.product).joinedload(Product.producer),
            joinedload(Lot.product).joinedload(Product.image_media),
        )
    )
    if lot is None:
        raise LotNotFound(f"No lot {lot_id}", lot_id=lot_id)
    return lot


@dataclass(frozen=True)
class ScanResult:
    lot: Lot | None
    product: Product | None
    product_lots: list[Lot]
    # The host a scanned URL pointed at, when it is not this site's public host:
    # a copied code on a look-alike site is what a counterfeit label looks like.
    foreign_host: str | None = None


def resolve_code(text: str, product_lot_limit: int = 50) -> ScanResult:
    """Find the lot (or product) a scanned or typed code names, as the public lookup does."""
    found = lookup.resolve(text)
    foreign = _foreign_host(text)
    if found.lot is not None:
        return ScanResult(lot=found.lot, product=None, product_lots=[], foreign_host=foreign)
    product = found.product
    assert product is not None
    product_lots = list(
        db.session.scalars(
            select(Lot)
            .where(Lot.product_id == product.id)
            .order_by(Lot.id.desc())
            .limit(product_lot_limit)
        )
    )
    return ScanResult(lot=None, product=product, product_lots=product_lots, foreign_host=foreign)


def _foreign_host(text: str) -> str | None:
    text = (text or "").strip()
    if "://" not in text:
        return None
    host = (urlsplit(text).hostname or "").lower()
    ours = (urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "").lower()
    return host if host and host != ours else None


# The inspector's lot view


@dataclass(frozen=True)
class CertificateCheck:
    """A certificate's standing on a given day, with OCOP's 36-month term checked."""

    certification: Certification
    status: CertificationStatus
    # OCOP only: the end of the 36 months from the issue date.
    ocop_term_end: date | None = None
    past_ocop_term: bool = False
    # OCOP only: an end date later than the 36 months allow (typed by hand).
    beyond_ocop_term: bool = False

    @property
    def flagged(self) -> bool:
        return self.status is not CertificationStatus.VALID or self.past_ocop_term


def check_certificates(
    certifications: Sequence[Certification], today: date
) -> list[CertificateCheck]:
    """Judge each certificate on today's date; an OCOP certificate past 36 months is flagged."""
    checks = []
    for certification in certifications:
        status = certification.status_on(today)
        term_end = None
        past = beyond = False
        if certification.kind is CertificationKind.OCOP and certification.issued_on:
            term_end = add_months(certification.issued_on, OCOP_VALIDITY_MONTHS)
            past = term_end < today
            beyond = certification.valid_until is not None and certification.valid_until > term_end
            if past and status is CertificationStatus.VALID:
                # valid_until was typed later than the rules allow: the rules win.
                status = CertificationStatus.EXPIRED
        checks.append(CertificateCheck(certification, status, term_end, past, beyond))
    return checks


@dataclass
class TraceNode:
    """One lot in the chain of inputs (or outputs), and the lots one step further."""

    link: LotInput
    lot: Lot
    depth: int
    children: list[TraceNode] = field(default_factory=list)
    # Already shown elsewhere in this tree (a shared input, or a loop back): not expanded again.
    repeated: bool = False


@dataclass
class Trace:
    roots: list[TraceNode]
    lot_count: int  # distinct lots found, the starting lot not counted
    depth: int  # the deepest level reached
    truncated: bool  # a limit stopped the walk before the end of the chain


def trace(
    lot: Lot,
    upstream: bool = True,
    max_depth: int = TRACE_MAX_DEPTH,
    max_lots: int = TRACE_MAX_LOTS,
) -> Trace:
    """Follow input lots upstream (or lots made from this one downstream), level by level.

    One query per level loads every link of the level with the lot at its far
    end, that lot's product and producer. A lot met again (a shared input, or a
    loop of links) is listed but not followed a second time.
    """
    if upstream:
        near, far_relation = LotInput.output_lot_id, LotInput.input_lot
    else:
        near, far_relation = LotInput.input_lot_id, LotInput.output_lot
    seen = {lot.id}
    roots: list[TraceNode] = []
    frontier: dict[int, list[TraceNode]] = {lot.id: roots}
    depth = 0
    truncated = False
    while frontier:
        if depth >= max_depth:
            truncated = bool(db.session.scalar(select(exists().where(near.in_(list(frontier))))))
            break
        links = db.session.scalars(
            select(LotInput)
            .where(near.in_(list(frontier)))
            .options(joinedload(far_relation).joinedload(Lot.product).joinedload(Product.producer))
            .order_by(LotInput.id)
        ).all()
        next_frontier: dict[int, list[TraceNode]] = {}
        for link in links:
            near_id = link.output_lot_id if upstream else link.input_lot_id
            other = link.input_lot if upstream else link.output_lot
            if other.id not in seen and len(seen) > max_lots:
                truncated = True
                continue
            node = TraceNode(link=link, lot=other, depth=depth + 1, repeated=other.id in seen)
            frontier[near_id].append(node)
            if not node.repeated:
                seen.add(other.id)
                next_frontier[other.id] = node.children
        if links:
            depth += 1
        frontier = next_frontier
    return Trace(roots=roots, lot_count=len(seen) - 1, depth=depth, truncated=truncated)


@dataclass
class InspectorLotView:
    page: lot_service.LotPage
    certificates: list[CertificateCheck]
    upstream: Trace
    downstream: Trace
    status_history: list[LotStatusChange]
    inspections: list[Inspection]

    @property
    def lot(self) -> Lot:
        return self.page.lot


def status_history(lot: Lot) -> list[LotStatusChange]:
    """Every recall, suspension and reactivation of lot, oldest first, with who did it."""
    return list(
        db.session.scalars(
            select(LotStatusChange)
            .where(LotStatusChange.lot_id == lot.id)
            .options(joinedload(LotStatusChange.changed_by))
            .order_by(LotStatusChange.changed_at, LotStatusChange.id)
        )
    )


def lot_view(lot: Lot) -> InspectorLotView:
    """Load what the public sees of lot, plus provenance, certificates and history."""
    page = lot_service.lot_page(lot)
    inspections = list(
        db.session.scalars(
            select(Inspection)
            .where(Inspection.lot_id == lot.id)
            .options(joinedload(Inspection.inspector))
            .order_by(Inspection.created_at.desc(), Inspection.id.desc())
        )
    )
    return InspectorLotView(
        page=page,
        certificates=check_certificates(page.certifications, page.today),
        upstream=trace(lot, upstream=True),
        downstream=trace(lot, upstream=False),
        status_history=status_history(lot),
        inspections=inspections,
    )


# Recording an inspection


@dataclass
class InspectionDraft:
    result: InspectionResult
    notes: str | None = None
    location_name: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    suspend: bool = False
    reason_vi: str | None = None
    reason_en: str | None = None


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _check_draft(lot: Lot, draft: InspectionDraft, photos: Sequence[FileStorage]) -> None:
    if draft.result is InspectionResult.NON_CONFORMANT and not _clean(draft.notes):
        raise InspectionRefused("notes", _("Say what did not conform: notes are required."))
    if (draft.latitude is None) != (draft.longitude is None):
        raise InspectionRefused(
            "latitude", _("Give both latitude and longitude, or leave both empty.")
        )
    if draft.latitude is not None and not -90 <= draft.latitude <= 90:
        raise InspectionRefused("latitude", _("A latitude is between -90 and 90."))
    if draft.longitude is not None and not -180 <= draft.longitude <= 180:
        raise InspectionRefused("longitude", _("A longitude is between -180 and 180."))
    if len(photos) > MAX_PHOTOS:
        raise InspectionRefused("photos", _("Attach at most %(count)s photos.", count=MAX_PHOTOS))
    if draft.suspend:
        check_can_suspend(lot, draft.reason_vi, draft.reason_en)


def check_can_suspend(lot: Lot, reason_vi: str | None, reason_en: str | None) -> None:
    """Refuse a suspension set_status would refuse, or one already in force."""
    if lot.status is LotStatus.RECALLED:
        raise diary.RecallIsFinal("A recalled lot stays recalled", field="suspend")
    if lot.status is LotStatus.SUSPENDED:
        raise InspectionRefused("suspend", _("This lot is already suspended."))
    if not (_clean(reason_vi) or _clean(reason_en)):
        raise diary.ReasonRequired("Say why, for shoppers", field="reason_vi")


def _bilingual(render) -> dict[str, str]:
    """Render a sentence in each of the site's languages."""
    texts = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            texts[language] = str(render())
    return texts


def record_inspection(
    lot: Lot,
    draft: InspectionDraft,
    inspector: User,
    photos: Sequence[FileStorage] = (),
    language: str = "vi",
) -> Inspection:
    """Record what was found on site: an "inspecting" diary entry shoppers see, and its record.

    The inspector's notes go into the entry in the language they were written in;
    the result is stated in every language. With draft.suspend, the lot is also
    suspended, the change pointing at this inspection. Flushes, never commits.
    """
    photos = [upload for upload in photos if upload and upload.filename]
    _check_draft(lot, draft, photos)
    notes = _clean(draft.notes)
    location = _clean(draft.location_name)
    stored = [media.save_image(upload, lot.product.producer, inspector) for upload in photos]
    result_line = _bilingual(lambda: _("Result: %(result)s.", result=RESULT_LABELS[draft.result]))
    actor = inspector.display_name or " / ".join(_bilingual(lambda: _("Inspector")).values())
    event_notes = {
        lang: f"{line}\n{notes}" if notes and lang == language else line
        for lang, line in result_line.items()
    }
    event = lot_service.append_event(
        lot,
        step="inspecting",
        event_time=datetime.now(VIETNAM),
        location_name=location,
        actor=actor,
        notes_vi=event_notes.get("vi"),
        notes_en=event_notes.get("en"),
        recorded_by=inspector.label,
        photos=stored,
    )
    inspection = Inspection(
        lot_id=lot.id,
        event=event,
        inspector_id=inspector.id,
        result=draft.result,
        notes=notes,
        location_name=location,
        latitude=_coordinate(draft.latitude),
        longitude=_coordinate(draft.longitude),
    )
    db.session.add(inspection)
    db.session.flush()
    if draft.suspend:
        diary.set_status(
            lot,
            LotStatus.SUSPENDED,
            draft.reason_vi or "",
            draft.reason_en or "",
            user=inspector,
            inspection=inspection,
        )
    return inspection


def _coordinate(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.000001"))


def suspend(
    lot: Lot,
    reason_vi: str | None,
    reason_en: str | None,
    inspector: User,
    inspection: Inspection | None = None,
) -> Lot:
    """Suspend sale of lot pending investigation; the public page shows the reason at once."""
    check_can_suspend(lot, reason_vi, reason_en)
    return diary.set_status(
        lot,
        LotStatus.SUSPENDED,
        reason_vi or "",
        reason_en or "",
        user=inspector,
        inspection=inspection,
    )


def lift_suspension(lot: Lot, reason_vi: str | None, reason_en: str | None, inspector: User) -> Lot:
    """Put a suspended lot back on sale; who and why stay in its status history."""
    if lot.status is LotStatus.ACTIVE:
        raise InspectionRefused("reason_vi", _("This lot is not suspended."))
    if not (_clean(reason_vi) or _clean(reason_en)):
        raise InspectionRefused(
            "reason_vi", _("Say why the suspension is lifted, in Vietnamese or English.")
        )
    # A recalled lot is refused by set_status itself: a recall is final.
    return diary.set_status(lot, LotStatus.ACTIVE, reason_vi or "", reason_en or "", user=inspector)


# Inspection history


@dataclass
class InspectionFilters:
    result: InspectionResult | None = None
    date_from: date | None = None  # Vietnam's calendar days, both ends included
    date_to: date | None = None
    producer_id: int | None = None
    inspector_id: int | None = None


def _day_start(day: date) -> datetime:
    """The first moment of a Vietnamese calendar day, in UTC (year 1 and 9999 included)."""
    try:
        return as_utc(datetime.combine(day, time(), VIETNAM))
    except OverflowError:  # 0001-01-01 00:00+07:00 is still year 0 in UTC
        return datetime.min.replace(tzinfo=UTC)


def _filtered(filters: InspectionFilters) -> Select:
    query = select(Inspection).join(Inspection.lot).join(Lot.product)
    if filters.result is not None:
        query = query.where(Inspection.result == filters.result)
    if filters.date_from is not None:
        query = query.where(Inspection.created_at >= _day_start(filters.date_from))
    if filters.date_to is not None and filters.date_to < date.max:
        query = query.where(Inspection.created_at < _day_start(filters.date_to + timedelta(days=1)))
    if filters.producer_id is not None:
        query = query.where(Product.producer_id == filters.producer_id)
    if filters.inspector_id is not None:
        query = query.where(Inspection.inspector_id == filters.inspector_id)
    return query.options(
        joinedload(Inspection.lot).joinedload(Lot.product).joinedload(Product.producer),
        joinedload(Inspection.inspector),
    ).order_by(Inspection.created_at.desc(), Inspection.id.desc())


@dataclass
class InspectionPage:
    items: list[Inspection]
    page: int
    has_next: bool
    suspended_by: set[int]  # ids of the listed inspections that suspended their lot


def search_inspections(
    filters: InspectionFilters, page: int = 1, per_page: int | None = None
) -> InspectionPage:
    """One page of inspections, newest first, matching filters."""
    page = min(max(page, 1), MAX_PAGE)  # a huge ?page= must not overflow the database's integer
    per_page = per_page or PAGE_SIZE
    rows = list(
        db.session.scalars(
            _filtered(filters).limit(per_page + 1).offset((page - 1) * per_page)
        ).unique()
    )
    items = rows[:per_page]
    return InspectionPage(items, page, len(rows) > per_page, _suspensions(items))


def _suspensions(inspections: Sequence[Inspection]) -> set[int]:
    ids = [inspection.id for inspection in inspections]
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(LotStatusChange.inspection_id).where(
                LotStatusChange.inspection_id.in_(ids),
                LotStatusChange.to_status == LotStatus.SUSPENDED,
            )
        )
    )


def filter_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The facilities, and the people who have recorded inspections, for the filter pickers."""
    producers = db.session.execute(
        select(Producer.id, Producer.name_vi).order_by(Producer.name_vi, Producer.id)
    ).all()
    inspectors = db.session.scalars(
        select(User)
        .where(
            User.role.in_([Role.INSPECTOR, Role.ADMIN]),
            exists().where(Inspection.inspector_id == User.id),
        )
        .order_by(User.display_name, User.email)
    ).all()
    return [(row.id, row.name_vi) for row in producers], [(u.id, u.label) for u in inspectors]


# Fixed, bilingual column names: every export has the same columns, whoever
# downloads it and in whichever language, so spreadsheets built on them keep working.
CSV_COLUMNS = (
    "Số / No.",
    "Thời điểm / Time",
    "Cán bộ kiểm tra / Inspector",
    "Kết quả / Result",
    "Sản phẩm / Product",
    "GTIN",
    "Mã lô / Lot code",
    "Mã tra cứu / Short code",
    "Cơ sở / Producer",
    "Mã số thuế / Tax code",
    "Địa điểm / Location",
    "Vĩ độ / Latitude",
    "Kinh độ / Longitude",
    "Ghi chú / Notes",
    "Đình chỉ lô / Suspended the lot",
    "Trạng thái lô hiện nay / Lot status now",
)
# A cell starting with one of these is a formula to a spreadsheet: a producer's
# name like "=HYPERLINK(...)" must arrive as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def inspections_csv(filters: InspectionFilters) -> str:
    """The filtered inspections as CSV text, starting with a byte-order mark for Excel."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    query = _filtered(filters)
    for offset in range(0, CSV_MAX_ROWS, 1000):
        batch = list(db.session.scalars(query.limit(1000).offset(offset)).unique())
        suspended = _suspensions(batch)
        for inspection in batch:
            lot = inspection.lot
            product = lot.product
            writer.writerow(
                [
                    _cell(value)
                    for value in (
                        inspection.id,
                        as_utc(inspection.created_at)
                        .astimezone(VIETNAM)
                        .isoformat(timespec="seconds"),
                        inspection.inspector.label,
                        inspection.result.value,
                        product.name_vi,
                        product.gtin,
                        lot.code,
                        lot.public_code,
                        product.producer.name_vi,
                        product.producer.tax_code,
                        inspection.location_name,
                        inspection.latitude,
                        inspection.longitude,
                        inspection.notes,
                        "yes" if inspection.id in suspended else "no",
                        lot.status.value,
                    )
                ]
            )
        if len(batch) < 1000:
            break
    return buffer.getvalue()


# One inspection


@dataclass
class InspectionDetails:
    inspection: Inspection
    lot: Lot
    event: Event
    chain: chain.ChainVerdict
    status_history: list[LotStatusChange]
    today: date

    @property
    def photos(self) -> list[EventPhoto]:
        return list(self.event.photos)


def inspection_details(inspection_id: int) -> InspectionDetails:
    """Load one inspection with its lot, diary entry, photos, chain verdict and status history."""
    inspection = db.session.scalar(
        select(Inspection)
        .where(Inspection.id == inspection_id)
        .options(
            joinedload(Inspection.lot).joinedload(Lot.product).joinedload(Product.producer),
            joinedload(Inspection.inspector),
            joinedload(Inspection.event).selectinload(Event.photos).joinedload(EventPhoto.media),
        )
    )
    if inspection is None:
        raise InspectionNotFound(f"No inspection {inspection_id}", inspection_id=inspection_id)
    lot = inspection.lot
    events = list(
        db.session.scalars(
            select(Event)
            .where(Event.lot_id == lot.id)
            .options(selectinload(Event.photos).joinedload(EventPhoto.media))
            .order_by(Event.sequence)
        )
    )
    return InspectionDetails(
        inspection=inspection,
        lot=lot,
        event=inspection.event,
        chain=chain.verify_chain(events, lot.public_code),
        status_history=status_history(lot),
        today=local_today(),
    )
