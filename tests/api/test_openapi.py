"""The OpenAPI document: a valid OpenAPI 3.1 description, in step with the routes."""

from __future__ import annotations

from openapi_spec_validator import validate

from lookup_site.api.openapi import PREFIX

from .conftest import openapi_path

IGNORED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask for every GET route
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    validate(document)


def test_the_document_is_public_and_names_the_configured_server(anonymous):
    response = anonymous.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["servers"] == [{"url": f"https://txng.example.vn{PREFIX}"}]


def test_every_api_route_is_in_the_document_and_nothing_else(app, document):
    routes = {
        (openapi_path(rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/")
        for method in rule.methods - IGNORED_METHODS
    }
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert routes == documented


def test_path_parameters_are_documented_for_each_route(app, document):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        item = document["paths"][openapi_path(rule)]
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        assert declared == set(rule.arguments), rule.rule


def test_every_operation_but_the_document_needs_the_bearer_token(document):
    bearer = document["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"bearer": []}]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            if path == "/openapi.json":
                assert operation["security"] == []
            else:
                assert "security" not in operation, (path, method)
                assert "401" in operation["responses"], (path, method)
                assert "429" in operation["responses"], (path, method)


def test_validation_follows_the_vocabulary(document):
    from lookup_site.vocabulary import STEPS, UNITS

    schemas = document["components"]["schemas"]
    assert schemas["EventCreate"]["properties"]["step"]["enum"] == list(STEPS)
    assert set(UNITS) < set(schemas["LotCreate"]["properties"]["quantity_unit"]["enum"])
