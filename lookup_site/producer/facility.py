"""The facility's own profile: names, address, contacts, GLN, place on the map."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.access import current_facility
from ..extensions import db
from ..services import products as product_service
from ..services.clock import local_today
from . import bp
from .forms import FacilityForm
from .products import show_field_error


@bp.route("/facility", methods=["GET", "POST"])
def facility():
    producer = current_facility()
    form = FacilityForm(obj=producer)
    if form.validate_on_submit():
        try:
            product_service.update_facility(producer, form.facility_fields())
        except product_service.FieldError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The facility's profile is saved."))
            return redirect(url_for("producer.facility"))
    return render_template(
        "producer/facility.html",
        form=form,
        producer=producer,
        certifications=product_service.facility_certifications(producer),
        warnings_of=product_service.certification_warnings,
        today=local_today(),
    )
