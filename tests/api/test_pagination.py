"""Lists come in bounded pages, linked by a cursor that survives new rows."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from lookup_site.api.openapi import DEFAULT_LIMIT, MAX_LIMIT
from lookup_site.models import Product

PRODUCTS = "/api/v1/products"


def add_products(db, producer, count: int) -> list[int]:
    products = [Product(producer=producer, name_vi=f"Sản phẩm {n}") for n in range(count)]
    db.session.add_all(products)
    db.session.commit()
    return [product.id for product in products]


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_pages_follow_next_until_the_last(api, db):
    ids = add_products(db, api.producer, 5)
    seen, url, pages = [], f"{PRODUCTS}?limit=2", 0
    while url:
        response = api.get(url)
        assert response.status_code == 200
        page = response.get_json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        if page["next"]:
            assert response.headers["Link"] == f'<{page["next"]}>; rel="next"'
            assert page["next"].startswith("http://localhost/api/v1/products?")
            url = local(page["next"])
        else:
            assert "Link" not in response.headers
            url = None
    assert seen == ids and pages == 3


def test_the_next_page_keeps_the_filters(api, db, make_product, make_lot):
    product = make_product(producer=api.producer)
    for n in range(3):
        make_lot(product, f"L{n}")
    response = api.get(f"/api/v1/lots?product_id={product.id}&limit=1&lang=en")
    query = parse_qs(urlsplit(response.get_json()["next"]).query)
    assert query["product_id"] == [str(product.id)] and query["limit"] == ["1"]
    assert query["lang"] == ["en"] and "cursor" in query


def test_rows_added_meanwhile_neither_repeat_nor_shift_a_page(api, db):
    first_ids = add_products(db, api.producer, 3)
    first = api.get(f"{PRODUCTS}?limit=2").get_json()
    later_ids = add_products(db, api.producer, 2)
    second = api.get(local(first["next"])).get_json()
    assert [item["id"] for item in first["items"]] == first_ids[:2]
    assert [item["id"] for item in second["items"]] == [first_ids[2], *later_ids[:1]]


def test_pages_are_bounded(api, db):
    add_products(db, api.producer, MAX_LIMIT + 1)
    assert len(api.get(PRODUCTS).get_json()["items"]) == DEFAULT_LIMIT
    full = api.get(f"{PRODUCTS}?limit={MAX_LIMIT}").get_json()
    assert len(full["items"]) == MAX_LIMIT and full["next"]
    assert api.get(f"{PRODUCTS}?limit={MAX_LIMIT + 1}").status_code == 400


def test_a_page_holds_only_the_facilitys_rows(api, other_api, db):
    add_products(db, other_api.producer, 3)
    mine = add_products(db, api.producer, 1)
    page = api.get(f"{PRODUCTS}?limit=1").get_json()
    assert [item["id"] for item in page["items"]] == mine and page["next"] is None


def test_the_diary_is_paged_in_the_order_recorded(api, make_product, make_lot, make_event):
    lot = make_lot(make_product(producer=api.producer))
    events = [make_event(lot, step) for step in ("harvesting", "drying", "packing")]
    # Odd arguments are not taken for the path's or for url_for's own.
    odd = "lot_id=999&_external=0&_anchor=x&_scheme=ftp&limit=2"
    first = api.get(f"/api/v1/lots/{lot.id}/events?{odd}").get_json()
    assert first["next"].startswith(f"http://localhost/api/v1/lots/{lot.id}/events?")
    assert "_scheme" not in first["next"] and "999" not in first["next"]
    second = api.get(local(first["next"])).get_json()
    assert [e["id"] for e in first["items"] + second["items"]] == [e.id for e in events]
    assert second["next"] is None
