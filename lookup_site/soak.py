"""`flask --app lookup_site soak`: producers write diaries while shoppers read lot pages.

A soak test over real HTTP against a real server: by default the command starts its own
gunicorn (``-c python:lookup_site.gunicorn_conf``) on a free local port, on the database
the app is configured with (SQLite file or PostgreSQL); ``--url`` targets a server that
is already running on that same database instead.

It prepares one facility per producer thread (a product with a GTIN, a lot, a producer
account and an API token, all made through the services), then for ``--seconds``:

- each producer thread posts diary entries on its own lot through the JSON API
  (``POST /api/v1/lots/{id}/events``), each carrying a unique marker in its note
  (``--writers-per-lot`` runs several threads per lot, as a facility's several phones);
- each shopper thread reads lot pages, by Digital Link and by short code, of the lots
  being written and of a few others, and checks that each is a 200 naming its lot.

Then it counts, in the database, the markers acknowledged (201) against those stored:
an acknowledged entry missing is *lost*, a marker stored twice is *duplicated*, and one
stored without a 201 is *unexpected*. It verifies each written lot's hash chain and
reports latency percentiles per kind of request. The exit status is 1 when any request
failed or any entry was lost, duplicated or unexpected.

The facilities it creates stay in the database (named "Soak …", not demo data): run it
on a test or staging database, never on production.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from markupsafe import escape
from sqlalchemy import select

from . import app_servers
from .extensions import db
from .identifiers import gtin_check_digit
from .links import lot_path
from .models import Event, LegalForm, Lot, OcopGroup, Producer, Product, Role
from .services import accounts, api_tokens, chain
from .services import lots as lot_service
from .services.clock import VIETNAM

EVENT_KIND = "POST diary entry"
DIGITAL_LINK_KIND = "GET lot page /01/…/10/…"
SHORT_CODE_KIND = "GET lot page /t/…"
EXAMPLES = 5  # failures shown per kind
ERROR_PAUSE = 0.1  # seconds a thread waits after a failed connection, not to spin
OTHER_LOTS = 20  # lots not being written that shoppers read as well
# The share of shopper reads that go to the lots being written (the rest: the others).
WRITTEN_SHARE = 0.7
WARM_UP_THREADS = 6  # a few requests for each worker (one per core plus one)
WARM_UP_SECONDS = 30.0
WARM_UP_ROUNDS = 2
# The User-Agent of the timed requests, which picks them out of the server's access log.
MEASURED_AGENT = "txng-soak"
WARM_UP_AGENT = "txng-soak-warm-up"
# The soak measures the database under concurrent writers, not the API's limiter: its
# own server lifts the per-token limit (a --url server keeps its own; 429s are counted).
SOAK_API_RATE_LIMIT = "1000000 per minute"


# --- Preparation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A lot one producer thread writes to, with the token it writes with."""

    index: int
    lot_id: int
    token: str


@dataclass(frozen=True)
class Page:
    """A lot page a shopper reads, and the text that proves it is that lot's."""

    kind: str
    path: str
    expect: str


def _free_gtin(rng: random.Random) -> str:
    """A GTIN-14 under the 893 (Vietnam) prefix that no product has yet."""
    while True:
        body = f"0893{rng.randrange(10**9):09d}"
        gtin = body + str(gtin_check_digit(body))
        if not db.session.scalar(select(Product.id).where(Product.gtin == gtin)):
            return gtin


def prepare(producers: int, run: str) -> list[Target]:
    """Create one facility, product, lot, producer account and API token per producer.

    The lot, the account and the token are made through the services, as the workspace
    makes them, so that the requests that follow meet the data the site itself creates.
    """
    rng = random.Random(run)
    targets = []
    for index in range(producers):
        producer = Producer(
            legal_form=LegalForm.COOPERATIVE,
            name_vi=f"Soak {run} cơ sở {index + 1}",
            name_en=f"Soak {run} facility {index + 1}",
            commune="Xã Thử nghiệm",
            province="Hải Phòng",
            latitude=Decimal("20.8"),
            longitude=Decimal("106.7"),
        )
        db.session.add(producer)
        product = Product(
            producer=producer,
            name_vi=f"Sản phẩm thử tải {index + 1}",
            name_en=f"Soak product {index + 1}",
            ocop_group=OcopGroup.FOOD,
            gtin=_free_gtin(rng),
        )
        db.session.add(product)
        db.session.flush()
        lot = lot_service.create_lot(
            product,
            f"SOAK-{run}-{index + 1}",
            production_date=datetime.now(VIETNAM).date(),
            quantity=Decimal("100"),
            quantity_unit="kg",
        )
        user = accounts.create_user(
            f"soak-{run.lower()}-{index + 1}@example.invalid",
            secrets.token_urlsafe(24),
            Role.PRODUCER,
            producer,
            f"Soak {run} producer {index + 1}",
        )
        _token, plain = api_tokens.create_token(producer, f"soak {run}", user)
        targets.append(Target(index + 1, lot.id, plain))
    db.session.commit()
    return targets


def _pages_of(lot: Lot) -> list[Page]:
    expect = str(escape(lot.code))  # as the template writes it
    pages = [Page(SHORT_CODE_KIND, f"/t/{lot.public_code}", expect)]
    if lot.product.gtin:
        pages.append(Page(DIGITAL_LINK_KIND, lot_path(lot), expect))
    return pages


def shopper_pages(targets: Sequence[Target], others: int) -> tuple[list[Page], list[Page]]:
    """The pages of the lots being written, and of up to others lots that are not."""
    written_ids = [target.lot_id for target in targets]
    written = [
        page
        for lot in db.session.scalars(select(Lot).where(Lot.id.in_(written_ids)))
        for page in _pages_of(lot)
    ]
    rest = db.session.scalars(
        select(Lot).where(Lot.id.not_in(written_ids)).order_by(Lot.id.desc()).limit(others)
    )
    return written, [page for lot in rest for page in _pages_of(lot)]


# --- Measuring -----------------------------------------------------------------------


@dataclass
class Recorder:
    """What every thread saw, gathered under one lock."""

    requests: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    throttled: Counter[str] = field(default_factory=Counter)
    acknowledged: dict[str, int] = field(default_factory=dict)  # marker → event id
    failed: set[str] = field(default_factory=set)  # markers whose request failed
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self, kind: str) -> None:
        with self.lock:
            self.requests[kind] += 1

    def timing(self, kind: str, milliseconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(milliseconds)

    def error(self, kind: str, description: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.examples[kind]) < EXAMPLES:
                self.examples[kind].append(description)

    def acknowledge(self, marker: str, event_id: int) -> None:
        with self.lock:
            self.acknowledged[marker] = event_id

    def fail(self, marker: str) -> None:
        with self.lock:
            self.failed.add(marker)

    def throttle(self, kind: str) -> None:
        with self.lock:
            self.throttled[kind] += 1


class Client:
    """One kept-alive HTTP connection per thread, reopened whenever the server closes it."""

    def __init__(self, base_url: str, timeout: float, agent: str = MEASURED_AGENT) -> None:
        parts = urlsplit(base_url)
        self.agent = agent
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if self.https else 80)
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] = {}
    ) -> tuple[int, bytes, Message]:
        if self.connection is None:
            kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self.connection = kind(self.host, self.port, timeout=self.timeout)
        try:
            self.connection.request(
                method, self.prefix + path, body=body, headers={"User-Agent": self.agent, **headers}
            )
            response = self.connection.getresponse()
            data = response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, data, response.headers

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _retry_after(headers: Message) -> float:
    try:
        return max(0.0, float(headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0


def produce(
    client: Client, target: Target, writer: str, deadline: float, recorder: Recorder
) -> None:
    """Post diary entries on target's lot until the deadline, one marker each.

    writer names this thread in the markers ("<run> p<producer>.<thread>"), so that
    several threads may write one lot and still tell their entries apart.
    """
    headers = {
        "Authorization": f"Bearer {target.token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    path = f"/api/v1/lots/{target.lot_id}/events"
    number = 0
    while time.monotonic() < deadline:
        number += 1
        marker = f"soak {writer} #{number}"
        body = json.dumps(
            {
                "step": "packing",
                "event_time": datetime.now(VIETNAM).isoformat(timespec="seconds"),
                "notes_vi": f"Nhật ký thử tải {marker}",
                "notes_en": marker,
            }
        ).encode()
        recorder.sent(EVENT_KIND)
        started = time.perf_counter()
        try:
            status, data, answer_headers = client.request("POST", path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            recorder.fail(marker)
            recorder.error(EVENT_KIND, f"{marker}: {type(error).__name__}: {error}")
            time.sleep(ERROR_PAUSE)
            continue
        recorder.timing(EVENT_KIND, (time.perf_counter() - started) * 1000)
        if status == 201:
            _acknowledge(recorder, marker, data)
        elif status == 429:
            # Not processed, so nothing to retry: wait as told and go on with the next one.
            recorder.throttle(EVENT_KIND)
            time.sleep(min(_retry_after(answer_headers), max(0.0, deadline - time.monotonic())))
        else:
            recorder.fail(marker)
            recorder.error(EVENT_KIND, f"{marker}: {_described(status, data)}")


def _described(status: int, data: bytes) -> str:
    """A refused request in a line: its status, problem type and English explanation."""
    try:
        problem = json.loads(data)
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        return f"{status} {data[:200]!r}"
    return f"{status} {problem.get('type')}: {problem.get('detail_en') or problem.get('title')}"


def _acknowledge(recorder: Recorder, marker: str, data: bytes) -> None:
    """Record a 201, after checking that it describes the entry that was sent."""
    try:
        answer = json.loads(data)
    except ValueError:
        answer = {}
    if answer.get("notes_en") != marker or not isinstance(answer.get("id"), int):
        recorder.fail(marker)
        recorder.error(EVENT_KIND, f"{marker}: 201 with another body {data[:300]!r}")
        return
    recorder.acknowledge(marker, answer["id"])


def shop(
    client: Client,
    written: Sequence[Page],
    others: Sequence[Page],
    seed: int,
    deadline: float,
    recorder: Recorder,
) -> None:
    """Read lot pages until the deadline; each must be a 200 that names its lot."""
    rng = random.Random(seed)
    headers = {"Accept": "text/html", "Accept-Language": rng.choice(("vi", "vi", "en"))}
    while time.monotonic() < deadline:
        pool = written if (not others or rng.random() < WRITTEN_SHARE) else others
        page = rng.choice(pool)
        recorder.sent(page.kind)
        started = time.perf_counter()
        try:
            status, data, answer_headers = client.request("GET", page.path, headers=headers)
        except (OSError, http.client.HTTPException) as error:
            recorder.error(page.kind, f"{page.path}: {type(error).__name__}: {error}")
            time.sleep(ERROR_PAUSE)
            continue
        recorder.timing(page.kind, (time.perf_counter() - started) * 1000)
        if status == 429:
            recorder.throttle(page.kind)
            time.sleep(min(_retry_after(answer_headers), max(0.0, deadline - time.monotonic())))
        elif status != 200:
            recorder.error(page.kind, f"{page.path}: {status}")
        elif page.expect not in data.decode("utf-8", "replace"):
            recorder.error(page.kind, f"{page.path}: 200 without its lot code {page.expect!r}")


def warm_up(
    base_url: str, targets: Sequence[Target], pages: Sequence[Page], threads: int, limit: float
) -> None:
    """Send every page and each token's diary list twice, untimed, before the clock.

    Each gunicorn worker builds its app, compiles templates and opens its database
    connection on its first requests; timed, that start-up would pass for the database.
    The requests are shared out among threads, so that every worker gets some.
    """
    requests = [(page.path, {"Accept": "text/html"}) for page in pages]
    requests += [
        (f"/api/v1/lots/{target.lot_id}/events", {"Authorization": f"Bearer {target.token}"})
        for target in targets
    ]
    pending = requests * WARM_UP_ROUNDS
    random.Random(0).shuffle(pending)
    lock = threading.Lock()
    give_up = time.monotonic() + limit

    def send() -> None:
        client = Client(base_url, timeout=limit, agent=WARM_UP_AGENT)
        while time.monotonic() < give_up:
            with lock:
                if not pending:
                    break
                path, headers = pending.pop()
            try:
                client.request("GET", path, headers=headers)
            except (OSError, http.client.HTTPException):
                pass  # a failure here is not measured; the timed run will show it
        client.close()

    senders = [threading.Thread(target=send) for _ in range(threads)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()


def run_load(
    base_url: str,
    targets: Sequence[Target],
    written: Sequence[Page],
    others: Sequence[Page],
    *,
    run: str,
    shoppers: int,
    seconds: float,
    timeout: float,
    writers_per_lot: int = 1,
) -> tuple[Recorder, float]:
    """Run the producer and shopper threads for seconds; return what they saw and how long."""
    recorder = Recorder()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=produce,
            args=(Client(base_url, timeout), target, writer, deadline, recorder),
            name=f"soak-producer-{writer}",
        )
        for target in targets
        for writer in (f"{run} p{target.index}.{n}" for n in range(1, writers_per_lot + 1))
    ]
    threads += [
        threading.Thread(
            target=shop,
            args=(Client(base_url, timeout), written, others, number, deadline, recorder),
            name=f"soak-shopper-{number}",
        )
        for number in range(shoppers)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return recorder, time.monotonic() - started


# --- Checking ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Diary entries acknowledged by the server against those found in the database."""

    acknowledged: int
    stored: int
    lost: list[str]  # acknowledged, not stored
    duplicated: dict[str, int]  # stored more than once: marker → times
    unexpected: list[str]  # stored, never acknowledged

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected)


def tally(acknowledged: Mapping[str, int] | set[str], stored: Sequence[str | None]) -> Tally:
    """Compare the markers the server acknowledged with the markers stored (one per row).

    A row without a marker (None) written to a soak lot is unexpected as well.
    """
    counts = Counter(stored)
    acked = set(acknowledged)
    return Tally(
        acknowledged=len(acked),
        stored=len(stored),
        lost=sorted(acked - set(counts)),
        duplicated={marker: n for marker, n in counts.items() if n > 1 and marker is not None},
        unexpected=sorted(str(marker) for marker in counts if marker not in acked),
    )


def stored_markers(lot_ids: Sequence[int]) -> list[str | None]:
    """The note of every entry on the soak's lots (each was written by the soak alone)."""
    return list(db.session.scalars(select(Event.notes_en).where(Event.lot_id.in_(lot_ids))))


def verify_chains(lot_ids: Sequence[int]) -> dict[str, chain.ChainVerdict]:
    """Each written lot's hash chain, recomputed from the rows: public code → verdict."""
    verdicts = {}
    for lot in db.session.scalars(select(Lot).where(Lot.id.in_(lot_ids)).order_by(Lot.id)):
        events = list(db.session.scalars(select(Event).where(Event.lot_id == lot.id)))
        verdicts[lot.public_code] = chain.verify_chain(events, lot.public_code)
    return verdicts


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of values (sorted or not)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil, at least the first
    return ordered[int(rank) - 1]


# gunicorn_conf's access log: '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'.
# Only the measured requests: they name themselves in the User-Agent.
ACCESS_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" \d{3} \S+ (?P<ms>\d+)ms '
    + f'"{MEASURED_AGENT}"'
)
EVENTS_PATH = re.compile(r"/api/v1/lots/\d+/events")


def server_timings(lines: Iterable[str]) -> dict[str, list[float]]:
    """Milliseconds each measured kind of request took inside gunicorn, from its access log.

    Set beside the client's figures, they tell time spent in the app and the database
    from time spent queueing for a free worker.
    """
    timings: dict[str, list[float]] = defaultdict(list)
    for line in lines:
        match = ACCESS_LINE.search(line)
        if match is None:
            continue
        method, path = match["method"], match["path"]
        if method == "POST" and EVENTS_PATH.fullmatch(path):
            kind = EVENT_KIND
        elif method == "GET" and path.startswith("/01/"):
            kind = DIGITAL_LINK_KIND
        elif method == "GET" and path.startswith("/t/"):
            kind = SHORT_CODE_KIND
        else:
            continue
        timings[kind].append(float(match["ms"]))
    return timings


# --- The server ----------------------------------------------------------------------


def server_app() -> Flask:
    """The app as production builds it, with the API's per-token limit lifted (see above)."""
    from . import create_app

    return create_app(
        {"API_RATE_LIMIT": os.environ.get("SOAK_API_RATE_LIMIT", SOAK_API_RATE_LIMIT)}
    )


@contextmanager
def own_server(workers: int | None) -> Iterator[tuple[str, Path]]:
    """Start gunicorn with the production settings on this app's database; stop it after."""
    env = dict(os.environ)
    env["DATABASE_URL"] = current_app.config["SQLALCHEMY_DATABASE_URI"]
    env["PUBLIC_BASE_URL"] = current_app.config["PUBLIC_BASE_URL"]
    env["UPLOAD_FOLDER"] = current_app.config["UPLOAD_FOLDER"]
    # A production server refuses the development key; sessions do not matter here.
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    handle, name = tempfile.mkstemp(prefix="txng-soak-gunicorn-", suffix=".log")
    os.close(handle)
    log = Path(name)
    with app_servers.gunicorn("lookup_site.soak:server_app()", env, log) as base_url:
        yield base_url, log


# --- Report --------------------------------------------------------------------------


def _percentiles(timings: Sequence[float]) -> str:
    if not timings:
        return f"{'-':>9}" * 4
    shares = "".join(f"{percentile(timings, share):9.1f}" for share in (0.5, 0.9, 0.99))
    return shares + f"{max(timings):9.1f}"


def report_lines(
    recorder: Recorder,
    elapsed: float,
    found: Tally,
    verdicts: Mapping[str, chain.ChainVerdict],
    inside: Mapping[str, Sequence[float]] | None = None,
) -> list[str]:
    """The figures, one line each, in the order a reader checks them."""
    lines = [f"ran {elapsed:.1f} s"]
    kinds = sorted(recorder.requests)
    lines.append(
        f"  {'request':<26}{'count':>8}{'per s':>8}{'errors':>8}"
        f"{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    )
    for kind in kinds:
        done = recorder.requests[kind]
        figures = _percentiles(recorder.latencies.get(kind, []))
        lines.append(
            f"  {kind:<26}{done:>8}{done / elapsed:>8.1f}{recorder.errors[kind]:>8}{figures}"
        )
    if inside:
        lines.append("  inside gunicorn (its access log), the same requests:")
        for kind in sorted(inside):
            count = len(inside[kind])
            lines.append(
                f"  {kind:<26}{count:>8}{count / elapsed:>8.1f}{'':>8}{_percentiles(inside[kind])}"
            )
    for kind, count in sorted(recorder.throttled.items()):
        lines.append(f"  throttled (429, waited as told): {kind}: {count}")
    lines.append(f"errors: {sum(recorder.errors.values())}")
    for kind in kinds:
        for example in recorder.examples.get(kind, []):
            lines.append(f"  {kind}: {example}")
    lines.append(
        f"diary entries: {found.acknowledged} acknowledged, {found.stored} stored, "
        f"{len(found.lost)} lost, {len(found.duplicated)} duplicated, "
        f"{len(found.unexpected)} unexpected"
    )
    for marker in found.lost[:EXAMPLES]:
        lines.append(f"  lost: {marker}")
    for marker, times in list(found.duplicated.items())[:EXAMPLES]:
        lines.append(f"  duplicated: {marker} stored {times} times")
    for marker in found.unexpected[:EXAMPLES]:
        failed = " (its request failed)" if marker in recorder.failed else ""
        lines.append(f"  unexpected: {marker}{failed}")
    broken = {code: verdict for code, verdict in verdicts.items() if not verdict.intact}
    checked = sum(verdict.checked for verdict in verdicts.values())
    lines.append(
        f"hash chains: {len(verdicts) - len(broken)} of {len(verdicts)} lots intact "
        f"({checked} entries verified)"
    )
    for code, verdict in broken.items():
        lines.append(f"  broken: lot {code} at entry {verdict.broken_at}")
    return lines


# --- Command -------------------------------------------------------------------------


@click.command("soak")
@click.option(
    "--seconds", type=click.FloatRange(min=0.5), default=60, show_default=True, help="Measured."
)
@click.option(
    "--producers", type=click.IntRange(min=1), default=4, show_default=True, help="Facilities."
)
@click.option(
    "--shoppers", type=click.IntRange(min=0), default=8, show_default=True, help="Page readers."
)
@click.option(
    "--writers-per-lot",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Producer threads posting to each lot at once (a facility's several devices).",
)
@click.option("--url", help="A running server on this database (default: start gunicorn).")
@click.option("--workers", type=click.IntRange(min=1), help="gunicorn workers (own server).")
@click.option("--timeout", type=float, default=10, show_default=True, help="Seconds per request.")
@with_appcontext
def soak_command(
    seconds: float,
    producers: int,
    shoppers: int,
    writers_per_lot: int,
    url: str | None,
    workers: int | None,
    timeout: float,
) -> None:
    """Producers post diary entries while shoppers read lot pages; count what went wrong.

    Creates one "Soak" facility per producer in the configured database: run it on a
    test or staging database. Exits with 1 on any error, lost or duplicated entry.
    """
    run = secrets.token_hex(3).upper()
    targets = prepare(producers, run)
    written, others = shopper_pages(targets, OTHER_LOTS)
    lot_ids = [target.lot_id for target in targets]
    database = db.engine.url.get_backend_name()
    db.session.remove()  # hold no connection (nor SQLite snapshot) during the run
    click.echo(
        f"soak {run}: {producers} producers"
        + (f" ({writers_per_lot} writers each)" if writers_per_lot > 1 else "")
        + f", {shoppers} shoppers, {seconds:g} s, "
        f"{database}, {len(written)} written-lot pages + {len(others)} other lot pages"
    )
    with _server(url, workers) as (base_url, log):
        click.echo(f"server: {base_url}" + (f" (gunicorn log {log})" if log else ""))
        started = time.monotonic()
        warm_up(base_url, targets, written + others, WARM_UP_THREADS, WARM_UP_SECONDS)
        click.echo(f"warmed up in {time.monotonic() - started:.1f} s; measuring")
        log_start = log.stat().st_size if log else 0
        recorder, elapsed = run_load(
            base_url,
            targets,
            written,
            others,
            run=run,
            shoppers=shoppers,
            seconds=seconds,
            timeout=timeout,
            writers_per_lot=writers_per_lot,
        )
    inside = _logged_timings(log, log_start) if log else None
    found = tally(recorder.acknowledged, stored_markers(lot_ids))
    verdicts = verify_chains(lot_ids)
    for line in report_lines(recorder, elapsed, found, verdicts, inside):
        click.echo(line)
    errors = sum(recorder.errors.values())
    if errors or not found.clean or not all(verdicts.values()):
        raise click.ClickException(
            f"soak failed: {errors} errors, {len(found.lost)} lost, "
            f"{len(found.duplicated)} duplicated, {len(found.unexpected)} unexpected entries"
        )
    click.echo("soak passed: no errors, no entry lost or duplicated, every chain intact.")


def _logged_timings(log: Path, start: int) -> dict[str, list[float]]:
    """The server's timings of the measured requests: the log from where the run began."""
    with log.open("rb") as handle:
        handle.seek(start)
        return server_timings(handle.read().decode("utf-8", "replace").splitlines())


@contextmanager
def _server(url: str | None, workers: int | None) -> Iterator[tuple[str, Path | None]]:
    if url:
        yield url.rstrip("/"), None
        return
    with own_server(workers) as (base_url, log):
        yield base_url, log


def init_app(app: Flask) -> None:
    app.cli.add_command(soak_command)
