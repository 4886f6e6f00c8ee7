"""Words for the Department's workspace: roles, entry statuses, OCOP ratings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import BatchEntryStatus, Role
from ..producer.forms import LEGAL_FORMS, OCOP_GROUPS
from . import bp

ROLES = {
    Role.PRODUCER: _l("Producer"),
    Role.INSPECTOR: _l("Inspector"),
    Role.ADMIN: _l("Department (admin)"),
}
ENTRY_STATUSES = {
    BatchEntryStatus.SURVEYED: _l("Surveyed"),
    BatchEntryStatus.APPROVED: _l("Approved"),
    BatchEntryStatus.REJECTED: _l("Rejected"),
    BatchEntryStatus.PENDING_DOCUMENTS: _l("Pending documents"),
}
# Keys of services.programme.RATINGS and CURRENT_RATINGS.
RATINGS = {
    "5": _l("OCOP 5★"),
    "4": _l("OCOP 4★"),
    "3": _l("OCOP 3★"),
    "expired": _l("OCOP certificate expired"),
    "pending": _l("OCOP rating pending"),
    "none": _l("No OCOP rating"),
}

# The same, short enough to sit under a chart's column.
SHORT_RATINGS = {
    "5": "5★",
    "4": "4★",
    "3": "3★",
    "expired": _l("Expired"),
    "pending": _l("Pending"),
    "none": _l("No OCOP"),
}


@bp.context_processor
def labels() -> dict:
    return {
        "role_labels": ROLES,
        "entry_status_labels": ENTRY_STATUSES,
        "rating_labels": RATINGS,
        "ocop_group_labels": OCOP_GROUPS,
        "legal_form_labels": LEGAL_FORMS,
    }
