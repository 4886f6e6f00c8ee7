"""Lots: register with sensible defaults, edit until published, stop, link inputs."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.access import current_facility
from ..errors import DomainError
from ..extensions import db
from ..identifiers import IdentifierError
from ..links import lot_path
from ..messages import describe
from ..models import Event, Lot, LotStatus, Product
from ..services import diary, ownership
from ..services import lots as lot_service
from ..services.clock import local_today
from ..vocabulary import unit_choices
from . import bp
from .lot_forms import InputForm, LotForm, StatusForm

PAGE_SIZE = 50
MAX_PAGE = 100_000


def _product_choices(producer) -> list[tuple[int, str]]:
    products = db.session.scalars(
        select(Product).where(Product.producer_id == producer.id).order_by(Product.name_vi)
    )
    return [(product.id, product.name_vi) for product in products]


def _lot_fields(form: LotForm) -> diary.LotFields:
    return diary.LotFields(
        production_date=form.production_date.data,
        packing_date=form.packing_date.data,
        best_before=form.best_before.data,
        best_before_is_expiry=form.best_before_is_expiry.data,
        quantity=form.quantity.data,
        quantity_unit=form.quantity_unit.data or None,
    )


def _show_error(form, error: Exception, default_field: str) -> None:
    """Put a domain error's explanation next to the field it concerns."""
    name = default_field
    if isinstance(error, DomainError):
        name = error.params.get("field", default_field)
    getattr(form, name, getattr(form, default_field)).errors.append(describe(error))


@bp.get("/lots")
def lots():
    producer = current_facility()
    # Capped: a huge ?page= must not overflow the database's OFFSET.
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    query = (
        select(Lot)
        .join(Lot.product)
        .where(Product.producer_id == producer.id)
        .order_by(Lot.id.desc())
    )
    status = request.args.get("status")
    if status in {s.value for s in LotStatus}:
        query = query.where(Lot.status == LotStatus(status))
    rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    counts = dict(
        db.session.execute(
            select(Event.lot_id, func.count(Event.id))
            .where(Event.lot_id.in_([lot.id for lot in rows]))
            .group_by(Event.lot_id)
        ).all()
    )
    return render_template(
        "producer/lots/list.html",
        lots=rows[:PAGE_SIZE],
        event_counts=counts,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        status=status,
        has_products=bool(_product_choices(producer)),
    )


@bp.route("/lots/new", methods=["GET", "POST"])
def new_lot():
    producer = current_facility()
    if request.method == "POST" and request.form.get("product_id", type=int):
        ownership.own_product(producer, request.form.get("product_id", type=int))
    form = LotForm()
    form.product_id.choices = _product_choices(producer)
    form.quantity_unit.choices = unit_choices()
    if not form.product_id.choices:
        flash(_("Add a product first: every lot is a lot of one of your products."), "error")
        return redirect(url_for("producer.lots"))
    if request.method == "GET":
        wanted = request.args.get("product_id", type=int)
        product = ownership.own_product(
            producer, wanted if wanted else form.product_id.choices[0][0]
        )
        today = local_today()
        form.product_id.data = product.id
        form.code.data = diary.suggest_lot_code(product, today)
        form.production_date.data = today
        form.best_before.data = diary.suggest_best_before(product, today)
        last = db.session.scalar(
            select(Lot).where(Lot.product_id == product.id).order_by(Lot.id.desc()).limit(1)
        )
        if last is not None:
            form.quantity_unit.data = last.quantity_unit
            form.best_before_is_expiry.data = last.best_before_is_expiry
    if form.validate_on_submit():
        product = ownership.own_product(producer, form.product_id.data)
        try:
            lot = diary.register_lot(product, form.code.data, _lot_fields(form))
        except (IdentifierError, DomainError) as error:
            db.session.rollback()
            _show_error(form, error, "code")
        else:
            db.session.commit()
            flash(_("Lot %(code)s registered.", code=lot.code))
            return redirect(url_for("producer.lot", lot_id=lot.id))
    return render_template("producer/lots/form.html", form=form, lot=None)


@bp.get("/lots/<int:lot_id>")
def lot(lot_id: int):
    return _render_detail(lot_id)


def _render_detail(lot_id: int, status_form=None, input_form=None, status: int = 200):
    """The lot's workspace page; forms with errors are passed back in to show them."""
    page = lot_service.lot_page(ownership.own_lot(current_facility(), lot_id))
    html = render_template(
        "producer/lots/detail.html",
        page=page,
        public_path=lot_path(page.lot),
        status_form=status_form or _status_form(page.lot),
        input_form=input_form or _input_form(),
        locked=bool(page.events),
    )
    return html, status


def _status_form(lot: Lot, form: StatusForm | None = None) -> StatusForm:
    form = form or StatusForm(
        status=lot.status.value, reason_vi=lot.status_reason_vi, reason_en=lot.status_reason_en
    )
    labels = {
        "active": _("On sale (active)"),
        "suspended": _("Suspended: sale stopped while investigated"),
        "recalled": _("Recalled: shoppers must not use it"),
    }
    allowed = ["recalled"] if lot.status is LotStatus.RECALLED else list(labels)
    form.status.choices = [(key, labels[key]) for key in allowed]
    return form


def _input_form(form: InputForm | None = None) -> InputForm:
    form = form or InputForm(formdata=None)
    form.quantity_unit.choices = unit_choices()
    return form


@bp.route("/lots/<int:lot_id>/edit", methods=["GET", "POST"])
def edit_lot(lot_id: int):
    producer = current_facility()
    lot = ownership.own_lot(producer, lot_id)
    if diary.has_events(lot):
        flash(describe(diary.LotLocked()), "error")
        return redirect(url_for("producer.lot", lot_id=lot.id))
    form = LotForm(obj=lot)
    form.product_id.choices = [(lot.product.id, lot.product.name_vi)]
    form.quantity_unit.choices = unit_choices()
    if request.method == "GET":
        form.product_id.data = lot.product_id
    if form.validate_on_submit():
        try:
            diary.update_lot(lot, form.code.data, _lot_fields(form))
        except (IdentifierError, DomainError) as error:
            db.session.rollback()
            lot = ownership.own_lot(producer, lot_id)
            _show_error(form, error, "code")
        else:
            db.session.commit()
            flash(_("Lot %(code)s saved.", code=lot.code))
            return redirect(url_for("producer.lot", lot_id=lot.id))
    return render_template("producer/lots/form.html", form=form, lot=lot)


@bp.post("/lots/<int:lot_id>/status")
def lot_status(lot_id: int):
    producer = current_facility()
    lot = ownership.own_lot(producer, lot_id)
    form = _status_form(lot, StatusForm())
    if form.validate_on_submit():
        try:
            diary.set_status(
                lot,
                LotStatus(form.status.data),
                form.reason_vi.data,
                form.reason_en.data,
                user=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            form.reason_vi.errors.append(describe(error))
        else:
            db.session.commit()
            flash(_("The lot's status is saved; the public page shows it now."))
            return redirect(url_for("producer.lot", lot_id=lot.id))
    return _render_detail(lot_id, status_form=form, status=400)


@bp.post("/lots/<int:lot_id>/inputs")
def add_input(lot_id: int):
    producer = current_facility()
    lot = ownership.own_lot(producer, lot_id)
    form = _input_form(InputForm())
    if form.validate_on_submit():
        try:
            link = diary.declare_input(
                lot, form.reference.data, form.quantity.data, form.quantity_unit.data or None
            )
        except (IdentifierError, DomainError) as error:
            db.session.rollback()
            form.reference.errors.append(describe(error))
        else:
            db.session.commit()
            flash(_("Input lot %(code)s added.", code=link.input_lot.code))
            return redirect(url_for("producer.lot", lot_id=lot_id))
    return _render_detail(lot_id, input_form=form, status=400)


@bp.post("/lots/<int:lot_id>/inputs/<int:link_id>/delete")
def remove_input(lot_id: int, link_id: int):
    producer = current_facility()
    lot = ownership.own_lot(producer, lot_id)
    try:
        diary.remove_input(lot, link_id)
    except DomainError as error:
        db.session.rollback()
        if error.code == 404:
            raise
        flash(describe(error), "error")
    else:
        db.session.commit()
        flash(_("Input removed."))
    return redirect(url_for("producer.lot", lot_id=lot_id))
