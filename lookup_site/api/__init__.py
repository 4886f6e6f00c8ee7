"""The JSON API for producers' own software: /api/v1, described by /api/v1/openapi.json.

Every route but the description needs a bearer token, acts for the token's facility
only (another facility's ids answer 404, as in the workspace) and goes through the
same services as the workspace's forms. No cookie signs a request in, so the API is
exempt from CSRF protection. Requests are counted per token (API_RATE_LIMIT).
"""

from flask import Blueprint, current_app

from ..extensions import csrf, limiter
from . import auth, problems
from .openapi import PREFIX

bp = Blueprint("api", __name__, url_prefix=PREFIX)

csrf.exempt(bp)
limiter.shared_limit(
    lambda: current_app.config["API_RATE_LIMIT"], scope="api", key_func=auth.rate_limit_key
)(bp)
bp.before_request(auth.require_token)
problems.init_blueprint(bp)


from . import epcis, events, lots, meta, products  # noqa: E402,F401
