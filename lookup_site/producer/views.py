"""The workspace home."""

from __future__ import annotations

from flask import render_template

from ..auth.access import current_facility
from ..services.dashboard import dashboard as build_dashboard
from . import bp


@bp.get("/")
def dashboard():
    return render_template("producer/dashboard.html", board=build_dashboard(current_facility()))
