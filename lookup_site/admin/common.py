"""Small helpers the Department's views share."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user

from ..models import User
from ..services.products import FieldError


def show_field_error(form: Any, error: FieldError) -> None:
    """Put a service's refusal next to the field it concerns."""
    field = getattr(form, error.field, None)
    if field is None:  # a rule about no single field: show it with the first visible one
        field = next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    field.errors.append(error.message)


MAX_PAGE = 100_000


def page_argument() -> int:
    """The ?page= number, 1 when missing or not a number, capped to stay a valid offset."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def search_argument() -> str:
    return request.args.get("q", "").strip()[:200]


def acting_admin() -> User:
    return current_user._get_current_object()


def shown_once(response: Any) -> Any:
    """Keep a page carrying a password out of every cache and the back button's copy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
