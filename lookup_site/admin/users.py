"""Accounts: create them with a generated password, move, deactivate, reset."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..models import Role, User
from ..services import admin_accounts
from ..services.products import FieldError
from . import bp
from .common import acting_admin, page_argument, search_argument, show_field_error, shown_once
from .forms import AssignFacilityForm, ConfirmForm, UserForm

STATES = {"active": True, "inactive": False}


def _password_page(user: User, password: str, created: bool):
    html = render_template(
        "admin/users/password.html", user=user, password=password, created=created
    )
    return shown_once(make_response(html))


def _user_page(user: User, facility_form: AssignFacilityForm | None = None, status: int = 200):
    if facility_form is None and user.role is Role.PRODUCER:
        facility_form = AssignFacilityForm(admin_accounts.facility_choices(), obj=user)
    return (
        render_template(
            "admin/users/view.html",
            user=user,
            facility_form=facility_form,
            is_self=user.id == acting_admin().id,
        ),
        status,
    )


@bp.get("/users")
def users():
    query = search_argument()
    role = request.args.get("role", "")
    state = request.args.get("state", "")
    listing = admin_accounts.user_list(
        query,
        role=Role(role) if role in {r.value for r in Role} else None,
        active=STATES.get(state),
        page=page_argument(),
    )
    filters = {
        name: value for name, value in (("q", query), ("role", role), ("state", state)) if value
    }
    return render_template(
        "admin/users/list.html",
        listing=listing,
        query=query,
        role=role,
        state=state,
        filters=filters,
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm(admin_accounts.facility_choices())
    if request.method == "GET" and request.args.get("producer_id", type=int):
        form.role.data = Role.PRODUCER.value
        form.producer_id.data = request.args.get("producer_id", type=int)
    if form.validate_on_submit():
        fields = form.account_fields()
        try:
            producer_id = fields.pop("producer_id")
            producer = admin_accounts.get_facility(producer_id) if producer_id else None
            account = admin_accounts.create_account(producer=producer, **fields)
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error)
        else:
            db.session.commit()
            return _password_page(account.user, account.password, created=True)
    return render_template("admin/users/form.html", form=form)


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    return _user_page(admin_accounts.get_user(user_id))


@bp.post("/users/<int:user_id>/facility")
def user_facility(user_id: int):
    user = admin_accounts.get_user(user_id)
    form = AssignFacilityForm(admin_accounts.facility_choices())
    if not form.validate_on_submit():
        return _user_page(user, form, 400)
    try:
        admin_accounts.assign_facility(user, admin_accounts.get_facility(form.producer_id.data))
    except admin_accounts.ActionRefused as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            _(
                "%(email)s now works for %(facility)s.",
                email=user.email,
                facility=user.producer.name_vi,
            )
        )
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
def user_deactivate(user_id: int):
    user = admin_accounts.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            admin_accounts.deactivate(user, acting_admin())
        except admin_accounts.ActionRefused as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("%(email)s can no longer sign in.", email=user.email))
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/reactivate")
def user_reactivate(user_id: int):
    user = admin_accounts.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        admin_accounts.reactivate(user)
        db.session.commit()
        flash(_("%(email)s can sign in again.", email=user.email))
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/password")
def user_password(user_id: int):
    user = admin_accounts.get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.user", user_id=user_id))
    password = admin_accounts.reset_password(user)
    db.session.commit()
    return _password_page(user, password, created=False)
