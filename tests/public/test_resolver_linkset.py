"""The resolver's linksets (RFC 9264) and its answers to ?linkType=: levels, links, walking up."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from jsonschema import Draft7Validator
from sqlalchemy import event as sa_event

from lookup_site.models import LotStatus
from lookup_site.services import serials

BASE = "https://txng.example.vn"
GTIN = "09520123450007"
VOC = "https://gs1.org/voc/"
LINKSET = "application/linkset+json"
SCHEMAS = Path(__file__).resolve().parents[1] / "conformance" / "linkset"
GS1_SCHEMA = Draft7Validator(json.loads((SCHEMAS / "gs1-linkset-schema.json").read_text()))


def valid_linkset(response) -> list[dict]:
    """Check a linkset answer against GS1's schema and return its context objects."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == LINKSET
    body = response.get_json(force=True)
    errors = [error.message for error in GS1_SCHEMA.iter_errors(body)]
    assert errors == []
    return body["linkset"]


def get_linkset(client, path: str, lang: str = "en") -> list[dict]:
    return valid_linkset(client.get(f"{path}?linkType=linkset&lang={lang}"))


def links(level: dict, link_type: str) -> list[dict]:
    return level.get(VOC + link_type, [])


def only(level: dict, link_type: str) -> dict:
    found = links(level, link_type)
    assert len(found) == 1, (link_type, found)
    return found[0]


@pytest.fixture
def lot(make_lot):
    return make_lot()


@pytest.fixture
def item(db, lot):
    serial = serials.generate_serials(lot, 1)[0]
    db.session.commit()
    return serial


def test_the_validator_is_wired_to_gs1s_schema():
    for name, valid in [
        ("valid-gs1-example.json", True),
        ("invalid-gs1-example.json", False),
    ]:
        example = json.loads((SCHEMAS / name).read_text())
        assert GS1_SCHEMA.is_valid(example) is valid, name
    model = json.loads((SCHEMAS.parent / "resolver" / "modelLinkset.json").read_text())
    assert GS1_SCHEMA.is_valid(model)


def test_product_linkset(client, lot, make_ocop):
    product = lot.product
    make_ocop(product, stars=4)

    (level,) = get_linkset(client, f"/01/{GTIN}")

    page = f"{BASE}/01/{GTIN}"
    assert level["anchor"] == page
    assert level["itemDescription"] == "Cat Hai anchovy fish sauce"
    assert only(level, "defaultLink") == {"href": page, "title": "Cat Hai anchovy fish sauce"}
    assert only(level, "pip") == {
        "href": page,
        "title": "Cat Hai anchovy fish sauce: product information",
        "type": "text/html",
        "hreflang": ["vi", "en"],
    }
    assert only(level, "certificationInfo") == {
        "href": page + "#ocop",
        "title": "OCOP 4 stars",
        "type": "text/html",
        "hreflang": ["vi", "en"],
    }
    producer = only(level, "locationInfo")
    assert producer["href"] == f"{BASE}/producers/{product.producer.id}"
    assert producer["title"] == "Producer: Cat Hai Fish Sauce Cooperative (demo)"
    for lot_type in ("traceability", "epcis", "recallStatus"):
        assert links(level, lot_type) == []


def test_lot_linkset_has_the_lot_level_then_the_product_level(client, lot):
    response = client.get(f"/01/{GTIN}/10/{lot.code}?lang=en", headers={"Accept": LINKSET})
    lot_level, product_level = valid_linkset(response)

    page = f"{BASE}/01/{GTIN}/10/{lot.code}"
    assert lot_level["anchor"] == page
    assert only(lot_level, "defaultLink") == {
        "href": page,
        "title": "Cat Hai anchovy fish sauce, lot CH2023-01",
    }
    assert only(lot_level, "traceability") == {
        "href": page,
        "title": "Origin and journey of lot CH2023-01",
        "type": "text/html",
        "hreflang": ["vi", "en"],
    }
    assert only(lot_level, "epcis") == {
        "href": f"{BASE}/t/{lot.public_code}/epcis",
        "title": "Traceability events of lot CH2023-01 (EPCIS 2.0)",
        "type": "application/ld+json",
        "hreflang": ["vi", "en"],
    }
    assert links(lot_level, "recallStatus") == []
    assert product_level["anchor"] == f"{BASE}/01/{GTIN}"
    assert only(product_level, "pip")["href"] == f"{BASE}/01/{GTIN}"


def test_item_linkset_carries_the_lot_and_product_levels(client, item):
    path = f"/01/{GTIN}/10/{item.lot.code}/21/{item.serial}"
    item_level, lot_level, product_level = get_linkset(client, path)

    assert [level["anchor"] for level in (item_level, lot_level, product_level)] == [
        BASE + path,
        f"{BASE}/01/{GTIN}/10/{item.lot.code}",
        f"{BASE}/01/{GTIN}",
    ]
    title = f"Cat Hai anchovy fish sauce, item code {item.serial}"
    assert only(item_level, "defaultLink") == {"href": BASE + path, "title": title}
    assert only(item_level, "pip") == {
        "href": BASE + path,
        "title": f"Product information and checks of item code {item.serial}",
        "type": "text/html",
        "hreflang": ["vi", "en"],
    }
    assert only(lot_level, "epcis")["href"] == f"{BASE}/t/{item.lot.public_code}/epcis"
    assert only(product_level, "locationInfo")


def test_item_named_without_its_lot_keeps_the_requested_anchor(client, item):
    path = f"/01/{GTIN}/21/{item.serial}"
    item_level, lot_level, _product_level = get_linkset(client, path)
    assert item_level["anchor"] == BASE + path
    assert lot_level["anchor"] == f"{BASE}/01/{GTIN}/10/{item.lot.code}"


def test_query_attributes_stay_out_of_the_anchor(client, lot):
    lot_level, _ = valid_linkset(
        client.get(f"/01/{GTIN}/10/{lot.code}?17=281231&linkType=linkset&lang=en")
    )
    assert lot_level["anchor"] == f"{BASE}/01/{GTIN}/10/{lot.code}"


def test_lot_code_with_a_slash_is_percent_encoded_in_the_linkset(client, make_lot):
    lot = make_lot(code="2026/09")
    lot_level, _ = get_linkset(client, f"/01/{GTIN}/10/2026%2F09")
    assert lot_level["anchor"] == f"{BASE}/01/{GTIN}/10/2026%2F09"
    response = client.get(f"/01/{GTIN}/10/2026%2F09?linkType=gs1:traceability")
    assert response.headers["Location"] == f"{BASE}/01/{GTIN}/10/2026%2F09"
    assert lot.code == "2026/09"


def test_recalled_lot_links_its_recall_notice(client, db, lot):
    lot.status = LotStatus.RECALLED
    db.session.commit()
    lot_level, _ = get_linkset(client, f"/01/{GTIN}/10/{lot.code}")
    assert only(lot_level, "recallStatus") == {
        "href": f"{BASE}/01/{GTIN}/10/{lot.code}",
        "title": "Lot CH2023-01 is recalled: do not eat or use it",
        "type": "text/html",
        "hreflang": ["vi", "en"],
    }
    page = client.get(f"/01/{GTIN}/10/{lot.code}?lang=en").get_data(as_text=True)
    assert "Recalled: do not eat or use this lot." in page


def test_a_suspended_lot_is_not_a_recalled_one(client, db, lot):
    lot.status = LotStatus.SUSPENDED
    db.session.commit()
    lot_level, _ = get_linkset(client, f"/01/{GTIN}/10/{lot.code}")
    assert links(lot_level, "recallStatus") == []
    assert client.get(f"/01/{GTIN}/10/{lot.code}?linkType=gs1:recallStatus").status_code == 404


@pytest.mark.parametrize(
    ("certificate", "title"),
    [
        ({"stars": 3}, "OCOP 3 stars"),
        ({"issued_on": date(2020, 1, 1)}, "OCOP certificate expired"),
        ({"revoked_on": date(2025, 6, 1)}, "OCOP certificate revoked"),
        ({"issued_on": None}, None),  # an application being assessed: nothing to link
        (None, None),
    ],
    ids=["valid", "expired", "revoked", "pending", "none"],
)
def test_certificate_link_follows_the_ocop_certificate(client, lot, make_ocop, certificate, title):
    if certificate is not None:
        make_ocop(lot.product, **certificate)
    (level,) = get_linkset(client, f"/01/{GTIN}")
    found = links(level, "certificationInfo")
    assert [link["title"] for link in found] == ([title] if title else [])


def test_the_certificate_link_lands_on_the_badge(client, lot, make_ocop):
    make_ocop(lot.product)
    html = client.get(f"/01/{GTIN}?lang=en").get_data(as_text=True)
    assert '<div id="ocop">' in html and "OCOP 4 stars" in html


def test_another_producers_certificate_is_not_linked(client, lot, make_product, make_ocop):
    other = make_product(gtin="09520123450021")
    make_ocop(other)
    (level,) = get_linkset(client, f"/01/{GTIN}")
    assert links(level, "certificationInfo") == []


def test_every_link_has_a_title_and_all_but_the_default_a_type_and_languages(
    client, db, item, make_ocop
):
    make_ocop(item.lot.product)
    item.lot.status = LotStatus.RECALLED
    db.session.commit()
    path = f"/01/{GTIN}/10/{item.lot.code}/21/{item.serial}"
    seen = set()
    for level in get_linkset(client, path):
        for relation, objects in level.items():
            if relation in ("anchor", "itemDescription"):
                continue
            name = relation.removeprefix(VOC)
            seen.add(name)
            for link in objects:
                assert link["title"].strip()
                assert link["href"].startswith(BASE + "/")
                if name == "defaultLink":
                    assert set(link) == {"href", "title"}  # GS1: no optional attributes
                else:
                    assert link["type"] in ("text/html", "application/ld+json")
                    assert link["hreflang"] == ["vi", "en"]
    assert seen == {
        "defaultLink",
        "pip",
        "certificationInfo",
        "locationInfo",
        "traceability",
        "epcis",
        "recallStatus",
    }


@pytest.mark.parametrize(
    ("headers", "query", "expected"),
    [
        ({}, "lang=vi", "Nước mắm cá cơm Cát Hải"),
        ({}, "lang=en", "Cat Hai anchovy fish sauce"),
        ({"Accept-Language": "en-GB,en;q=0.9"}, "", "Cat Hai anchovy fish sauce"),
        ({"Accept-Language": "vi"}, "", "Nước mắm cá cơm Cát Hải"),
    ],
)
def test_titles_follow_the_visitors_language(client, lot, make_ocop, headers, query, expected):
    make_ocop(lot.product, stars=5)
    response = client.get(f"/01/{GTIN}?{query}", headers={"Accept": LINKSET, **headers})
    (level,) = valid_linkset(response)
    assert only(level, "defaultLink")["title"] == expected
    certificate = only(level, "certificationInfo")["title"]
    assert certificate == ("OCOP 5 sao" if "Nước" in expected else "OCOP 5 stars")
    assert "Accept-Language" in response.headers["Vary"]


def test_unknown_lot_walks_up_to_the_product(client, lot):
    (level,) = get_linkset(client, f"/01/{GTIN}/10/NOT-REGISTERED")
    assert level["anchor"] == f"{BASE}/01/{GTIN}"
    # The shopper's page for the same code still warns that it is not registered.
    assert client.get(f"/01/{GTIN}/10/NOT-REGISTERED").status_code == 404


def test_unknown_item_walks_up_to_its_lot(client, item):
    lot_level, product_level = get_linkset(client, f"/01/{GTIN}/10/{item.lot.code}/21/NOPE")
    assert lot_level["anchor"] == f"{BASE}/01/{GTIN}/10/{item.lot.code}"
    assert product_level["anchor"] == f"{BASE}/01/{GTIN}"


def test_item_under_the_wrong_lot_walks_up_to_the_lot_named(client, item, make_lot):
    other = make_lot(item.lot.product, "OTHER-LOT")
    levels = get_linkset(client, f"/01/{GTIN}/10/{other.code}/21/{item.serial}")
    assert [level["anchor"] for level in levels] == [
        f"{BASE}/01/{GTIN}/10/OTHER-LOT",
        f"{BASE}/01/{GTIN}",
    ]


def test_unknown_variant_walks_up_to_the_product(client, lot):
    levels = get_linkset(client, f"/01/{GTIN}/22/RED/10/{lot.code}")
    assert [level["anchor"] for level in levels] == [f"{BASE}/01/{GTIN}"]


def test_unknown_gtin_has_no_linkset(client):
    response = client.get(f"/01/{GTIN}?linkType=linkset")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_link_all_is_the_old_name_of_the_linkset(client, lot):
    path = f"/01/{GTIN}/10/{lot.code}"
    assert get_linkset(client, path) == valid_linkset(client.get(f"{path}?linkType=all&lang=en"))


def test_html_and_json_still_win_over_the_linkset_when_preferred(client, lot):
    path = f"/01/{GTIN}/10/{lot.code}"
    browser = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.mimetype == "text/html"
    program = client.get(path, headers={"Accept": "application/json"})
    assert program.mimetype == "application/json" and program.get_json()["lot"]["code"] == lot.code
    anything = client.get(path, headers={"Accept": "*/*"})
    assert anything.mimetype == "text/html"


@pytest.mark.parametrize(
    "written",
    [
        "gs1:traceability",
        "https://gs1.org/voc/traceability",
        "http://gs1.org/voc/traceability",
        "https://ref.gs1.org/voc/traceability",
        "https://www.gs1.org/voc/traceability",
    ],
)
def test_link_type_redirects_to_its_link_however_it_is_written(client, lot, written):
    response = client.get(f"/01/{GTIN}/10/{lot.code}", query_string={"linkType": written})
    assert response.status_code == 307
    assert response.headers["Location"] == f"{BASE}/01/{GTIN}/10/{lot.code}"


@pytest.mark.parametrize(
    ("link_type", "target"),
    [
        ("gs1:defaultLink", "{item}"),
        ("gs1:pip", "{item}"),  # the item's own level wins over the product's
        ("gs1:traceability", "/01/{gtin}/10/{lot}"),
        ("gs1:epcis", "/t/{code}/epcis"),
        ("gs1:locationInfo", "/producers/{producer}"),
    ],
)
def test_item_redirects_to_the_most_specific_link_of_each_type(client, item, link_type, target):
    lot = item.lot
    path = f"/01/{GTIN}/10/{lot.code}/21/{item.serial}"
    expected = target.format(
        item=path, gtin=GTIN, lot=lot.code, code=lot.public_code, producer=lot.product.producer_id
    )
    response = client.get(f"{path}?linkType={link_type}")
    assert response.status_code == 307
    assert response.headers["Location"] == BASE + expected


def test_redirect_passes_on_every_query_pair_but_link_type(client, lot):
    response = client.get(
        f"/01/{GTIN}/10/{lot.code}?17=281231&linkType=gs1:pip&lang=en&foo=b%20r&flag"
    )
    assert response.status_code == 307
    assert response.headers["Location"] == f"{BASE}/01/{GTIN}?17=281231&lang=en&foo=b%20r&flag"


def test_redirect_keeps_the_fragment_last(client, lot, make_ocop):
    make_ocop(lot.product)
    response = client.get(f"/01/{GTIN}?linkType=gs1:certificationInfo&lang=en")
    assert response.headers["Location"] == f"{BASE}/01/{GTIN}?lang=en#ocop"


@pytest.mark.parametrize(
    "link_type",
    ["gs1:recallStatus", "gs1:nosuchlt", "gs1:", "schema:url", "https://example.org/voc/pip", "x"],
)
def test_a_link_type_the_code_lacks_answers_a_bilingual_404(app, client, lot, link_type):
    response = client.get(
        f"/01/{GTIN}/10/{lot.code}", query_string={"linkType": link_type, "lang": "en"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This link is not available" in html
    template = "This code has no link of the type “%(type)s”."
    with force_locale("vi"):
        in_vietnamese = babel_gettext(template, type=link_type)
    assert template % {"type": link_type} in html
    assert in_vietnamese in html
    assert f'href="{BASE}/01/{GTIN}/10/{lot.code}"' in html  # the code's own page


def test_a_hostile_link_type_is_escaped_and_shortened(client, lot):
    hostile = "<script>alert(1)</script>" + "x" * 500
    response = client.get(f"/01/{GTIN}", query_string={"linkType": hostile})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<script>alert" not in html
    (message,) = [line for line in html.splitlines() if "has no link of the type" in line]
    assert "&lt;script&gt;" in message
    assert len(message) < 200


def test_a_program_is_told_in_problem_details(client, lot):
    response = client.get(
        f"/01/{GTIN}?linkType=gs1:epcis&lang=en", headers={"Accept": "application/json"}
    )
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 404
    assert problem["detail"] == "This code has no link of the type “gs1:epcis”."
    assert set(problem["detail_localized"]) == {"vi", "en"}


def test_head_answers_the_linkset_and_the_redirect_without_a_body(client, lot):
    path = f"/01/{GTIN}/10/{lot.code}"
    linkset = client.head(f"{path}?linkType=linkset")
    assert linkset.status_code == 200 and linkset.mimetype == LINKSET
    assert linkset.get_data() == b""
    redirect = client.head(f"{path}?linkType=gs1:epcis")
    assert redirect.status_code == 307
    assert redirect.headers["Location"] == f"{BASE}/t/{lot.public_code}/epcis"


def count_statements(db, request) -> int:
    statements: list[str] = []

    def record(*args):
        statements.append(args[2])

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        request()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_linkset_queries_are_few_and_do_not_grow_with_the_lot(
    client, db, make_lot, make_product, make_event, make_ocop
):
    def linkset_of(path: str) -> int:
        def fetch():
            valid_linkset(client.get(path, headers={"Accept": LINKSET}))

        return count_statements(db, fetch)

    small = make_lot(code="SMALL")
    big = make_lot(make_product(gtin="09520123450021"), code="BIG")
    make_ocop(big.product)
    make_ocop(big.product, stars=2, issued_on=date(2021, 1, 1))
    for _ in range(30):
        make_event(big, "storing")
    items = serials.generate_serials(big, 3)
    db.session.commit()

    small_count = linkset_of(f"/01/{GTIN}/10/SMALL")
    big_count = linkset_of("/01/09520123450021/10/BIG")
    item_count = linkset_of(f"/01/09520123450021/10/BIG/21/{items[0].serial}")
    product_count = linkset_of("/01/09520123450021")
    walked_up = linkset_of("/01/09520123450021/10/NOPE/21/NOPE")
    assert small_count == big_count == item_count == product_count == 2, (
        small_count,
        big_count,
        item_count,
        product_count,
    )
    assert walked_up <= 4
    assert small.code == "SMALL"
