"""The Department's workspace (Sở KH&CN): facilities and accounts, the programme
catalogue, the dashboard and the audit trail. Admins only, checked before every request."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..auth.access import role_required
from ..models import Role
from ..workspace import navigation

bp = Blueprint("admin", __name__)

# (the menu entry's endpoint, its label, endpoint prefixes of the pages in its section)
NAVIGATION = (
    ("admin.dashboard", _l("Dashboard"), ("admin.dashboard",)),
    ("admin.analytics", _l("Scans"), ("admin.analytics",)),
    ("admin.programme", _l("Programme"), ("admin.programme", "admin.batch", "admin.new_batch",
                                          "admin.edit_batch")),
    ("admin.producers", _l("Facilities"), ("admin.producer", "admin.new_producer",
                                           "admin.edit_producer")),
    ("admin.users", _l("Accounts"), ("admin.user", "admin.new_user")),
    ("admin.portal", _l("National portal"), ("admin.portal",)),
    ("admin.audit", _l("Audit trail"), ("admin.audit",)),
)  # fmt: skip


bp.context_processor(navigation(NAVIGATION))


@bp.before_request
@role_required(Role.ADMIN)
def require_admin() -> None:
    """Refuse the whole Department workspace to anyone but an admin."""


from . import modules  # noqa: E402,F401
