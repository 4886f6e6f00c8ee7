"""Fixtures: an app on a fresh database (SQLite by default, PostgreSQL when asked).

The make_* factories commit, as the workspace's own forms do: a view that rolls
back after refusing bad input must not take the test's data with it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import create_engine, text

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.models import (
    Certification,
    CertificationKind,
    GrantingLevel,
    LegalForm,
    OcopGroup,
    Producer,
    Product,
    Role,
    User,
)
from lookup_site.services import accounts
from lookup_site.services import lots as lot_service

VIETNAM = timezone(timedelta(hours=7))
# Set by .ci/run for the second pass: a PostgreSQL server URL whose database is scratch.
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


@contextmanager
def scratch_database(sqlite_file: Path, schema_prefix: str) -> Iterator[str]:
    """A database URL of its own: the SQLite file, or a new PostgreSQL schema when
    TEST_DATABASE_URL is set, dropped on exit so runs leave nothing behind.

    Shared by each test's database and the browser tests' session-long site.
    """
    if not POSTGRES_URL:
        yield f"sqlite:///{sqlite_file}"
        return
    schema = f"{schema_prefix}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def database_url(tmp_path):
    """A database URL of its own for each test: a SQLite file, or a PostgreSQL schema."""
    with scratch_database(tmp_path / "test.sqlite3", "t") as url:
        yield url


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """The test configuration; CSRF is checked by its own tests (see csrf_client)."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PUBLIC_BASE_URL": "https://txng.example.vn",
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        # scrypt costs ~0.1 s a hash; test accounts need no protection (see test_login).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Pages change under the tests' feet: tests/public/test_page_cache.py turns it on.
        "PAGE_CACHE_SECONDS": 0,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        # Jobs run inside the request unless a test is about the thread or RQ backend.
        "JOBS_BACKEND": "eager",
        # One process draws label sheets unless a test is about the process pool.
        "LABEL_WORKERS": 1,
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(db, make_producer):
    def make(role: Role = Role.PRODUCER, producer: Producer | None = None, **overrides) -> User:
        if role is Role.PRODUCER and producer is None:
            producer = make_producer()
        fields = dict(
            email=f"{role.value}-{uuid.uuid4().hex[:8]}@example.vn",
            password="correct horse battery",
            role=role,
            producer=producer,
        )
        fields.update(overrides)
        user = accounts.create_user(**fields)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Sign a user in on the test client without going through the form."""

    def sign_in(user: User) -> User:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        # Flask-Login caches the user on g, which the tests' app context shares
        # across requests: forget it so that switching users takes effect.
        g.pop("_login_user", None)
        return user

    return sign_in


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def make_producer(db):
    def make(**overrides) -> Producer:
        fields = dict(
            legal_form=LegalForm.COOPERATIVE,
            name_vi="HTX Nước mắm Cát Hải (demo)",
            name_en="Cat Hai Fish Sauce Cooperative (demo)",
            commune="Đặc khu Cát Hải",
            province="Hải Phòng",
            phone="0225 3888 000",
            latitude=Decimal("20.795"),
            longitude=Decimal("106.905"),
            is_demo=True,
        )
        fields.update(overrides)
        producer = Producer(**fields)
        db.session.add(producer)
        db.session.commit()
        return producer

    return make


@pytest.fixture
def make_product(db, make_producer):
    def make(**overrides) -> Product:
        fields = dict(
            name_vi="Nước mắm cá cơm Cát Hải",
            name_en="Cat Hai anchovy fish sauce",
            ocop_group=OcopGroup.FOOD,
            gtin="09520123450007",
            net_content=Decimal("500"),
            net_content_unit="ml",
            standards="TCVN 5107:2018",
            is_demo=True,
        )
        fields.update(overrides)
        if "producer" not in fields:
            fields["producer"] = make_producer()
        product = Product(**fields)
        db.session.add(product)
        db.session.commit()
        return product

    return make


@pytest.fixture
def make_lot(db, make_product):
    def make(product: Product | None = None, code: str = "CH2023-01", **overrides):
        fields = dict(
            production_date=date(2026, 9, 1),
            best_before=date(2028, 9, 1),
            quantity=Decimal("1200"),
            quantity_unit="bottle",
        )
        fields.update(overrides)
        lot = lot_service.create_lot(product or make_product(), code, **fields)
        db.session.commit()
        return lot

    return make


@pytest.fixture
def make_event(db):
    def make(lot, step: str = "packing", when: datetime | None = None, **overrides):
        fields = dict(
            event_time=when or datetime(2026, 9, 2, 8, 30, tzinfo=VIETNAM),
            location_name="Xưởng đóng chai",
            actor="Nguyễn Văn An",
            notes_vi="Đóng chai 500 ml",
            notes_en="Bottled in 500 ml",
        )
        fields.update(overrides)
        event = lot_service.append_event(lot, step=step, **fields)
        db.session.commit()
        return event

    return make


@pytest.fixture
def make_ocop(db):
    def make(product: Product, stars: int = 4, issued_on: date = date(2025, 3, 1), **overrides):
        fields = dict(
            product=product,
            kind=CertificationKind.OCOP,
            ocop_stars=stars,
            granting_level=GrantingLevel.PROVINCE,
            number="OCOP-HP-2025-001",
            issuer="UBND thành phố Hải Phòng",
            issued_on=issued_on,
        )
        fields.update(overrides)
        certification = Certification(**fields)
        db.session.add(certification)
        db.session.commit()
        return certification

    return make


@pytest.fixture
def producer_user(make_user, login):
    """A signed-in producer user; their facility is producer_user.producer."""
    return login(make_user(Role.PRODUCER, display_name="Lê Thị Mai"))
