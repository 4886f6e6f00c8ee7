"""Security headers on every blueprint's answers, and pages that need no inline code."""

from __future__ import annotations

import re

import pytest

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.http_headers import CONTENT_SECURITY_POLICY
from lookup_site.models import Role

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
ROLE_OF_BLUEPRINT = {"producer": Role.PRODUCER, "inspect": Role.INSPECTOR, "admin": Role.ADMIN}


def blueprint_urls(app, blueprint: str) -> list[str]:
    """Every GET URL of a blueprint that needs no arguments, or one with placeholder ids."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(f"{blueprint}.") and "GET" in rule.methods
    ]
    plain = sorted(rule.rule for rule in rules if not rule.arguments)
    if plain:
        return plain
    for rule in rules:
        values = {
            # An any(...) converter takes one of its words; every other argument takes 1.
            name: sorted(getattr(converter, "items", None) or ["1"])[0]
            for name, converter in rule._converters.items()
        }
        return [rule.build(values, append_unknown=False)[1]]
    return []


def assert_security_headers(response, url: str) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
    assert headers["X-Content-Type-Options"] == "nosniff", url
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
    assert "camera=(self)" in headers["Permissions-Policy"], url
    assert headers["X-Frame-Options"] == "DENY", url


def test_the_policy_allows_no_inline_code_and_no_framing():
    policy = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


@pytest.mark.parametrize(
    "blueprint", ["public", "auth", "producer", "inspect", "admin", "media", "api"]
)
def test_each_named_blueprint_exists(app, blueprint):
    # The header test below covers app.blueprints; this one fails if a name above goes away.
    assert blueprint in app.blueprints


def test_every_blueprint_answers_with_security_headers(app, client, make_user, login):
    for name in app.blueprints:
        role = ROLE_OF_BLUEPRINT.get(name)
        if role is not None:
            login(make_user(role, email=f"{name}@example.org"))
        urls = blueprint_urls(app, name)
        assert urls, name
        for url in urls:
            response = client.get(url)
            assert_security_headers(response, url)
            response.close()
    # Static files and error answers too.
    for url in ("/static/site.css", "/no/such/page"):
        with client.get(url) as response:
            assert_security_headers(response, url)


def test_resolver_answers_keep_their_cors_headers(client, make_lot):
    lot = make_lot()
    response = client.get(f"/01/{lot.product.gtin}/10/{lot.code}")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    preflight = client.options("/.well-known/gs1resolver")
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["X-Content-Type-Options"] == "nosniff"


def scan_for_inline_code(html: str, url: str) -> None:
    assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
    assert not INLINE_STYLE.search(html), (url, INLINE_STYLE.search(html).group(0))
    assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html).group(0))


def test_pages_carry_no_inline_script_or_style(
    app, client, make_user, login, make_lot, make_event, make_ocop
):
    lot = make_lot()
    make_ocop(lot.product)
    make_event(lot, "packing")
    public_pages = [
        "/",
        "/login",
        f"/01/{lot.product.gtin}/10/{lot.code}",
        f"/01/{lot.product.gtin}",
        f"/t/{lot.public_code}",
        f"/producers/{lot.product.producer_id}",
        "/no/such/page",
    ]
    for url in public_pages:
        scan_for_inline_code(client.get(url).get_data(as_text=True), url)
    producer = lot.product.producer
    users = {
        "producer": make_user(Role.PRODUCER, producer=producer, email="p@example.org"),
        "inspect": make_user(Role.INSPECTOR, email="i@example.org"),
        "admin": make_user(Role.ADMIN, email="a@example.org"),
    }
    for name, user in users.items():
        login(user)
        pages = blueprint_urls(app, name) + [f"/inspect/lots/{lot.id}"] * (name == "inspect")
        for url in pages:
            response = client.get(url)
            if response.mimetype == "text/html":
                scan_for_inline_code(response.get_data(as_text=True), url)
            response.close()


def hsts_of_a_site_at(app_config, base_url: str) -> str | None:
    site = create_app({**app_config, "PUBLIC_BASE_URL": base_url})
    try:
        with site.test_client().get("/robots.txt") as response:
            return response.headers.get("Strict-Transport-Security")
    finally:
        with site.app_context():
            _db.engine.dispose()  # close its connections now, not at garbage collection


def test_hsts_only_for_an_https_site(app_config):
    hsts = hsts_of_a_site_at(app_config, "https://txng.example.vn")
    assert hsts == "max-age=31536000; includeSubDomains"
    # A browser remembers HSTS for a year: a plain-HTTP site must never send it.
    assert hsts_of_a_site_at(app_config, "http://127.0.0.1:5000") is None


def test_production_refuses_debug_mode(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-value")
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
        "PUBLIC_BASE_URL": "https://txng.example.vn",
        "DEBUG": True,
    }
    with pytest.raises(RuntimeError, match="Debug mode"):
        create_app(config)
    # Debug stays available on a local http:// address, and production starts without it.
    assert create_app({**config, "PUBLIC_BASE_URL": "http://127.0.0.1:5000"}).debug
    assert not create_app({**config, "DEBUG": False}).debug


def test_the_inline_code_scan_catches_what_the_policy_blocks():
    for html in (
        "<script>alert(1)</script>",
        '<p style="color:red">x</p>',
        "<style>p{}</style>",
        '<button onclick="go()">x</button>',
    ):
        with pytest.raises(AssertionError):
            scan_for_inline_code(html, "sample")
    scan_for_inline_code('<script src="/static/a.js" defer></script><p class="x">', "sample")
