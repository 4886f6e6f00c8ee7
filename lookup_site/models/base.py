"""Shared column helpers."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum


def utcnow() -> datetime:
    """Return the current time in UTC (called per row, never once at import)."""
    return datetime.now(UTC)


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    """Store an enum by its value as a plain string, portable across databases."""
    return Enum(
        enum_class,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        validate_strings=True,
        length=32,
        name=enum_class.__name__.lower(),
    )
