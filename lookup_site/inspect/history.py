"""Inspection history: filter, export as CSV, and one inspection with its PDF report."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from ..models import InspectionResult
from ..services import inspection_report, inspections
from ..services.clock import local_today
from . import bp
from .forms import HistoryFilterForm


def _filter_form() -> HistoryFilterForm:
    form = HistoryFilterForm(formdata=request.args)
    producers, inspectors = inspections.filter_choices()
    any_choice = SelectChoice("", _("Any"))
    form.producer.choices = [any_choice, *(SelectChoice(str(k), label) for k, label in producers)]
    form.inspector.choices = [any_choice, *(SelectChoice(str(k), label) for k, label in inspectors)]
    return form


def _filters(form: HistoryFilterForm) -> inspections.InspectionFilters:
    return inspections.InspectionFilters(
        result=InspectionResult(form.result.data) if form.result.data else None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        producer_id=int(form.producer.data) if form.producer.data else None,
        inspector_id=int(form.inspector.data) if form.inspector.data else None,
    )


def _query_args() -> dict[str, str]:
    """The filters in use, for links that keep them (pages, export)."""
    return {
        key: value
        for key, value in request.args.items()
        if key in ("result", "date_from", "date_to", "producer", "inspector") and value
    }


@bp.get("/inspections")
def history():
    form = _filter_form()
    if not form.validate():
        return render_template("inspect/history.html", form=form, results=None, args={}), 400
    page = inspections.search_inspections(
        _filters(form), page=request.args.get("page", 1, type=int)
    )
    return render_template("inspect/history.html", form=form, results=page, args=_query_args())


@bp.get("/inspections.csv")
def history_csv():
    form = _filter_form()
    if not form.validate():
        return render_template("inspect/history.html", form=form, results=None, args={}), 400
    body = inspections.inspections_csv(_filters(form))
    response = Response(body.encode("utf-8"), mimetype="text/csv")
    name = f"inspections-{local_today():%Y%m%d}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/inspections/<int:inspection_id>")
def inspection(inspection_id: int):
    details = inspections.inspection_details(inspection_id)
    return render_template("inspect/inspection.html", details=details)


@bp.get("/inspections/<int:inspection_id>/report.pdf")
def inspection_pdf(inspection_id: int):
    details = inspections.inspection_details(inspection_id)
    response = Response(inspection_report.inspection_pdf(details), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="inspection-{inspection_id}.pdf"'
    return response
