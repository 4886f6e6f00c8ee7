"""API tokens: a producer's software signs in to /api/v1 with a bearer token.

A token is random (``secrets``), starts with ``txng_`` so that it is recognisable
in a leaked file or a secret scanner, and is shown once: only its SHA-256 is
stored. A token acts for the person who created it, within that person's facility:
it stops working when it is revoked, and also when that person's account is
deactivated or moved to another facility, so that the Department's "deactivate"
ends API access too.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..models import ApiToken, Producer, Role, User
from ..models.base import utcnow
from .products import FieldError

TOKEN_PREFIX = "txng_"
TOKEN_BYTES = 32  # 256 bits: no slow hash is needed, unlike a password
# What a well-formed token looks like: anything else is refused without a query.
TOKEN_SHAPE = re.compile(rf"{TOKEN_PREFIX}[A-Za-z0-9_-]{{43}}")
SHOWN_PREFIX_LENGTH = 12  # the model's column; "txng_" and 7 random characters
NAME_MAX_LENGTH = 100
MAX_ACTIVE_TOKENS = 20
# Writing the time of use on every request would turn each read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenNotFound(NotFound):
    reason = "token_not_found"


class TooManyTokens(InvalidInput):
    reason = "too_many_tokens"

    def __init__(self, message: str, **params) -> None:
        super().__init__(message, **params)
        self.message = message


@dataclass(frozen=True)
class Caller:
    """Who an API request acts for: the token, its facility and the person behind it."""

    token: ApiToken
    producer: Producer
    user: User


@dataclass(frozen=True)
class TokenRow:
    """One line of the workspace's token list."""

    token: ApiToken
    created_by: str | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(producer: Producer, name: str, created_by: User) -> tuple[ApiToken, str]:
    """Create a token for producer's software; return it with the plain token, shown once."""
    name = (name or "").strip()
    if not name:
        raise FieldError("name", _("Name the token after the software that will use it."))
    if len(name) > NAME_MAX_LENGTH:
        raise FieldError("name", _("Too long: at most %(max)d characters.", max=NAME_MAX_LENGTH))
    active = db.session.scalar(
        select(func.count(ApiToken.id)).where(
            ApiToken.producer_id == producer.id, ApiToken.revoked_at.is_(None)
        )
    )
    if (active or 0) >= MAX_ACTIVE_TOKENS:
        raise TooManyTokens(
            _(
                "A facility may have at most %(max)s tokens in use. Revoke the ones no "
                "longer needed first.",
                max=MAX_ACTIVE_TOKENS,
            )
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(
        producer_id=producer.id,
        name=name,
        token_hash=hash_token(plain),
        prefix=plain[:SHOWN_PREFIX_LENGTH],
        created_by_id=created_by.id,
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def token_list(producer: Producer) -> list[TokenRow]:
    """The facility's tokens, those in use first, newest first."""
    rows = db.session.execute(
        select(ApiToken, User)
        .outerjoin(User, User.id == ApiToken.created_by_id)
        .where(ApiToken.producer_id == producer.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    ).all()
    return [TokenRow(token, user.label if user else None) for token, user in rows]


def revoke_token(producer: Producer, token_id: int) -> ApiToken:
    """Revoke one of producer's tokens; it is refused from the next request on."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.producer_id == producer.id)
    )
    if token is None:
        raise TokenNotFound(f"No token {token_id} here", token_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def authenticate(bearer: str | None) -> Caller | None:
    """Return who the bearer token acts for, or None for an unknown or revoked token.

    The token is found by its SHA-256 in a unique index, not compared with a stored
    secret, so no constant-time comparison is needed: the time a lookup takes could
    at most tell how many leading characters of the *hash* of a guess match a stored
    hash, and no one can choose a guess whose hash starts a certain way.
    """
    if not bearer or not TOKEN_SHAPE.fullmatch(bearer):
        return None
    found = db.session.execute(
        select(ApiToken, Producer, User)
        .join(Producer, Producer.id == ApiToken.producer_id)
        .join(User, User.id == ApiToken.created_by_id)
        .where(ApiToken.token_hash == hash_token(bearer), ApiToken.revoked_at.is_(None))
    ).first()
    if found is None:
        return None
    token, producer, user = found
    if not user.active or user.role is not Role.PRODUCER or user.producer_id != producer.id:
        return None
    _note_use(token)
    return Caller(token, producer, user)


def _note_use(token: ApiToken, now: datetime | None = None) -> None:
    """Record when the token was last used, at most once a minute."""
    now = now or utcnow()
    cutoff = now - LAST_USED_PRECISION
    # One conditional UPDATE: concurrent requests write at most once between them.
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < cutoff),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
