"""The national portal connector, for the Department: what is owed, what failed and why.

The page reads the outbox; its two buttons put failed items back in the queue for
the next `portal sync` pass. Nothing here talks to the portal itself.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from ..extensions import db
from ..models import OutboxState
from ..services import portal as portal_service
from ..services import portal_sync
from . import bp
from .forms import ConfirmForm

ENTITY_LABELS = {
    "producer": _l("Facility"),
    "product": _l("Product"),
    "lot": _l("Lot"),
    "event": _l("Diary entry"),
}
ACTION_LABELS = {
    "upsert": _l("created or changed"),
    "create": _l("recorded"),
    "recall": _l("recalled"),
    "suspend": _l("suspended"),
    "reinstate": _l("suspension lifted"),
}
# The kinds of failure portal_sync stores, in the Department's words.
ERROR_LABELS = {
    "timeout": _l("No answer in time"),
    "connection": _l("Could not reach the portal"),
    "server_error": _l("Error on the portal's side"),
    "unavailable": _l("Portal unavailable"),
    "rate_limited": _l("The portal asked us to slow down"),
    "bad_acknowledgement": _l("Unreadable acknowledgement"),
    "unexpected_answer": _l("Unexpected answer"),
    "rejected": _l("Refused by the portal"),
    "adapter": _l("The adapter has no route for this change"),
}
SHOWN = 100


def _connector() -> tuple[str, str | None]:
    """Say whether the connector is on: ("on", url), ("off", None) or ("invalid", reason)."""
    try:
        return "on", portal_sync.settings().shown_url
    except portal_sync.PortalNotConfigured:
        return "off", None
    except DomainError as error:
        return "invalid", str(error)


@bp.get("/portal")
def portal():
    state, detail = _connector()
    return render_template(
        "admin/portal.html",
        overview=portal_service.overview(limit=SHOWN, language=str(get_locale())),
        shown=SHOWN,
        connector=state,
        connector_detail=detail,
        entity_labels=ENTITY_LABELS,
        action_labels=ACTION_LABELS,
        error_labels=ERROR_LABELS,
        states=OutboxState,
    )


@bp.post("/portal/<int:item_id>/retry")
def portal_retry(item_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            portal_service.retry(item_id)
        except portal_service.NotRetryable as error:
            db.session.rollback()
            if error.params.get("why") == "superseded":
                flash(_("A later change of this record has been sent: nothing to retry."), "error")
            else:
                flash(_("Only a failed item can be retried."), "error")
        else:
            db.session.commit()
            flash(_("Item %(id)s will be sent again at the next pass.", id=item_id))
    return redirect(url_for("admin.portal"))


@bp.post("/portal/retry-failed")
def portal_retry_failed():
    if ConfirmForm().validate_on_submit():
        count = portal_service.retry_failed()
        db.session.commit()
        flash(
            ngettext(
                "%(num)s failed item will be sent again at the next pass.",
                "%(num)s failed items will be sent again at the next pass.",
                count,
            )
        )
    return redirect(url_for("admin.portal"))
