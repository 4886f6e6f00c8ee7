"""EPCIS 2.0 over the API: a lot's events as a document, and capture from other systems.

Capture follows the EPCIS 2.0 REST binding: a document that GS1's schema and our rules
accept is recorded at once, all or nothing, and answered ``202 Accepted`` with the
capture job's address (``Location``), whose status stays readable. A document with a
bad event is refused as a whole, synchronously, as problem details whose ``errors``
name every bad event by its JSON Pointer (``/epcisBody/eventList/2``). Capturing the
same events again records nothing new (idempotent on eventID).
"""

from __future__ import annotations

import secrets

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..models import Job, JobState
from ..models.base import utcnow
from ..services import epcis, epcis_capture
from ..services.clock import as_utc
from . import bodies, bp
from .auth import caller
from .lots import own_lot
from .problems import Issue, Problem

CAPTURE_KIND = "epcis.capture"
EPCIS_VERSION = "2.0.0"
CBV_VERSION = "2.0.0"
# A document larger than this is refused before it is parsed (413).
MAX_CAPTURE_BYTES = 5 * 1024 * 1024


def _versioned(response: Response) -> Response:
    """The REST binding's version headers, on every EPCIS answer."""
    response.headers["GS1-EPCIS-Version"] = EPCIS_VERSION
    response.headers["GS1-CBV-Version"] = CBV_VERSION
    return response


@bp.get("/lots/<int:lot_id>/epcis")
def lot_epcis(lot_id: int):
    lot = own_lot(lot_id)
    document = epcis.document_json(epcis.lot_document(lot))
    return _versioned(Response(document, mimetype="application/ld+json"))


@bp.post("/epcis/capture")
def capture():
    if (request.content_length or 0) > MAX_CAPTURE_BYTES:
        raise Problem(
            413,
            "capture_too_large",
            lambda: _(
                "Send at most %(size)s MB in one capture; split larger documents.",
                size=MAX_CAPTURE_BYTES // (1024 * 1024),
            ),
        )
    document = bodies.json_payload(parse_float=float)
    user = caller().user
    result = epcis_capture.capture(
        document, caller().producer, recorded_by=user.label if user else None
    )
    if not result.accepted:
        db.session.rollback()
        schema_errors = not isinstance(document, dict) or any(
            problem.reason.startswith("schema") or problem.reason == "not_epcis_document"
            for problem in result.problems
        )
        issues = [
            Issue(
                problem.pointer.rsplit("/", 1)[-1] or "document",
                (lambda message=problem.message: str(message)),
                pointer=problem.pointer or "/",
            )
            for problem in result.problems
        ]
        count = len(issues)
        raise Problem(
            400 if schema_errors else 422,
            "epcis_document_refused",
            lambda: _(
                "The document was refused and nothing was recorded: %(count)s problem(s), "
                "each named in errors.",
                count=count,
            ),
            issues,
        )
    now = utcnow()
    job = Job(
        id=secrets.token_hex(16),
        kind=CAPTURE_KIND,
        producer_id=caller().producer.id,
        user_id=user.id if user else None,
        state=JobState.DONE,
        total=len(document["epcisBody"]["eventList"]),
        done=len(document["epcisBody"]["eventList"]),
        params={
            "recorded": len(result.recorded),
            "inputs": len(result.inputs),
            "already_held": result.already_held,
        },
        created_at=now,
        started_at=now,
        finished_at=now,
    )
    db.session.add(job)
    db.session.commit()
    response = jsonify({"captureID": job.id})
    response.status_code = 202
    response.headers["Location"] = url_for("api.capture_job", capture_id=job.id)
    return _versioned(response)


@bp.get("/epcis/capture/<capture_id>")
def capture_job(capture_id: str):
    job = db.session.get(Job, capture_id) if len(capture_id) <= 32 else None
    if job is None or job.kind != CAPTURE_KIND or job.producer_id != caller().producer.id:
        raise Problem(
            404,
            "capture_not_found",
            lambda: _("Your facility has no capture %(id)s.", id=capture_id),
        )
    return _versioned(
        jsonify(
            {
                "captureID": job.id,
                "createdAt": as_utc(job.created_at).isoformat(),
                "finishedAt": as_utc(job.finished_at).isoformat() if job.finished_at else None,
                "running": not job.finished,
                "success": job.state is JobState.DONE,
                "captureErrorBehaviour": "rollback",
                "errors": [],
                "eventCount": job.total,
                "recorded": job.params.get("recorded", 0),
                "inputs": job.params.get("inputs", 0),
                "alreadyHeld": job.params.get("already_held", 0),
            }
        )
    )
