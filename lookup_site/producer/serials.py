"""Per-item serial codes for a lot: issue them, and download them for the print house.

Issuing many codes and drawing their label sheets are background jobs: the form
answers at once with the job's page, which follows its progress (a plain refresh,
no JavaScript needed) and offers the file when it is ready.
"""

from __future__ import annotations

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import ValidationError

from ..auth.access import current_facility
from ..errors import DomainError
from ..extensions import db
from ..i18n import current_language
from ..messages import describe
from ..models import Job, Lot
from ..services import jobs, labels, ownership, serial_jobs, serials
from . import bp
from .labels import WholeNumberField, _grid_choices

# How often (seconds) a running job's page reloads itself.
REFRESH_SECONDS = 2


class SerialsForm(FlaskForm):
    count = WholeNumberField(
        _l("Number of item codes"),
        description=_l("One code per item, each with its own QR code: up to 100,000 at once."),
        render_kw={"min": 1, "max": serials.MAX_SERIALS},
    )


class SerialLabelsForm(FlaskForm):
    grid = SelectField(_l("Label sheet"), default=labels.DEFAULT_GRID)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.grid.choices = _grid_choices()

    def validate_grid(self, field) -> None:
        if field.data not in labels.GRIDS:
            raise ValidationError(_("Choose one of the listed label sheets."))


def serial_panel(lot: Lot) -> dict:
    """What the producer's lot page shows about item codes: how many, forms, recent jobs."""
    return {
        "count": serials.count_serials(lot),
        "form": SerialsForm(formdata=None),
        "labels_form": SerialLabelsForm(formdata=None),
        "jobs": jobs.recent(lot.product.producer_id, lot.id),
    }


bp.context_processor(lambda: {"serial_panel": serial_panel})


def _submit(lot: Lot, kind: str, total: int, **params) -> Response:
    job = jobs.submit(
        kind,
        total=total,
        params=params,
        producer_id=lot.product.producer_id,
        user_id=current_user.id,
        lot_id=lot.id,
    )
    return redirect(url_for("producer.job", job_id=job.id), code=303)


def _form_errors(form: FlaskForm) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


@bp.post("/lots/<int:lot_id>/serials")
def generate_serials(lot_id: int):
    lot = ownership.own_lot(current_facility(), lot_id)
    form = SerialsForm()
    if form.validate_on_submit():
        try:
            # A blank or non-numeric count is out of range too: one explanation for both.
            count = serials.check_quantity(form.count.data or 0)
        except DomainError as error:
            flash(describe(error), "error")
        else:
            return _submit(lot, serial_jobs.GENERATE, count, count=count)
    else:
        _form_errors(form)
    return redirect(url_for("producer.lot", lot_id=lot_id), code=303)


@bp.post("/lots/<int:lot_id>/serials/labels")
def serial_labels(lot_id: int):
    lot = ownership.own_lot(current_facility(), lot_id)
    form = SerialLabelsForm()
    if form.validate_on_submit():
        count = serials.count_serials(lot)
        if count:
            return _submit(
                lot, serial_jobs.LABELS, count, grid=form.grid.data, lang=current_language()
            )
        flash(_("Issue item codes for this lot first: the sheets print one label per code."))
    else:
        _form_errors(form)
    return redirect(url_for("producer.lot", lot_id=lot_id), code=303)


@bp.get("/lots/<int:lot_id>/serials.csv")
def serials_csv(lot_id: int):
    lot = ownership.own_lot(current_facility(), lot_id)
    response = Response(
        stream_with_context(serials.serials_csv(lot)), mimetype="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="serials-{lot.public_code}.csv"'
    )
    # The list is what a counterfeiter would want: keep it out of shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _own_job(job_id: str) -> Job:
    return jobs.find(job_id, producer_id=current_facility().id)


@bp.get("/jobs/<job_id>")
def job(job_id: str):
    job = _own_job(job_id)
    if request.accept_mimetypes.best == "application/json":
        return job_status(job)
    lot = db.session.get(Lot, job.lot_id) if job.lot_id else None
    response = Response(render_template("producer/job.html", job=job, lot=lot))
    if not job.finished:
        # Without JavaScript, the page follows the job by reloading itself.
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def job_status(job: Job) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state.value,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
        "download": url_for("producer.job_file", job_id=job.id) if job.file_name else None,
    }


@bp.get("/jobs/<job_id>/file")
def job_file(job_id: str):
    job = _own_job(job_id)
    path = jobs.file_path(job)
    if job.file_name is None or not path.is_file():
        raise jobs.JobNotFound("The job has no file", code=job_id)
    response = send_file(
        path, mimetype=job.content_type, as_attachment=True, download_name=job.file_name
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
