"""HTTP caching of the public pages: validators, 304 answers and what a shared cache may keep."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import event as sa_event
from werkzeug.http import http_date

from lookup_site.models import LotStatus, Role
from lookup_site.services import serials

CACHEABLE = "public, max-age=30, stale-while-revalidate=30"


def lot_url(lot) -> str:
    return f"/01/{lot.product.gtin}/10/{lot.code}"


@contextmanager
def counted_queries(db):
    statements: list[str] = []

    def record(*args):
        statements.append(args[2])

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)


def test_lot_page_sends_validators_and_may_be_kept_briefly(client, make_lot, make_event):
    lot = make_lot()
    make_event(lot, "packing")

    response = client.get(lot_url(lot))

    assert response.status_code == 200
    assert response.headers["ETag"].startswith('W/"')
    assert response.last_modified is not None
    assert response.headers["Cache-Control"] == CACHEABLE
    assert {"Accept-Language", "Cookie", "Accept"} <= set(response.vary)


def test_a_repeat_request_is_answered_304_without_rendering(client, db, make_lot, make_event):
    lot = make_lot()
    make_event(lot, "packing")
    url = lot_url(lot)
    first = client.get(url)
    db.session.expire_all()  # as in a new request: nothing left loaded from the first one

    with counted_queries(db) as statements:
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == CACHEABLE
    # The lot, then its version: none of the diary, chain or links the full page loads.
    assert len(statements) <= 2, "\n\n".join(statements)


def test_if_modified_since_alone_is_answered(client, make_lot, make_event):
    lot = make_lot()
    make_event(lot, "packing")
    first = client.get(lot_url(lot))

    again = client.get(lot_url(lot), headers={"If-Modified-Since": first.headers["Last-Modified"]})
    old = client.get(
        lot_url(lot), headers={"If-Modified-Since": http_date(datetime(2000, 1, 1, tzinfo=UTC))}
    )

    assert again.status_code == 304
    assert old.status_code == 200


def test_a_new_event_changes_the_page_version(client, make_lot, make_event):
    lot = make_lot()
    make_event(lot, "catching")
    before = client.get(lot_url(lot)).headers["ETag"]
    make_event(lot, "packing")

    response = client.get(lot_url(lot), headers={"If-None-Match": before})

    assert response.status_code == 200
    assert response.headers["ETag"] != before
    assert "Đóng gói" in response.get_data(as_text=True)


def test_a_recall_shows_at_once_to_a_revalidating_cache(client, db, make_lot):
    lot = make_lot()
    before = client.get(lot_url(lot)).headers["ETag"]
    lot.status = LotStatus.RECALLED
    lot.status_reason_vi = "Sai hạn sử dụng in trên nhãn"
    db.session.commit()

    response = client.get(lot_url(lot), headers={"If-None-Match": before})

    assert response.status_code == 200
    assert 'class="banner recalled"' in response.get_data(as_text=True)


def test_a_product_edit_changes_the_lot_page_version(client, db, make_lot):
    lot = make_lot()
    before = client.get(lot_url(lot)).headers["ETag"]
    lot.product.name_vi = "Nước mắm nhĩ Cát Hải"
    db.session.commit()

    response = client.get(lot_url(lot), headers={"If-None-Match": before})

    assert response.status_code == 200
    assert "Nước mắm nhĩ Cát Hải" in response.get_data(as_text=True)


def test_each_language_has_its_own_validator(client, make_lot):
    lot = make_lot()
    vietnamese = client.get(lot_url(lot)).headers["ETag"]

    english = client.get(
        lot_url(lot), headers={"Accept-Language": "en", "If-None-Match": vietnamese}
    )

    assert english.status_code == 200
    assert english.headers["ETag"] != vietnamese
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_json_and_html_have_their_own_validators(client, make_lot):
    lot = make_lot()
    html = client.get(lot_url(lot)).headers["ETag"]

    as_json = client.get(
        lot_url(lot), headers={"Accept": "application/json", "If-None-Match": html}
    )

    assert as_json.status_code == 200
    assert as_json.is_json
    assert as_json.headers["ETag"] != html


def test_short_code_lot_page_is_cached_too(client, make_lot):
    lot = make_lot()
    first = client.get(f"/t/{lot.public_code}")
    again = client.get(f"/t/{lot.public_code}", headers={"If-None-Match": first.headers["ETag"]})
    assert first.status_code == 200 and again.status_code == 304


def test_lot_page_queries_stay_bounded(client, db, make_lot, make_event, make_ocop):
    lot = make_lot()
    make_ocop(lot.product)
    make_event(lot, "packing")
    url = lot_url(lot)
    with counted_queries(db) as statements:
        assert client.get(url).status_code == 200
    assert len(statements) <= 6, "\n\n".join(statements)


def test_product_page_revalidates_and_shows_a_new_lot(client, make_product, make_lot):
    product = make_product()
    make_lot(product, code="L1")
    url = f"/01/{product.gtin}"
    first = client.get(url)
    assert first.headers["Cache-Control"] == CACHEABLE
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    make_lot(product, code="L2")
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert after.status_code == 200
    assert "L2" in after.get_data(as_text=True)


def test_producer_page_revalidates_and_shows_a_product_edit(client, db, make_product):
    product = make_product()
    url = f"/producers/{product.producer_id}"
    first = client.get(url)
    assert first.headers["Cache-Control"] == CACHEABLE
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    product.name_vi = "Nước mắm nhĩ Cát Hải"
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert after.status_code == 200
    assert "Nước mắm nhĩ Cát Hải" in after.get_data(as_text=True)


def test_unknown_producer_is_still_a_404(client):
    response = client.get("/producers/999999")
    assert response.status_code == 404
    assert "ETag" not in response.headers


def test_item_pages_are_never_shared_or_validated(client, db, make_lot):
    lot = make_lot()
    item = serials.generate_serials(lot, 1)[0]
    db.session.commit()
    response = client.get(f"{lot_url(lot)}/21/{item.serial}", headers={"User-Agent": "Mozilla/5.0"})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response.headers


def test_signed_in_visitors_get_a_private_page(client, make_lot, make_user, login):
    lot = make_lot()
    login(make_user(Role.ADMIN, email="a@example.org"))

    response = client.get(lot_url(lot))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response.headers
