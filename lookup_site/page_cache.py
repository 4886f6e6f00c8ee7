"""Rendered public pages kept for a few seconds in each app process.

A lot page is read far more often than it changes: a gift box on a market stall at
Tết is scanned by hundreds of shoppers an hour, and the page only changes when its
producer or an inspector records something. Shared caches may already keep such a
page PUBLIC_PAGE_MAX_AGE seconds (http_cache.py), so each app process may as well
keep the answer it rendered for PAGE_CACHE_SECONDS (default 5, never more than that
bound): repeated views are then answered without a query or a template, on a small
machine without nginx in front as well as behind it. A recall still shows within
the time the site already promises.

Only what is the same for every shopper is kept: answers to GET/HEAD requests
without a session or remember-me cookie and without credentials, that the view
itself marked ``public`` (lot, product and producer pages — never an item page,
whose every view counts a check, nor a signed-in page), with status 200 and no
cookie set. The key is the path with its query, the negotiated language and the
Accept header (HTML, JSON and linksets share a URL). A hit still goes through the
app's after_request functions, so it carries the same security headers, and still
answers a conditional request with 304.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache
from flask import Flask, Response, current_app, g, request
from werkzeug.datastructures import Headers

from .i18n import select_locale

# Headers that belong to the page itself; the rest are added to every answer anyway.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Cache-Control",
    "ETag",
    "Last-Modified",
    "Vary",
    "Link",
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
)


@dataclass(frozen=True)
class Page:
    body: bytes
    headers: Headers


class PageCache:
    """A bounded, thread-safe map from request keys to rendered pages that expire."""

    def __init__(self, seconds: float, size: int, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self._pages: TTLCache = TTLCache(maxsize=size, ttl=seconds, timer=lambda: self.clock())
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Page | None:
        with self._lock:
            return self._pages.get(key)

    def put(self, key: tuple, page: Page) -> None:
        with self._lock:
            self._pages[key] = page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        with self._lock:
            self._pages.expire()
            return len(self._pages)


def page_cache(app: Flask | None = None) -> PageCache | None:
    return (app or current_app).extensions.get("page_cache")


def anonymous_request() -> bool:
    """True when nothing in the request could make its page differ from anyone else's."""
    if request.method not in ("GET", "HEAD") or "Authorization" in request.headers:
        return False
    cookies = request.cookies
    config = current_app.config
    return config["SESSION_COOKIE_NAME"] not in cookies and (
        config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
    )


def request_key() -> tuple:
    return (
        request.path,
        request.query_string,
        select_locale(),
        request.headers.get("Accept", ""),
    )


def serve_cached_page() -> Response | None:
    """Before anything else: answer from the cache when this exact page is there."""
    cache = page_cache()
    if cache is None or not anonymous_request():
        return None
    g.page_cache_key = key = request_key()
    page = cache.get(key)
    if page is None:
        return None
    g.page_cache_hit = True
    response = Response(page.body, headers=page.headers)
    return response.make_conditional(request)


def keep_page(response: Response) -> Response:
    """After everything else: keep a public, cookie-free 200 answer for the next visitors."""
    key = g.pop("page_cache_key", None)
    if key is None or g.get("page_cache_hit") or request.method != "GET":
        return response
    if (
        response.status_code != 200
        or response.is_streamed
        or "Set-Cookie" in response.headers
        or not response.cache_control.public
    ):
        return response
    headers = Headers([(name, value) for name, value in response.headers if name in KEPT_HEADERS])
    page_cache().put(key, Page(response.get_data(), headers))
    return response


def init_app(app: Flask) -> None:
    seconds = float(app.config["PAGE_CACHE_SECONDS"])
    bound = float(app.config["PUBLIC_PAGE_MAX_AGE"])
    if seconds > bound:
        raise RuntimeError(
            f"PAGE_CACHE_SECONDS ({seconds}) must not exceed PUBLIC_PAGE_MAX_AGE ({bound}): "
            "a recall must show within the time shared caches are allowed."
        )
    if seconds <= 0:
        return
    app.extensions["page_cache"] = PageCache(seconds, int(app.config["PAGE_CACHE_SIZE"]))
    # First among the before_request functions (a hit skips the rest: no query, no
    # session, no rate-limit storage) and, registered first, last among after_request
    # ones, so the page is kept with every header the others added.
    app.before_request_funcs.setdefault(None, []).insert(0, serve_cached_page)
    app.after_request_funcs.setdefault(None, []).insert(0, keep_page)
