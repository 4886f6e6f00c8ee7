"""The Department's side of facilities and accounts.

Facilities are created and edited with the same rules as a producer's own profile
(``products.update_facility``). Accounts of any role are created through
``accounts.create_user``; the admin never chooses a password: the site generates a
random temporary one with ``secrets``, shown once to the admin who hands it over.
A deactivated account cannot sign in, and one already signed in is refused on its
next request (Flask-Login reads ``User.is_active``).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..errors import InvalidInput, NotFound, ProducerNotFound
from ..extensions import db
from ..models import BatchEntry, Producer, Product, Role, User
from . import accounts, programme, readiness
from .products import FieldError, update_facility

PER_PAGE = 50
# Unambiguous when read aloud or copied by hand: no 0/o, 1/l/i.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS, PASSWORD_GROUP_SIZE = 3, 4  # 12 characters: about 59 bits


class UserNotFound(NotFound):
    reason = "user_not_found"


class ActionRefused(InvalidInput):
    """An account change refused as a whole, with the sentence to show the admin."""

    reason = "account_action_refused"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.message = message


class CannotDeactivateSelf(ActionRefused):
    reason = "cannot_deactivate_self"


class NotAProducerAccount(ActionRefused):
    reason = "not_a_producer_account"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching(text: str, *columns: Any):
    pattern = f"%{_escape_like(text.strip())}%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


@dataclass(frozen=True)
class Page:
    """One page of a list, and where it stands among the others."""

    items: list[Any]
    page: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _page_number(page: int, total: int, per_page: int) -> tuple[int, int]:
    pages = max(1, math.ceil(total / per_page))
    return min(max(1, page), pages), pages


# Facilities ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilityRow:
    producer: Producer
    products: int
    users: int


def facility_list(query: str = "", page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Facilities by name, searched by name, commune, tax code, GLN or e-mail."""
    condition = (
        _matching(
            query,
            Producer.name_vi,
            Producer.name_en,
            Producer.commune,
            Producer.tax_code,
            Producer.gln,
            Producer.email,
        )
        if query.strip()
        else None
    )
    count = select(func.count(Producer.id))
    if condition is not None:
        count = count.where(condition)
    total = db.session.scalar(count) or 0
    page, pages = _page_number(page, total, per_page)
    statement = select(Producer).order_by(Producer.name_vi, Producer.id)
    if condition is not None:
        statement = statement.where(condition)
    producers = list(db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    ids = [producer.id for producer in producers]
    products = dict(
        db.session.execute(
            select(Product.producer_id, func.count(Product.id))
            .where(Product.producer_id.in_(ids))
            .group_by(Product.producer_id)
        ).all()
    )
    users = dict(
        db.session.execute(
            select(User.producer_id, func.count(User.id))
            .where(User.producer_id.in_(ids))
            .group_by(User.producer_id)
        ).all()
    )
    rows = [
        FacilityRow(producer, products.get(producer.id, 0), users.get(producer.id, 0))
        for producer in producers
    ]
    return Page(rows, page, pages, total)


def get_facility(producer_id: int) -> Producer:
    producer = db.session.get(Producer, producer_id)
    if producer is None:
        raise ProducerNotFound(f"No facility {producer_id}", producer_id=producer_id)
    return producer


def create_facility(fields: Mapping[str, Any]) -> Producer:
    """Register a facility; the producer profile's rules apply (names, address, GLN)."""
    if not fields.get("legal_form"):
        raise FieldError("legal_form", _("Choose the legal form."))
    # Every required field present, so that update_facility checks each one.
    values = {"name_vi": None, "commune": None, "province": None, **fields}
    # Not flushed half-filled while update_facility looks for a GLN already in use.
    with db.session.no_autoflush:
        producer = Producer()
        db.session.add(producer)
        return update_facility(producer, values)


def edit_facility(producer: Producer, fields: Mapping[str, Any]) -> Producer:
    """Change a facility's profile, as its own producer would."""
    return update_facility(producer, fields)


@dataclass(frozen=True)
class FacilityDetail:
    producer: Producer
    products: list[Product]
    users: list[User]
    entries: dict[int, list[BatchEntry]]
    ratings: dict[int, programme.Rating]
    readiness: dict[int, readiness.Readiness]


def facility_detail(producer: Producer) -> FacilityDetail:
    """A facility's products, their programme entries and its accounts."""
    products = list(
        db.session.scalars(
            select(Product)
            .where(Product.producer_id == producer.id)
            .order_by(Product.name_vi, Product.id)
        )
    )
    entries: dict[int, list[BatchEntry]] = {}
    for entry in db.session.scalars(
        select(BatchEntry)
        .where(BatchEntry.product_id.in_([product.id for product in products]))
        .options(joinedload(BatchEntry.batch))
        .order_by(BatchEntry.batch_id)
    ):
        entries.setdefault(entry.product_id, []).append(entry)
    users = list(
        db.session.scalars(select(User).where(User.producer_id == producer.id).order_by(User.email))
    )
    return FacilityDetail(
        producer,
        products,
        users,
        entries,
        programme.product_ratings([product.id for product in products]),
        readiness.readiness_of(products),
    )


def facility_choices() -> list[tuple[int, str]]:
    """Every facility as (id, Vietnamese name), for a select."""
    return [
        (producer_id, name)
        for producer_id, name in db.session.execute(
            select(Producer.id, Producer.name_vi).order_by(Producer.name_vi, Producer.id)
        )
    ]


# Accounts ------------------------------------------------------------------------------------


def generate_password() -> str:
    """Return a random temporary password such as ``k7qm-4xz2-hc9w``."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_SIZE))
        for _ in range(PASSWORD_GROUPS)
    )


@dataclass(frozen=True)
class NewAccount:
    """The account created and its temporary password, to be shown once."""

    user: User
    password: str


def create_account(
    email: str,
    role: Role,
    *,
    producer: Producer | None = None,
    display_name: str | None = None,
) -> NewAccount:
    """Create an account of any role with a generated password; producers need a facility."""
    if role is Role.PRODUCER and producer is None:
        raise FieldError("producer_id", _("A producer account belongs to a facility: choose it."))
    if role is not Role.PRODUCER and producer is not None:
        raise FieldError("producer_id", _("Only producer accounts belong to a facility."))
    password = generate_password()
    try:
        user = accounts.create_user(
            email, password, role, producer=producer, display_name=display_name or None
        )
    except accounts.EmailTaken as error:
        raise FieldError(
            "email",
            _("%(email)s already has an account.", email=accounts.normalise_email(email)),
        ) from error
    except accounts.AccountError as error:
        raise FieldError("email", _("Enter an e-mail address such as name@example.vn.")) from error
    return NewAccount(user, password)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise UserNotFound(f"No user {user_id}", user_id=user_id)
    return user


def user_list(
    query: str = "",
    role: Role | None = None,
    active: bool | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """Accounts by e-mail, filtered by role and state, searched by e-mail, name or facility."""
    conditions = []
    if query.strip():
        conditions.append(_matching(query, User.email, User.display_name, Producer.name_vi))
    if role is not None:
        conditions.append(User.role == role)
    if active is not None:
        conditions.append(User.active.is_(active))
    count = select(func.count(User.id)).outerjoin(User.producer).where(*conditions)
    total = db.session.scalar(count) or 0
    page, pages = _page_number(page, total, per_page)
    users = list(
        db.session.scalars(
            select(User)
            .outerjoin(User.producer)
            .where(*conditions)
            .options(joinedload(User.producer))
            .order_by(User.email)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(users, page, pages, total)


def assign_facility(user: User, producer: Producer | None) -> User:
    """Move a producer account to another facility."""
    if user.role is not Role.PRODUCER:
        raise NotAProducerAccount(_("Only producer accounts belong to a facility."))
    if producer is None:
        raise FieldError("producer_id", _("A producer account belongs to a facility: choose it."))
    user.producer = producer
    db.session.flush()
    return user


def deactivate(user: User, acting: User) -> User:
    """Stop an account from signing in; an admin cannot lock themselves out."""
    if user.id == acting.id:
        raise CannotDeactivateSelf(
            _("You cannot deactivate your own account: ask another admin to do it.")
        )
    user.active = False
    user.end_all_sessions()
    db.session.flush()
    return user


def reactivate(user: User) -> User:
    user.active = True
    db.session.flush()
    return user


def reset_password(user: User) -> str:
    """Give the account a new random password and return it, to be shown once."""
    password = generate_password()
    user.password_hash = accounts.hash_password(password)
    user.end_all_sessions()  # whoever knew the old password is signed out too
    db.session.flush()
    return password
