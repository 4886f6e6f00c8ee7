"""A live site with the demo catalogue, and headless Chromium sized like a phone.

One site serves every browser test of the session: loading the demo takes a few
seconds, and the tests only add to it (a new lot, a diary entry, an inspection),
so they do not disturb each other. The site runs on a free localhost port in a
background thread, on a SQLite file (or a PostgreSQL schema when
TEST_DATABASE_URL is set, as in .ci/run's second pass), with CSRF checked as in
production. Chromium is Debian's package, driven by playwright without its own
browser download; the tests skip, saying why, when it is missing.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from lookup_site import create_app
from lookup_site.demo import load_demo
from lookup_site.demo.accounts import DEMO_PASSWORD
from lookup_site.extensions import db
from lookup_site.links import lot_path, product_path
from lookup_site.models import Lot, LotStatus

from ..conftest import scratch_database

CHROMIUM = Path("/usr/bin/chromium")
# Installed by `npm ci --prefix tests/browser` (.ci/run does it).
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# Quiet, offline, container-safe: no sandbox (root in CI), no GPU, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A mid-range phone (an iPhone 12/13/14's CSS size), as most shoppers scan with.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
    # Headless Chromium says so in its User-Agent, and the site rightly does not count
    # such visits as shoppers' checks; a phone's own browser sends this.
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36"
    ),
}
PRODUCER_EMAIL = "producer@demo.example"
INSPECTOR_EMAIL = "inspector@demo.example"
ITEM_CODES = 50
# Who checks the demo items: their phone's language, and the province shared (or none).
SHOPPERS = [
    ("vi-VN", "hai-phong"),
    ("vi-VN", "hai-phong"),
    ("vi-VN", "ha-noi"),
    ("vi-VN", "ho-chi-minh"),
    ("vi-VN", None),
    ("en-US", "ha-noi"),
    ("vi-VN", "hai-phong"),
    ("en-US", None),
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium against a live site")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder, so `-m "not browser"` leaves them out, and run
    them last: their Playwright instance lives until the session ends, and a second
    sync Playwright (tests/inspect's camera test) cannot start in the same thread."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: here in Path(item.path).parents)


@dataclass(frozen=True)
class DemoSite:
    """The live site's address and the demo pages the tests open."""

    url: str
    example_lot_id: int
    example_lot: str
    example_product: str
    example_producer_id: int
    recalled_lot: str
    # A lot of another producer, for the inspector (inspectors see every lot).
    inspected_lot_id: int
    inspected_lot: str


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """Keep the test output free of one access-log line per request."""


@pytest.fixture(scope="session")
def browser_database_url(tmp_path_factory) -> Iterator[str]:
    """A SQLite file, or a PostgreSQL schema of its own, for the session's site."""
    with scratch_database(tmp_path_factory.mktemp("browser") / "site.sqlite3", "b") as url:
        yield url


@pytest.fixture(scope="session")
def demo_site(browser_database_url, tmp_path_factory) -> Iterator[DemoSite]:
    """Serve the demo catalogue on a free localhost port until the session ends."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": browser_database_url,
            "PUBLIC_BASE_URL": "https://txng.example.vn",
            "SECRET_KEY": "browser-tests",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "PAGE_CACHE_SECONDS": 0,
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
            "JOBS_BACKEND": "eager",
            "LABEL_WORKERS": 1,
        }
    )
    # The app context is pushed only while loading: other tests push their own apps.
    with app.app_context(), app.test_request_context():
        db.create_all()
        example = load_demo().example_lot
        db.session.commit()
        recalled = db.session.scalars(
            select(Lot).where(Lot.status == LotStatus.RECALLED).order_by(Lot.id).limit(1)
        ).one()
        inspected = db.session.scalars(
            select(Lot)
            .where(Lot.status == LotStatus.ACTIVE, Lot.id != example.id)
            .order_by(Lot.id.desc())
            .limit(1)
        ).one()
        product = product_path(example.product)
        assert product is not None, "the demo's example product has a GTIN"
        site_paths = dict(
            example_lot_id=example.id,
            example_lot=lot_path(example),
            example_product=product,
            example_producer_id=example.product.producer_id,
            recalled_lot=lot_path(recalled),
            inspected_lot_id=inspected.id,
            inspected_lot=lot_path(inspected),
        )
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield DemoSite(url=f"http://127.0.0.1:{server.server_port}", **site_paths)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def needs_chromium():
    """Skip, saying why, before the site is even loaded."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM}: "
            "`apt-get install chromium` (.ci/run installs it)"
        )
    return pytest.importorskip(
        "playwright.sync_api", reason="browser tests need playwright: pip install -e '.[test]'"
    )


@pytest.fixture(scope="session")
def chromium(needs_chromium):
    """Launch Debian's headless Chromium once for the session."""
    with needs_chromium.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A fresh phone-sized browsing context: no cookies, no cache, Vietnamese."""
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(phone):
    return phone.new_page()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE.exists():
        pytest.skip(f"the accessibility check needs axe-core: `npm ci --prefix {AXE.parents[2]}`")
    return AXE


def sign_in_through_form(page, site: DemoSite, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as a person would, and wait for the workspace."""
    page.goto(f"{site.url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form.stack button[type=submit]").click()
    assert "/login" not in page.url, page.locator("main").inner_text()


@pytest.fixture(scope="session")
def scanned_items(chromium, demo_site) -> list[str]:
    """Issue item codes on the example lot and let a few shoppers check them.

    The producer's lot page then lists the codes and their file, and the analytics
    page has figures and charts to show. Returns the items' site paths.
    """
    producer = chromium.new_context(**PHONE)
    try:
        page = producer.new_page()
        sign_in_through_form(page, demo_site, PRODUCER_EMAIL)
        page.goto(f"{demo_site.url}/producer/lots/{demo_site.example_lot_id}")
        page.fill("form[action$='/serials'] input[name=count]", str(ITEM_CODES))
        with page.expect_navigation():
            page.locator("form[action$='/serials'] button[type=submit]").click()
        listing = page.request.get(
            f"{demo_site.url}/producer/lots/{demo_site.example_lot_id}/serials.csv"
        )
        assert listing.ok, listing.status
        rows = list(csv.DictReader(io.StringIO(listing.text())))
    finally:
        producer.close()
    assert len(rows) == ITEM_CODES
    paths = [row["url"].removeprefix("https://txng.example.vn") for row in rows]
    for (language, province), path in zip(SHOPPERS, paths, strict=False):
        shopper = chromium.new_context(**{**PHONE, "locale": language})
        try:
            page = shopper.new_page()
            page.goto(demo_site.url + path)
            if province:
                page.select_option("#province", province)
                with page.expect_navigation():
                    page.locator("form.place button[type=submit]").click()
        finally:
            shopper.close()
    return paths


@pytest.fixture
def sign_in(demo_site):
    def signed_in(page, email: str) -> None:
        sign_in_through_form(page, demo_site, email)

    return signed_in
