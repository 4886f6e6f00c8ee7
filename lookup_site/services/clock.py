"""Dates in the programme's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today() -> date:
    """Return today's date in Vietnam, which decides expiry and validity."""
    return datetime.now(UTC).astimezone(VIETNAM).date()


def as_utc(moment: datetime) -> datetime:
    """Return moment as an aware UTC datetime (SQLite returns naive UTC values)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def offset_string(moment: datetime) -> str:
    """Format moment's UTC offset as EPCIS wants it: +07:00."""
    offset = moment.utcoffset()
    if offset is None:
        return "+07:00"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"
