"""Structured logs: JSON lines with a request id in production, Flask's text in development."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests
from flask import Flask

from lookup_site import create_app
from lookup_site.extensions import db
from lookup_site.logs import JsonLogHandler, redact_personal_data

CLIENT_ADDRESS = "203.0.113.77"
FORWARDED_ADDRESS = "198.51.100.23"
PHONE = {"REMOTE_ADDR": CLIENT_ADDRESS}
HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def restore_logging():
    """JSON mode configures the root and the app's loggers, which outlive the app."""
    saved = [
        (logger, logger.level, list(logger.handlers))
        for logger in (logging.getLogger(), logging.getLogger("lookup_site"))
    ]
    yield
    for logger, level, handlers in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)


def make_app(app_config: dict, **overrides) -> Flask:
    app = create_app({**app_config, **overrides})
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def json_app(app_config):
    app = make_app(app_config, LOG_FORMAT="json")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def broken_app(app_config, tmp_path):
    """A production-like app (exceptions handled, not raised) whose database is unreachable."""

    def make(log_format: str) -> Flask:
        missing = tmp_path / "no-such-folder" / "db.sqlite3"
        overrides = {"TESTING": False, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}
        return create_app({**app_config, **overrides, "LOG_FORMAT": log_format})

    return make


def json_lines(text: str) -> list[dict]:
    """Every line of the output, each of which must be one JSON object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def access_lines(records: list[dict]) -> list[dict]:
    return [record for record in records if record["logger"] == "lookup_site.access"]


def test_each_request_writes_one_json_access_line(json_app, capsys):
    response = json_app.test_client().get("/healthz", environ_base=PHONE)
    records = json_lines(capsys.readouterr().err)

    assert response.status_code == 200
    (access,) = access_lines(records)
    assert access["level"] == "INFO"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/healthz", 200)
    assert isinstance(access["duration_ms"], int | float) and 0 <= access["duration_ms"] < 10_000
    assert access["message"] == "GET /healthz 200"
    assert access["timestamp"].endswith("Z")
    stamp = datetime.fromisoformat(access["timestamp"].replace("Z", "+00:00"))
    assert stamp.utcoffset().total_seconds() == 0
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])
    assert access["request_id"] == response.headers["X-Request-ID"]


def test_an_item_page_is_logged_with_its_path_but_not_its_query(json_app, capsys):
    client = json_app.test_client()
    client.get("/01/09520123450007/10/CH2023-01/21/ABC123?lang=en&token=secret", environ_base=PHONE)
    (access,) = access_lines(json_lines(capsys.readouterr().err))

    assert access["path"] == "/01/09520123450007/10/CH2023-01/21/ABC123"
    assert access["status"] == 404
    assert "secret" not in json.dumps(access)


def test_a_proxys_request_id_is_reused(json_app, capsys):
    incoming = "3f1c2e0a9b8d4c7e8f6a5b4c3d2e1f00"
    response = json_app.test_client().get("/healthz", headers={"X-Request-ID": incoming})
    (access,) = access_lines(json_lines(capsys.readouterr().err))

    assert response.headers["X-Request-ID"] == incoming
    assert access["request_id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["short", "a" * 129, '{"level": "ERROR"}', "id with spaces", "203.0.113.77", "2001:db8::1"],
)
def test_a_malformed_request_id_is_replaced(json_app, capsys, incoming):
    response = json_app.test_client().get("/healthz", headers={"X-Request-ID": incoming})
    (access,) = access_lines(json_lines(capsys.readouterr().err))

    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])
    assert access["request_id"] == response.headers["X-Request-ID"]


def test_every_request_gets_its_own_id(json_app):
    client = json_app.test_client()
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_a_server_error_logs_its_traceback_in_one_json_line(broken_app, capsys):
    app = broken_app("json")
    response = app.test_client().get("/healthz", environ_base=PHONE)
    output = capsys.readouterr().err
    records = json_lines(output)

    assert response.status_code == 500
    (error,) = [record for record in records if "exception" in record]
    assert error["level"] == "ERROR"
    assert error["logger"] == "lookup_site"
    assert error["message"] == "Unhandled error on /healthz"
    assert error["exception"].startswith("Traceback (most recent call last):")
    assert "unable to open database file" in error["exception"]
    assert error["exception_type"] == "OperationalError"
    assert error["request_id"] == response.headers["X-Request-ID"]
    (access,) = access_lines(records)
    assert (access["status"], access["request_id"]) == (500, error["request_id"])
    assert len(output.strip().splitlines()) == len(records)


def test_no_client_address_or_email_in_the_records(json_app, capsys):
    """A refused sign-in's rate-limit key holds the client's address and e-mail: neither shows."""
    client = json_app.test_client()
    headers = {"X-Forwarded-For": FORWARDED_ADDRESS, "User-Agent": "Mozilla/5.0"}
    form = {"email": "mai@example.vn", "password": "wrong"}
    statuses = [
        client.post("/login", data=form, headers=headers, environ_base=PHONE).status_code
        for _ in range(6)
    ]
    with json_app.test_request_context("/healthz"):
        json_app.logger.warning("a library names %s and %s", CLIENT_ADDRESS, "2001:db8::7")
    output = capsys.readouterr().err
    records = json_lines(output)

    assert statuses[-1] == 429
    assert len(access_lines(records)) == 6
    for forbidden in (CLIENT_ADDRESS, FORWARDED_ADDRESS, "2001:db8::7", "mai@example.vn"):
        assert forbidden not in output
    assert all(key not in record for record in records for key in ("remote_addr", "ip"))


def test_personal_data_is_blanked_but_times_and_codes_are_kept():
    assert redact_personal_data("ratelimit (login:203.0.113.7:mai@example.vn) exceeded") == (
        "ratelimit (login:[address]:[email]) exceeded"
    )
    assert redact_personal_data("from ::ffff:10.0.0.1 and 2001:db8::1.") == (
        "from [address] and [address]."
    )
    kept = "GET /01/09520123450007/10/CH-2023.01 at 2026-11-29T03:04:54.123Z 20.796800 v23.0.0"
    assert redact_personal_data(kept) == kept


def test_text_mode_is_flasks_own(app, client, capsys):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])
    assert capsys.readouterr().err == ""
    handlers = [*app.logger.handlers, *logging.getLogger().handlers]
    assert not any(isinstance(handler, JsonLogHandler) for handler in handlers)
    assert "json_logs" not in app.extensions


def test_text_mode_leaves_a_server_error_to_flasks_logging(broken_app, caplog, capsys):
    """Flask's own handler (or, under pytest, pytest's) writes it; nothing JSON is added."""
    app = broken_app("text")
    response = app.test_client().get("/healthz")

    assert response.status_code == 500
    (error,) = [record for record in caplog.records if record.exc_info]
    assert (error.name, error.getMessage()) == ("lookup_site", "Unhandled error on /healthz")
    assert not [record for record in caplog.records if record.name == "lookup_site.access"]
    assert "{" not in capsys.readouterr().err


def test_an_unknown_log_format_is_refused(app_config):
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        create_app({**app_config, "LOG_FORMAT": "xml"})


# gunicorn, for real: its own lines in JSON, no access log of its own, the app's access line.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_gunicorn(tmp_path: Path, log_format: str | None) -> str:
    """Start gunicorn with the production settings, ask /healthz once, stop; return its output."""
    pytest.importorskip("gunicorn")
    port = free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "SECRET_KEY": "gunicorn-test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    }
    env.pop("LOG_FORMAT", None)
    if log_format:
        env["LOG_FORMAT"] = log_format
    command = [sys.executable, "-m", "gunicorn", "-c", "python:lookup_site.gunicorn_conf"]
    server = subprocess.Popen(
        [*command, "lookup_site:create_app()"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        response = None
        deadline = time.monotonic() + 60
        while response is None and time.monotonic() < deadline and server.poll() is None:
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/healthz",
                    headers={"X-Request-ID": "gunicorn-request-0001"},
                    # The worker builds the app before it answers: slow on a busy machine.
                    timeout=60,
                )
            except requests.ConnectionError:
                time.sleep(0.2)
        assert response is not None and response.status_code == 200
        assert response.headers["X-Request-ID"] == "gunicorn-request-0001"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return output


@pytest.mark.slow
def test_gunicorn_writes_json_lines_and_the_apps_access_line(tmp_path):
    records = json_lines(run_gunicorn(tmp_path, "json"))

    loggers = {record["logger"] for record in records}
    assert "gunicorn.error" in loggers and "gunicorn.access" not in loggers
    assert any(record["message"].startswith("Booting worker") for record in records)
    (access,) = access_lines(records)
    assert (access["path"], access["status"]) == ("/healthz", 200)
    assert access["request_id"] == "gunicorn-request-0001"
    assert "127.0.0.1" not in json.dumps(records)


@pytest.mark.slow
def test_gunicorn_keeps_its_text_logs_by_default(tmp_path):
    output = run_gunicorn(tmp_path, None)

    assert "[INFO] Booting worker" in output
    assert '"GET /healthz HTTP/1.1" 200' in output
    assert "lookup_site.access" not in output
