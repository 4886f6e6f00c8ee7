from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column, utcnow

if TYPE_CHECKING:
    from .producer import Producer


def new_session_token() -> str:
    return secrets.token_hex(16)


class Role(enum.Enum):
    ADMIN = "admin"
    PRODUCER = "producer"
    INSPECTOR = "inspector"


class User(UserMixin, db.Model):
    """A person who signs in: the Department (admin), a producer's staff, an inspector."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "(role = 'producer') = (producer_id IS NOT NULL)", name="producer_users_have_a_facility"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producer.id"), index=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the id kept in the session cookie: a new one signs out every session.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)

    producer: Mapped[Producer | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        """Make every session and "remember me" cookie of this account invalid."""
        self.session_token = new_session_token()

    @property
    def label(self) -> str:
        return self.display_name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"
