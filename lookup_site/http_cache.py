"""Conditional answers for the public pages: ETag, Last-Modified, 304, Cache-Control.

A shared cache (the nginx micro-cache, a CDN) may keep a public page for
PUBLIC_PAGE_MAX_AGE seconds and serve it stale for PUBLIC_PAGE_STALE more while it
asks again; together they bound how long a recall can take to show. Browsers and
caches revalidate with If-None-Match / If-Modified-Since, answered with 304 from a
page version (services/page_versions.py) before anything is rendered.

Visitors with a session (signed in, or with a message waiting to be shown) are
never cached: their pages carry a sign-out form with a token of their session, or
a message meant for them alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, make_response, request, session
from flask_login import current_user
from werkzeug.http import is_resource_modified

from . import paths
from .i18n import current_language
from .services.page_versions import PageVersion

PRIVATE = "private, no-cache"


def deployment_fingerprint(app: Flask) -> str:
    """Hash the templates and catalogues once: a deployment that changes them changes every ETag."""
    known = app.extensions.get("page_fingerprint")
    if known is None:
        digest = hashlib.sha256()
        for folder in ("templates", "translations"):
            root = paths.resource_dir(folder)
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix in {".html", ".xml", ".mo"}:
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(path.read_bytes())
        known = app.extensions["page_fingerprint"] = digest.hexdigest()[:16]
    return known


def page_etag(version: PageVersion, representation: str) -> str:
    """What the visitor would see: the content, its language and form, the code.

    No date: a page that changes when a day comes (an expiry) has that day's start
    among its version's parts and Last-Modified (services/page_versions.py), so an
    unchanged page keeps its validators from one day to the next.
    """
    digest = hashlib.sha256()
    for part in (
        deployment_fingerprint(current_app),
        current_language(),
        representation,
        repr(version.parts),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def conditional_page(
    version: PageVersion, render: Callable[[], Any], representation: str = "html"
) -> Response:
    """Answer 304 if the client holds this version, else render; mark the answer cacheable."""
    if session or current_user.is_authenticated:
        response = make_response(render())
        response.headers["Cache-Control"] = PRIVATE
        return response
    etag = page_etag(version, representation)
    if request.method in ("GET", "HEAD") and not is_resource_modified(
        request.environ, etag=f'W/"{etag}"', last_modified=version.last_modified
    ):
        response = Response(status=304)
        response.headers.remove("Content-Type")
    else:
        response = make_response(render())
    if response.status_code not in (200, 304):
        return response
    response.set_etag(etag, weak=True)
    if version.last_modified is not None:
        response.last_modified = version.last_modified
    config = current_app.config
    response.headers["Cache-Control"] = (
        f"public, max-age={config['PUBLIC_PAGE_MAX_AGE']}, "
        f"stale-while-revalidate={config['PUBLIC_PAGE_STALE']}"
    )
    response.vary.add("Accept")
    return response
