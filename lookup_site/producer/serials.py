"""Per-item serial codes for a lot: issue them, and download them for the print house."""

from __future__ import annotations

from flask import Response, flash, redirect, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm

from ..auth.access import current_facility
from ..errors import DomainError
from ..extensions import db
from ..messages import describe
from ..models import Lot
from ..services import ownership, serials
from . import bp
from .labels import WholeNumberField


class SerialsForm(FlaskForm):
    count = WholeNumberField(
        _l("Number of item codes"),
        description=_l("One code per item, each with its own QR code: up to 100,000 at once."),
        render_kw={"min": 1, "max": serials.MAX_SERIALS},
    )


def serial_panel(lot: Lot) -> dict:
    """What the producer's lot page shows about item codes: how many, and the form."""
    return {"count": serials.count_serials(lot), "form": SerialsForm(formdata=None)}


bp.context_processor(lambda: {"serial_panel": serial_panel})


@bp.post("/lots/<int:lot_id>/serials")
def generate_serials(lot_id: int):
    lot = ownership.own_lot(current_facility(), lot_id)
    form = SerialsForm()
    if form.validate_on_submit():
        try:
            # A blank or non-numeric count is out of range too: one explanation for both.
            issued = serials.generate_serials(lot, form.count.data or 0)
        except DomainError as error:
            db.session.rollback()
            flash(describe(error), "error")
        else:
            db.session.commit()
            flash(ngettext("%(num)s item code issued.", "%(num)s item codes issued.", len(issued)))
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
