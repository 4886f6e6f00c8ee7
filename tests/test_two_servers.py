"""Two real app servers side by side, as behind a load balancer (issue 7).

Two gunicorn processes on two ports share one PostgreSQL schema and one Redis, and
a separate `flask … jobs worker` runs the background jobs. The tests show what the
deployment guide promises: a sign-in made on one server holds on the other (and
its revocation too), the sign-in throttle counts attempts on both servers together,
and a job queued through one server is run by the worker and offered by the other.

They need PostgreSQL (TEST_DATABASE_URL, .ci/run's second pass), Redis on
127.0.0.1:6379 and gunicorn; they skip, saying which is missing, otherwise. Each run
has its own schema, Redis key prefix and queue name, all removed afterwards.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from lookup_site import create_app
from lookup_site.extensions import db
from lookup_site.models import LegalForm, OcopGroup, Producer, Product, Role
from lookup_site.services import accounts
from lookup_site.services import lots as lot_service

from .conftest import scratch_database
from .live_servers import (
    LiveServer,
    app_spec,
    launch_gunicorn,
    run_flask,
    stop_all,
    tail,
    wait_until_healthy,
)

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = "redis://127.0.0.1:6379/0"
PASSWORD = "correct horse battery"
FACILITY = "HTX Nước mắm Cát Hải (hai máy chủ)"
FACILITY_EN = "Cat Hai Fish Sauce Cooperative (two servers)"
# The default LOGIN_THROTTLE: failed sign-ins per address and e-mail in 15 minutes.
LOGIN_LIMIT = 5
ISSUED = 40
TIMEOUT = 10  # seconds for one HTTP request

CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Site:
    """Two servers of one site, with what the tests sign in as and work on."""

    a: LiveServer
    b: LiveServer
    spec: str
    env: dict[str, str]
    logs: Path
    queue: str
    lot_id: int
    producer_email: str
    revoked_email: str
    revoked_user_id: int
    admin_email: str

    def logs_of_servers(self) -> str:
        return "\n".join(server.logs() for server in (self.a, self.b))


def _require_services() -> None:
    if not POSTGRES_URL.startswith("postgresql"):
        pytest.skip(
            "two servers need one shared PostgreSQL database: set TEST_DATABASE_URL "
            "(.ci/run's PostgreSQL pass does)"
        )
    pytest.importorskip("gunicorn", reason="gunicorn is not installed (pip install -e '.[test]')")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: the shared state is untested")


@pytest.fixture(scope="module")
def schema_url() -> Iterator[str]:
    """A PostgreSQL schema of this module's own, dropped at the end."""
    _require_services()
    with scratch_database(Path("unused.sqlite3"), "two") as url:  # PostgreSQL: checked above
        yield url


@pytest.fixture(scope="module")
def redis_names() -> Iterator[tuple[str, str]]:
    """A rate-limit key prefix and an RQ queue name of this run; their keys go at the end."""
    import redis

    run = uuid.uuid4().hex[:12]
    prefix, queue = f"two-servers-{run}", f"two-servers-{run}"
    yield prefix, queue
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        doomed = list(connection.scan_iter(match=f"*{run}*", count=1000))
        # The job's own keys are named after the job, not the queue: find them through it.
        for key in connection.scan_iter(match="rq:job:txng-*", count=1000):
            if connection.hget(key, "origin") == queue.encode():
                doomed.extend([key, b"rq:results:" + key.split(b":", 2)[2]])
        if doomed:
            connection.delete(*doomed)
    finally:
        connection.close()


def _seed(database_url: str, uploads: Path) -> dict:
    """A facility with a lot, two producer users, and an admin, written in-process
    (create_all and a cheap password hash: seed-demo's migrations and catalogue
    would take ~15 s; the servers read these hashes whatever method made them)."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "seeding",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "UPLOAD_FOLDER": str(uploads),
        }
    )
    with app.app_context():
        db.create_all()
        facility = Producer(
            legal_form=LegalForm.COOPERATIVE,
            name_vi=FACILITY,
            name_en=FACILITY_EN,
            commune="Đặc khu Cát Hải",
            province="Hải Phòng",
            latitude=Decimal("20.795"),
            longitude=Decimal("106.905"),
        )
        product = Product(
            producer=facility,
            name_vi="Nước mắm cá cơm Cát Hải",
            name_en="Cat Hai anchovy fish sauce",
            ocop_group=OcopGroup.FOOD,
            gtin="09520123450007",
            net_content=Decimal("500"),
            net_content_unit="ml",
        )
        db.session.add_all([facility, product])
        lot = lot_service.create_lot(
            product, "CH2026-07", production_date=date(2026, 9, 1), quantity=Decimal("1200")
        )
        users = {
            "producer": accounts.create_user("hoa@two.example", PASSWORD, Role.PRODUCER, facility),
            "revoked": accounts.create_user("mai@two.example", PASSWORD, Role.PRODUCER, facility),
            "admin": accounts.create_user("admin@two.example", PASSWORD, Role.ADMIN),
        }
        db.session.commit()
        seeded = {"lot_id": lot.id, **{role: (u.email, u.id) for role, u in users.items()}}
        db.session.remove()
        db.engine.dispose()
    return seeded


@pytest.fixture(scope="module")
def site(schema_url, redis_names, tmp_path_factory) -> Iterator[Site]:
    """Two gunicorn servers (two workers and one) on the seeded schema, stopped at the end."""
    prefix, queue = redis_names
    logs = tmp_path_factory.mktemp("two-servers")
    uploads = logs / "uploads"
    env = {
        **os.environ,
        "DATABASE_URL": schema_url,
        # Not the development default, which a non-debug server refuses: one key for both,
        # so each accepts the other's session cookies and CSRF tokens.
        "SECRET_KEY": f"two-servers-{uuid.uuid4().hex}",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "JOBS_BACKEND": "rq",
        "JOBS_REDIS_URL": REDIS_URL,
        # On one machine the servers and the worker share the files; several machines
        # would mount one folder here.
        "UPLOAD_FOLDER": str(uploads),
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    for leftover in ("FLASK_APP", "FLASK_DEBUG", "TEST_DATABASE_URL"):
        env.pop(leftover, None)
    spec = app_spec({"JOBS_QUEUE": queue, "RATELIMIT_KEY_PREFIX": prefix, "LABEL_WORKERS": 1})
    servers: list[LiveServer] = []
    try:
        # A with two workers (so even one server is several processes), B with one.
        for name, workers in (("A", 2), ("B", 1)):
            log = logs / f"{name.lower()}.log"
            servers.append(launch_gunicorn(f"server {name}", spec, env, log, workers))
        # Written while the servers boot: they need the tables only once asked.
        seeded = _seed(schema_url, uploads)
        for server in servers:
            wait_until_healthy(server)
        yield Site(
            a=servers[0],
            b=servers[1],
            spec=spec,
            env=env,
            logs=logs,
            queue=queue,
            lot_id=seeded["lot_id"],
            producer_email=seeded["producer"][0],
            revoked_email=seeded["revoked"][0],
            revoked_user_id=seeded["revoked"][1],
            admin_email=seeded["admin"][0],
        )
    finally:
        stop_all(servers)
        shutil.rmtree(uploads, ignore_errors=True)


# --- a browser's side -------------------------------------------------------------


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field in the page"
    return found.group(1)


def sign_in(browser: requests.Session, server: LiveServer, email: str, password: str):
    """Fill the sign-in form as a browser does: GET it (session + CSRF), then POST."""
    form = browser.get(f"{server.url}/login?lang=en", timeout=TIMEOUT)
    assert form.status_code == 200, server.logs()
    return browser.post(
        f"{server.url}/login?lang=en",
        data={"csrf_token": csrf_token(form.text), "email": email, "password": password},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def dashboard(browser: requests.Session, server: LiveServer) -> requests.Response:
    return browser.get(f"{server.url}/producer/?lang=en", allow_redirects=False, timeout=TIMEOUT)


def signed_in_browser(server: LiveServer, email: str) -> requests.Session:
    browser = requests.Session()
    answer = sign_in(browser, server, email, PASSWORD)
    assert answer.status_code == 302, f"sign-in refused ({answer.status_code})\n{server.logs()}"
    return browser


def is_sign_in_redirect(answer: requests.Response) -> bool:
    return answer.status_code == 302 and "/login" in answer.headers["Location"]


# --- sessions ---------------------------------------------------------------------


def test_a_sign_in_on_one_server_holds_on_the_other(site):
    browser = requests.Session()
    answer = sign_in(browser, site.a, site.producer_email, PASSWORD)
    assert answer.status_code == 302, site.logs_of_servers()
    assert answer.headers["Location"].endswith("/producer/")
    # The cookie was made by A; B has never seen this browser.
    page = dashboard(browser, site.b)
    assert page.status_code == 200, site.logs_of_servers()
    assert FACILITY_EN in page.text

    # Signing out through B clears the session cookie; A then asks to sign in again.
    token = csrf_token(page.text)
    out = browser.post(
        f"{site.b.url}/logout?lang=en",
        data={"csrf_token": token},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert out.status_code == 302, site.logs_of_servers()
    assert is_sign_in_redirect(dashboard(browser, site.a))
    assert is_sign_in_redirect(dashboard(browser, site.b))


def test_ending_a_users_sessions_on_one_server_ends_them_on_the_other(site):
    producer = signed_in_browser(site.a, site.revoked_email)
    # A second copy of the cookie (another tab, or someone who copied it).
    stolen = requests.Session()
    stolen.cookies.update(producer.cookies)
    assert dashboard(stolen, site.b).status_code == 200

    # The Department resets the password through B: every session of the account ends.
    admin = signed_in_browser(site.b, site.admin_email)
    admin_page = admin.get(
        f"{site.b.url}/admin/users/{site.revoked_user_id}?lang=en", timeout=TIMEOUT
    )
    assert admin_page.status_code == 200, site.logs_of_servers()
    reset = admin.post(
        f"{site.b.url}/admin/users/{site.revoked_user_id}/password?lang=en",
        data={"csrf_token": csrf_token(admin_page.text)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert reset.status_code == 200, site.logs_of_servers()

    for server in (site.a, site.b):
        for browser in (producer, stolen):
            assert is_sign_in_redirect(dashboard(browser, server)), server.name
    # The old password is refused on either server.
    assert sign_in(requests.Session(), site.a, site.revoked_email, PASSWORD).status_code == 200


def test_the_producer_workspace_stays_closed_to_others_on_both_servers(site):
    shopper = requests.Session()
    for server in (site.a, site.b):
        assert is_sign_in_redirect(dashboard(shopper, server))
    admin = signed_in_browser(site.a, site.admin_email)
    for server in (site.a, site.b):
        assert admin.get(f"{server.url}/producer/", timeout=TIMEOUT).status_code == 403


# --- rate limits ------------------------------------------------------------------


def test_the_sign_in_throttle_counts_attempts_on_both_servers_together(site):
    browser = requests.Session()
    email = f"guess-{uuid.uuid4().hex[:8]}@two.example"
    servers = [site.a, site.b] * LOGIN_LIMIT
    seen = {site.a.name: 0, site.b.name: 0}
    for server in servers[:LOGIN_LIMIT]:
        answer = sign_in(browser, server, email, "wrong password")
        assert answer.status_code == 200, f"attempt on {server.name}\n{site.logs_of_servers()}"
        assert "Wrong e-mail address or password." in answer.text
        seen[server.name] += 1
    # Neither server alone has had its five failures: only their shared count has.
    assert max(seen.values()) < LOGIN_LIMIT, seen
    for server in (site.b, site.a):
        refused = sign_in(browser, server, email, "wrong password")
        assert refused.status_code == 429, f"{server.name}\n{site.logs_of_servers()}"
        assert "Too many attempts" in refused.text
    # The count is per address and e-mail: another account still signs in, on either server.
    assert sign_in(requests.Session(), site.b, site.producer_email, PASSWORD).status_code == 302


# --- background jobs --------------------------------------------------------------


def job_status(browser: requests.Session, server: LiveServer, job_path: str) -> dict:
    answer = browser.get(
        f"{server.url}{job_path}", headers={"Accept": "application/json"}, timeout=TIMEOUT
    )
    assert answer.status_code == 200, server.logs()
    return answer.json()


def test_a_job_queued_through_one_server_is_run_by_the_worker_and_offered_by_the_other(site):
    import redis
    from rq import Queue

    browser = signed_in_browser(site.a, site.producer_email)
    lot_page = browser.get(f"{site.a.url}/producer/lots/{site.lot_id}?lang=en", timeout=TIMEOUT)
    assert lot_page.status_code == 200, site.logs_of_servers()
    queued = browser.post(
        f"{site.a.url}/producer/lots/{site.lot_id}/serials?lang=en",
        data={"csrf_token": csrf_token(lot_page.text), "count": str(ISSUED)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert queued.status_code == 303, site.logs_of_servers()
    job_path = queued.headers["Location"]
    assert "/producer/jobs/" in job_path

    # No server runs it: it waits in this run's queue in Redis, seen the same from B.
    assert job_status(browser, site.b, job_path)["state"] == "queued"
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        assert Queue(site.queue, connection=connection).count == 1
        worker_log = site.logs / "worker.log"
        worker = run_flask(site.spec, ["jobs", "worker", "--burst"], site.env, worker_log)
        assert worker.returncode == 0, tail(worker_log)
        assert Queue(site.queue, connection=connection).count == 0
    finally:
        connection.close()

    status = job_status(browser, site.b, job_path)
    assert status["state"] == "done", f"{status}\n{tail(worker_log)}"
    assert (status["done"], status["total"], status["percent"]) == (ISSUED, ISSUED, 100)
    page = browser.get(f"{site.b.url}{job_path}?lang=en", timeout=TIMEOUT)
    assert f"Ready: {ISSUED} done." in page.text
    download = browser.get(f"{site.b.url}{status['download']}", timeout=TIMEOUT)
    assert download.status_code == 200, site.logs_of_servers()
    assert download.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8"))))
    assert rows[0] == ["serial", "url", "short_code"]
    assert len({row[0] for row in rows[1:]}) == ISSUED

    # Someone without the session gets no file from either server.
    for server in (site.a, site.b):
        stranger = requests.get(
            f"{server.url}{status['download']}", allow_redirects=False, timeout=TIMEOUT
        )
        assert is_sign_in_redirect(stranger)
