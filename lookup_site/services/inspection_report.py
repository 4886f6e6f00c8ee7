"""A printable PDF report of one inspection, in the reader's language.

ReportLab's platypus lays it out (paragraphs wrap, tables split across pages);
the bundled DejaVu Sans Condensed carries every Vietnamese diacritic, which the
PDF core fonts do not. Photos are the stored thumbnails, read from the upload
folder, so a report with many photos stays small.
"""

from __future__ import annotations

import io
import threading
from xml.sax.saxutils import escape

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .. import paths
from ..i18n import localized
from ..models import LotStatus
from ..vocabulary import step_label
from . import media
from .clock import as_utc
from .inspections import InspectionDetails, result_label

FONT = "ReportSans"
FONT_BOLD = "ReportSans-Bold"
_FONT_FILES = {FONT: "DejaVuSansCondensed.ttf", FONT_BOLD: "DejaVuSansCondensed-Bold.ttf"}
_font_lock = threading.Lock()
PHOTO_SIDE_MM = 40
PHOTOS_PER_ROW = 4


def _register_fonts() -> None:
    """Load the bundled TTFs into ReportLab once per process."""
    if FONT_BOLD in pdfmetrics.getRegisteredFontNames():
        return
    with _font_lock:
        for name, filename in _FONT_FILES.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(paths.PACKAGE_DIR / "fonts" / filename)))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=8
        ),
        "body": body,
        "label": ParagraphStyle("label", parent=body, textColor=colors.HexColor("#59605a")),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
    }


def _text(value: object) -> str:
    """Escape text for a Paragraph and keep the writer's line breaks."""
    return escape(str(value or "")).replace("\n", "<br/>")


def _when(moment) -> str:
    return format_datetime(as_utc(moment), "medium")


STATUS_LABELS = {
    LotStatus.ACTIVE: lambda: _("On sale"),
    LotStatus.SUSPENDED: lambda: _("Suspended"),
    LotStatus.RECALLED: lambda: _("Recalled"),
}


def inspection_pdf(details: InspectionDetails) -> bytes:
    """Return the report of one inspection as an A4 PDF."""
    _register_fonts()
    styles = _styles()
    inspection, lot = details.inspection, details.lot
    product, producer = lot.product, lot.product.producer
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Inspection report no. %(number)s", number=inspection.id),
        author=inspection.inspector.label,
        creator="lookup-site",
        invariant=True,  # the same inspection gives the same bytes
    )
    story: list = [
        Paragraph(
            _text(_("Inspection report no. %(number)s", number=inspection.id)), styles["title"]
        ),
        Spacer(1, 4 * mm),
    ]

    def row(label: str, value: object) -> list:
        return [Paragraph(_text(label), styles["label"]), Paragraph(_text(value), styles["body"])]

    location = inspection.location_name or "—"
    if inspection.latitude is not None and inspection.longitude is not None:
        location += f" ({inspection.latitude}, {inspection.longitude})"
    facts = [
        row(_("Product"), localized(product, "name")),
        row(_("Lot code"), lot.code),
        row(_("Short code"), f"{lot.public_code[:4]}-{lot.public_code[4:]}"),
        row("GTIN", product.gtin or "—"),
        row(_("Producer"), localized(producer, "name")),
        row(_("Address"), ", ".join(producer.address_parts)),
        row(_("Inspector"), inspection.inspector.label),
        row(_("Time"), _when(inspection.created_at)),
        row(_("Result"), result_label(inspection.result)),
        row(_("Location"), location),
        row(_("Notes"), inspection.notes or "—"),
        row(_("Lot status now"), STATUS_LABELS[lot.status]()),
    ]
    if details.chain.intact:
        verdict = ngettext(
            "Intact: %(num)s diary entry unchanged.",
            "Intact: %(num)s diary entries unchanged.",
            details.chain.checked,
        )
    else:
        verdict = _(
            "Broken at entry %(sequence)s: that entry or a later one was altered after recording.",
            sequence=details.chain.broken_at,
        )
    facts.append(row(_("Hash chain"), verdict))
    story.append(_facts_table(facts))

    photos = [photo.media for photo in details.photos]
    if photos:
        story += [Paragraph(_text(_("Photos")), styles["heading"]), _photo_table(photos, styles)]

    story.append(Paragraph(_text(_("Status history of the lot")), styles["heading"]))
    if details.status_history:
        header = [
            Paragraph(_text(text), styles["label"])
            for text in (_("When"), _("Change"), _("By"), _("Reason"))
        ]
        rows = [header]
        for change in details.status_history:
            reason = " / ".join(r for r in (change.reason_vi, change.reason_en) if r) or "—"
            marker = " *" if change.inspection_id == inspection.id else ""
            rows.append(
                [
                    Paragraph(_text(_when(change.changed_at)), styles["small"]),
                    Paragraph(
                        _text(
                            f"{STATUS_LABELS[change.from_status]()} → "
                            f"{STATUS_LABELS[change.to_status]()}{marker}"
                        ),
                        styles["small"],
                    ),
                    Paragraph(
                        _text(change.changed_by.label if change.changed_by else "—"),
                        styles["small"],
                    ),
                    Paragraph(_text(reason), styles["small"]),
                ]
            )
        table = Table(rows, colWidths=[32 * mm, 38 * mm, 38 * mm, None], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d8dcd6")),
                ]
            )
        )
        story.append(table)
        if any(change.inspection_id == inspection.id for change in details.status_history):
            story.append(Paragraph(_text(_("* made with this inspection")), styles["small"]))
    else:
        story.append(Paragraph(_text(_("No status changes.")), styles["body"]))

    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            _text(
                _(
                    "Published on the lot's public timeline as the entry “%(step)s” of %(date)s.",
                    step=step_label(details.event.step),
                    date=_when(details.event.event_time),
                )
            ),
            styles["small"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()


def _facts_table(rows: list) -> Table:
    table = Table(rows, colWidths=[40 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d8dcd6")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _photo_table(photos: list, styles: dict[str, ParagraphStyle]) -> Table:
    cells = []
    for photo in photos:
        path = media.upload_path(photo.thumbnail_key or photo.storage_key)
        if path.is_file():
            width, height = media.media_box(photo, PHOTO_SIDE_MM)
            cells.append(Image(str(path), width=width * mm, height=height * mm))
        else:  # a file lost from the upload folder must not stop the report
            cells.append(Paragraph(_text(_("Photo file missing")), styles["small"]))
    rows = [cells[i : i + PHOTOS_PER_ROW] for i in range(0, len(cells), PHOTOS_PER_ROW)]
    rows[-1] += [""] * (PHOTOS_PER_ROW - len(rows[-1]))
    table = Table(rows, colWidths=[(PHOTO_SIDE_MM + 3) * mm] * PHOTOS_PER_ROW, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
