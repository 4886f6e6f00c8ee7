"""Scans of every producer's items, for the Department: the producers' report, all facilities.

The form, charts, CSV response and report body are the producer page's
(``producer/analytics.py``, ``macros/scan_report.html``), with a facility filter first.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..models import Producer
from ..producer.analytics import (
    IdSelectField,
    ScanFilterForm,
    csv_response,
    lot_choices,
    product_choices,
    read_filters,
    refused_report,
    report_page,
)
from ..services import scan_analytics
from . import bp

TEMPLATE = "admin/analytics.html"


class DepartmentScanFilterForm(ScanFilterForm):
    FIELDS = ("producer", "product", "lot", "period")

    producer = IdSelectField(_l("Facility"), _l("Choose a facility from the list."))

    def show_scope(self, scope: scan_analytics.Scope) -> None:
        """Offer the chosen facility's products, and the chosen product's lots."""
        if scope.producer is not None:
            self.producer.data = str(scope.producer.id)
            self.product.choices = product_choices(scope.producer.products)
        super().show_scope(scope)


def facility_choices(producers: Iterable[Producer]) -> list[SelectChoice]:
    return [
        SelectChoice("", _("All facilities")),
        *(SelectChoice(str(producer.id), producer.name_vi) for producer in producers),
    ]


def _form() -> DepartmentScanFilterForm:
    form = DepartmentScanFilterForm(request.args)
    form.producer.choices = facility_choices(
        db.session.scalars(select(Producer).order_by(Producer.name_vi, Producer.id))
    )
    form.product.choices = product_choices([])
    form.lot.choices = lot_choices([])
    return form


def _scope(form: DepartmentScanFilterForm) -> scan_analytics.Scope:
    return scan_analytics.department_scope(
        producer_id=form.producer.id_value,
        product_id=form.product.id_value,
        lot_id=form.lot.id_value,
    )


def _refused(form: DepartmentScanFilterForm):
    return refused_report(TEMPLATE, form, "admin.analytics")


@bp.get("/analytics")
def analytics():
    return report_page(
        TEMPLATE,
        _form(),
        _scope,
        "admin.analytics",
        lambda lot: {"producer": lot.product.producer_id, "product": lot.product_id, "lot": lot.id},
    )


@bp.get("/analytics.csv")
def analytics_csv():
    form = _form()
    scope = read_filters(form, _scope)
    if scope is None:
        return _refused(form)
    return csv_response(scope, scan_analytics.Period.ending_today(form.days), "scans-all")
