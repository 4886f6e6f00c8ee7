"""The inspectors' workspace: verify a code on site, see provenance, record what was found.
Inspectors (and the Department's admins) only, checked before every request."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..auth.access import role_required
from ..models import Role
from ..workspace import navigation

bp = Blueprint("inspect", __name__)

# (the menu entry's endpoint, its label, endpoint prefixes of the pages in its section)
NAVIGATION = (
    ("inspect.scan", _l("Scan a code"), ("inspect.scan", "inspect.lot", "inspect.new_inspection")),
    ("inspect.history", _l("Inspections"), ("inspect.history", "inspect.inspection")),
)


bp.context_processor(navigation(NAVIGATION))


@bp.before_request
@role_required(Role.INSPECTOR, Role.ADMIN)
def require_inspector() -> None:
    """Refuse the inspectors' workspace to producers and anonymous visitors."""


from . import modules  # noqa: E402,F401
