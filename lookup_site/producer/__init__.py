"""The producer workspace: a facility's products, lots, diary and labels.

Every route here is for signed-in producer users only (checked once, before
each request), and every object is looked up through the signed-in user's
facility, so another producer's id answers 404.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..auth.access import role_required
from ..models import Role
from ..workspace import navigation

bp = Blueprint("producer", __name__)

# (the menu entry's endpoint, its label, endpoint prefixes of the pages in its section)
NAVIGATION = (
    ("producer.dashboard", _l("Overview"), ("producer.dashboard",)),
    (
        "producer.products",
        _l("Products"),
        ("producer.product", "producer.new_product", "producer.edit_product",
         "producer.new_certification", "producer.edit_certification"),
    ),
    (
        "producer.lots",
        _l("Lots"),
        ("producer.lot", "producer.new_lot", "producer.edit_lot", "producer.new_event",
         "producer.repeat_event", "producer.add_input"),
    ),
    ("producer.imports", _l("Import"), ("producer.import",)),
    ("producer.analytics", _l("Scans"), ("producer.analytics",)),
    ("producer.facility", _l("Facility"), ("producer.facility",)),
    ("producer.tokens", _l("API tokens"), ("producer.tokens", "producer.create_token",
                                           "producer.revoke_token")),
)  # fmt: skip


bp.context_processor(navigation(NAVIGATION))


@bp.before_request
@role_required(Role.PRODUCER)
def require_producer() -> None:
    """Refuse the whole workspace to anyone but a producer user."""


from . import (  # noqa: E402,F401
    analytics,
    diary,
    facility,
    imports,
    labels,
    lots,
    products,
    serials,
    tokens,
    views,
)
