"""QR labels for a lot: the code as SVG, PNG and PDF, and A4 label sheets to print."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import Optional, ValidationError

from ..auth.access import current_facility
from ..models import Lot
from ..services import labels, ownership
from . import bp


class WholeNumberField(IntegerField):
    """An integer field that leaves the message to the form: one clear sentence per field."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None


class _DownloadForm(FlaskForm):
    """Options read from the query string: a download changes nothing, so no CSRF token."""

    class Meta:
        csrf = False


class PngForm(_DownloadForm):
    size_mm = WholeNumberField(
        _l("Size (mm)"),
        default=labels.DEFAULT_PNG_SIZE_MM,
        description=_l("The printed width of the code, its white margin included."),
        render_kw={"min": labels.PNG_SIZE_MM[0], "max": labels.PNG_SIZE_MM[1]},
    )
    dpi = WholeNumberField(
        _l("Resolution (dpi)"),
        default=labels.DEFAULT_PNG_DPI,
        description=_l("Your printer's resolution; 300 suits most printers."),
        render_kw={"min": labels.PNG_DPI[0], "max": labels.PNG_DPI[1]},
    )

    def validate_size_mm(self, field) -> None:
        low, high = labels.PNG_SIZE_MM
        if field.data is None or not low <= field.data <= high:
            raise ValidationError(
                _(
                    "Enter a size from %(min)s to %(max)s mm, in whole millimetres.",
                    min=low,
                    max=high,
                )
            )

    def validate_dpi(self, field) -> None:
        low, high = labels.PNG_DPI
        if field.data is None or not low <= field.data <= high:
            raise ValidationError(
                _("Enter a resolution from %(min)s to %(max)s dpi.", min=low, max=high)
            )


def _size_choices() -> list[tuple[str, str]]:
    return [
        (key, _("%(width)s × %(height)s mm", width=_mm(size.width), height=_mm(size.height)))
        for key, size in labels.LABEL_SIZES.items()
    ]


def _grid_choices() -> list[tuple[str, str]]:
    return [
        (
            key,
            _(
                "%(columns)s × %(rows)s, %(count)s labels of %(width)s × %(height)s mm "
                "(like %(like)s)",
                columns=grid.columns,
                rows=grid.rows,
                count=grid.per_sheet,
                width=_mm(grid.label.width),
                height=_mm(grid.label.height),
                like=grid.like,
            ),
        )
        for key, grid in labels.GRIDS.items()
    ]


def _mm(value: float) -> str:
    return format_decimal(value, format="#,##0.##")


class LabelForm(_DownloadForm):
    label_size = SelectField(
        _l("Label size"), default=labels.DEFAULT_LABEL_SIZE, validate_choice=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.label_size.choices = _size_choices()

    def validate_label_size(self, field) -> None:
        if field.data not in labels.LABEL_SIZES:
            raise ValidationError(_("Choose one of the listed label sizes."))


class SheetForm(_DownloadForm):
    grid = SelectField(_l("Label sheet (A4)"), default=labels.DEFAULT_GRID, validate_choice=False)
    count = WholeNumberField(
        _l("Number of labels"),
        validators=[Optional()],
        render_kw={"min": 1, "max": labels.MAX_LABELS},
    )
    start = WholeNumberField(
        _l("Start at label"),
        default=1,
        description=_l(
            "To use a sheet already partly used: 1 is the top-left label, counting along each row."
        ),
        render_kw={"min": 1},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.grid.choices = _grid_choices()
        self.count.description = _(
            "Leave empty for one full sheet. Up to %(max)s labels, on as many sheets as they need.",
            max=format_decimal(labels.MAX_LABELS),
        )

    def validate_grid(self, field) -> None:
        if field.data not in labels.GRIDS:
            raise ValidationError(_("Choose one of the listed label sheets."))

    def validate_count(self, field) -> None:
        if field.data is None or not 1 <= field.data <= labels.MAX_LABELS:
            raise ValidationError(
                _(
                    "Enter a number of labels from 1 to %(max)s.",
                    max=format_decimal(labels.MAX_LABELS),
                )
            )

    def validate_start(self, field) -> None:
        grid = labels.GRIDS.get(self.grid.data)
        if grid is None:
            return  # the sheet's own message says what to fix first
        if field.data is None or not 1 <= field.data <= grid.per_sheet:
            raise ValidationError(
                _("Enter a label position from 1 to %(max)s on this sheet.", max=grid.per_sheet)
            )


def _own_lot(lot_id: int) -> Lot:
    return ownership.own_lot(current_facility(), lot_id)


def _page(lot: Lot, status: int = 200, **forms):
    forms = {
        "png_form": forms.get("png_form") or PngForm(formdata=None),
        "label_form": forms.get("label_form") or LabelForm(formdata=None),
        "sheet_form": forms.get("sheet_form") or SheetForm(formdata=None),
    }
    page = render_template(
        "producer/labels/index.html",
        lot=lot,
        overview=labels.overview(lot),
        grids=labels.GRIDS.values(),
        **forms,
    )
    return page, status


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/lots/<int:lot_id>/labels")
def lot_labels(lot_id: int):
    return _page(_own_lot(lot_id))


@bp.get("/lots/<int:lot_id>/labels/qr.svg")
def lot_label_svg(lot_id: int):
    lot = _own_lot(lot_id)
    return _download(labels.qr_svg(lot), "image/svg+xml", labels.download_name(lot, "svg", "qr"))


@bp.get("/lots/<int:lot_id>/labels/qr.png")
def lot_label_png(lot_id: int):
    lot = _own_lot(lot_id)
    form = PngForm(formdata=request.args)
    if not form.validate():
        return _page(lot, 400, png_form=form)
    size_mm, dpi = form.size_mm.data, form.dpi.data
    try:
        body = labels.qr_png(lot, size_mm, dpi)
    except labels.CodeTooSmall:
        form.size_mm.errors.append(
            _(
                "At %(dpi)s dpi, %(size)s mm leaves less than %(pixels)s pixels per square of "
                "the code. Choose a larger size or a higher resolution.",
                dpi=dpi,
                size=size_mm,
                pixels=labels.MIN_MODULE_PIXELS,
            )
        )
        return _page(lot, 400, png_form=form)
    name = labels.download_name(lot, "png", "qr", f"{size_mm}mm", f"{dpi}dpi")
    return _download(body, "image/png", name)


@bp.get("/lots/<int:lot_id>/labels/label.pdf")
def lot_label_pdf(lot_id: int):
    lot = _own_lot(lot_id)
    form = LabelForm(formdata=request.args)
    if not form.validate():
        return _page(lot, 400, label_form=form)
    body = labels.label_pdf(lot, form.label_size.data)
    name = labels.download_name(lot, "pdf", "label", form.label_size.data)
    return _download(body, "application/pdf", name)


@bp.get("/lots/<int:lot_id>/labels/sheet.pdf")
def lot_label_sheet(lot_id: int):
    lot = _own_lot(lot_id)
    form = SheetForm(formdata=request.args)
    if not form.validate():
        return _page(lot, 400, sheet_form=form)
    grid, skip = form.grid.data, form.start.data - 1
    body = labels.sheet_pdf(lot, grid, form.count.data, skip)
    count = form.count.data or labels.GRIDS[grid].per_sheet - skip
    name = labels.download_name(lot, "pdf", "sheet", grid, count)
    return _download(body, "application/pdf", name)
