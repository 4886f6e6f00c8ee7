"""The API's own description."""

from __future__ import annotations

import json

from flask import current_app

from . import bp, openapi


@bp.get("/openapi.json", endpoint="openapi")
def openapi_document():
    # In the order written (openapi, info, …), not sorted as jsonify would.
    text = json.dumps(openapi.document(), ensure_ascii=False, indent=1)
    return current_app.response_class(text, mimetype="application/json")
