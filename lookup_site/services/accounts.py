"""User accounts: creation, password checks and sign-in bookkeeping."""

from __future__ import annotations

import secrets

from flask import current_app, has_app_context
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import InvalidInput
from ..extensions import db
from ..models import Producer, Role, User
from ..models.base import utcnow

MIN_PASSWORD_LENGTH = 10
# Compared against when the e-mail is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(InvalidInput):
    reason = "account_error"


class EmailTaken(AccountError):
    reason = "email_taken"


class WeakPassword(AccountError):
    reason = "weak_password"


class MissingFacility(AccountError):
    reason = "missing_facility"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    """Hash with Werkzeug's scrypt (a memory-hard modern algorithm) unless configured otherwise."""
    method = "scrypt"
    if has_app_context():
        method = current_app.config.get("PASSWORD_HASH_METHOD", method)
    return generate_password_hash(password, method=method)


def create_user(
    email: str,
    password: str,
    role: Role,
    producer: Producer | None = None,
    display_name: str | None = None,
    is_demo: bool = False,
) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Not an e-mail address", email=email)
    if db.session.scalar(select(func.count(User.id)).where(User.email == email)):
        raise EmailTaken(f"{email} already has an account", email=email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword("Password too short", min=MIN_PASSWORD_LENGTH)
    if role is Role.PRODUCER and producer is None:
        raise MissingFacility("A producer account belongs to a facility")
    if role is not Role.PRODUCER:
        producer = None
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        producer=producer,
        display_name=display_name,
        is_demo=is_demo,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this e-mail and password, or None."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def load_user(session_id: str) -> User | None:
    """Find the user of a session id ("<id>:<token>"); a stale token is no user."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user
