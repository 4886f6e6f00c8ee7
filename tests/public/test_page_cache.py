"""The per-process page cache: repeated anonymous views without a query, never a private page."""

from __future__ import annotations

import pytest
from sqlalchemy import event as sa_event

from lookup_site import create_app
from lookup_site.models import LotStatus, Serial
from lookup_site.page_cache import PageCache, page_cache
from lookup_site.services import serials

PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 Chrome/126 Mobile Safari"


@pytest.fixture
def app_config(app_config):
    return app_config | {"PAGE_CACHE_SECONDS": 5}


@pytest.fixture
def clock(app):
    """Replace the cache's clock with one the test moves by hand."""
    now = [1000.0]
    page_cache(app).clock = lambda: now[0]
    return now


def lot_url(lot) -> str:
    return f"/01/{lot.product.gtin}/10/{lot.code}"


class Queries:
    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _record(self, *args) -> None:
        self.statements.append(args[2])

    def __enter__(self):
        sa_event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        sa_event.remove(self.engine, "before_cursor_execute", self._record)


def test_a_repeated_view_is_served_without_a_query(client, db, make_lot, clock):
    lot = make_lot()
    db.session.commit()
    first = client.get(lot_url(lot))
    with Queries(db.engine) as seen:
        again = client.get(lot_url(lot))

    assert first.status_code == again.status_code == 200
    assert again.get_data() == first.get_data()
    assert seen.statements == []
    # The hit still carries the page's validators and every security header.
    for header in (
        "ETag",
        "Last-Modified",
        "Cache-Control",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Vary",
    ):
        assert again.headers[header] == first.headers[header], header


def test_a_hit_answers_a_conditional_request_with_304(client, db, make_lot, clock):
    lot = make_lot()
    db.session.commit()
    etag = client.get(lot_url(lot)).headers["ETag"]
    with Queries(db.engine) as seen:
        answer = client.get(lot_url(lot), headers={"If-None-Match": etag})
    assert answer.status_code == 304
    assert answer.get_data() == b""
    assert seen.statements == []


def test_head_is_served_from_the_cache_without_a_body(client, db, make_lot, clock):
    lot = make_lot()
    db.session.commit()
    full = client.get(lot_url(lot))
    head = client.head(lot_url(lot))
    assert head.status_code == 200
    assert head.get_data() == b""
    assert head.headers["ETag"] == full.headers["ETag"]


def test_each_language_and_representation_is_kept_apart(client, db, make_lot, clock):
    lot = make_lot()
    db.session.commit()
    vi = client.get(lot_url(lot)).get_data(as_text=True)
    en = client.get(lot_url(lot), headers={"Accept-Language": "en"}).get_data(as_text=True)
    as_json = client.get(lot_url(lot), headers={"Accept": "application/json"})

    assert 'lang="vi"' in vi and 'lang="en"' in en
    assert client.get(lot_url(lot)).get_data(as_text=True) == vi
    assert client.get(lot_url(lot), headers={"Accept-Language": "en"}).get_data(as_text=True) == en
    assert as_json.is_json
    again = client.get(lot_url(lot), headers={"Accept": "application/json"})
    assert again.is_json and again.get_json() == as_json.get_json()


def test_an_answer_that_sets_a_cookie_is_not_kept(app, client, db, make_lot, clock):
    lot = make_lot()
    db.session.commit()
    chosen = client.get(lot_url(lot) + "?lang=en")  # remembers the choice in a cookie
    assert "Set-Cookie" in chosen.headers
    assert len(page_cache(app)) == 0


def test_a_change_shows_once_the_page_expires(client, db, make_lot, clock):
    lot = make_lot()
    db.session.commit()
    assert "banner recalled" not in client.get(lot_url(lot)).get_data(as_text=True)
    lot.status = LotStatus.RECALLED
    lot.status_reason_vi = "Sai hạn sử dụng in trên nhãn"
    db.session.commit()

    # Within PAGE_CACHE_SECONDS the process may still answer with what it rendered …
    clock[0] += 4
    assert "banner recalled" not in client.get(lot_url(lot)).get_data(as_text=True)
    # … and never longer: the recall shows well within the shared caches' max-age.
    clock[0] += 1.5
    assert "banner recalled" in client.get(lot_url(lot)).get_data(as_text=True)


def test_signed_in_visitors_neither_use_nor_fill_the_cache(
    app, client, db, make_lot, make_user, login, clock
):
    lot = make_lot()
    db.session.commit()
    anonymous = client.application.test_client()
    anonymous.get(lot_url(lot))
    assert len(page_cache(app)) == 1

    login(make_user())
    with Queries(db.engine) as seen:
        signed_in = client.get(lot_url(lot))
    assert signed_in.status_code == 200
    assert signed_in.headers["Cache-Control"] == "private, no-cache"
    assert seen.statements, "a signed-in visitor's page is rendered for them"
    assert len(page_cache(app)) == 1


def test_item_pages_are_never_kept_each_view_counts(client, db, make_lot, clock):
    item = serials.generate_serials(make_lot(), 1)[0]
    db.session.commit()
    url = serials.serial_url(item).split("://", 1)[1].split("/", 1)[1]
    for _ in range(3):
        assert client.get("/" + url, headers={"User-Agent": PHONE}).status_code == 200
    assert db.session.get(Serial, item.id).scan_count == 3
    assert len(page_cache(client.application)) == 0


def test_errors_and_credentials_are_not_kept(app, client, db, clock):
    assert client.get("/01/09520123450014/10/NOSUCHLOT").status_code == 404
    client.get("/01/09520123450014", headers={"Authorization": "Bearer x"})
    assert len(page_cache(app)) == 0


def test_pages_kept_are_bounded_and_expire():
    now = [0.0]
    cache = PageCache(seconds=5, size=2, clock=lambda: now[0])
    for key in ("a", "b", "c"):
        cache.put((key,), object())
    assert len(cache) == 2 and cache.get(("a",)) is None
    now[0] = 5.1
    assert len(cache) == 0


def test_off_when_zero_and_never_longer_than_shared_caches_may_keep(app_config):
    assert page_cache(create_app(app_config | {"PAGE_CACHE_SECONDS": 0})) is None
    with pytest.raises(RuntimeError, match="PUBLIC_PAGE_MAX_AGE"):
        create_app(app_config | {"PAGE_CACHE_SECONDS": 60, "PUBLIC_PAGE_MAX_AGE": 30})
