"""Bulk import: download a template, upload a CSV file, check every row, confirm all or nothing."""

from __future__ import annotations

from flask import Response, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ..auth.access import current_facility
from ..services import imports as import_service
from ..services.imports import ImportKind
from . import bp


class UploadForm(FlaskForm):
    kind = RadioField(
        _l("The file holds"),
        choices=[
            SelectChoice(ImportKind.LOTS.value, _l("Lots: one row per lot")),
            SelectChoice(ImportKind.EVENTS.value, _l("Diary entries: one row per entry")),
        ],
        default=ImportKind.LOTS.value,
        validators=[InputRequired(_l("Choose what the file holds."))],
    )
    file = FileField(
        _l("CSV file (UTF-8)"),
        description=_l("At most 2 MB and 5,000 rows."),
        validators=[
            FileRequired(_l("Choose a CSV file.")),
            FileSize(
                max_size=import_service.MAX_FILE_BYTES, message=_l("The file is larger than 2 MB.")
            ),
        ],
    )


class ConfirmForm(FlaskForm):
    """Nothing to fill in: it carries the CSRF token of the confirm button."""


def _render_index(form: UploadForm, status: int = 200):
    producer = current_facility()
    return render_template(
        "producer/imports/index.html",
        form=form,
        products=import_service.own_products(producer),
        lot_columns=import_service.LOT_COLUMNS,
        event_columns=import_service.EVENT_COLUMNS,
        steps=import_service.step_names(),
        units=import_service.UNITS,
    ), status


def _render_preview(preview: import_service.Preview, alert: str | None = None, status: int = 200):
    return render_template(
        "producer/imports/preview.html", preview=preview, form=ConfirmForm(), alert=alert
    ), status


@bp.route("/import", methods=["GET", "POST"])
def imports():
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_index(form, 400 if form.is_submitted() else 200)
    upload_file = form.file.data
    try:
        upload = import_service.receive_upload(
            current_facility(),
            current_user,
            upload_file.read(),
            upload_file.filename,
            ImportKind(form.kind.data),
        )
    except import_service.ImportFileError as error:
        form.file.errors.append(import_service.explain(error))
        return _render_index(form, 400)
    return redirect(url_for("producer.import_preview", token=upload.token))


@bp.get("/import/template/<any(lots, events):kind>.csv")
def import_template(kind: str):
    body = import_service.template_csv(current_facility(), current_user, ImportKind(kind))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="txng-import-{kind}.csv"'},
    )


@bp.get("/import/<token>")
def import_preview(token: str):
    preview = import_service.preview_upload(current_facility(), current_user, token)
    if preview.upload.result is not None:
        return redirect(url_for("producer.import_result", token=token))
    return _render_preview(preview)


@bp.post("/import/<token>")
def confirm_import(token: str):
    producer = current_facility()
    try:
        import_service.confirm_import(producer, current_user, token)
    except import_service.ImportChanged as changed:
        return _render_preview(changed.preview, import_service.explain(changed), 409)
    except (import_service.ImportFailed, import_service.ImportBusy) as error:
        preview = import_service.preview_upload(producer, current_user, token)
        return _render_preview(preview, import_service.explain(error), 409)
    return redirect(url_for("producer.import_result", token=token))


@bp.get("/import/<token>/done")
def import_result(token: str):
    result = import_service.import_result(current_facility(), current_user, token)
    return render_template("producer/imports/result.html", result=result)
