"""The programme catalogue: batches, each product's status in them, and their counts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..extensions import db
from ..i18n import localized
from ..models import BatchEntryStatus
from ..services import programme as programme_service
from ..services.charts import Datum, bar_chart
from ..services.products import FieldError
from . import bp
from .common import search_argument, show_field_error
from .forms import AddProductsForm, BatchForm, EntryForm
from .labels import RATINGS


def _rating_chart(counts: programme_service.BatchCounts):
    data = [
        Datum(str(RATINGS[key]), counts.by_rating[key].approved)
        for key in programme_service.RATINGS
    ]
    return bar_chart(data, _("Approved products by OCOP rating"))


def _commune_chart(counts: programme_service.BatchCounts):
    data = [Datum(row.commune, row.approved) for row in counts.by_commune]
    return bar_chart(data, _("Approved products by commune"))


@bp.get("/programme")
def programme():
    return render_template("admin/programme/list.html", rows=programme_service.batch_list())


@bp.route("/programme/new", methods=["GET", "POST"])
def new_batch():
    form = BatchForm()
    if form.validate_on_submit():
        try:
            batch = programme_service.create_batch(form.batch_fields())
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Batch “%(name)s” opened.", name=batch.name_vi))
            return redirect(url_for("admin.batch", batch_id=batch.id))
    return render_template("admin/programme/batch_form.html", form=form, batch=None)


@bp.get("/programme/<int:batch_id>")
def batch(batch_id: int):
    batch = programme_service.get_batch(batch_id)
    status_value = request.args.get("status", "")
    status = (
        BatchEntryStatus(status_value)
        if status_value in {s.value for s in BatchEntryStatus}
        else None
    )
    counts = programme_service.batch_counts(batch)
    return render_template(
        "admin/programme/batch.html",
        batch=batch,
        counts=counts,
        rows=programme_service.batch_entries(batch, status),
        status=status,
        ratings=programme_service.RATINGS,
        rating_chart=_rating_chart(counts),
        commune_chart=_commune_chart(counts),
    )


@bp.route("/programme/<int:batch_id>/edit", methods=["GET", "POST"])
def edit_batch(batch_id: int):
    batch = programme_service.get_batch(batch_id)
    form = BatchForm(obj=batch)
    if form.validate_on_submit():
        try:
            programme_service.update_batch(batch, form.batch_fields())
        except FieldError as error:
            db.session.rollback()
            batch = programme_service.get_batch(batch_id)
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Batch saved."))
            return redirect(url_for("admin.batch", batch_id=batch.id))
    return render_template("admin/programme/batch_form.html", form=form, batch=batch)


@bp.route("/programme/<int:batch_id>/add", methods=["GET", "POST"])
def batch_add(batch_id: int):
    batch = programme_service.get_batch(batch_id)
    query = search_argument()
    candidates = programme_service.candidate_products(batch, query)
    form = AddProductsForm()
    form.product_ids.choices = [
        (product.id, f"{localized(product, 'name')} · {product.producer.name_vi}")
        for product in candidates
    ]
    if request.method == "GET":
        form.status.data = BatchEntryStatus.SURVEYED.value
    if form.validate_on_submit():
        product_ids, status, notes = form.entry_fields()
        try:
            entries = programme_service.add_products(batch, product_ids, status, notes)
        except FieldError as error:
            db.session.rollback()
            batch = programme_service.get_batch(batch_id)
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(num)s product added to %(batch)s.",
                    "%(num)s products added to %(batch)s.",
                    len(entries),
                    batch=batch.name_vi,
                )
            )
            return redirect(url_for("admin.batch", batch_id=batch.id))
    return render_template(
        "admin/programme/add.html", form=form, batch=batch, query=query, candidates=candidates
    )


@bp.route("/programme/<int:batch_id>/entries/<int:entry_id>", methods=["GET", "POST"])
def batch_entry(batch_id: int, entry_id: int):
    batch = programme_service.get_batch(batch_id)
    entry = programme_service.get_entry(batch, entry_id)
    form = EntryForm(obj=entry)
    if form.validate_on_submit():
        status, notes = form.entry_fields()
        try:
            programme_service.update_entry(entry, status, notes)
        except FieldError as error:
            db.session.rollback()
            batch = programme_service.get_batch(batch_id)
            entry = programme_service.get_entry(batch, entry_id)
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Status of “%(product)s” saved.", product=entry.product.name_vi))
            return redirect(url_for("admin.batch", batch_id=batch.id) + f"#entry-{entry.id}")
    rating = programme_service.product_ratings([entry.product_id]).get(entry.product_id)
    return render_template(
        "admin/programme/entry_form.html", form=form, batch=batch, entry=entry, rating=rating
    )
