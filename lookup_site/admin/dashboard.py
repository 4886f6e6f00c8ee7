"""The Department's dashboard: the programme at a glance."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from ..links import lot_path
from ..producer.forms import OCOP_GROUPS
from ..services import programme as programme_service
from ..services.charts import Datum, bar_chart, column_chart
from . import bp
from .labels import SHORT_RATINGS

AMBER = "#b45309"
GREY = "#6b7280"
GREEN = "#14532d"
# Lapsed and missing ratings stand apart from the stars.
RATING_FILLS = {"expired": AMBER, "pending": GREY, "none": GREY}


def _rating_chart(overview: programme_service.Overview):
    data = [
        Datum(str(SHORT_RATINGS[key]), overview.by_rating[key], RATING_FILLS.get(key, GREEN))
        for key in programme_service.CURRENT_RATINGS
    ]
    return column_chart(data, _("Products by OCOP rating today"))


def _group_chart(overview: programme_service.Overview, group_labels: dict):
    data = [
        Datum(str(group_labels[group]) if group else _("No group"), count)
        for group, count in overview.by_group.items()
        if count or group is not None
    ]
    return bar_chart(data, _("Products by OCOP group"))


@bp.get("/")
def dashboard():
    overview = programme_service.overview()
    return render_template(
        "admin/dashboard.html",
        overview=overview,
        ratings=programme_service.CURRENT_RATINGS,
        rating_chart=_rating_chart(overview),
        group_chart=_group_chart(overview, OCOP_GROUPS),
        lot_path=lot_path,
    )
