"""Pages for shoppers: no login, server-rendered, small."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import views  # noqa: E402,F401
