"""Fixtures for /api/v1: tokens, and a client whose every answer is checked against
the OpenAPI document (status documented for the route, body valid for its schema,
required headers present)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Rule

from lookup_site.api.openapi import PREFIX
from lookup_site.models import Role
from lookup_site.services import api_tokens

DOCUMENT_URI = "urn:txng:api:openapi"
# <int:lot_id> or <lot_id>: a Werkzeug converter and its argument.
CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def openapi_path(rule: Rule) -> str:
    """/api/v1/lots/<int:lot_id> as the document names it: /lots/{lot_id}."""
    return CONVERTER.sub(r"{\1}", rule.rule.removeprefix(PREFIX))


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class DocumentChecker:
    """Check responses against the OpenAPI document the app serves."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = DRAFT202012.create_resource(document)
        self.registry = Registry().with_resource(DOCUMENT_URI, resource)

    def validate(self, instance: Any, pointer: str) -> None:
        schema = {"$ref": f"{DOCUMENT_URI}#{pointer}"}
        Draft202012Validator(
            schema, registry=self.registry, format_checker=FormatChecker()
        ).validate(instance)

    def _resolve(self, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#")
            node = self.document
            for token in pointer.strip("/").split("/"):
                node = node[token.replace("~1", "/").replace("~0", "~")]
        return node, pointer

    def check(self, app, method: str, path: str, response) -> None:
        adapter = app.url_map.bind("localhost")
        try:
            rule, _args = adapter.match(path, method=method, return_rule=True)
        except (NotFound, MethodNotAllowed):
            assert response.status_code in (404, 405), response.status_code
            self._check_problem(response)
            return
        template = openapi_path(rule)
        operation_method = "get" if method == "HEAD" else method.lower()
        operation = self.document["paths"][template][operation_method]
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{method} {template} answered {status}, not documented: "
            f"{response.get_data(as_text=True)[:500]}"
        )
        pointer = f"/paths/{_escape(template)}/{operation_method}/responses/{status}"
        documented, pointer = self._resolve(operation["responses"][status], pointer)
        for name, header in documented.get("headers", {}).items():
            if header.get("required"):
                assert name in response.headers, f"{method} {template} {status}: no {name}"
        content = documented.get("content")
        if not content:
            assert response.get_data() == b""
            return
        assert response.mimetype in content, (response.mimetype, list(content))
        if method == "HEAD":
            return
        media = _escape(response.mimetype)
        self.validate(json.loads(response.get_data()), f"{pointer}/content/{media}/schema")

    def _check_problem(self, response) -> None:
        assert response.mimetype == "application/problem+json"
        self.validate(json.loads(response.get_data()), "/components/schemas/Problem")


class ApiClient:
    """The test client, signed in with a bearer token, checking every answer."""

    def __init__(self, app, client, checker: DocumentChecker, token: str | None) -> None:
        self.app, self.client, self.checker, self.token = app, client, checker, token
        self.producer = self.user = None

    def open(self, method: str, url: str, *, lang: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        if lang:
            headers["Accept-Language"] = lang
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        self.checker.check(self.app, method, urlsplit(url).path, response)
        return response

    def get(self, url: str, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self.open("POST", url, **kwargs)

    def patch(self, url: str, **kwargs):
        return self.open("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs):
        return self.open("DELETE", url, **kwargs)


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def checker(document) -> DocumentChecker:
    return DocumentChecker(document)


@pytest.fixture
def make_token(db, make_user):
    """A token of a new producer user (of producer when given); returns (user, token)."""

    def make(producer=None, name: str = "Phần mềm bán hàng"):
        user = make_user(Role.PRODUCER, producer=producer)
        _token, plain = api_tokens.create_token(user.producer, name, user)
        db.session.commit()
        return user, plain

    return make


@pytest.fixture
def make_api(app, client, checker, make_token):
    def make(token: str | None = None, producer=None) -> ApiClient:
        user = None
        if token is None:
            user, token = make_token(producer)
        api = ApiClient(app, client, checker, token)
        api.user, api.producer = user, user.producer if user else producer
        return api

    return make


@pytest.fixture
def api(make_api) -> ApiClient:
    """A facility's software, signed in with its token; its facility is api.producer."""
    return make_api()


@pytest.fixture
def other_api(make_api) -> ApiClient:
    """Another facility's software."""
    return make_api()


@pytest.fixture
def anonymous(app, client, checker) -> ApiClient:
    return ApiClient(app, client, checker, None)
