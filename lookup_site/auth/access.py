"""Who may use a route, checked on the server for every request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager
from ..models import Producer, Role


def role_required(*roles: Role) -> Callable:
    """Let signed-in users with one of roles through; others sign in or get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_facility() -> Producer:
    """The facility the signed-in producer user works for."""
    producer = current_user.producer
    if producer is None:  # the database forbids it; never serve a facility-less producer
        abort(403)
    return producer
