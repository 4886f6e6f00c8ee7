"""API tokens: the facility's software signs in to /api/v1 with one of these."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..admin.common import shown_once
from ..auth.access import current_facility
from ..errors import InvalidInput
from ..extensions import db
from ..messages import describe
from ..services import api_tokens
from . import bp
from .forms import TOO_LONG, ConfirmForm


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        description=_l("The software that will use it, such as “Sales app” or “Warehouse scale”."),
        validators=[
            DataRequired(_l("Name the token after the software that will use it.")),
            Length(max=api_tokens.NAME_MAX_LENGTH, message=TOO_LONG),
        ],
    )


def _list_page(form: TokenForm | None = None, status: int = 200):
    html = render_template(
        "producer/tokens/list.html",
        rows=api_tokens.token_list(current_facility()),
        form=form or TokenForm(formdata=None),
        revoke_form=ConfirmForm(),
    )
    return html, status


@bp.get("/tokens")
def tokens():
    return _list_page()


@bp.post("/tokens")
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, plain = api_tokens.create_token(
                current_facility(), form.name.data, current_user._get_current_object()
            )
        except InvalidInput as error:
            db.session.rollback()
            form.name.errors.append(describe(error))
        else:
            db.session.commit()
            # Shown on this response only: never put in the session, a flash or a URL.
            html = render_template("producer/tokens/created.html", token=token, plain=plain)
            return shown_once(make_response(html))
    return _list_page(form, status=400)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    producer = current_facility()
    if ConfirmForm().validate_on_submit():
        token = api_tokens.revoke_token(producer, token_id)
        db.session.commit()
        flash(
            _(
                "Token “%(name)s” revoked: software using it is refused from now on.",
                name=token.name,
            )
        )
    return redirect(url_for("producer.tokens"))
