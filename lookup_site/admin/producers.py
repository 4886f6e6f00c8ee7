"""Facilities: find, register and edit them, with the producer profile's own rules."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..links import product_path
from ..services import admin_accounts
from ..services.products import FieldError
from . import bp
from .common import page_argument, search_argument, show_field_error
from .forms import FacilityForm


@bp.get("/producers")
def producers():
    query = search_argument()
    listing = admin_accounts.facility_list(query, page_argument())
    return render_template("admin/producers/list.html", listing=listing, query=query)


@bp.route("/producers/new", methods=["GET", "POST"])
def new_producer():
    form = FacilityForm()
    if form.validate_on_submit():
        try:
            producer = admin_accounts.create_facility(form.facility_fields())
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Facility “%(name)s” registered.", name=producer.name_vi))
            return redirect(url_for("admin.producer", producer_id=producer.id))
    return render_template("admin/producers/form.html", form=form, producer=None)


@bp.get("/producers/<int:producer_id>")
def producer(producer_id: int):
    detail = admin_accounts.facility_detail(admin_accounts.get_facility(producer_id))
    return render_template("admin/producers/view.html", detail=detail, product_path=product_path)


@bp.route("/producers/<int:producer_id>/edit", methods=["GET", "POST"])
def edit_producer(producer_id: int):
    producer = admin_accounts.get_facility(producer_id)
    form = FacilityForm(obj=producer)
    if form.validate_on_submit():
        try:
            admin_accounts.edit_facility(producer, form.facility_fields())
        except FieldError as error:
            db.session.rollback()
            producer = admin_accounts.get_facility(producer_id)
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("The facility's profile is saved."))
            return redirect(url_for("admin.producer", producer_id=producer.id))
    return render_template("admin/producers/form.html", form=form, producer=producer)
