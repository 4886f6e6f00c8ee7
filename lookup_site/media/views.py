"""Serve stored files: public photos to everyone, private files to their owners."""

from __future__ import annotations

from flask import current_app, send_from_directory
from flask_login import current_user

from ..models import MediaFile, MediaKind
from ..services import media as media_service
from . import bp

# A stored file never changes (a new upload is a new id), so browsers and
# proxies may keep it for a year without asking again.
ONE_YEAR = 365 * 24 * 3600


@bp.get("/<int:media_id>/<any(full, thumb):variant>", endpoint="file")
def serve(media_id: int, variant: str):
    found = media_service.readable_media(media_id, current_user)
    media = found.media
    key = media_service.variant_key(media, variant)
    mimetype = "image/jpeg" if variant == "thumb" else media.content_type
    response = send_from_directory(
        current_app.config["UPLOAD_FOLDER"],
        key,
        mimetype=mimetype,
        max_age=ONE_YEAR,
        download_name=_download_name(media) if media.kind is MediaKind.DOCUMENT else None,
    )
    cache_control = response.cache_control
    if not found.public:
        # Only the owner's and officials' browsers may keep it, never a shared cache.
        cache_control.public = False
        cache_control.private = True
    cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    if media.kind is MediaKind.IMAGE:
        response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


def _download_name(media: MediaFile) -> str:
    name = media.original_name or ""
    return name if name.lower().endswith(".pdf") else f"document-{media.id}.pdf"
