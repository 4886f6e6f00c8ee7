"""Sharing a province on an item's page: once per counted check, copies flagged when far apart."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.models import Scan, ScanPlace, Serial
from lookup_site.services import scan_places, serials

PHONE = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0 Mobile Safari/537.36"
)
ENGLISH = {"User-Agent": PHONE, "Accept-Language": "en"}
TOKEN = re.compile(r'name="token" value="([^"]+)"')
FAR_APART = "checked in places far apart within a short time"
MANY_CHECKS = "This code has been checked many times"


@pytest.fixture
def item(db, make_lot):
    serial = serials.generate_serials(make_lot(), 1)[0]
    db.session.commit()
    return serial


def item_url(item: Serial) -> str:
    lot = item.lot
    return f"/01/{lot.product.gtin}/10/{lot.code}/21/{item.serial}"


def check(client, item: Serial, **headers):
    return client.get(item_url(item), headers={**ENGLISH, **headers})


def token_of(response) -> str:
    found = TOKEN.search(response.get_data(as_text=True))
    assert found, "the page offers no share-your-province form"
    return found.group(1)


def check_and_get_token(client, item: Serial) -> str:
    return token_of(check(client, item))


def share(client, token: str | None, province: str | None, **headers):
    data = {key: value for key, value in (("token", token), ("province", province)) if value}
    return client.post("/items/place", data=data, headers={**ENGLISH, **headers})


def scans(db) -> list[Scan]:
    db.session.expire_all()
    return list(db.session.scalars(select(Scan).order_by(Scan.id)))


def places(db) -> list[tuple[int, str, int, int, int]]:
    db.session.expire_all()
    rows = db.session.scalars(select(ScanPlace).order_by(ScanPlace.lot_id, ScanPlace.province))
    return [(r.lot_id, r.province, r.product_id, r.scans, r.first_scans) for r in rows]


def stored(db, item: Serial) -> Serial:
    db.session.expire_all()
    return db.session.get(Serial, item.id)


def sign(app, value, *, salt: str = scan_places.TOKEN_SALT, secret: str | None = None) -> str:
    return URLSafeTimedSerializer(secret or app.config["SECRET_KEY"], salt=salt).dumps(value)


# The form


def test_a_counted_check_offers_the_province_form(client, item):
    html = check(client, item).get_data(as_text=True)

    assert '<form class="lookup place" method="post" action="/items/place">' in html
    assert "Sharing your province (nothing more) helps the producer spot copies." in html
    assert '<option value="">Choose your province</option>' in html
    assert '<option value="ho-chi-minh">Ho Chi Minh City</option>' in html
    assert html.count("<option ") == 35  # the empty choice and the 34 provinces
    assert "Share my province" in html
    assert "<script" not in html


def test_the_provinces_are_named_in_the_page_language(client, item):
    html = client.get(item_url(item), headers={"User-Agent": PHONE}).get_data(as_text=True)
    assert '<option value="ho-chi-minh">TP. Hồ Chí Minh</option>' in html
    assert '<option value="ha-noi">Hà Nội</option>' in html


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"Sec-Purpose": "prefetch"},
    ],
)
def test_a_view_that_is_not_counted_offers_no_form(client, item, headers):
    html = check(client, item, **headers).get_data(as_text=True)
    assert "Item code" in html
    assert 'name="token"' not in html and "Share my province" not in html


def test_checks_past_the_clients_limit_offer_no_form(app, client, item):
    app.config["CHECK_COUNT_LIMIT"] = "1 per hour"
    check_and_get_token(client, item)
    assert 'name="token"' not in check(client, item).get_data(as_text=True)


def test_the_lot_page_offers_no_form(client, item):
    lot = item.lot
    html = client.get(f"/01/{lot.product.gtin}/10/{lot.code}", headers=ENGLISH).get_data(
        as_text=True
    )
    assert 'name="token"' not in html


# Sharing


def test_sharing_records_the_province_of_that_check(client, db, item):
    token = check_and_get_token(client, item)

    response = share(client, token, "ha-noi")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thank you: your province was recorded." in html
    assert "Cat Hai anchovy fish sauce" in html and item.serial in html
    # The page is shown again without counting another check, and without the form.
    assert "This is the first check of item code" not in html
    assert "has been checked 1 time, first on" in html
    assert 'name="token"' not in html
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert stored(db, item).scan_count == 1
    assert [s.province for s in scans(db)] == ["ha-noi"]
    assert places(db) == [(item.lot_id, "ha-noi", item.product_id, 1, 1)]


def test_a_second_post_of_the_same_token_changes_nothing(client, db, item):
    token = check_and_get_token(client, item)
    share(client, token, "ha-noi")

    again = share(client, token, "ca-mau")

    assert again.status_code == 200
    assert "Your province was already shared for this check." in again.get_data(as_text=True)
    assert [s.province for s in scans(db)] == ["ha-noi"]
    assert places(db) == [(item.lot_id, "ha-noi", item.product_id, 1, 1)]
    assert stored(db, item).flag is None


def test_only_the_items_first_check_counts_as_a_first_scan(client, db, item, make_lot):
    first, second = check_and_get_token(client, item), check_and_get_token(client, item)
    other_item = serials.generate_serials(make_lot(item.lot.product, "CH2023-02"), 1)[0]
    db.session.commit()
    other = check_and_get_token(client, other_item)

    share(client, second, "hai-phong")
    assert places(db) == [(item.lot_id, "hai-phong", item.product_id, 1, 0)]
    share(client, first, "hai-phong")
    share(client, other, "hai-phong")

    assert places(db) == [
        (item.lot_id, "hai-phong", item.product_id, 2, 1),
        (other_item.lot_id, "hai-phong", item.product_id, 1, 1),
    ]


def test_provinces_are_counted_apart(client, db, item):
    share(client, check_and_get_token(client, item), "hai-phong")
    share(client, check_and_get_token(client, item), "quang-ninh")
    share(client, check_and_get_token(client, item), "hai-phong")
    assert places(db) == [
        (item.lot_id, "hai-phong", item.product_id, 2, 1),
        (item.lot_id, "quang-ninh", item.product_id, 1, 0),
    ]


def test_sharing_needs_no_csrf_token_and_sets_no_cookie(app_config, make_lot):
    """With CSRF protection on, as in production: the signed token is the protection."""
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        _db.create_all()
        try:
            item = serials.generate_serials(make_lot(), 1)[0]
            _db.session.commit()
            client = app.test_client()
            page = client.get(item_url(item), headers=ENGLISH)
            assert "Set-Cookie" not in page.headers
            response = share(client, token_of(page), "da-nang")
            assert response.status_code == 200, response.get_data(as_text=True)
            assert "Set-Cookie" not in response.headers
            assert [s.province for s in scans(_db)] == ["da-nang"]
            # The rest of the site still refuses a form without its CSRF token.
            assert client.post("/login", data={"email": "a@example.vn"}).status_code == 400
        finally:
            _db.session.remove()
            _db.engine.dispose()


# Refusals: a clear message, nothing changed


def assert_nothing_changed(db, item: Serial) -> None:
    assert [s.province for s in scans(db)] == [None]
    assert places(db) == []
    assert stored(db, item).scan_count == 1


@pytest.mark.parametrize(
    "forge",
    [
        lambda app, token: None,
        lambda app, token: "not-a-token",
        lambda app, token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda app, token: sign(app, 1, salt="another-purpose"),
        lambda app, token: sign(app, 1, secret="another-site"),
        lambda app, token: sign(app, "1"),
        lambda app, token: sign(app, True),
        lambda app, token: sign(app, 999_999),
    ],
    ids=["missing", "garbage", "tampered", "salt", "secret", "string", "bool", "no-such-scan"],
)
def test_a_bad_token_is_refused(app, client, db, item, forge):
    token = check_and_get_token(client, item)

    response = share(client, forge(app, token), "ha-noi")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your province was not recorded" in html
    assert "The form to share your province could not be read. Nothing was recorded." in html
    assert 'name="token"' not in html
    assert_nothing_changed(db, item)


def test_an_expired_token_is_refused(app, client, db, item):
    check_and_get_token(client, item)
    scan_id = scans(db)[0].id

    class SignedTwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 7200

    old = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt=scan_places.TOKEN_SALT, signer=SignedTwoHoursAgo
    ).dumps(scan_id)
    response = share(client, old, "ha-noi")

    assert response.status_code == 400
    assert "The form to share your province has expired." in response.get_data(as_text=True)
    assert_nothing_changed(db, item)
    app.config["PLACE_TOKEN_MAX_AGE"] = 3 * 3600  # the age limit is the configured one
    assert share(client, old, "ha-noi").status_code == 200


@pytest.mark.parametrize("province", [None, "", "   ", "atlantis", "HA-NOI", "Hà Nội"])
def test_an_unknown_province_is_refused_and_the_form_offered_again(client, db, item, province):
    token = check_and_get_token(client, item)

    response = share(client, token, province)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose your province from the list" in html
    assert token_of(response) == token  # the same, still valid token
    assert "<select" in html and '<option value="ha-noi">Hanoi</option>' in html
    assert_nothing_changed(db, item)
    assert share(client, token, "ha-noi").status_code == 200
    assert [s.province for s in scans(db)] == ["ha-noi"]


def test_a_refusal_is_explained_in_vietnamese_by_default(client, db, item):
    token = check_and_get_token(client, item)
    response = client.post("/items/place", data={"token": token}, headers={"User-Agent": PHONE})
    assert response.status_code == 400
    assert '<html lang="vi">' in response.get_data(as_text=True)


def test_the_route_only_takes_posts(client):
    assert client.get("/items/place", headers=ENGLISH).status_code == 405


# Far apart


def test_checks_from_places_far_apart_flag_the_item(client, db, item):
    hanoi, camau = check_and_get_token(client, item), check_and_get_token(client, item)
    share(client, hanoi, "ha-noi")
    assert stored(db, item).flag is None

    response = share(client, camau, "ca-mau")

    html = response.get_data(as_text=True)
    row = stored(db, item)
    assert row.flag == serials.FLAG_FAR_APART and row.flagged_at is not None
    assert FAR_APART in html and MANY_CHECKS not in html
    report = f"mailto:txng@example.org?subject=TXNG%20{item.lot.public_code}%20{item.serial}"
    assert report in html
    # Anyone opening the item's page afterwards sees the warning too.
    later = check(client, item, **{"User-Agent": "Googlebot/2.1"}).get_data(as_text=True)
    assert FAR_APART in later and report in later


def test_checks_from_neighbouring_provinces_flag_nothing(client, db, item):
    share(client, check_and_get_token(client, item), "ha-noi")
    share(client, check_and_get_token(client, item), "bac-ninh")  # about 30 km away
    share(client, check_and_get_token(client, item), "ha-noi")
    assert stored(db, item).flag is None
    assert FAR_APART not in check(client, item).get_data(as_text=True)


def test_far_apart_uses_the_configured_distance(app, client, db, item):
    app.config["FAR_APART_KM"] = 2000  # Hà Nội to Cà Mau is about 1,300 km
    share(client, check_and_get_token(client, item), "ha-noi")
    share(client, check_and_get_token(client, item), "ca-mau")
    assert stored(db, item).flag is None


@pytest.mark.parametrize(("hours_apart", "flagged"), [(11, True), (13, False)])
def test_far_apart_checks_count_only_within_the_configured_hours(
    client, db, item, hours_apart, flagged
):
    hanoi, camau = check_and_get_token(client, item), check_and_get_token(client, item)
    first = scans(db)[0]
    db.session.execute(
        update(Scan)
        .where(Scan.id == first.id)
        .values(scanned_at=first.scanned_at - timedelta(hours=hours_apart))
    )
    db.session.commit()
    share(client, hanoi, "ha-noi")
    share(client, camau, "ca-mau")
    assert (stored(db, item).flag == serials.FLAG_FAR_APART) is flagged


def test_another_items_checks_are_not_compared(client, db, item, make_lot):
    other = serials.generate_serials(item.lot, 1)[0]
    db.session.commit()
    share(client, check_and_get_token(client, item), "ha-noi")
    share(client, check_and_get_token(client, other), "ca-mau")
    assert stored(db, item).flag is None and stored(db, other).flag is None


def test_an_item_already_flagged_for_many_checks_keeps_that_warning(client, db, item):
    item.lot.product.copy_warning_threshold = 1
    db.session.commit()
    hanoi, camau = check_and_get_token(client, item), check_and_get_token(client, item)
    assert stored(db, item).flag == serials.FLAG_MANY_CHECKS

    share(client, hanoi, "ha-noi")
    html = share(client, camau, "ca-mau").get_data(as_text=True)

    assert stored(db, item).flag == serials.FLAG_MANY_CHECKS
    assert MANY_CHECKS in html and FAR_APART not in html


# Privacy


def test_sharing_adds_only_the_province_to_the_scan(client, db, item):
    headers = {"User-Agent": PHONE + " UniqueAgent/9.9", "Accept-Language": "en"}
    page = client.get(item_url(item), headers=headers, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    columns = [column.name for column in Scan.__table__.columns]
    before = db.session.execute(select(Scan.__table__)).one()._asdict()

    response = client.post(
        "/items/place",
        data={"token": token_of(page), "province": "hue"},
        headers=headers,
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )

    assert response.status_code == 200
    db.session.expire_all()
    after = db.session.execute(select(Scan.__table__)).one()._asdict()
    assert columns == [
        "id",
        "serial_id",
        "lot_id",
        "product_id",
        "scanned_at",
        "language",
        "client_class",
        "province",
    ]
    assert {k: v for k, v in after.items() if after[k] != before[k]} == {"province": "hue"}
    stored_text = " ".join(str(value) for value in after.values())
    assert "203.0.113" not in stored_text and "UniqueAgent" not in stored_text
    assert "Set-Cookie" not in page.headers
    assert "Set-Cookie" not in response.headers
    assert db.session.scalar(select(func.count(Scan.id))) == 1
