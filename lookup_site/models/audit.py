from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class AuditEntry(db.Model):
    """One change to one object, through any interface. Append-only: the database
    refuses UPDATE and DELETE on this table (triggers created by the migration)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Kept as text too, so the entry still reads right if the account changes.
    user_label: Mapped[str | None] = mapped_column(String(254))
    interface: Mapped[str] = mapped_column(String(20))  # web, cli, api, system
    action: Mapped[str] = mapped_column(String(10))  # create, update, delete
    object_type: Mapped[str] = mapped_column(String(50), index=True)
    object_id: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_path: Mapped[str | None] = mapped_column(String(300))
