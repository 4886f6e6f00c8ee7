"""Structured logs: one JSON object a line when LOG_FORMAT=json (production), with a request id.

Development keeps Flask's plain text (LOG_FORMAT=text, the default). In JSON mode every
record of the app, its libraries and gunicorn (see gunicorn_conf.py) is written to stderr as
one JSON object, and the app writes one access line per request with its status and duration.
No client address is ever written: the site promises shoppers that nothing personal is kept,
so the formatter also blanks any IP or e-mail address a library puts in a message.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, Response, current_app, g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
# What proxies send (nginx's $request_id is 32 hex digits, others send UUIDs); nothing that
# could break a log line or spell an address (no dots, no colons).
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,128}")
ACCESS_LOGGER = "lookup_site.access"
# Candidates for an IPv6 address (two colons at least) and an IPv4 one; ipaddress decides.
IPV6_CANDIDATE = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*")
IPV4_CANDIDATE = re.compile(r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9])")
REDACTED_ADDRESS = "[address]"
EMAIL_ADDRESS = re.compile(r"[^\s@:;,<>()\[\]\"']+@[^\s@:;,<>()\[\]\"']+")
REDACTED_EMAIL = "[email]"


def init_app(app: Flask) -> None:
    """Give every request an id, and write JSON logs when the configuration asks for them."""
    # First, so that the duration covers the other before_request functions (rate limits).
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request(finish_request)
    if app.config["LOG_FORMAT"] == "json":
        use_json_logs(app)
    elif app.config["LOG_FORMAT"] != "text":
        raise RuntimeError(f"LOG_FORMAT must be 'text' or 'json', not {app.config['LOG_FORMAT']!r}")


def use_json_logs(app: Flask) -> None:
    """Route the app's records, and every other logger's, to one JSON handler on the root."""
    root = logging.getLogger()
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in root.handlers):
        # gunicorn's logconfig_dict may have installed one already: one line per record.
        root.addHandler(JsonLogHandler())
    # Libraries speak at WARNING and above (Alembic and Flask-Limiter chatter at INFO);
    # the site's own loggers, lookup_site.*, at INFO: the access lines.
    root.setLevel(logging.WARNING)
    app.logger.removeHandler(default_handler)
    app.logger.setLevel(logging.INFO)
    app.extensions["json_logs"] = True


def start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = incoming_request_id() or uuid.uuid4().hex


def finish_request(response: Response) -> Response:
    """Echo the request id, and write the access line (JSON mode: gunicorn's is off)."""
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    if current_app.extensions.get("json_logs"):
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
        logging.getLogger(ACCESS_LOGGER).info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={"status": response.status_code, "duration_ms": duration_ms},
        )
    return response


def incoming_request_id() -> str | None:
    """The proxy's request id, when it is one we can safely repeat."""
    value = request.headers.get(REQUEST_ID_HEADER, "")
    return value if WELL_FORMED_REQUEST_ID.fullmatch(value) else None


def redact_personal_data(text: str) -> str:
    """Blank every e-mail, IPv4 and IPv6 address in a message: Flask-Limiter, for one, names
    the client's address and the e-mail typed into the sign-in form when it refuses a try."""
    return redact_ip_addresses(EMAIL_ADDRESS.sub(REDACTED_EMAIL, text))


def redact_ip_addresses(text: str) -> str:
    return IPV4_CANDIDATE.sub(_blank_address, IPV6_CANDIDATE.sub(_blank_address, text))


def _blank_address(match: re.Match[str]) -> str:
    """The match with the address in it blanked, or unchanged when it holds none (a time)."""
    candidate = match.group(0)
    # A key such as "login:2001:db8::1:" holds the address between its separators.
    for variant in (candidate, candidate.strip(":"), candidate.strip(".:")):
        try:
            ipaddress.ip_address(variant)
        except ValueError:
            continue
        return candidate.replace(variant, REDACTED_ADDRESS)
    return candidate


class JsonFormatter(logging.Formatter):
    """Write a record as one line of JSON: time (UTC), level, logger, message, request."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_personal_data(record.getMessage()),
            "process": record.process,
        }
        document.update(request_fields(record))
        if record.exc_info:
            document["exception_type"] = getattr(record.exc_info[0], "__name__", None)
            document["exception"] = redact_personal_data(self.formatException(record.exc_info))
        elif record.exc_text:
            document["exception"] = redact_personal_data(record.exc_text)
        if record.stack_info:
            document["stack"] = self.formatStack(record.stack_info)
        return json.dumps(document, ensure_ascii=False, default=str)


def request_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The request a record was written during: id, method, path, and the access line's
    status and duration. Never the client's address, nor the query string."""
    fields: dict[str, Any] = {}
    if has_request_context():
        fields["request_id"] = g.get("request_id")
        fields["method"] = request.method
        fields["path"] = request.path
    for name in ("status", "duration_ms"):
        if hasattr(record, name):
            fields[name] = getattr(record, name)
    return fields


class JsonLogHandler(logging.StreamHandler):
    """A JSON handler on whatever sys.stderr is when a record is written (like logging's
    last-resort handler), so a redirected stderr still gets the lines."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # always the current sys.stderr
