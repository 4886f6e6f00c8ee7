"""Products and their certificates: list, register, view, edit."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import current_facility
from ..extensions import db
from ..links import product_path
from ..models import Certification
from ..services import ownership
from ..services import products as product_service
from . import bp
from .forms import OCOP_GROUPS, CertificationForm, ConfirmForm, ProductForm


def show_field_error(form, error: product_service.FieldError) -> None:
    """Put a service's refusal next to the field it concerns."""
    field = getattr(form, error.field, None)
    if field is None:  # a rule about no single field: show it with the first visible one
        field = next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    field.errors.append(error.message)


def _user():
    return current_user._get_current_object()


@bp.get("/products")
def products():
    rows = product_service.product_list(current_facility())
    return render_template("producer/products/list.html", rows=rows)


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    producer = current_facility()
    form = ProductForm()
    if form.validate_on_submit():
        try:
            product = product_service.create_product(
                producer, form.product_fields(), photo=form.photo.data, uploaded_by=_user()
            )
        except product_service.FieldError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Product “%(name)s” saved.", name=product.name_vi))
            return redirect(url_for("producer.product", product_id=product.id))
    return render_template("producer/products/form.html", form=form, product=None, locked=False)


@bp.get("/products/<int:product_id>")
def product(product_id: int):
    detail = product_service.product_detail(ownership.own_product(current_facility(), product_id))
    return render_template(
        "producer/products/view.html",
        detail=detail,
        public_path=product_path(detail.product),
        warnings_of=product_service.certification_warnings,
        ocop_groups=OCOP_GROUPS,
    )


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id: int):
    producer = current_facility()
    product = ownership.own_product(producer, product_id)
    # GS1: a GTIN printed on lots' labels stays with its product.
    locked = bool(product.gtin) and product_service.lot_count(product) > 0
    form = ProductForm(obj=product)
    if form.validate_on_submit():
        try:
            product_service.update_product(
                product,
                form.product_fields(),
                photo=form.photo.data,
                remove_photo=form.remove_photo.data,
                uploaded_by=_user(),
            )
        except product_service.FieldError as error:
            db.session.rollback()
            product = ownership.own_product(producer, product_id)
            show_field_error(form, error)
        else:
            db.session.commit()
            flash(_("Product “%(name)s” saved.", name=product.name_vi))
            return redirect(url_for("producer.product", product_id=product.id))
    return render_template("producer/products/form.html", form=form, product=product, locked=locked)


# Certificates of a product or of the facility


def _holder_page(certification: Certification) -> str:
    if certification.product_id is not None:
        return url_for("producer.product", product_id=certification.product_id)
    return url_for("producer.facility")


def _flash_saved(certification: Certification) -> None:
    flash(_("Certificate saved."))
    for warning in product_service.certification_warnings(certification):
        flash(warning, "warning")


@bp.route("/facility/certifications/new", methods=["GET", "POST"], defaults={"product_id": None})
@bp.route("/products/<int:product_id>/certifications/new", methods=["GET", "POST"])
def new_certification(product_id: int | None):
    producer = current_facility()
    product = ownership.own_product(producer, product_id) if product_id is not None else None
    form = CertificationForm()
    if form.validate_on_submit():
        try:
            certification = product_service.create_certification(
                producer,
                product,
                form.certification_fields(),
                scan=form.scan.data,
                uploaded_by=_user(),
            )
        except product_service.FieldError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            _flash_saved(certification)
            return redirect(_holder_page(certification))
    return render_template(
        "producer/products/certification_form.html",
        form=form,
        product=product,
        certification=None,
    )


@bp.route("/certifications/<int:certification_id>/edit", methods=["GET", "POST"])
def edit_certification(certification_id: int):
    producer = current_facility()
    certification = ownership.own_certification(producer, certification_id)
    form = CertificationForm(obj=certification)
    if form.validate_on_submit():
        try:
            product_service.update_certification(
                certification,
                form.certification_fields(),
                scan=form.scan.data,
                remove_scan=form.remove_scan.data,
                uploaded_by=_user(),
            )
        except product_service.FieldError as error:
            db.session.rollback()
            certification = ownership.own_certification(producer, certification_id)
            show_field_error(form, error)
        else:
            db.session.commit()
            _flash_saved(certification)
            return redirect(_holder_page(certification))
    return render_template(
        "producer/products/certification_form.html",
        form=form,
        product=certification.product,
        certification=certification,
        warnings=product_service.certification_warnings(certification),
        delete_form=ConfirmForm(),
    )


@bp.post("/certifications/<int:certification_id>/delete")
def delete_certification(certification_id: int):
    certification = ownership.own_certification(current_facility(), certification_id)
    target = _holder_page(certification)
    if ConfirmForm().validate_on_submit():
        product_service.delete_certification(certification)
        db.session.commit()
        flash(_("Certificate deleted."))
    return redirect(target)
