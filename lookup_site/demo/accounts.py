"""One demo login per role, so a visitor can try every workspace."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Producer, Role, User
from ..services import accounts

# Published in the README on purpose: these accounts only ever exist with demo data.
DEMO_PASSWORD = "demo-txng-2026"
DEMO_ACCOUNTS = (
    ("producer@demo.example", Role.PRODUCER, "Nguyễn Thị Hoa (demo)"),
    ("inspector@demo.example", Role.INSPECTOR, "Trần Văn Kiểm (demo)"),
    ("admin@demo.example", Role.ADMIN, "Sở KH&CN Hải Phòng (demo)"),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: Role


def ensure_demo_logins(facility: Producer) -> list[DemoLogin]:
    """Create the demo users that are missing; the producer works for facility."""
    logins = []
    for email, role, name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            accounts.create_user(
                email,
                DEMO_PASSWORD,
                role,
                producer=facility if role is Role.PRODUCER else None,
                display_name=name,
                is_demo=True,
            )
        logins.append(DemoLogin(email, DEMO_PASSWORD, role))
    return logins
