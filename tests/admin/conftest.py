"""Fixtures for the Department's workspace: a signed-in admin, the demo catalogue."""

from __future__ import annotations

import html

import pytest
from flask import g
from sqlalchemy import event

from lookup_site.demo import DemoSummary, load_demo
from lookup_site.models import Role


@pytest.fixture(autouse=True)
def user_loaded_per_request(app):
    """Load the signed-in user afresh for each request, as a real server does.

    The test app keeps one app context for the whole test, so Flask-Login's cached
    user (on g) would otherwise outlive a request, hiding a deactivation or another
    client's session.
    """

    def forget_cached_user() -> None:
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_cached_user)


@pytest.fixture
def admin(make_user, login):
    """A signed-in admin of the Department."""
    return login(make_user(Role.ADMIN, display_name="Sở KH&CN Hải Phòng"))


@pytest.fixture
def demo(db) -> DemoSummary:
    summary = load_demo()
    # Committed so that requests, which get a session of their own, see the data.
    db.session.commit()
    return summary


@pytest.fixture
def count_queries(db):
    """Count the SQL statements run inside a with-block: `with count_queries() as n:`."""

    class Counter:
        def __init__(self) -> None:
            self.count = 0

        def __call__(self, *args) -> None:
            self.count += 1

        def __enter__(self) -> Counter:
            event.listen(db.engine, "before_cursor_execute", self)
            return self

        def __exit__(self, *exc) -> None:
            event.remove(db.engine, "before_cursor_execute", self)

    return Counter


def text_of(response) -> str:
    """The page's text with entities decoded, so that messages compare as written."""
    return html.unescape(response.get_data(as_text=True))
