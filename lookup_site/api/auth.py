"""Bearer tokens: who an API request acts for, checked before every route.

The API never reads the session cookie: a request is signed in by its token alone,
so a browser's session cannot be ridden by another site (and the API needs no CSRF
token). The token is read once per request, for the rate limit and for the views.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from ..extensions import db
from ..services import api_tokens
from .openapi import MAX_ID
from .problems import Problem

REALM = "TXNG API"
# Endpoints anyone may read: the API's own description.
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
_UNSET = object()


def _bearer() -> str | None:
    authorization = request.authorization
    if authorization is None or authorization.type != "bearer":
        return None
    return authorization.token


def identify() -> api_tokens.Caller | None:
    """Who the request's token acts for, or None; looked up once per request."""
    # Kept on the request, not on g: an app context may outlive a request (tests, CLI).
    caller = getattr(request, "api_caller", _UNSET)
    if caller is _UNSET:
        caller = api_tokens.authenticate(_bearer())
        if caller is not None:
            db.session.commit()  # the time of use, in a transaction of its own
        request.api_caller = caller
    return caller


def caller() -> api_tokens.Caller:
    """The signed-in caller of a route; require_token has refused everyone else."""
    found = identify()
    assert found is not None, "require_token runs before every non-public route"
    return found


def checked_id(value: int) -> int:
    """A path's id, or 0 (found nowhere) when no database integer can hold it."""
    return value if 0 < value <= MAX_ID else 0


def rate_limit_key() -> str:
    """Count requests per token; requests without a valid one, per client address."""
    found = identify()
    if found is not None:
        return f"token:{found.token.id}"
    return f"address:{get_remote_address()}"


def require_token() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    if identify() is not None:
        return
    if _bearer() is None:
        raise Problem(
            401,
            "unauthorized",
            lambda: _(
                "Send an API token in the header Authorization: Bearer <token>. A facility "
                "creates its tokens in the producer workspace, under API tokens."
            ),
            headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'},
        )
    raise Problem(
        401,
        "invalid_token",
        lambda: _(
            "This API token is unknown or has been revoked. Create a new one in the "
            "producer workspace, under API tokens."
        ),
        headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'},
    )
