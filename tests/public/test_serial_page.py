"""An item's page: the lot page for one serial, its checks counted, copies flagged."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lookup_site.models import Scan, Serial
from lookup_site.services import serials

PHONE = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0 Mobile Safari/537.36"
)


@pytest.fixture
def item(db, make_lot):
    serial = serials.generate_serials(make_lot(), 1)[0]
    db.session.commit()
    return serial


def item_url(item: Serial) -> str:
    lot = item.lot
    return f"/01/{lot.product.gtin}/10/{lot.code}/21/{item.serial}"


def get(client, url: str, user_agent: str = PHONE, **headers):
    return client.get(url, headers={"User-Agent": user_agent, **headers})


def scans(db) -> list[Scan]:
    return list(db.session.scalars(select(Scan).order_by(Scan.id)))


def stored(db, item: Serial) -> Serial:
    db.session.expire_all()
    return db.session.get(Serial, item.id)


def test_item_page_shows_the_lot_and_counts_the_check(client, db, item):
    response = get(client, item_url(item) + "?lang=en")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cat Hai anchovy fish sauce" in html and "CH2023-01" in html
    assert item.serial in html
    assert "This is the first check of item code" in html
    assert response.headers["Cache-Control"] == "private, no-cache"
    again = get(client, item_url(item) + "?lang=en").get_data(as_text=True)
    assert "has been checked 2 times, first on" in again

    row = stored(db, item)
    assert row.scan_count == 2
    assert row.first_scanned_at is not None and row.last_scanned_at >= row.first_scanned_at
    recorded = scans(db)
    assert [(s.language, s.client_class, s.province) for s in recorded] == [
        ("en", "phone", None)
    ] * 2
    assert {(s.serial_id, s.lot_id, s.product_id) for s in recorded} == {
        (item.id, item.lot_id, item.product_id)
    }


def test_the_page_language_is_recorded(client, db, item):
    get(client, item_url(item))
    assert scans(db)[0].language == "vi"


def test_item_without_gtin_is_reached_by_short_code(client, db, make_product, make_lot):
    lot = make_lot(make_product(gtin=None))
    item = serials.generate_serials(lot, 1)[0]
    db.session.commit()

    response = get(client, f"/t/{lot.public_code}/{item.serial}?lang=en")

    assert response.status_code == 200
    assert item.serial in response.get_data(as_text=True)
    assert stored(db, item).scan_count == 1


def test_item_url_is_the_one_the_qr_code_encodes(app, client, item):
    url = serials.serial_url(item)
    assert url == app.config["PUBLIC_BASE_URL"] + item_url(item)


@pytest.mark.parametrize(
    ("user_agent", "headers"),
    [
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", {}),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}),
        ("TelegramBot (like TwitterBot)", {}),
        ("WhatsApp/2.23.20.0 A", {}),
        ("Mozilla/5.0 (Windows NT 6.1) SkypeUriPreview Preview/0.5", {}),
        ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", {}),
        ("curl/8.4.0", {}),
        ("", {}),
        (PHONE, {"Sec-Purpose": "prefetch"}),
        (PHONE, {"Purpose": "prefetch"}),
        (PHONE, {"Accept": "application/json"}),
    ],
)
def test_bots_previews_and_prefetches_are_not_counted(client, db, item, user_agent, headers):
    response = get(client, item_url(item), user_agent, **headers)
    assert response.status_code == 200
    assert stored(db, item).scan_count == 0
    assert scans(db) == []


def test_head_is_not_counted(client, db, item):
    response = client.head(item_url(item), headers={"User-Agent": PHONE})
    assert response.status_code == 200
    assert stored(db, item).scan_count == 0
    assert scans(db) == []


def test_zalo_in_app_browser_is_a_shopper(client, db, item):
    zalo = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 Zalo iOS/436 ZaloTheme/light ZaloLanguage/vi"
    )
    get(client, item_url(item), zalo)
    assert stored(db, item).scan_count == 1


def test_a_bot_sees_the_stored_count_without_changing_it(client, db, item):
    for _ in range(3):
        get(client, item_url(item))
    html = get(client, item_url(item) + "?lang=en", "Googlebot/2.1").get_data(as_text=True)
    assert "has been checked 3 times, first on" in html
    assert stored(db, item).scan_count == 3


def test_copy_warning_past_the_default_threshold(client, item):
    for _ in range(5):
        html = get(client, item_url(item) + "?lang=en").get_data(as_text=True)
        assert "may have been copied" not in html
    html = get(client, item_url(item) + "?lang=en").get_data(as_text=True)
    assert "checked 6 times" in html
    assert "may have been copied" in html
    assert f"mailto:txng@example.org?subject=TXNG%20{item.lot.public_code}%20{item.serial}" in html


def test_copy_warning_threshold_is_set_per_product(client, db, item):
    item.lot.product.copy_warning_threshold = 1
    db.session.commit()
    assert "may have been copied" not in get(client, item_url(item) + "?lang=en").get_data(
        as_text=True
    )
    assert "may have been copied" in get(client, item_url(item) + "?lang=en").get_data(as_text=True)


def test_unknown_serial_answers_404_with_a_counterfeit_warning(client, db, item):
    lot = item.lot
    response = get(client, f"/01/{lot.product.gtin}/10/{lot.code}/21/NOTREGISTERED?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "the product may be counterfeit" in html
    assert "mailto:txng@example.org" in html
    assert db.session.scalar(select(func.count(Scan.id))) == 0


def test_serial_with_the_wrong_lot_answers_404(client, db, item, make_lot):
    other = make_lot(item.lot.product, "OTHER-LOT")
    response = get(client, f"/01/{other.product.gtin}/10/{other.code}/21/{item.serial}?lang=en")
    assert response.status_code == 404
    assert "the product may be counterfeit" in response.get_data(as_text=True)
    assert stored(db, item).scan_count == 0


def test_serial_of_another_lot_by_short_code_answers_404(client, item, make_lot):
    other = make_lot(item.lot.product, "OTHER-LOT")
    response = get(client, f"/t/{other.public_code}/{item.serial}?lang=en")
    assert response.status_code == 404


def test_malformed_serial_answers_400(client, item):
    response = get(client, f"/t/{item.lot.public_code}/%C3%A9?lang=en")
    assert response.status_code == 400


def test_counted_check_is_four_small_statements(client, db, item):
    from sqlalchemy import event as sa_event

    def count(user_agent: str) -> list[str]:
        statements: list[str] = []

        def record(*args):
            statements.append(args[2])

        sa_event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert get(client, item_url(item), user_agent).status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", record)
        return statements

    count("Googlebot")  # warm up what the first request loads once
    not_counted, counted = count("Googlebot"), count(PHONE)
    extra = [s for s in counted if s not in not_counted]
    assert len(counted) == len(not_counted) + 4, extra
    assert (
        extra[0].lstrip().upper().startswith("UPDATE SERIAL SET SCAN_COUNT=(SERIAL.SCAN_COUNT + ")
    )
    assert extra[1].lstrip().upper().startswith("INSERT INTO SCAN ")
    # The day's rollup for analytics: an upsert, never a read of the scan table.
    assert extra[2].lstrip().upper().startswith("INSERT INTO SCAN_DAY")
    assert "ON CONFLICT" in extra[2].upper()
    # And the nation's row of the day, which the Department's charts read.
    assert extra[3].lstrip().upper().startswith("INSERT INTO SCAN_NATIONAL_DAY")
    assert "ON CONFLICT" in extra[3].upper()


def test_digital_link_without_the_lot_finds_the_item(client, db, item):
    response = get(client, f"/01/{item.lot.product.gtin}/21/{item.serial}?lang=en")
    assert response.status_code == 200
    assert "CH2023-01" in response.get_data(as_text=True)


def test_short_code_of_an_item_redirects_to_its_canonical_form(client, db, item):
    code = item.lot.public_code
    response = get(client, f"/t/{code[:4].lower()}-{code[4:].lower()}/{item.serial}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/t/{code}/{item.serial}")
    assert stored(db, item).scan_count == 0


def test_the_lot_page_itself_counts_nothing(client, db, item):
    lot = item.lot
    html = get(client, f"/01/{lot.product.gtin}/10/{lot.code}?lang=en").get_data(as_text=True)
    assert "Item code" not in html
    assert scans(db) == []


def test_checks_past_the_clients_limit_show_the_page_but_do_not_count(app, client, db, item):
    app.config["CHECK_COUNT_LIMIT"] = "3 per hour"
    pages = [get(client, item_url(item) + "?lang=en") for _ in range(5)]
    assert [page.status_code for page in pages] == [200] * 5
    assert "has been checked 3 times" in pages[-1].get_data(as_text=True)
    assert stored(db, item).scan_count == 3
    # Another client is not held back by the first one's checks.
    other = client.get(
        item_url(item), headers={"User-Agent": PHONE}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 200
    assert stored(db, item).scan_count == 4


def test_the_check_limit_is_shared_through_redis_by_several_app_servers(app_config, db, item):
    import uuid

    import redis

    from lookup_site import create_app

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379: the shared-limit case is untested")
    shared = {
        **app_config,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "CHECK_COUNT_LIMIT": "2 per hour",
    }
    url = item_url(item)
    servers = [create_app(shared), create_app(shared)]
    statuses = [
        server.test_client().get(url, headers={"User-Agent": PHONE}).status_code
        for server in servers * 2
    ]
    for server in servers:  # their own database pools: close them, not the GC
        with server.app_context():
            db.engine.dispose()
    assert statuses == [200] * 4
    assert stored(db, item).scan_count == 2  # the second server knew of the first's checks
