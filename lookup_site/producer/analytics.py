"""Scans of the producer's items: when, in which language, which lots, from where, copies.

The filter form, the charts and the CSV response are shared with the Department's
page (``admin/analytics.py``), which shows the same report for every producer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from babel.dates import format_skeleton
from flask import Response, render_template, request, stream_with_context, url_for
from flask_babel import format_date, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..auth.access import current_facility
from ..errors import InvalidInput
from ..i18n import localized
from ..models import Lot, Product
from ..services import scan_analytics, serials
from ..services.charts import Datum, bar_chart, time_chart
from ..services.province_map import province_map
from . import bp

TEMPLATE = "producer/analytics.html"
PERIOD_LABELS = {
    30: _l("Last 30 days"),
    90: _l("Last 90 days"),
    365: _l("Last 365 days"),
}
LANGUAGE_LABELS = {
    "vi": _l("Vietnamese"),
    "en": _l("English"),
    scan_analytics.OTHER_LANGUAGE: _l("Other languages"),
}
FLAG_LABELS = {
    serials.FLAG_MANY_CHECKS: _l("Checked more often than the product's limit"),
    serials.FLAG_FAR_APART: _l("Checked in places far apart within hours"),
}
# Ids are positive integers that fit a database integer column; anything else is a typo.
_ID = re.compile(r"[1-9][0-9]{0,9}")
_MAX_ID = 2**31 - 1
# Past this many days the day chart marks month starts instead of Mondays.
_MONTH_TICKS_AFTER = 120


def parse_id(value: str | None) -> int | None:
    """Return the id in a filter's value, None for "all"; raise ValueError for anything else."""
    value = (value or "").strip()
    if not value:
        return None
    if not _ID.fullmatch(value) or int(value) > _MAX_ID:
        raise ValueError(value)
    return int(value)


class IdSelectField(SelectField):
    """A select of ids whose choices depend on the other filters.

    The submitted value is not checked against the choices: an id outside them is
    looked up by the service, which answers 404 for another producer's product.
    """

    def __init__(self, label, message, **kwargs) -> None:
        super().__init__(label, validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form) -> None:
        try:
            parse_id(self.data)
        except ValueError:
            raise ValidationError(str(self.message)) from None

    @property
    def id_value(self) -> int | None:
        return parse_id(self.data)


class ScanFilterForm(FlaskForm):
    """The report's filters, read from the query string: viewing changes nothing."""

    class Meta:
        csrf = False

    # The order the page shows them in (the Department's form puts the facility first).
    FIELDS = ("product", "lot", "period")

    product = IdSelectField(_l("Product"), _l("Choose a product from the list."))
    lot = IdSelectField(_l("Lot"), _l("Choose a lot from the list."))
    period = SelectField(
        _l("Period"),
        choices=[SelectChoice(str(days), label) for days, label in PERIOD_LABELS.items()],
        default=str(scan_analytics.DEFAULT_PERIOD),
        validate_choice=False,
    )

    def validate_period(self, field: SelectField) -> None:
        if field.data not in {str(days) for days in scan_analytics.PERIODS}:
            raise ValidationError(_("Choose a period of the last 30, 90 or 365 days."))

    @property
    def days(self) -> int:
        return int(self.period.data)

    def show_scope(self, scope: scan_analytics.Scope) -> None:
        """Offer the scope's products and lots, the chosen ones selected."""
        if scope.product is not None:
            self.product.data = str(scope.product.id)
            self.lot.choices = lot_choices(scope.product.lots)

    def show_disagreement(self, error: InvalidInput) -> None:
        if isinstance(error, scan_analytics.LotNotOfProduct):
            self.lot.errors.append(
                _("This lot is not a lot of the chosen product. Choose another lot, or all lots.")
            )
        else:
            self.product.errors.append(
                _("This product or lot is not one of the chosen facility's. Choose it again.")
            )


def product_choices(products: Iterable[Product]) -> list[SelectChoice]:
    named = sorted(products, key=lambda product: localized(product, "name").casefold())
    return [
        SelectChoice("", _("All products")),
        *(SelectChoice(str(product.id), localized(product, "name")) for product in named),
    ]


def lot_choices(lots: Iterable[Lot]) -> list[SelectChoice]:
    newest_first = sorted(lots, key=lambda lot: lot.id, reverse=True)
    return [
        SelectChoice("", _("All lots")),
        *(SelectChoice(str(lot.id), lot.code) for lot in newest_first),
    ]


def _short_date(day, skeleton: str) -> str:
    return format_skeleton(skeleton, day, locale=get_locale())


def _day_ticks(report: scan_analytics.Report) -> dict[int, str]:
    if report.period.days > _MONTH_TICKS_AFTER:
        return {
            index: format_date(day.day, "MMM")
            for index, day in enumerate(report.days)
            if day.day.day == 1
        }
    return {
        index: _short_date(day.day, "Md")
        for index, day in enumerate(report.days)
        if day.day.weekday() == 0
    }


def _week_ticks(report: scan_analytics.Report) -> dict[int, str]:
    if len(report.weeks) <= 14:
        return {index: _short_date(week.monday, "Md") for index, week in enumerate(report.weeks)}
    # One label per month: the week holding its first day.
    return {
        index: format_date(week.sunday, "MMM")
        for index, week in enumerate(report.weeks)
        if week.sunday.day <= 7
    }


def week_label(week: scan_analytics.WeekChecks) -> str:
    return _(
        "Week %(week)s of %(year)s (%(monday)s – %(sunday)s)",
        week=week.week,
        year=week.year,
        monday=_short_date(week.monday, "MMMd"),
        sunday=_short_date(week.sunday, "MMMd"),
    )


def report_charts(report: scan_analytics.Report) -> dict[str, Markup]:
    """The report's pictures, drawn on the server in the page's language."""
    days = [Datum(format_date(day.day, "medium"), day.checks) for day in report.days]
    weeks = [Datum(week_label(week), week.checks) for week in report.weeks]
    languages = [
        Datum(str(LANGUAGE_LABELS[item.language]), item.checks) for item in report.languages
    ]
    return {
        "days": time_chart(days, _("Checks per day"), ticks=_day_ticks(report)),
        "weeks": time_chart(weeks, _("Checks per week"), ticks=_week_ticks(report)),
        "languages": bar_chart(languages, _("Checks by page language")),
        "map": province_map(report.provinces, _("First checks by shared province")),
    }


def render_report(template: str, form: ScanFilterForm, report, status: int = 200, **context):
    """Render the page: the form alone (with its errors) when report is None."""
    html = render_template(
        template,
        form=form,
        report=report,
        charts=report_charts(report) if report is not None else None,
        period_labels=PERIOD_LABELS,
        language_labels=LANGUAGE_LABELS,
        flag_labels=FLAG_LABELS,
        week_label=week_label,
        percent=format_percent,
        **context,
    )
    return html, status


def csv_response(scope: scan_analytics.Scope, period: scan_analytics.Period, name: str):
    response = Response(
        stream_with_context(scan_analytics.csv_chunks(scope, period)),
        mimetype="text/csv",
    )
    filename = f"{name}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def clear_url(form: ScanFilterForm, endpoint: str) -> str | None:
    """The page without filters, when any differs from the default."""
    chosen = filter_args(form)
    if chosen == {"period": str(scan_analytics.DEFAULT_PERIOD)}:
        return None
    return url_for(endpoint)


def filter_args(form: ScanFilterForm, **overrides) -> dict[str, str]:
    """The chosen filters as query arguments, for links and the CSV export."""
    args = {}
    for name in form.FIELDS:
        field = form[name]
        args[name] = str(field.id_value or "") if isinstance(field, IdSelectField) else field.data
    args.update({name: str(value) for name, value in overrides.items()})
    return {name: value for name, value in args.items() if value}


def read_filters(
    form: ScanFilterForm, resolve: Callable[[ScanFilterForm], scan_analytics.Scope]
) -> scan_analytics.Scope | None:
    """Check the filters and find their scope; None, the errors on the form, when refused.

    Another producer's product or lot is not caught here: it answers 404.
    """
    if not form.validate():
        return None
    try:
        scope = resolve(form)
    except (scan_analytics.LotNotOfProduct, scan_analytics.NotOfProducer) as error:
        form.show_disagreement(error)
        return None
    form.show_scope(scope)
    return scope


def refused_report(template: str, form: ScanFilterForm, endpoint: str):
    """The form alone with its errors (400), and a way back to the page at endpoint unfiltered."""
    return render_report(template, form, None, 400, clear_url=url_for(endpoint))


def report_page(
    template: str,
    form: ScanFilterForm,
    resolve: Callable[[ScanFilterForm], scan_analytics.Scope],
    endpoint: str,
    lot_filters: Callable[[Lot], dict[str, int]],
):
    """The report for the form's filters, linked to its CSV export (endpoint + "_csv").

    Shared by the producer's page and the Department's: each says how to find the scope
    and which filters a lot's row links to (the Department's also names the facility).
    """
    scope = read_filters(form, resolve)
    if scope is None:
        return refused_report(template, form, endpoint)
    report = scan_analytics.report(scope, scan_analytics.Period.ending_today(form.days))
    return render_report(
        template,
        form,
        report,
        csv_url=url_for(f"{endpoint}_csv", **filter_args(form)),
        clear_url=clear_url(form, endpoint),
        lot_url=lambda lot: url_for(endpoint, **filter_args(form, **lot_filters(lot))),
    )


def _own_scope(form: ScanFilterForm) -> scan_analytics.Scope:
    return scan_analytics.producer_scope(
        current_facility(), product_id=form.product.id_value, lot_id=form.lot.id_value
    )


def _form() -> ScanFilterForm:
    form = ScanFilterForm(request.args)
    form.product.choices = product_choices(current_facility().products)
    form.lot.choices = lot_choices([])
    return form


def _refused(form: ScanFilterForm):
    return refused_report(TEMPLATE, form, "producer.analytics")


@bp.get("/analytics")
def analytics():
    return report_page(
        TEMPLATE,
        _form(),
        _own_scope,
        "producer.analytics",
        lambda lot: {"product": lot.product_id, "lot": lot.id},
    )


@bp.get("/analytics.csv")
def analytics_csv():
    form = _form()
    scope = read_filters(form, _own_scope)
    if scope is None:
        return _refused(form)
    return csv_response(scope, scan_analytics.Period.ending_today(form.days), "scans")
