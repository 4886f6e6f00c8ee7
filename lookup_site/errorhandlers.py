"""Map errors to HTTP once, at the edge: HTML in the visitor's language, or JSON."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import errors, identifiers
from .i18n import current_language, other_language
from .messages import describe


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _render(status: int, kind: str, error: Exception | None):
    if kind == "not_found" and request.blueprint not in (None, "public"):
        kind = "missing"  # a workspace page: no "this code is not registered" advice
    message = describe(error) if error is not None else None
    other = other_language()
    with force_locale(other):
        message_other = describe(error) if error is not None else None
    if _wants_json():
        body = {
            "type": "about:blank",
            "status": status,
            "title": kind,
            "detail": message,
            "detail_localized": {current_language(): message, other: message_other},
        }
        response = jsonify(body)
        response.status_code = status
        response.mimetype = "application/problem+json"
        return response
    html = render_template(
        "error.html",
        status=status,
        kind=kind,
        message=message,
        message_other=message_other,
        other_language_code=other,
        query=request.args.get("q", ""),
    )
    return html, status


def handle_domain_error(error: errors.DomainError):
    kind = "not_found" if isinstance(error, errors.NotFound) else "bad_request"
    return _render(error.code, kind, error)


def handle_identifier_error(error: identifiers.IdentifierError):
    return _render(400, "bad_request", error)


def handle_http_error(error: HTTPException):
    if request.path.startswith("/api/"):
        # An unknown API address or method matches no route, so no blueprint's handler
        # sees it: answer it as the API answers every error.
        from .api.problems import handle_http_error as api_problem

        return api_problem(error)
    kinds = {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        429: "too_many_requests",
    }
    status = error.code or 500
    return _render(status, kinds.get(status, "error"), None)


def handle_csrf_error(error: CSRFError):
    return _render(400, "csrf", None)


def handle_unexpected(error: Exception):
    if current_app.testing:
        raise error  # let the test see the traceback, not a friendly page
    current_app.logger.exception("Unhandled error on %s", request.path)
    return _render(500, "error", None)


def refuse_nul_characters() -> None:
    """Refuse, before any view runs, a form whose text holds a NUL character.

    SQLite would store it and PostgreSQL raise at the INSERT: both are wrong. The API
    checks its JSON bodies itself (with a message per field)."""
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for values in request.form.listvalues():
            if any("\x00" in value for value in values):
                raise errors.ControlCharacters("NUL character in a form field")


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.register_error_handler(errors.DomainError, handle_domain_error)
    app.register_error_handler(identifiers.IdentifierError, handle_identifier_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
