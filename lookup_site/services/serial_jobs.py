"""The background jobs of item codes: issue many codes, draw their label sheets.

Both run through ``services.jobs`` (a thread in the app, RQ workers, or eagerly) and
through the CLI with a progress bar; the functions here take a progress callback
and an output stream, and know nothing of who runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO

from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from ..models import Job, Lot
from ..models.base import utcnow
from . import jobs, serials
from .labels import download_name

# Serials issued per transaction: progress shows between them, and a failure
# withdraws what the job had issued.
ISSUE_CHUNK = 10_000

GENERATE = "serials.generate"
LABELS = "serials.labels"


def issue_in_chunks(
    lot: Lot, count: int, progress: Callable[[int, int], None] | None = None
) -> datetime:
    """Issue count serials in committed chunks; all of them, or none if one fails.

    Returns the stamp (created_at) shared by every serial of this issue.
    """
    serials.check_quantity(count)
    stamp = utcnow()
    done = 0
    try:
        while done < count:
            done += serials.issue_serials(lot, min(ISSUE_CHUNK, count - done), created_at=stamp)
            db.session.commit()
            if progress:
                progress(done, count)
    except BaseException:
        db.session.rollback()
        serials.withdraw_unchecked(lot, stamp)
        db.session.commit()
        raise
    return stamp


def write_issue_csv(lot: Lot, stamp: datetime | None, out: IO[bytes]) -> None:
    for text in serials.serials_csv(lot, created_at=stamp):
        out.write(text.encode("utf-8"))


def _lot(job: Job) -> Lot:
    return db.session.scalar(select(Lot).where(Lot.id == job.lot_id))


@jobs.task(
    GENERATE,
    content_type="text/csv; charset=utf-8",
    extension="csv",
    file_name=lambda job: download_name(_lot(job), "csv", "item-codes", job.params["count"]),
)
def generate_job(job: Job, progress, out: IO[bytes]) -> None:
    """Issue the codes, then write the CSV of this issue for the print house."""
    lot = _lot(job)
    stamp = issue_in_chunks(lot, job.params["count"], progress)
    write_issue_csv(lot, stamp, out)


@jobs.task(
    LABELS,
    content_type="application/pdf",
    extension="pdf",
    file_name=lambda job: download_name(_lot(job), "pdf", "item-labels", job.params["grid"]),
)
def labels_job(job: Job, progress, out: IO[bytes]) -> None:
    from .serial_labels import write_serial_sheets

    # Label text comes out in the language the producer asked in, wherever the job runs.
    with force_locale(job.params.get("lang", "vi")):
        write_serial_sheets(_lot(job), out, job.params["grid"], progress=progress)
