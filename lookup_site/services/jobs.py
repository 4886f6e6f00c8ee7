"""Background jobs: long tasks (item codes, label sheets) run away from the web request.

A job is a row (``models.Job``) holding its whole public state: what to do, how far
it got, and where its file is. Three backends run it, chosen by ``JOBS_BACKEND``:

- ``thread`` (default): a single worker thread inside the app process. Enough for the
  embedded SQLite site on one machine; jobs queued when the process stops are picked
  up again by the next job submitted (``resume_stalled``).
- ``rq``: RQ on Redis (``JOBS_REDIS_URL``), so that several app servers share one
  queue and a separate ``flask --app lookup_site jobs worker`` process runs the jobs.
- ``eager``: inside the caller (tests and scripts), through the same code path.

Whatever runs it, ``run`` claims the job with one conditional UPDATE (a job is never
run twice), reports progress through its own short transactions (readable by the
browser and the CLI while the task's own work goes on), and records the outcome.
Finished files live under ``UPLOAD_FOLDER/jobs``, written to a temporary name and
renamed, so a download never sees half a file.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import select, update

from ..errors import DomainError, NotFound
from ..extensions import db
from ..models import Job, JobState
from ..models.base import utcnow

log = logging.getLogger(__name__)

EXTENSION_KEY = "txng_jobs"
# Progress is written at most this often (seconds): a 100,000-label job would
# otherwise spend its time updating one row.
PROGRESS_INTERVAL = 0.5
# A queued job older than this, in the thread backend, was lost with its process.
STALLED_AFTER = timedelta(minutes=2)

Progress = Callable[[int, int], None]


class JobNotFound(NotFound):
    reason = "job_not_found"


@dataclass(frozen=True)
class Task:
    """What a kind of job does: ``run(job, progress, out)`` writes the file to out and
    returns nothing; its name, content type and extension describe the file."""

    run: Callable[[Job, Progress, IO[bytes]], None]
    content_type: str
    extension: str
    file_name: Callable[[Job], str]


TASKS: dict[str, Task] = {}


def task(kind: str, *, content_type: str, extension: str, file_name: Callable[[Job], str]):
    """Register the decorated function as the runner of jobs of this kind."""

    def register(function: Callable[[Job, Progress, IO[bytes]], None]):
        TASKS[kind] = Task(function, content_type, extension, file_name)
        return function

    return register


def submit(
    kind: str,
    *,
    total: int,
    params: dict[str, Any] | None = None,
    producer_id: int | None = None,
    user_id: int | None = None,
    lot_id: int | None = None,
) -> Job:
    """Record a job and hand it to the configured backend; commits the session."""
    if kind not in TASKS:
        raise ValueError(f"Unknown job kind {kind!r}")
    job = Job(
        id=secrets.token_hex(16),
        kind=kind,
        total=total,
        params=params or {},
        producer_id=producer_id,
        user_id=user_id,
        lot_id=lot_id,
        state=JobState.QUEUED,
    )
    db.session.add(job)
    db.session.commit()
    backend(current_app._get_current_object()).enqueue(job.id)
    return job


def find(job_id: str, producer_id: int | None = None) -> Job:
    """The job, for its producer only (another producer's job is unknown: 404)."""
    job = db.session.get(Job, job_id) if len(job_id) <= 32 else None
    if job is None or (producer_id is not None and job.producer_id != producer_id):
        raise JobNotFound("No such job", code=job_id)
    return job


def recent(producer_id: int, lot_id: int | None = None, limit: int = 5) -> list[Job]:
    query = select(Job).where(Job.producer_id == producer_id)
    if lot_id is not None:
        query = query.where(Job.lot_id == lot_id)
    return list(db.session.scalars(query.order_by(Job.created_at.desc()).limit(limit)))


def file_path(job: Job) -> Path:
    task_ = TASKS[job.kind]
    return jobs_folder() / f"{job.id}.{task_.extension}"


def jobs_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "jobs"


def run(job_id: str) -> JobState | None:
    """Run a queued job to its end; returns its final state, or None if another
    worker had already claimed it."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(state=JobState.RUNNING, started_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    job = db.session.get(Job, job_id)
    task_ = TASKS[job.kind]
    folder = jobs_folder()
    folder.mkdir(parents=True, exist_ok=True)
    reporter = _Reporter(job_id)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{job_id}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            task_.run(job, reporter, out)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the job
        db.session.rollback()
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, DomainError):
            reason, detail = error.reason, str(error)
        else:
            log.exception("Job %s (%s) failed", job_id, job.kind)
            reason, detail = "job_failed", type(error).__name__
        _finish(job_id, JobState.FAILED, error=reason, error_detail=detail[:500])
        return JobState.FAILED
    target = file_path(job)
    os.replace(temporary, target)
    job = db.session.get(Job, job_id)
    _finish(
        job_id,
        JobState.DONE,
        done=reporter.total or job.total,
        total=reporter.total or job.total,
        file_name=task_.file_name(job),
        content_type=task_.content_type,
        file_size=target.stat().st_size,
    )
    return JobState.DONE


def _finish(job_id: str, state: JobState, **values: Any) -> None:
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(state=state, finished_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expire_all()


class _Reporter:
    """Writes a job's progress in short transactions of its own connection, so that
    readers see it while the task's session is still reading or writing."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.total = 0
        self._written_at = 0.0

    def __call__(self, done: int, total: int) -> None:
        self.total = total
        now = time.monotonic()
        if done < total and now - self._written_at < PROGRESS_INTERVAL:
            return
        self._written_at = now
        with db.engine.begin() as connection:
            connection.execute(
                update(Job).where(Job.id == self.job_id).values(done=done, total=total)
            )


# --- backends ---------------------------------------------------------------------


def backend(app: Flask):
    """The app's job backend, created on first use from JOBS_BACKEND."""
    existing = app.extensions.get(EXTENSION_KEY)
    if existing is None:
        kind = app.config["JOBS_BACKEND"]
        factories = {"thread": ThreadBackend, "rq": RQBackend, "eager": EagerBackend}
        if kind not in factories:
            raise RuntimeError(f"JOBS_BACKEND must be one of {', '.join(factories)}, not {kind!r}")
        existing = app.extensions[EXTENSION_KEY] = factories[kind](app)
    return existing


class EagerBackend:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def enqueue(self, job_id: str) -> None:
        run(job_id)


class ThreadBackend:
    """One worker thread per app process: jobs run one after another, in an app
    context (and so a database session) of their own."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="txng-job")

    def enqueue(self, job_id: str) -> None:
        for stalled in resume_stalled(exclude=job_id):
            self.executor.submit(self._run, stalled)
        self.executor.submit(self._run, job_id)

    def _run(self, job_id: str) -> None:
        try:
            with self.app.app_context():
                try:
                    run(job_id)
                finally:
                    db.session.remove()
        except Exception:  # noqa: BLE001 - a thread has nobody to raise to
            log.exception("Job %s could not be run", job_id)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True)


def resume_stalled(exclude: str) -> list[str]:
    """Queued jobs left behind by a stopped process (thread backend only)."""
    before = utcnow() - STALLED_AFTER
    return list(
        db.session.scalars(
            select(Job.id).where(
                Job.state == JobState.QUEUED, Job.created_at < before, Job.id != exclude
            )
        )
    )


class RQBackend:
    """RQ on Redis: the app only enqueues; ``flask … jobs worker`` runs the jobs."""

    def __init__(self, app: Flask) -> None:
        from redis import Redis
        from rq import Queue

        self.app = app
        self.connection = Redis.from_url(app.config["JOBS_REDIS_URL"])
        self.queue = Queue(app.config["JOBS_QUEUE"], connection=self.connection)

    def enqueue(self, job_id: str) -> None:
        self.queue.enqueue(
            run_in_worker, job_id, job_id=f"txng-{job_id}", job_timeout=3600, result_ttl=3600
        )

    def worker(self):
        from rq import SimpleWorker

        # SimpleWorker runs jobs in this process: the app and its database pool stay
        # valid (a forked work horse would share the parent's connections).
        return SimpleWorker([self.queue], connection=self.connection)


def run_in_worker(job_id: str) -> str | None:
    """RQ's entry point: run the job inside the worker's app context."""
    if has_app_context():
        state = run(job_id)
    else:
        from .. import create_app

        with create_app().app_context():
            state = run(job_id)
    return state.value if state else None


# The tasks register themselves on import; importing them here makes every runner
# (the app, the CLI, an RQ worker) know them.
from . import serial_jobs  # noqa: E402,F401
