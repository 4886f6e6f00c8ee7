"""Pages for shoppers: no login, server-rendered, small."""

from flask import Blueprint
from werkzeug.routing import PathConverter

bp = Blueprint("public", __name__)


class AnyPathConverter(PathConverter):
    """Like path, but also matches an empty first segment (`/01//…`) so the
    resolver can answer such malformed URIs with a 400, not a 404."""

    regex = ".*"
    part_isolating = False


# Registered before the views add their rules (deferred functions run in order).
bp.record_once(lambda state: state.app.url_map.converters.setdefault("anypath", AnyPathConverter))

from . import views  # noqa: E402,F401
