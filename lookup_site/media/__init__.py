"""Uploaded photos and documents, served to whoever may see them."""

from flask import Blueprint

from ..services.media import media_box, media_url

bp = Blueprint("media", __name__)
# Every page may show an uploaded photo: the lot page, the workspace's lists.
bp.add_app_template_global(media_url, "media_url")
bp.add_app_template_global(media_box, "media_box")

from . import views  # noqa: E402,F401
