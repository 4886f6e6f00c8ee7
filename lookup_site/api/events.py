"""The production diary: a lot's entries, publishing one, correcting one."""

from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import NotFound
from ..extensions import db
from ..models import Event
from ..services import diary, ownership
from . import bodies, bp, paging
from . import representations as show
from .auth import caller, checked_id
from .lots import own_lot
from .problems import Issue, Problem, attempt


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _corrected(lot_id: int, event_id: int | None) -> Event | None:
    """The entry a correction refers to: one of the same lot, or the body is refused."""
    if event_id is None:
        return None
    try:
        event = ownership.own_event(caller().producer, event_id)
    except NotFound:
        event = None
    if event is None or event.lot_id != lot_id:

        def text() -> str:
            return _("This lot has no diary entry %(id)s to correct.", id=event_id)

        raise Problem(422, "invalid_correction", text, [Issue("corrects", text)])
    return event


@bp.get("/lots/<int:lot_id>/events")
def events(lot_id: int):
    lot = own_lot(lot_id)
    query = select(Event).where(Event.lot_id == lot.id)
    page = paging.fetch(query, Event.sequence, lambda event: event.sequence)
    return paging.respond(page, [show.event(event) for event in page.rows])


@bp.post("/lots/<int:lot_id>/events")
def create_event(lot_id: int):
    producer, user = caller().producer, caller().user
    lot = own_lot(lot_id)
    values = bodies.json_body("EventCreate")
    corrects = _corrected(lot.id, values.get("corrects"))
    # As the workspace's form does, the place defaults to the facility.
    draft = diary.EventDraft(
        step=values["step"],
        event_time=values["event_time"],
        location_name=_text(values.get("location_name", producer.name_vi)),
        location_address=_text(values.get("location_address", ", ".join(producer.address_parts))),
        actor=_text(values.get("actor")),
        notes_vi=_text(values.get("notes_vi")),
        notes_en=_text(values.get("notes_en")),
    )
    event = attempt(
        lambda: diary.record_event(lot, draft, user, corrects=corrects), field="event_time"
    )
    db.session.commit()
    response = jsonify(show.event(event))
    response.status_code = 201
    response.headers["Location"] = url_for("api.event", event_id=event.id)
    return response


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    try:
        found = ownership.own_event(caller().producer, checked_id(event_id))
    except NotFound:
        raise Problem(
            404,
            "event_not_found",
            lambda: _("Your facility has no diary entry %(id)s.", id=event_id),
        ) from None
    return jsonify(show.event(found))
