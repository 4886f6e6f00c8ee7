"""The production diary: an entry in a few taps, corrections, and repeating an entry."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import current_facility
from ..errors import DomainError
from ..extensions import db
from ..identifiers import IdentifierError
from ..messages import describe
from ..models import Lot, LotStatus, Product
from ..services import diary, ownership
from ..services.clock import VIETNAM
from ..vocabulary import step_choices
from . import bp
from .lot_forms import EventForm, RepeatForm

REPEAT_LOT_LIMIT = 200


def _now_local() -> datetime:
    return datetime.now(VIETNAM).replace(second=0, microsecond=0, tzinfo=None)


def _aware(local: datetime) -> datetime:
    """The form sends local wall-clock time: it is Vietnam's."""
    return local.replace(tzinfo=VIETNAM)


def _save_photos(form: EventForm, producer) -> list:
    uploads = [upload for upload in form.photos.data or [] if upload and upload.filename]
    if not uploads:
        return []
    from ..services import media

    return [media.save_image(upload, producer, current_user) for upload in uploads]


@bp.route("/lots/<int:lot_id>/events/new", methods=["GET", "POST"])
def new_event(lot_id: int):
    producer = current_facility()
    lot = ownership.own_lot(producer, lot_id)
    corrects_id = request.values.get("corrects", type=int)
    corrects = ownership.own_event(producer, corrects_id) if corrects_id else None
    if corrects is not None and corrects.lot_id != lot.id:
        corrects = None
    form = EventForm()
    form.step.choices = step_choices()
    if request.method == "GET":
        _fill_defaults(form, producer, lot, corrects)
    if form.validate_on_submit():
        draft = diary.EventDraft(
            step=form.step.data,
            event_time=_aware(form.event_time.data),
            location_name=form.location_name.data.strip() or None,
            location_address=form.location_address.data.strip() or None,
            actor=form.actor.data.strip() or None,
            notes_vi=form.notes_vi.data.strip() or None,
            notes_en=form.notes_en.data.strip() or None,
        )
        event = _publish(form, producer, lot, draft, corrects)
        if event is not None:
            db.session.commit()
            flash(_("Diary entry published: %(step)s.", step=dict(form.step.choices)[event.step]))
            return redirect(url_for("producer.lot", lot_id=lot.id))
    return render_template("producer/lots/event_form.html", form=form, lot=lot, corrects=corrects)


def _publish(form: EventForm, producer, lot: Lot, draft, corrects):
    """Save the photos, then the entry; on a refusal, explain it next to the right field."""
    try:
        photos = _save_photos(form, producer)
    except (IdentifierError, DomainError) as error:
        db.session.rollback()
        form.photos.errors.append(describe(error))
        return None
    try:
        return diary.record_event(lot, draft, current_user, photos, corrects)
    except (IdentifierError, DomainError) as error:
        db.session.rollback()
        form.event_time.errors.append(describe(error))
        return None


def _fill_defaults(form: EventForm, producer, lot: Lot, corrects) -> None:
    """Now, at the facility, by the signed-in person; a correction starts from the original."""
    form.event_time.data = _now_local()
    form.location_name.data = producer.name_vi
    form.location_address.data = ", ".join(producer.address_parts)
    form.actor.data = current_user.display_name or ""
    if corrects is not None:
        form.step.data = corrects.step
        form.event_time.data = corrects.event_time.astimezone(VIETNAM).replace(tzinfo=None)
        form.location_name.data = corrects.location_name
        form.location_address.data = corrects.location_address
        form.actor.data = corrects.actor
        form.notes_vi.data = corrects.notes_vi
        form.notes_en.data = corrects.notes_en
        form.corrects.data = str(corrects.id)
    else:
        latest = lot.events[-1] if lot.events else None
        form.step.data = _next_step(latest.step if latest else None)


def _next_step(previous: str | None) -> str:
    """Suggest the step after the previous one in vocabulary order."""
    keys = [key for key, _label in step_choices()]
    if previous in keys and keys.index(previous) + 1 < len(keys):
        return keys[keys.index(previous) + 1]
    return keys[0] if previous is None else previous


@bp.route("/diary/repeat", methods=["GET", "POST"])
def repeat_event():
    """Record the same step on many lots at once: the common case in a packing shed."""
    producer = current_facility()
    source_id = request.values.get("source_id", type=int)
    source = ownership.own_event(producer, source_id) if source_id else diary.latest_event(producer)
    if source is None:
        flash(describe(diary.NothingToRepeat()), "error")
        return redirect(url_for("producer.lots"))
    candidates = list(
        db.session.scalars(
            select(Lot)
            .join(Lot.product)
            .where(Product.producer_id == producer.id, Lot.status == LotStatus.ACTIVE)
            .order_by(Lot.id.desc())
            .limit(REPEAT_LOT_LIMIT)
        )
    )
    form = RepeatForm()
    form.lot_ids.choices = [(lot.id, f"{lot.product.name_vi} · {lot.code}") for lot in candidates]
    if request.method == "GET":
        form.event_time.data = _now_local()
        form.source_id.data = str(source.id)
    if form.validate_on_submit():
        try:
            lots = diary.own_lots(producer, form.lot_ids.data)
            events = diary.repeat_event(source, lots, _aware(form.event_time.data), current_user)
        except DomainError as error:
            db.session.rollback()
            form.lot_ids.errors.append(describe(error))
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(step)s recorded on %(num)s lot.",
                    "%(step)s recorded on %(num)s lots.",
                    len(events),
                    step=dict(step_choices())[source.step],
                )
            )
            return redirect(url_for("producer.lots"))
    return render_template("producer/lots/repeat.html", form=form, source=source)
