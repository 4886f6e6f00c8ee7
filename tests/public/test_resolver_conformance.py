"""GS1's resolver conformance checks (gs1/GS1DL-resolver-testsuite), one test per check.

The checks are vendored in tests/conformance/resolver/checks.json (origin and licence in the
README there). Each applicable check is a test named ``test_<check id>``; it sends what GS1's
suite sends (the sample URI with its query stripped, then with ``/foo``, a trailing slash,
``?linkType=…`` or ``Accept: application/linkset+json``) through the test client, for a
product, a lot and an item URI on the configured PUBLIC_BASE_URL, and judges the answer as
the suite's JavaScript does. ``test_every_check_is_tested_or_explained`` fails when the
vendored list holds a check that is neither.

Checks that do not apply to the application, and why:

- ``tlsOK``: TLS is terminated by the web server or proxy in front of the app, not by the
  app; the deployment must serve PUBLIC_BASE_URL over HTTPS (``isHttps`` checks the printed
  URIs use it).
- ``httpVersion``: the HTTP version is chosen by that server (gunicorn speaks HTTP/1.1, a
  proxy may add HTTP/2); the app only sees WSGI requests.

Checks applied with a deliberate difference:

- ``defaultTarget``: GS1's suite expects a plain request to redirect to the default link.
  Here the resolver and the site are one: the default link of a URI is that URI's own page,
  served directly (200), since a redirect to itself would loop. The test checks that the
  default link is the requested URI and that the plain request answers its page; the suite
  itself reports "warn" for a resolver that does not redirect. For the same reason
  ``linkOnRedirect`` and ``qsPassedOn`` are checked on the redirects the resolver does make
  (``?linkType=…`` and the canonicalising ones) as well as on the plain answer.
- ``trailingSlash``: a trailing slash is answered with a 301 to the canonical URI (one URL
  per page for caches and printed-code statistics), so the first answers differ and GS1's
  suite, which compares status and Location without following, would "warn" (a SHOULD).
  The test follows the redirect and compares the final answers, which are identical.
- ``linkTypesDefined``: the suite fetches GS1's ratified link type list from the web; the
  test compares with the names below, copied from the GS1 Web Vocabulary by hand.
- ``singleMultiLink``: ``gs1:defaultLinkMulti`` is not used (one page serves both languages);
  the test checks it never appears.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator

from lookup_site.identifiers import parse_digital_link
from lookup_site.links import lot_qr_url, public_url
from lookup_site.models import LotStatus
from lookup_site.services import serials

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"
CHECKS = json.loads((CONFORMANCE / "resolver" / "checks.json").read_text())["checks"]
LINKSET_SCHEMA = Draft7Validator(
    json.loads((CONFORMANCE / "linkset" / "gs1-linkset-schema.json").read_text())
)
DESCRIPTION_SCHEMA = Draft7Validator(
    json.loads((CONFORMANCE / "resolver" / "description-file-schema.json").read_text())
)
NOT_APPLICABLE = {"tlsOK", "httpVersion"}
LINKSET = "application/linkset+json"

# The suite's regular expressions (GS1DigitalLinkResolverTestSuite.js): Jo Rabin's URI regex
# for http(s), and 'RE2' of the Digital Link standard (no convenience alphas).
RABIN = re.compile(
    r"^((https?):)(//((([^/?#]*)@)?([^/?#:]*)(:([^/?#]*))?))?([^?#]*)(\?([^#]*))?(#(.*))?", re.I
)
PLAUSIBLE_DL = re.compile(
    r"^https?:(//((([^/?#]*)@)?([^/?#:]*)(:([^/?#]*))?))?([^?#]*)"
    r"(((/(01|8006|8013|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)/)"
    r"(\d{4}[^/]+)(/[^/]+/[^/]+)?[/]?(\?([^?\n]*))?(#([^\n]*))?))",
    re.I,
)
GS1_NAMESPACES = re.compile(r"https://((ref\.)|(www\.))?gs1\.org/voc/", re.I)
# Link types of the GS1 Web Vocabulary (ref.gs1.org/voc/, link types) this resolver may use.
GS1_RATIFIED_LINK_TYPES = {
    "defaultLink",
    "pip",
    "certificationInfo",
    "locationInfo",
    "traceability",
    "epcis",
    "recallStatus",
}


def strip_query(url: str) -> str:
    return url.partition("?")[0]


def path_of(url: str) -> str:
    """The request target the test client sends for an absolute URI on the public base."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def registered(db, make_lot, make_ocop):
    lot = make_lot()
    make_ocop(lot.product)
    lot.status = LotStatus.RECALLED
    item = serials.generate_serials(lot, 1)[0]
    db.session.commit()
    return lot, item


@pytest.fixture(params=["product", "lot", "item"])
def dl(request, registered) -> str:
    """The sample GS1 Digital Link URI given to the suite: what a QR code carries."""
    lot, item = registered
    lot_uri = lot_qr_url(lot)
    return {
        "product": public_url(f"/01/{lot.product.gtin}"),
        "lot": lot_uri,
        "item": f"{lot_uri}/21/{item.serial}",
    }[request.param]


def fetch(client, url: str, method: str = "GET", **headers):
    return client.open(path_of(url), method=method, headers=headers)


def get_linkset(client, dl: str) -> dict:
    """Fetch the linkset as the suite's getLinkset does (Accept header), and parse it."""
    response = fetch(client, strip_query(dl), Accept=LINKSET)
    assert response.status_code == 200
    return response.get_json(force=True)


def walk(linkset: dict, dl: str) -> dict[str, list[dict]]:
    """The links the suite tests for dl: from its anchor up, each type at its deepest level.

    GS1 link types written in any of the vocabulary's namespaces become ``gs1:…``.
    """
    working = json.loads(GS1_NAMESPACES.sub("gs1:", json.dumps(linkset)))
    current = strip_query(dl)
    segments = urlsplit(dl).path.split("/")
    found: dict[str, list[dict]] = {}
    while len(segments) > 2:
        for level in working["linkset"]:
            if level["anchor"] != current:
                continue
            for key, value in level.items():
                if key not in ("anchor", "itemDescription") and key not in found:
                    found[key] = value
        current = current.rsplit("/", 2)[0]
        segments = segments[:-2]
    return found


def test_every_check_is_tested_or_explained():
    tests = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    untreated = [check["id"] for check in CHECKS if check["id"] not in tests | NOT_APPLICABLE]
    assert untreated == []
    assert len(CHECKS) == 29


def test_isURL(dl):
    parts = RABIN.match(dl)
    assert parts is not None
    assert parts.group(2).lower() in ("http", "https") and "." in parts.group(4)


def test_validDL(dl):
    link = parse_digital_link(dl)
    assert len(link.gtin) == 14
    assert link.uri() == dl  # the canonical form, as printed


def test_isHttps(dl):
    assert urlsplit(dl).scheme == "https"


def test_plausibleDL(dl):
    assert PLAUSIBLE_DL.match(dl)


def test_rdFile(client):
    response = client.get("/.well-known/gs1resolver", headers={"Accept": "application/json"})
    assert response.status_code == 200
    errors = [error.message for error in DESCRIPTION_SCHEMA.iter_errors(response.get_json())]
    assert errors == []


def test_corsCheck(client, dl):
    response = fetch(client, strip_query(dl))
    assert response.headers["Access-Control-Allow-Origin"]


def test_linkOnRedirect(client, dl):
    redirects = [
        fetch(client, strip_query(dl) + "?linkType=gs1:defaultLink"),
        fetch(client, strip_query(dl) + "/"),
        fetch(client, strip_query(dl)),  # not a redirect here: see the module docstring
    ]
    for response in redirects:
        assert 'rel="linkset"' in response.headers["Link"]
        assert response.headers["Link"].startswith(f"<{strip_query(dl)}?linkType=linkset>")
    assert [response.status_code for response in redirects] == [307, 301, 200]


def test_legacyLinkHeaders(client, dl):
    header = fetch(client, strip_query(dl)).headers["Link"]
    assert 'rel="gs1:' not in header
    assert header.count("<") == 1


def test_methodsCheck(client, dl):
    allowed = fetch(client, strip_query(dl)).headers["Access-Control-Allow-Methods"]
    assert all(method in allowed for method in ("GET", "HEAD", "OPTIONS"))
    assert fetch(client, strip_query(dl), "HEAD").status_code == 200
    assert fetch(client, strip_query(dl), "OPTIONS").status_code == 204


def test_reportWith400(client, dl):
    assert fetch(client, strip_query(dl) + "/foo").status_code == 400


def test_noErrorWith200(client, dl):
    errors = [
        strip_query(dl) + "/foo",
        strip_query(dl) + "?linkType=gs1:nosuchlt",
        public_url("/01/09520123450008"),  # check digit
        public_url("/01/09520123450014"),  # well formed, not registered
    ]
    for url in errors:
        assert fetch(client, url).status_code in (400, 404), url


def test_trailingSlash(client, dl):
    plain = fetch(client, strip_query(dl))
    slashed = client.get(path_of(strip_query(dl) + "/"), follow_redirects=True)
    assert (slashed.status_code, slashed.request.path) == (plain.status_code, urlsplit(dl).path)
    assert slashed.headers["Link"] == plain.headers["Link"]


def test_basicWalkUp(client, registered):
    lot, _item = registered
    unknown_lot = public_url(f"/01/{lot.product.gtin}/10/NOT-A-LOT")
    found = walk(get_linkset(client, unknown_lot), unknown_lot)
    assert found["gs1:defaultLink"][0]["href"] == public_url(f"/01/{lot.product.gtin}")
    response = fetch(client, unknown_lot + "?linkType=gs1:pip")
    assert response.status_code == 307
    assert response.headers["Location"] == public_url(f"/01/{lot.product.gtin}")


def test_ltLinksetNoRedirect(client, dl):
    response = fetch(client, strip_query(dl) + "?linkType=linkset")
    assert response.status_code == 200 and "Location" not in response.headers


def test_ltAllNoRedirect(client, dl):
    response = fetch(client, strip_query(dl) + "?linkType=all")
    assert response.status_code == 200 and "Location" not in response.headers


def test_ltAcceptHeader(client, dl):
    response = fetch(client, strip_query(dl), Accept=LINKSET)
    assert response.status_code == 200 and "Location" not in response.headers


def test_validLinkset(client, dl):
    errors = [error.message for error in LINKSET_SCHEMA.iter_errors(get_linkset(client, dl))]
    assert errors == []


def test_linksetJsonldCheck(client, dl):
    header = fetch(client, strip_query(dl), Accept=LINKSET).headers["Link"]
    assert any(
        'rel="http://www.w3.org/ns/json-ld#context"' in link
        and 'type="application/ld+json"' in link
        for link in header.split(",")
    )


def test_declaredContentType(client, dl):
    response = fetch(client, strip_query(dl), Accept=LINKSET)
    assert response.headers["Content-Type"] == LINKSET


def test_qsPassedOn(client, dl):
    for url in (strip_query(dl) + "?linkType=gs1:pip&foo=bar", strip_query(dl) + "/?foo=bar"):
        response = fetch(client, url)
        assert response.status_code in (301, 307)
        assert "foo=bar" in response.headers["Location"]


def test_defaultLinkExists(client, dl):
    found = walk(get_linkset(client, dl), dl)
    (default,) = found["gs1:defaultLink"]
    assert set(default) == {"href", "title"} and default["title"]


def test_singleDefaulLink(client, dl):
    for level in get_linkset(client, dl)["linkset"]:
        assert len(level["https://gs1.org/voc/defaultLink"]) == 1


def test_singleMultiLink(client, dl):
    assert "defaultLinkMulti" not in json.dumps(get_linkset(client, dl))


def test_linkTypesDefined(client, dl):
    for level in get_linkset(client, dl)["linkset"]:
        for key in level.keys() - {"anchor", "itemDescription"}:
            assert GS1_NAMESPACES.match(key), key
            assert GS1_NAMESPACES.sub("", key) in GS1_RATIFIED_LINK_TYPES


def test_defaultTarget(client, dl):
    (default,) = walk(get_linkset(client, dl), dl)["gs1:defaultLink"]
    assert default["href"] == strip_query(dl)
    assert fetch(client, strip_query(dl)).status_code == 200
    asked = fetch(client, strip_query(dl) + "?linkType=gs1:defaultLink")
    assert asked.headers["Location"] == default["href"]


def test_loFor(client, dl):
    found = walk(get_linkset(client, dl), dl)
    assert {"gs1:defaultLink", "gs1:pip", "gs1:certificationInfo", "gs1:locationInfo"} <= set(found)
    for link_type, objects in found.items():
        (target,) = objects  # one object per type: the suite's testSingleLinkObject
        response = fetch(client, strip_query(dl) + "?linkType=" + link_type)
        location = response.headers["Location"]
        if "?linkType=" + link_type in location:
            location = strip_query(location)
        assert (response.status_code, location) == (307, target["href"]), link_type


def test_specificLinkTypeNotFound(client, dl):
    assert fetch(client, strip_query(dl) + "?linkType=gs1:nosuchlt").status_code == 404
