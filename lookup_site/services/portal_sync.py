"""Send the outbox to the national traceability portal.

One pass (``sync``) sends the due items oldest first: pending, ``next_attempt_at``
reached, and no older pending item for the same record (so that an older state of a
lot never lands after a newer one). Each item goes with its own ``Idempotency-Key``,
the same on every try, so the portal can apply it once however often it arrives.

Outcomes:

- a 2xx whose body the adapter accepts as an acknowledgement: ``sent``, the
  acknowledgement stored;
- no connection, no answer in time, a 5xx, 408, 429, a redirect or a 2xx with a body
  that is no acknowledgement: tried again later, after 30 s·2^(tries−1) (at most 6 h,
  less up to a quarter at random so that retries spread out, and never before a
  ``Retry-After`` the portal gave); after ``PORTAL_MAX_ATTEMPTS`` tries, ``failed``;
- any other 4xx: the portal refuses the item as it is, so it is ``failed`` at once,
  with the portal's message, for the Department to see.

A pass stops early when the portal seems down or asks to slow down (no connection,
a timeout, 429 or 503): the other items stay due and are sent by the next pass.

Two passes at once (two cron jobs, a loop and a manual run) never send one item at
the same time: a pass claims an item before sending it with a conditional UPDATE,
``SET next_attempt_at = now + lease WHERE id = … AND next_attempt_at = <as read>``,
committed at once. Only one pass can match that row; the other sees 0 rows and moves
to the next item. This works alike on SQLite (writers take turns) and PostgreSQL
(the second UPDATE waits for the first to commit, then finds the row changed), and
holds no transaction open while waiting for the portal, as ``SELECT … FOR UPDATE
SKIP LOCKED`` would. If a pass dies after claiming, the item is due again when its
lease ends, and is sent again with the same key.

HTTP goes through requests: the most widely used Python client, actively maintained,
with connect and read timeouts and connection reuse; nothing here needs async.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from flask import current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased
from urllib3.exceptions import ReadTimeoutError

from ..errors import DomainError
from ..extensions import db
from ..models import OutboxItem, OutboxState
from ..models.base import utcnow
from . import portal_adapter as adapter
from .clock import as_utc

BACKOFF_BASE = 30.0  # seconds before the second try
BACKOFF_CAP = 6 * 3600.0
MAX_ANSWER_BYTES = 64 * 1024
MIN_LEASE = timedelta(minutes=5)
CANDIDATES = 20  # due items read at once; claimed one by one
USER_AGENT = "txng-lookup-site (+national portal connector)"
# Answers that say the portal as a whole is unwell: the pass stops.
PORTAL_UNWELL = {"connection", "timeout", "rate_limited", "unavailable"}

Clock = Callable[[], datetime]


class PortalNotConfigured(DomainError):
    """PORTAL_URL is not set: the connector is off (changes are still recorded)."""

    reason = "portal_not_configured"


class InvalidPortalSetting(DomainError):
    reason = "invalid_portal_setting"


@dataclass(frozen=True)
class PortalSettings:
    url: str
    token: str | None
    timeout: float
    max_attempts: int
    batch: int

    @property
    def shown_url(self) -> str:
        """The URL without any user:password in it, for pages and logs."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))

    @property
    def lease(self) -> timedelta:
        """How long a claimed item is left to one pass: longer than any try can take."""
        return max(MIN_LEASE, timedelta(seconds=6 * self.timeout))


def _number(config: Any, key: str, kind: type, minimum: float) -> Any:
    value = config.get(key)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise InvalidPortalSetting(f"{key} must be a number, not {value!r}", key=key) from None
    if number < minimum:
        raise InvalidPortalSetting(f"{key} must be at least {minimum}", key=key)
    return number


def settings(config: Any = None) -> PortalSettings:
    """Read the PORTAL_* settings (environment values arrive as strings)."""
    config = current_app.config if config is None else config
    url = (config.get("PORTAL_URL") or "").strip()
    if not url:
        raise PortalNotConfigured("PORTAL_URL is not set: the portal connector is off")
    if not url.startswith(("https://", "http://")):
        raise InvalidPortalSetting(f"PORTAL_URL must be an https:// URL, not {url!r}")
    return PortalSettings(
        url=url,
        token=(config.get("PORTAL_TOKEN") or "").strip() or None,
        timeout=_number(config, "PORTAL_TIMEOUT", float, 0.001),
        max_attempts=_number(config, "PORTAL_MAX_ATTEMPTS", int, 1),
        batch=_number(config, "PORTAL_BATCH", int, 1),
    )


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Return the wait after the attempts-th failed try: 30 s·2^(attempts−1), at most 6 h.

    Each wait is cut by up to a quarter at random, so that items which failed
    together do not all come back at the same second; the waits still grow.
    """
    exponent = min(max(attempts - 1, 0), 30)
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2**exponent)
    return timedelta(seconds=ceiling * (rng or random).uniform(0.75, 1.0))


# -- one try -----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one try of one item came to."""

    acknowledgement: dict[str, Any] | None = None
    kind: str | None = None  # why it failed: timeout, connection, server_error, …
    detail: str = ""
    permanent: bool = False  # the portal refused the item itself: do not try again
    retry_after: float | None = None  # seconds the portal asked us to wait

    @property
    def sent(self) -> bool:
        return self.acknowledgement is not None

    @property
    def error(self) -> str:
        return f"{self.kind}: {self.detail}"[:500]


class _AnswerTooSlow(Exception):
    pass


class _AnswerTooLarge(Exception):
    pass


def _read_answer(response: requests.Response, deadline: float) -> bytes:
    """Read the answer's body, refusing one that trickles in or never ends."""
    chunks, size = [], 0
    for chunk in response.iter_content(8192):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise _AnswerTooLarge
        if time.monotonic() > deadline:
            raise _AnswerTooSlow
        chunks.append(chunk)
    return b"".join(chunks)


def _connection_detail(error: Exception) -> str:
    """Name why a connection failed in a few words, without requests' long wrapping."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(error))
    return found.group(1).strip() if found else type(error).__name__


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), BACKOFF_CAP)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max((as_utc(moment) - utcnow()).total_seconds(), 0.0), BACKOFF_CAP)


def send(http: requests.Session, config: PortalSettings, item: OutboxItem) -> Outcome:
    """Send one item once and say what came of it; never raises for the portal's faults."""
    try:
        request = adapter.request_for(item.entity, item.action, item.payload)
    except ValueError as error:  # the adapter no longer knows where this goes
        return Outcome(kind="adapter", detail=str(error), permanent=True)
    headers = {
        "Idempotency-Key": item.idempotency_key,
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
    }
    if config.token:
        headers["Authorization"] = f"Bearer {config.token}"
    started = time.monotonic()
    try:
        response = http.request(
            request.method,
            adapter.url_for_path(config.url, request.path),
            json=request.body,
            headers=headers,
            timeout=(config.timeout, config.timeout),
            allow_redirects=False,
            stream=True,
        )
    except requests.Timeout:
        return Outcome(kind="timeout", detail=f"no answer within {config.timeout:g} s")
    except requests.RequestException as error:
        return Outcome(kind="connection", detail=_connection_detail(error))
    with response:
        try:
            body = _read_answer(response, started + 2 * config.timeout)
        except (_AnswerTooSlow, requests.Timeout):
            return Outcome(
                kind="timeout", detail=f"answer not complete within {2 * config.timeout:g} s"
            )
        except requests.ConnectionError as error:
            if error.args and isinstance(error.args[0], ReadTimeoutError):
                return Outcome(kind="timeout", detail=f"answer stalled for {config.timeout:g} s")
            return Outcome(kind="connection", detail=_connection_detail(error))
        except requests.RequestException as error:
            return Outcome(kind="connection", detail=_connection_detail(error))
        except _AnswerTooLarge:
            return Outcome(
                kind="bad_acknowledgement",
                detail=f"HTTP {response.status_code}: answer larger than {MAX_ANSWER_BYTES} bytes",
            )
    return _judge(response, body)


def _judge(response: requests.Response, body: bytes) -> Outcome:
    status = response.status_code
    if 200 <= status < 300:
        try:
            return Outcome(acknowledgement=adapter.acknowledgement_from(body))
        except adapter.NotAnAcknowledgement as error:
            return Outcome(kind="bad_acknowledgement", detail=f"HTTP {status}: {error}")
    said = adapter.refusal_message(body, limit=200)
    if 400 <= status < 500 and status not in (408, 429):
        return Outcome(kind="rejected", detail=f"HTTP {status}: {said}", permanent=True)
    if status == 429:
        kind = "rate_limited"
    elif status == 503:
        kind = "unavailable"
    elif status >= 500:
        kind = "server_error"
    else:  # 408, a redirect, a 1xx: nothing usable, but nothing said against the item
        kind = "unexpected_answer"
    return Outcome(kind=kind, detail=f"HTTP {status}: {said}", retry_after=_retry_after(response))


# -- a pass ------------------------------------------------------------------------


@dataclass
class SyncReport:
    sent: int = 0
    failed: int = 0  # given up on in this pass: the Department must look
    deferred: int = 0  # failed this time, tried again later
    stopped: str | None = None  # why the pass ended before its limit, if the portal is unwell

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.deferred

    @property
    def ok(self) -> bool:
        return not (self.failed or self.deferred)


@dataclass(frozen=True)
class _Claim:
    item: OutboxItem
    lease_until: datetime


def _blocked_by_older():
    """An older item of the same record is still pending: it must go first."""
    older = aliased(OutboxItem)
    return exists().where(
        older.state == OutboxState.PENDING,
        older.entity == OutboxItem.entity,
        older.entity_id == OutboxItem.entity_id,
        older.id < OutboxItem.id,
    )


def _due(
    now: datetime, excluded: Collection[int] = (), count: int = CANDIDATES
) -> list[tuple[int, datetime]]:
    """Return (id, next_attempt_at) of the oldest due items that are the first pending
    item of their record, leaving out the excluded ids.

    One pass over the pending items (a GROUP BY), however many there are: a NOT EXISTS
    per item would cost a scan of the outbox per item without an index on the record.
    """
    first_of_record = (
        select(func.min(OutboxItem.id))
        .where(OutboxItem.state == OutboxState.PENDING)
        .group_by(OutboxItem.entity, OutboxItem.entity_id)
    )
    query = (
        select(OutboxItem.id, OutboxItem.next_attempt_at)
        .where(
            OutboxItem.id.in_(first_of_record),
            OutboxItem.id.not_in(excluded),
            OutboxItem.state == OutboxState.PENDING,
            OutboxItem.next_attempt_at <= now,
        )
        .order_by(OutboxItem.id)
        .limit(count)
    )
    rows = [(row.id, row.next_attempt_at) for row in db.session.execute(query)]
    # End the read before claiming: on SQLite a write must not start from an old snapshot.
    db.session.rollback()
    return rows


def _claim(item_id: int, seen_due: datetime, now: datetime, lease: timedelta) -> _Claim | None:
    """Take item_id for this pass if it is as it was read and still first of its record."""
    lease_until = now + lease
    claimed = db.session.execute(
        update(OutboxItem)
        .where(
            OutboxItem.id == item_id,
            OutboxItem.state == OutboxState.PENDING,
            OutboxItem.next_attempt_at == seen_due,
            # An older item may have come back meanwhile (a retry from the Department).
            ~_blocked_by_older(),
        )
        .values(next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None  # another pass took it, or it is no longer due
    return _Claim(db.session.get(OutboxItem, item_id), lease_until)


def _record(
    claim: _Claim,
    outcome: Outcome,
    now: datetime,
    config: PortalSettings,
    rng: random.Random | None,
) -> str:
    """Store what came of a try, if this pass still holds the item; return the result."""
    attempts = claim.item.attempts + 1
    values: dict[str, Any] = {"attempts": attempts}
    if outcome.sent:
        result = "sent"
        values.update(state=OutboxState.SENT, sent_at=now, acknowledgement=outcome.acknowledgement)
    elif outcome.permanent or attempts >= config.max_attempts:
        result = "failed"
        values.update(state=OutboxState.FAILED, last_error=outcome.error, next_attempt_at=now)
    else:
        result = "deferred"
        wait = backoff(attempts, rng)
        if outcome.retry_after is not None:
            wait = max(wait, timedelta(seconds=outcome.retry_after))
        values.update(last_error=outcome.error, next_attempt_at=now + wait)
    stored = db.session.execute(
        update(OutboxItem)
        .where(
            OutboxItem.id == claim.item.id,
            OutboxItem.state == OutboxState.PENDING,
            OutboxItem.next_attempt_at == claim.lease_until,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    # 0 rows: the lease ran out and another pass took the item over; it records its own try.
    return result if stored.rowcount == 1 else "lost"


def sync(
    limit: int | None = None,
    *,
    clock: Clock = utcnow,
    rng: random.Random | None = None,
) -> SyncReport:
    """Send up to limit due items (PORTAL_BATCH by default), oldest first.

    Commits as it goes (each claim and each outcome): call it with no unsaved work in
    the session. Raises PortalNotConfigured when PORTAL_URL is not set.
    """
    config = settings()
    limit = config.batch if limit is None else limit
    report = SyncReport()
    # Items tried in this pass and still pending, and items another pass took: each
    # item is tried at most once a pass, even if it falls due again meanwhile.
    excluded: set[int] = set()
    candidates: list[tuple[int, datetime]] = []
    with requests.Session() as http:
        while report.attempted < limit:
            if not candidates:
                # Read afresh: sending an item may have made its record's next one first.
                candidates = _due(clock(), excluded)
                if not candidates:
                    break
            item_id, seen_due = candidates.pop(0)
            claim = _claim(item_id, seen_due, clock(), config.lease)
            if claim is None:
                excluded.add(item_id)
                continue
            outcome = send(http, config, claim.item)
            result = _record(claim, outcome, clock(), config, rng)
            if result in ("deferred", "lost"):
                excluded.add(item_id)
            if result == "sent":
                report.sent += 1
            elif result == "failed":
                report.failed += 1
            elif result == "deferred":
                report.deferred += 1
            if not outcome.sent and outcome.kind in PORTAL_UNWELL:
                report.stopped = outcome.error
                break
    return report


__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "InvalidPortalSetting",
    "Outcome",
    "PortalNotConfigured",
    "PortalSettings",
    "SyncReport",
    "backoff",
    "send",
    "settings",
    "sync",
]
