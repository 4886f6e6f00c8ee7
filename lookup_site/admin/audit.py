"""The audit trail, read-only: filter it, page through it, export it as CSV.

Nothing here changes or deletes an entry; the routes answer GET only.
"""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from ..services import audit as audit_service
from ..services.clock import local_today
from . import bp

ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
}
INTERFACE_LABELS = {
    "web": _l("website"),
    "cli": _l("command line"),
    "api": _l("API"),
    "system": _l("system"),
}
ANY = SelectChoice("", _l("Any"))
FILTER_NAMES = ("object_type", "object_id", "user", "action", "interface", "since", "until")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: it changes nothing

    object_type = SelectField(
        _l("Object type"),
        choices=[ANY, *(SelectChoice(name, name) for name in audit_service.OBJECT_TYPES)],
        validators=[Optional()],
    )
    object_id = StringField(_l("Object id"), validators=[Optional(), Length(max=64)])
    user = StringField(
        _l("Who"),
        description=_l("Part of the e-mail address, or cli, system."),
        validators=[Optional(), Length(max=254)],
    )
    action = SelectField(
        _l("Action"),
        choices=[ANY, *(SelectChoice(*pair) for pair in ACTION_LABELS.items())],
        validators=[Optional()],
    )
    interface = SelectField(
        _l("Through"),
        choices=[ANY, *(SelectChoice(*pair) for pair in INTERFACE_LABELS.items())],
        validators=[Optional()],
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))

    def filters(self) -> audit_service.AuditFilter:
        return audit_service.AuditFilter(
            object_type=self.object_type.data or None,
            object_id=(self.object_id.data or "").strip() or None,
            user=(self.user.data or "").strip() or None,
            action=self.action.data or None,
            interface=self.interface.data or None,
            since=self.since.data,
            until=self.until.data,
        )


def _filter_args() -> dict[str, str]:
    """The query's filters, to carry over to the next page and to the export."""
    return {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}


@bp.get("/audit")
def audit():
    form = AuditFilterForm(request.args)
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=None, filter_args={}), 400
    page = audit_service.search(form.filters(), before=request.args.get("before", type=int))
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        filter_args=_filter_args(),
        paged=request.args.get("before") is not None,
        action_labels=ACTION_LABELS,
        interface_labels=INTERFACE_LABELS,
        redacted=audit_service.REDACTED,
        entry_time=audit_service.entry_time,
    )


@bp.get("/audit.csv")
def audit_csv():
    form = AuditFilterForm(request.args)
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=None, filter_args={}), 400
    chunks = audit_service.csv_chunks(form.filters())
    filename = f"audit-{local_today():%Y%m%d}.csv"
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
