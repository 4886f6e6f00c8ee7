"""The producer workspace: a facility's products, lots, diary and labels.

Every route here is for signed-in producer users only (checked once, before
each request), and every object is looked up through the signed-in user's
facility, so another producer's id answers 404.
"""

from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l

from ..auth.access import role_required
from ..models import Role

bp = Blueprint("producer", __name__)

NAVIGATION = (
    ("producer.dashboard", _l("Overview")),
    ("producer.products", _l("Products")),
    ("producer.lots", _l("Lots")),
    ("producer.imports", _l("Import")),
    ("producer.facility", _l("Facility")),
)


@bp.context_processor
def navigation() -> dict:
    """The workspace menu: the sections this deployment has."""
    endpoints = current_app.view_functions
    return {
        "workspace_nav": [(e, label) for e, label in NAVIGATION if e in endpoints],
        "workspace_views": endpoints,
    }


@bp.before_request
@role_required(Role.PRODUCER)
def require_producer() -> None:
    """Refuse the whole workspace to anyone but a producer user."""


from . import diary, lots, views  # noqa: E402,F401
