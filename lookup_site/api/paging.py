"""Lists in pages: a cursor that survives new rows, and the next page's address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import jsonify, request, url_for
from sqlalchemy import Select

from ..extensions import db
from . import bodies, openapi


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_url: str | None


def fetch(query: Select, key: Any, key_of) -> Page:
    """One page of query's rows in the order of key, from the request's cursor on.

    The cursor is the key of the last row of the previous page, so rows added
    meanwhile neither repeat nor shift a page; key_of(row) reads it from a row.
    """
    params = bodies.query(("limit", "cursor"))
    limit = params.get("limit", openapi.DEFAULT_LIMIT)
    if "cursor" in params:
        query = query.where(key > int(params["cursor"]))
    rows = list(db.session.scalars(query.order_by(key).limit(limit + 1)))
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    # The query's own arguments are kept (filters, lang), but none may pose as the path's
    # or as one of url_for's own (_external, _anchor, …).
    kept = {
        name: value
        for name, value in request.args.items()
        if not name.startswith("_") and name not in request.view_args
    }
    args = {**kept, "limit": str(limit), "cursor": str(key_of(rows[-1]))}
    next_url = url_for(request.endpoint, **request.view_args, **args, _external=True)
    return Page(rows, next_url)


def respond(page: Page, items: list[dict[str, Any]]):
    response = jsonify({"items": items, "next": page.next_url})
    if page.next_url:
        response.headers["Link"] = f'<{page.next_url}>; rel="next"'
    return response
