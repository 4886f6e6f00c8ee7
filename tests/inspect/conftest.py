"""Fixtures for the inspectors' workspace: a signed-in inspector and a lot with a diary."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from PIL import Image
from sqlalchemy import event

from lookup_site.models import Role
from lookup_site.services.clock import VIETNAM


@pytest.fixture
def inspector(make_user, login):
    """A signed-in inspector."""
    return login(make_user(Role.INSPECTOR, display_name="Trần Văn Kiểm"))


@pytest.fixture
def lot(make_lot, make_event):
    """A lot of the demo fish sauce with two diary entries."""
    lot = make_lot()
    make_event(lot, step="fermenting", when=datetime(2026, 9, 1, 7, 0, tzinfo=VIETNAM))
    make_event(lot, step="packing", recorded_by="Lê Thị Mai")
    return lot


@pytest.fixture
def photo():
    """Make a small JPEG upload as a phone would send it."""

    def make(name: str = "shelf.jpg", colour=(200, 40, 40)) -> tuple[io.BytesIO, str]:
        buffer = io.BytesIO()
        Image.new("RGB", (320, 240), colour).save(buffer, "JPEG")
        buffer.seek(0)
        return buffer, name

    return make


class QueryCounter:
    """Count the SQL statements run on an engine while active."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.count = 0

    def _count(self, *args) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


@pytest.fixture
def count_queries(db):
    """Count the SQL statements a block runs: ``with count_queries() as counter: ...``."""
    return lambda: QueryCounter(db.engine)
