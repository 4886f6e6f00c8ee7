"""Scan a code, see a lot's provenance, record an inspection, suspend and lift."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..i18n import current_language
from ..identifiers import IdentifierError
from ..links import lot_path
from ..messages import describe
from ..models import LotStatus
from ..services import inspections
from . import bp
from .forms import InspectionForm, LiftForm, LookupForm, SuspendForm


@bp.context_processor
def helpers() -> dict:
    return {"result_label": inspections.result_label, "public_lot_path": lot_path}


def _show_error(form, error: Exception, default_field: str) -> None:
    """Put a refusal's explanation next to the field it concerns."""
    name = default_field
    if isinstance(error, DomainError):
        name = error.params.get("field", default_field)
    target = getattr(form, name, None) or getattr(form, default_field)
    target.errors = [*target.errors, describe(error)]


def _refuse(form, error: DomainError, shown: bool) -> None:
    """Explain a refused status change: next to the reason, or on top when the lot
    view does not show that form in the lot's present state."""
    if shown:
        _show_error(form, error, "reason_vi")
    else:
        flash(describe(error), "error")


@bp.get("/")
def scan():
    return render_template("inspect/scan.html", form=LookupForm(formdata=None))


@bp.get("/resolve")
def resolve():
    """Open the lot a scanned or typed code names; explain a bad or unknown code here."""
    form = LookupForm(formdata=request.args)
    status = 400
    found = None
    if form.validate():
        try:
            found = inspections.resolve_code(form.q.data)
        except (IdentifierError, DomainError) as error:
            form.q.errors = [describe(error)]
            status = error.code if isinstance(error, DomainError) else 400
    if found is not None:
        if found.foreign_host:
            flash(
                _(
                    "Warning: the scanned code points to another site (%(host)s), not to this "
                    "one. The label may be a copy.",
                    host=found.foreign_host,
                ),
                "warning",
            )
        if found.lot is not None:
            return redirect(url_for("inspect.lot", lot_id=found.lot.id), code=303)
        status = 200
    return render_template("inspect/scan.html", form=form, found=found), status


@bp.get("/lots/<int:lot_id>")
def lot(lot_id: int):
    return _render_lot(lot_id)


def _render_lot(lot_id: int, suspend_form=None, lift_form=None, status: int = 200):
    view = inspections.lot_view(inspections.find_lot(lot_id))
    html = render_template(
        "inspect/lot.html",
        view=view,
        page=view.page,
        suspend_form=suspend_form or SuspendForm(formdata=None),
        lift_form=lift_form or LiftForm(formdata=None),
    )
    return html, status


@bp.route("/lots/<int:lot_id>/inspections/new", methods=["GET", "POST"])
def new_inspection(lot_id: int):
    lot = inspections.find_lot(lot_id)
    form = InspectionForm()
    if form.validate_on_submit():
        draft = inspections.InspectionDraft(
            result=form.result_value,
            notes=form.notes.data,
            location_name=form.location_name.data,
            latitude=form.latitude.data,
            longitude=form.longitude.data,
            suspend=form.suspend.data,
            reason_vi=form.reason_vi.data,
            reason_en=form.reason_en.data,
        )
        try:
            inspection = inspections.record_inspection(
                lot, draft, current_user, form.photos.data or [], current_language()
            )
        except (IdentifierError, DomainError) as error:
            db.session.rollback()
            _show_error(form, error, "notes")
        else:
            db.session.commit()
            flash(_("Inspection recorded; it is on the lot's public timeline now."))
            if draft.suspend:
                flash(_("The lot is suspended; its public page shows the reason now."))
            return redirect(url_for("inspect.inspection", inspection_id=inspection.id))
    status = 400 if request.method == "POST" else 200
    return render_template("inspect/inspection_form.html", form=form, lot=lot), status


@bp.post("/lots/<int:lot_id>/suspend")
def suspend(lot_id: int):
    lot = inspections.find_lot(lot_id)
    form = SuspendForm()
    if form.validate_on_submit():
        try:
            inspections.suspend(lot, form.reason_vi.data, form.reason_en.data, current_user)
        except DomainError as error:
            db.session.rollback()
            _refuse(form, error, shown=lot.status is LotStatus.ACTIVE)
        else:
            db.session.commit()
            flash(_("The lot is suspended; its public page shows the reason now."))
            return redirect(url_for("inspect.lot", lot_id=lot_id))
    return _render_lot(lot_id, suspend_form=form, status=400)


@bp.post("/lots/<int:lot_id>/lift")
def lift_suspension(lot_id: int):
    lot = inspections.find_lot(lot_id)
    form = LiftForm()
    if form.validate_on_submit():
        try:
            inspections.lift_suspension(lot, form.reason_vi.data, form.reason_en.data, current_user)
        except DomainError as error:
            db.session.rollback()
            _refuse(form, error, shown=lot.status is LotStatus.SUSPENDED)
        else:
            db.session.commit()
            flash(_("Suspension lifted: the lot is on sale again. The history keeps who and why."))
            return redirect(url_for("inspect.lot", lot_id=lot_id))
    return _render_lot(lot_id, lift_form=form, status=400)
