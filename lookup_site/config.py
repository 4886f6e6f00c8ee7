"""Configuration in layers: defaults, instance folder, environment, then the caller's mapping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import paths

DEFAULT_SECRET_KEY = "dev-only-change-me"


class DefaultConfig:
    SECRET_KEY = DEFAULT_SECRET_KEY
    # The base every printed code is built on. Printed labels outlive deployments,
    # so this is configured, never taken from the request's host.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    LANGUAGE_COOKIE = "lang"
    REPORT_EMAIL = "txng@example.org"
    SITE_NAME = "TXNG"
    # A diary entry may carry a few phone photos; each file has its own limit below.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    MAX_IMAGE_BYTES = 8 * 1024 * 1024
    MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
    MAX_IMAGE_PIXELS = 40_000_000
    JSON_SORT_KEYS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A phone form may stay open a long while in a shed: the token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    # Failed sign-ins allowed per e-mail address and client before a pause.
    LOGIN_THROTTLE = "5 per 15 minutes"
    # Item checks counted per client; beyond it the page shows but the check does not count.
    CHECK_COUNT_LIMIT = "20 per hour"
    # Requests to /api/v1 per token (per client address without a valid token).
    API_RATE_LIMIT = "600 per minute"
    # Seconds a shared cache (nginx, a CDN) may keep a lot, product or producer page, then
    # serve it stale while asking again: together, how long a recall can take to show.
    PUBLIC_PAGE_MAX_AGE = 30
    PUBLIC_PAGE_STALE = 30
    # Seconds each app process keeps a rendered public page for the next anonymous
    # visitors (0: off); at most PUBLIC_PAGE_MAX_AGE. Pages kept per process, at most:
    PAGE_CACHE_SECONDS = 5
    PAGE_CACHE_SIZE = 2000
    # Off: item pages show their counts but record nothing (the benchmark compares both).
    RECORD_SCANS = True
    # Two shared checks of one item this far apart within FAR_APART_HOURS flag it as copied.
    FAR_APART_KM = 200
    FAR_APART_HOURS = 12
    # How long the "share your province" form on an item's page stays valid.
    PLACE_TOKEN_MAX_AGE = 3600
    UPLOAD_FOLDER: str | None = None  # default: <instance>/uploads
    # Background jobs (item codes, label sheets): "thread" runs them in a worker thread
    # of the app (one machine); "rq" queues them in Redis (JOBS_REDIS_URL) for a separate
    # `flask --app lookup_site jobs worker`, shared by several app servers; "eager" runs
    # them inside the request (tests, scripts).
    JOBS_BACKEND = "thread"
    JOBS_REDIS_URL = "redis://127.0.0.1:6379/0"
    JOBS_QUEUE = "txng"
    # Processes drawing label sheets; None: one per CPU core.
    LABEL_WORKERS: int | None = None
    # Werkzeug's method string; the tests use a cheap one to stay fast.
    PASSWORD_HASH_METHOD = "scrypt"
    # The national traceability portal. Changes are always recorded in the outbox;
    # `flask --app lookup_site portal sync` sends them only once PORTAL_URL is set.
    PORTAL_URL: str | None = None
    # Sent as "Authorization: Bearer …": set it in the environment, never in a file.
    PORTAL_TOKEN: str | None = None
    # Seconds to connect, and to wait for each part of the answer.
    PORTAL_TIMEOUT = 10.0
    # Tries before an item is marked failed for the Department (11 to 15 hours of retries).
    PORTAL_MAX_ATTEMPTS = 12
    # Items one sync pass sends at most.
    PORTAL_BATCH = 100
    # "text" for development; production sets "json": one JSON object a line (logs.py).
    LOG_FORMAT = "text"


ENVIRONMENT_KEYS = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "REPORT_EMAIL": "REPORT_EMAIL",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "UPLOAD_FOLDER": "UPLOAD_FOLDER",
    "JOBS_BACKEND": "JOBS_BACKEND",
    "JOBS_REDIS_URL": "JOBS_REDIS_URL",
    "JOBS_QUEUE": "JOBS_QUEUE",
    "PORTAL_URL": "PORTAL_URL",
    "PORTAL_TOKEN": "PORTAL_TOKEN",
    "PORTAL_TIMEOUT": "PORTAL_TIMEOUT",
    "PORTAL_MAX_ATTEMPTS": "PORTAL_MAX_ATTEMPTS",
    "PORTAL_BATCH": "PORTAL_BATCH",
    "LOG_FORMAT": "LOG_FORMAT",
    "PAGE_CACHE_SECONDS": "PAGE_CACHE_SECONDS",
}


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Apply the configuration layers and refuse an unsafe production setup."""
    app.config.from_object(DefaultConfig)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(paths.resource_dir("translations"))
    app.config.from_pyfile("config.py", silent=True)
    for env_name, key in ENVIRONMENT_KEYS.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    if overrides:
        app.config.update(overrides)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        database = Path(app.instance_path) / "lookup_site.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    app.config["PUBLIC_BASE_URL"] = app.config["PUBLIC_BASE_URL"].rstrip("/")
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    if app.config["PUBLIC_BASE_URL"].startswith("https://") and not app.debug:
        # The site is served over HTTPS: sign-in cookies must never travel without it.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    if app.debug and not app.testing and app.config["PUBLIC_BASE_URL"].startswith("https://"):
        # An HTTPS public address means the codes printed on packages lead here: the
        # debugger would let any visitor run code on the server.
        raise RuntimeError(
            "Debug mode is on while PUBLIC_BASE_URL is an https:// production address: "
            "unset FLASK_DEBUG (and --debug), or use a local http:// PUBLIC_BASE_URL."
        )
    if not (app.debug or app.testing) and app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise RuntimeError(
            "SECRET_KEY is the development default: set the SECRET_KEY environment "
            "variable (or run with --debug for local development)."
        )


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for postgres URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
