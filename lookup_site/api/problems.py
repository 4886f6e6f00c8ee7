"""Errors as RFC 9457 problem details (application/problem+json), in both languages.

``detail`` is in the language the client asked for with Accept-Language (Vietnamese
by default, as everywhere on the site); ``detail_vi`` and ``detail_en`` carry the
same text in both languages, so that a developer reads English while the software
shows its user Vietnamese. ``errors`` names each refused field, as a form would.
Texts are kept as functions and rendered once per language.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, current_app, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .. import errors, identifiers
from ..extensions import db, limiter
from ..i18n import current_language
from ..messages import describe
from ..services import diary

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:txng:problem:"
# Refusals because of the lot's state, not of the input: the same request may succeed
# on another lot, never on this one again.
CONFLICTS: tuple[type[Exception], ...] = (diary.LotLocked,)
LANGUAGES = ("vi", "en")  # a problem carries detail_vi and detail_en

Text = Callable[[], str]
T = TypeVar("T")


@dataclass(frozen=True)
class Issue:
    """One refused field of the body, or one refused query parameter.

    A body member deeper than the top level gives its JSON Pointer (RFC 6901), such as
    /epcisBody/eventList/2; a top-level member's is derived from its name.
    """

    field: str
    text: Text
    in_query: bool = False
    pointer: str | None = None


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Authentication required"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Request too large"),
        415: _("Unsupported content type"),
        422: _("Request refused"),
        429: _("Too many requests"),
    }


class Problem(Exception):
    """An API error, raised anywhere in a request and rendered at the edge."""

    def __init__(
        self,
        status: int,
        kind: str | None,
        detail: Text,
        issues: Sequence[Issue] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(kind or status)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.issues = list(issues)
        self.headers = headers or {}


def _bilingual(text: Text) -> dict[str, str]:
    spoken = {}
    for language in LANGUAGES:
        with force_locale(language):
            spoken[language] = text()
    return {
        "detail": spoken.get(current_language(), spoken["vi"]),
        "detail_vi": spoken["vi"],
        "detail_en": spoken["en"],
    }


def _issue(issue: Issue) -> dict[str, Any]:
    if issue.in_query:
        where = {"parameter": issue.field}
    else:  # a JSON Pointer, as a URI fragment (RFC 6901)
        pointer = issue.pointer or "/" + issue.field.replace("~", "~0").replace("/", "~1")
        where = {"pointer": "#" + pointer}
    return {"field": issue.field, **where, **_bilingual(issue.text)}


def render(problem: Problem) -> Response:
    status = problem.status
    title = _titles().get(status, _("Server error") if status >= 500 else _("Bad request"))
    body = {
        "type": TYPE_PREFIX + problem.kind if problem.kind else "about:blank",
        "title": title,
        "status": status,
        **_bilingual(problem.detail),
        "instance": request.path,
    }
    if problem.issues:
        body["errors"] = [_issue(issue) for issue in problem.issues]
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    response.headers.update(problem.headers)
    return response


# Turning the services' refusals into problems ----------------------------------------------


def attempt(call: Callable[[], T], field: str | None = None) -> T:
    """Run a service call; on a refusal, roll back and raise it as a problem.

    field names the input the refusal is about when the error does not say.
    """
    try:
        return call()
    except (errors.DomainError, identifiers.IdentifierError) as error:
        db.session.rollback()
        raise refusal(error, call, field) from error


def refusal(
    error: Exception, call: Callable[[], Any] | None = None, field: str | None = None
) -> Problem:
    text = _explanation(error, call)
    if isinstance(error, CONFLICTS):
        return Problem(409, _reason(error), text)
    if isinstance(error, errors.DomainError):
        field = getattr(error, "field", None) or error.params.get("field") or field
    issues = [Issue(field, text)] if field else []
    return Problem(422, _reason(error), text, issues)


def _reason(error: Exception) -> str:
    if isinstance(error, identifiers.IdentifierError):
        return "invalid_" + error.subject.lower().replace(" ", "_")
    return getattr(error, "reason", "invalid_input")


def _explanation(error: Exception, call: Callable[[], Any] | None) -> Text:
    """The refusal's explanation in each language.

    Most errors are explained by describe() in whatever language is active. A few
    services word their refusal themselves, in the language of the request, when
    they raise it (a FieldError's message): for those, the refused call is run once
    more in the other language, inside a transaction that is rolled back, to hear
    its explanation in that language too.
    """
    worded = getattr(error, "message", None)
    if not isinstance(worded, str) or call is None:
        return lambda: describe(error)
    spoken = {current_language(): worded}
    for language in LANGUAGES:
        if language in spoken:
            continue
        with force_locale(language):
            try:
                call()
            except (errors.DomainError, identifiers.IdentifierError) as again:
                spoken[language] = describe(again)
            finally:
                db.session.rollback()
    return lambda: spoken.get(current_language(), worded)


# Error handlers of the API blueprint -------------------------------------------------------


def handle_problem(problem: Problem) -> Response:
    return render(problem)


def handle_domain_error(error: errors.DomainError) -> Response:
    db.session.rollback()
    if isinstance(error, errors.NotFound):
        return render(Problem(404, error.reason, lambda: describe(error)))
    return render(refusal(error))


def handle_identifier_error(error: identifiers.IdentifierError) -> Response:
    db.session.rollback()
    return render(refusal(error))


def _retry_after() -> dict[str, str]:
    limit = limiter.current_limit
    if limit is None:
        return {}
    return {"Retry-After": str(max(1, int(limit.reset_at - time.time())))}


def handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 429:
        return render(
            Problem(
                429,
                "rate_limited",
                lambda: _("Too many requests with this token. Wait a moment and try again."),
                headers=_retry_after(),
            )
        )
    texts = {
        404: lambda: _("There is nothing at this address in the API."),
        405: lambda: _(
            "This address does not accept the %(method)s method.", method=request.method
        ),
        413: lambda: _("The request is too large."),
    }
    problem = Problem(
        status, None, texts.get(status, lambda: _("The request could not be processed."))
    )
    response = render(problem)
    allowed = getattr(error, "valid_methods", None)
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


def handle_unexpected(error: Exception) -> Response:
    if current_app.testing:
        raise error  # let the test see the traceback
    current_app.logger.exception("Unhandled error on %s", request.path)
    db.session.rollback()
    return render(
        Problem(500, None, lambda: _("Something went wrong on our side. Try again later."))
    )


def init_blueprint(bp) -> None:
    bp.register_error_handler(Problem, handle_problem)
    bp.register_error_handler(errors.DomainError, handle_domain_error)
    bp.register_error_handler(identifiers.IdentifierError, handle_identifier_error)
    bp.register_error_handler(HTTPException, handle_http_error)
    bp.register_error_handler(Exception, handle_unexpected)
