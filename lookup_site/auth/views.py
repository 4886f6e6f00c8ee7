from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from ..models import Role
from ..services import accounts
from . import bp
from .forms import LoginForm

HOME_BY_ROLE = {
    Role.PRODUCER: "producer.dashboard",
    Role.INSPECTOR: "inspect.scan",
    Role.ADMIN: "admin.dashboard",
}


def _login_key() -> str:
    email = accounts.normalise_email(request.form.get("email", ""))
    return f"login:{get_remote_address()}:{email}"


def _safe_next(target: str | None) -> str | None:
    """Only follow a ?next= that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user) -> str:
    return url_for(HOME_BY_ROLE[user.role])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_THROTTLE"],
    key_func=_login_key,
    methods=["POST"],
    # Only failed attempts count: a successful sign-in redirects.
    deduct_when=lambda response: response.status_code != 302,
)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        form.password.errors.append(_("Wrong e-mail address or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"))
