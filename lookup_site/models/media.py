from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column, utcnow


class MediaKind(enum.Enum):
    IMAGE = "image"
    DOCUMENT = "document"


class MediaFile(db.Model):
    """An uploaded photo or document, stored re-encoded under the upload folder.

    Images are re-encoded (which drops EXIF, GPS included) and get a small
    thumbnail for the public pages; documents (PDF) are kept as uploaded after
    their content has been checked.
    """

    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producer.id"), index=True)
    kind: Mapped[MediaKind] = mapped_column(enum_column(MediaKind))
    content_type: Mapped[str] = mapped_column(String(100))
    # Relative to UPLOAD_FOLDER; never derived from the uploaded file's name.
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)
    thumbnail_key: Mapped[str | None] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    original_name: Mapped[str | None] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EventPhoto(db.Model):
    """A photo attached to a diary entry (published with it, never edited)."""

    __tablename__ = "event_photo"
    __table_args__ = (UniqueConstraint("event_id", "media_id", name="uq_event_photo_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_file.id"))

    media: Mapped[MediaFile] = relationship()
