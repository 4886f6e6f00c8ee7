"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written as Python rather than as a YAML file because it is more than a description:
its request schemas are what the API validates bodies and query parameters against
(see ``bodies.py``), and its enumerations come from the model and the vocabulary
(diary steps, units, OCOP groups, lot statuses). A new step or unit is then in the
document, and accepted, at once; the document cannot drift from the behaviour. The
tests check every route against it and every response against its schemas.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from flask import current_app

from ..models import LotStatus, OcopGroup
from ..services import api_tokens
from ..vocabulary import STEPS, UNITS

PREFIX = "/api/v1"
SCHEMA_REF = "#/components/schemas/"
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
DEFAULT_LIMIT, MAX_LIMIT = 50, 100
CURSOR_PATTERN = "^[0-9]{1,10}$"
# PostgreSQL cannot store the NUL character in text.
NO_NUL_PATTERN = "^[^\\u0000]*$"

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": SCHEMA_REF + name}


def _nullable(schema: Schema) -> Schema:
    schema = dict(schema)
    kind = schema["type"]
    schema["type"] = [*(kind if isinstance(kind, list) else [kind]), "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def text(max_length: int, nullable: bool = True, **extra: Any) -> Schema:
    schema = {"type": "string", "maxLength": max_length, "pattern": NO_NUL_PATTERN, **extra}
    return _nullable(schema) if nullable else schema


def choice(values: list[str], nullable: bool = True, **extra: Any) -> Schema:
    schema = {"type": "string", "enum": values, **extra}
    return _nullable(schema) if nullable else schema


def decimal(minimum: int | float, maximum: int | float, **extra: Any) -> Schema:
    """A decimal, as a JSON number or a string ("0.5"), at most 3 decimals."""
    return {
        "type": ["number", "string", "null"],
        "format": "decimal",
        "pattern": r"^[+-]?[0-9]+(\.[0-9]+)?$",
        "minimum": minimum,
        "maximum": maximum,
        "description": f"From {minimum} to {maximum}, at most 3 decimals; "
        "sent as a JSON number or a string, answered as a string.",
        **extra,
    }


def identifier(description: str, nullable: bool = False) -> Schema:
    schema: Schema = {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_ID,
        "description": description,
    }
    return _nullable(schema) if nullable else schema


DATE = {"type": ["string", "null"], "format": "date", "examples": ["2026-09-01"]}
DATE_TIME = {"type": "string", "format": "date-time"}
OUTPUT_DECIMAL = {"type": ["string", "null"], "format": "decimal", "examples": ["1200", "0.5"]}
UNIT = choice(list(UNITS))
STEP_KEYS = list(STEPS)

# Request bodies: the API's equivalent of the web forms' fields. Lengths and ranges
# are the forms'; the rules between fields are the services', shared with the web.
PRODUCT_FIELDS: dict[str, Schema] = {
    "name_vi": text(200, nullable=False, description="The product's name in Vietnamese."),
    "name_en": text(200),
    "description_vi": text(5000),
    "description_en": text(5000),
    "ocop_group": choice([group.value for group in OcopGroup]),
    "gtin": text(
        30,
        description="8, 12, 13 or 14 digits with a valid check digit (spaces allowed); "
        "stored as GTIN-14. Frozen once the product has lots.",
        examples=["09520123450007"],
    ),
    "net_content": decimal(0.001, 999999999),
    "net_content_unit": UNIT,
    "brand": text(200),
    "standards": text(300),
    "shelf_life_days": {
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": 3650,
    },
}
LOT_FIELDS: dict[str, Schema] = {
    "code": text(
        40,
        nullable=False,
        description="GS1 lot code (AI 10): up to 20 characters of the GS1 82-character "
        "set, unique within the product.",
        examples=["NM-2611-01"],
    ),
    "production_date": DATE,
    "packing_date": DATE,
    "best_before": DATE,
    "best_before_is_expiry": {
        "type": "boolean",
        "description": "True when best_before is a use-by (expiry) date.",
    },
    "quantity": decimal(0, 99999999999),
    "quantity_unit": UNIT,
}
INPUT_FIELDS: dict[str, Schema] = {
    "reference": text(
        500,
        nullable=False,
        description="The input lot, of any producer: its short code, its Digital Link "
        "address, or a GS1 element string such as (01)09520123450007(10)LOT1.",
    ),
    "quantity": decimal(0, 99999999999),
    "quantity_unit": UNIT,
}
EVENT_FIELDS: dict[str, Schema] = {
    "step": choice(STEP_KEYS, nullable=False),
    "event_time": {
        **DATE_TIME,
        "description": "When it happened, with its UTC offset; at most 10 minutes ahead "
        "of the server's clock.",
        "examples": ["2026-09-02T08:30:00+07:00"],
    },
    "location_name": text(200),
    "location_address": text(300),
    "actor": text(200),
    "notes_vi": text(2000),
    "notes_en": text(2000),
    "corrects": identifier(
        "The id of an event of the same lot that this entry corrects.", nullable=True
    ),
}


def _body(fields: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    schema: Schema = {
        "type": "object",
        "properties": fields,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


def _page(item: str) -> Schema:
    return {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": ref(item)},
            "next": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "The next page, also in the Link header; null on the last.",
            },
        },
        "additionalProperties": False,
    }


def _object(properties: dict[str, Schema]) -> Schema:
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
TIMESTAMP = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, Schema] = {
    "ProductCreate": _body(PRODUCT_FIELDS, required=("name_vi",)),
    "ProductUpdate": _body(PRODUCT_FIELDS),
    "LotCreate": _body(
        {"product_id": identifier("One of your products."), **LOT_FIELDS},
        required=("product_id", "code"),
    ),
    "LotUpdate": _body(LOT_FIELDS),
    "LotInputCreate": _body(INPUT_FIELDS, required=("reference",)),
    "EventCreate": _body(EVENT_FIELDS, required=("step", "event_time")),
    "Product": _object(
        {
            "id": {"type": "integer"},
            "gtin": {"type": ["string", "null"], "pattern": "^[0-9]{14}$"},
            "name_vi": STRING,
            "name_en": NULLABLE_STRING,
            "description_vi": NULLABLE_STRING,
            "description_en": NULLABLE_STRING,
            "ocop_group": PRODUCT_FIELDS["ocop_group"],
            "net_content": OUTPUT_DECIMAL,
            "net_content_unit": NULLABLE_STRING,
            "brand": NULLABLE_STRING,
            "standards": NULLABLE_STRING,
            "shelf_life_days": {"type": ["integer", "null"]},
            "lot_count": {"type": "integer", "minimum": 0},
            "url": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "The product's GS1 Digital Link; null without a GTIN.",
            },
            "created_at": TIMESTAMP,
        }
    ),
    "LotReference": _object(
        {
            "gtin": {"type": ["string", "null"]},
            "code": STRING,
            "public_code": STRING,
            "url": {"type": "string", "format": "uri"},
        }
    ),
    "LotInput": _object(
        {
            "id": {"type": "integer"},
            "input_lot": ref("LotReference"),
            "quantity": OUTPUT_DECIMAL,
            "quantity_unit": NULLABLE_STRING,
        }
    ),
    "Lot": _object(
        {
            "id": {"type": "integer"},
            "product_id": {"type": "integer"},
            "gtin": {"type": ["string", "null"]},
            "code": STRING,
            "public_code": {
                "type": "string",
                "description": "Printed under the QR code for typing by hand.",
            },
            "url": {
                "type": "string",
                "format": "uri",
                "description": "What the lot's QR code encodes.",
            },
            "status": choice([status.value for status in LotStatus], nullable=False),
            "status_reason_vi": NULLABLE_STRING,
            "status_reason_en": NULLABLE_STRING,
            "production_date": DATE,
            "packing_date": DATE,
            "best_before": DATE,
            "best_before_is_expiry": {"type": "boolean"},
            "quantity": OUTPUT_DECIMAL,
            "quantity_unit": NULLABLE_STRING,
            "locked": {
                "type": "boolean",
                "description": "True once diary entries are published: the lot's details "
                "and inputs can no longer change.",
            },
            "inputs": {"type": "array", "items": ref("LotInput")},
            "created_at": TIMESTAMP,
        }
    ),
    "Event": _object(
        {
            "id": {"type": "integer"},
            "uuid": {
                "type": "string",
                "format": "uuid",
                "description": "The event's identity in EPCIS exchange.",
            },
            "lot_id": {"type": "integer"},
            "sequence": {"type": "integer", "minimum": 1},
            "step": choice(STEP_KEYS, nullable=False),
            "event_time": {
                **TIMESTAMP,
                "description": "In the UTC offset it was recorded with.",
            },
            "time_zone_offset": {"type": "string", "pattern": "^[+-][0-9]{2}:[0-9]{2}$"},
            "location_name": NULLABLE_STRING,
            "location_address": NULLABLE_STRING,
            "location_gln": NULLABLE_STRING,
            "actor": NULLABLE_STRING,
            "notes_vi": NULLABLE_STRING,
            "notes_en": NULLABLE_STRING,
            "recorded_at": TIMESTAMP,
            "recorded_by": NULLABLE_STRING,
            "corrects": {"type": ["integer", "null"]},
            "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "previous_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        }
    ),
    "ProductPage": _page("Product"),
    "LotPage": _page("Lot"),
    "EventPage": _page("Event"),
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details. `detail` is in the language asked for "
        "with Accept-Language (Vietnamese by default); `detail_vi` and `detail_en` "
        "carry it in both languages.",
        "required": ["type", "title", "status", "detail", "detail_vi", "detail_en", "instance"],
        "properties": {
            "type": {
                "type": "string",
                "format": "uri-reference",
                "description": "urn:txng:problem:<reason>, or about:blank for a plain HTTP error.",
            },
            "title": STRING,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": STRING,
            "detail_vi": STRING,
            "detail_en": STRING,
            "instance": {"type": "string", "format": "uri-reference"},
            "errors": {"type": "array", "items": ref("InvalidField"), "minItems": 1},
        },
        "additionalProperties": False,
    },
    "InvalidField": {
        "type": "object",
        "required": ["field", "detail", "detail_vi", "detail_en"],
        "properties": {
            "field": {"type": "string", "description": "The body member or query parameter."},
            "pointer": {
                "type": "string",
                "description": "JSON Pointer (as a URI fragment) to the body member.",
            },
            "parameter": {"type": "string", "description": "The query parameter."},
            "detail": STRING,
            "detail_vi": STRING,
            "detail_en": STRING,
        },
        "additionalProperties": False,
    },
}


SCHEMAS.update(
    {
        "EPCISDocument": {
            "type": "object",
            "description": "An EPCIS 2.0 EPCISDocument in JSON-LD; GS1's EPCIS 2.0 JSON "
            "schema (https://ref.gs1.org/standards/epcis/epcis-json-schema.json) is the "
            "full description.",
            "required": ["type", "schemaVersion", "creationDate", "epcisBody"],
            "properties": {
                "@context": {},
                "type": {"const": "EPCISDocument"},
                "schemaVersion": STRING,
                "creationDate": {"type": "string", "format": "date-time"},
                "epcisBody": {
                    "type": "object",
                    "required": ["eventList"],
                    "properties": {"eventList": {"type": "array", "items": {"type": "object"}}},
                },
            },
        },
        "CaptureAccepted": {
            "type": "object",
            "required": ["captureID"],
            "properties": {"captureID": STRING},
            "additionalProperties": False,
        },
        "CaptureJob": {
            "type": "object",
            "required": [
                "captureID",
                "createdAt",
                "running",
                "success",
                "captureErrorBehaviour",
                "errors",
            ],
            "properties": {
                "captureID": STRING,
                "createdAt": {"type": "string", "format": "date-time"},
                "finishedAt": {"type": ["string", "null"], "format": "date-time"},
                "running": {"type": "boolean"},
                "success": {"type": "boolean"},
                "captureErrorBehaviour": {"const": "rollback"},
                "errors": {"type": "array", "items": {"type": "object"}},
                "eventCount": {"type": "integer", "minimum": 0},
                "recorded": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Diary entries recorded.",
                },
                "inputs": {"type": "integer", "minimum": 0, "description": "Lot inputs added."},
                "alreadyHeld": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Events captured before (same eventID): not recorded again.",
                },
            },
            "additionalProperties": False,
        },
    }
)


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    }
    if headers:
        response["headers"] = headers
    return response


RESPONSES = {
    "BadRequest": _problem("A malformed JSON body, or a query parameter out of range."),
    "Unauthorized": _problem(
        "No token, or an unknown or revoked one.",
        {
            "WWW-Authenticate": {
                "required": True,
                "schema": {"type": "string"},
                "description": 'Bearer realm="…", with error="invalid_token" for a bad token.',
            }
        },
    ),
    "NotFound": _problem("Not one of your facility's products, lots or events."),
    "Conflict": _problem("The lot has published diary entries: it can no longer change."),
    "ContentTooLarge": _problem("The body is larger than the site accepts."),
    "UnsupportedMediaType": _problem("The body is not sent as application/json."),
    "Unprocessable": _problem(
        "The body was refused: `errors` names each field and why (the same rules as the web forms)."
    ),
    "TooManyRequests": _problem(
        "Over the rate limit of this token.",
        {
            "Retry-After": {
                "required": True,
                "schema": {"type": "integer"},
                "description": "Seconds to wait.",
            }
        },
    ),
}

PARAMETERS = {
    "limit": {
        "name": "limit",
        "in": "query",
        "description": "Items per page.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    },
    "cursor": {
        "name": "cursor",
        "in": "query",
        "description": "Where the page starts: copy it from `next`; treat it as opaque.",
        "schema": {"type": "string", "pattern": CURSOR_PATTERN},
    },
    "status": {
        "name": "status",
        "in": "query",
        "description": "Only lots with this status.",
        "schema": choice([status.value for status in LotStatus], nullable=False),
    },
    "product_id": {
        "name": "product_id",
        "in": "query",
        "description": "Only lots of this product (one of yours).",
        "schema": identifier("A product id."),
    },
    "code": {
        "name": "code",
        "in": "query",
        "description": "Only lots with this lot code.",
        "schema": text(40, nullable=False),
    },
}
PATH_IDS = {
    name: {"name": name, "in": "path", "required": True, "schema": identifier(label)}
    for name, label in (
        ("product_id", "A product of your facility."),
        ("lot_id", "A lot of your facility."),
        ("event_id", "A diary entry on one of your lots."),
        ("input_id", "An input of the lot."),
    )
}


def _param(name: str) -> Schema:
    return {"$ref": f"#/components/parameters/{name}"}


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": ref(schema)}}}


def _response(description: str, schema: str, headers: dict[str, Any] | None = None):
    response: dict[str, Any] = {"description": description, **_json(schema)}
    if headers:
        response["headers"] = headers
    return response


LINK = {
    "Link": {
        "schema": {"type": "string"},
        "description": 'RFC 8288 link to the next page: <…>; rel="next".',
    }
}
LOCATION = {
    "Location": {"required": True, "schema": {"type": "string"}, "description": "The new resource."}
}
EPCIS_HEADERS = {
    name: {"required": True, "schema": {"type": "string"}, "description": description}
    for name, description in (
        ("GS1-EPCIS-Version", "The EPCIS version of the answer: 2.0.0."),
        ("GS1-CBV-Version", "The CBV version of the answer: 2.0.0."),
    )
}
ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "429": {"$ref": "#/components/responses/TooManyRequests"},
}


def _errors(*codes: str) -> dict[str, Any]:
    names = {
        "400": "BadRequest",
        "404": "NotFound",
        "409": "Conflict",
        "413": "ContentTooLarge",
        "415": "UnsupportedMediaType",
        "422": "Unprocessable",
    }
    return {
        **{code: {"$ref": f"#/components/responses/{names[code]}"} for code in codes},
        **ERRORS,
    }


def _operation(
    operation_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    tag: str,
    parameters: list[str] = (),
    body: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "responses": responses,
    }
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = [_param(name) for name in parameters]
    if body:
        operation["requestBody"] = {"required": True, **_json(body)}
    return operation


WRITE_ERRORS = ("400", "413", "415", "422")

PATHS: dict[str, Any] = {
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "tags": ["Meta"],
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
    "/products": {
        "get": _operation(
            "listProducts",
            "List your products",
            {
                "200": _response("A page of products, oldest first.", "ProductPage", LINK),
                **_errors("400"),
            },
            tag="Products",
            parameters=["limit", "cursor"],
        ),
        "post": _operation(
            "createProduct",
            "Register a product",
            {"201": _response("The product.", "Product", LOCATION), **_errors(*WRITE_ERRORS)},
            tag="Products",
            body="ProductCreate",
        ),
    },
    "/products/{product_id}": {
        "parameters": [PATH_IDS["product_id"]],
        "get": _operation(
            "getProduct",
            "One of your products",
            {"200": _response("The product.", "Product"), **_errors("404")},
            tag="Products",
        ),
        "patch": _operation(
            "updateProduct",
            "Change a product",
            {"200": _response("The product.", "Product"), **_errors("404", *WRITE_ERRORS)},
            tag="Products",
            body="ProductUpdate",
            description="Only the members sent change; null clears an optional one. "
            "The GTIN cannot change once the product has lots.",
        ),
    },
    "/lots": {
        "get": _operation(
            "listLots",
            "List your lots",
            {
                "200": _response("A page of lots, oldest first.", "LotPage", LINK),
                **_errors("400", "404"),
            },
            tag="Lots",
            parameters=["product_id", "status", "code", "limit", "cursor"],
        ),
        "post": _operation(
            "createLot",
            "Register a lot of one of your products",
            {"201": _response("The lot.", "Lot", LOCATION), **_errors(*WRITE_ERRORS)},
            tag="Lots",
            body="LotCreate",
        ),
    },
    "/lots/{lot_id}": {
        "parameters": [PATH_IDS["lot_id"]],
        "get": _operation(
            "getLot",
            "One of your lots",
            {"200": _response("The lot.", "Lot"), **_errors("404")},
            tag="Lots",
        ),
        "patch": _operation(
            "updateLot",
            "Change a lot's details",
            {"200": _response("The lot.", "Lot"), **_errors("404", "409", *WRITE_ERRORS)},
            tag="Lots",
            body="LotUpdate",
            description="Only while no diary entry is published for the lot (409 after). "
            "Only the members sent change.",
        ),
    },
    "/lots/{lot_id}/inputs": {
        "parameters": [PATH_IDS["lot_id"]],
        "post": _operation(
            "addLotInput",
            "Declare a lot that went into this lot (one step back)",
            {"201": _response("The input.", "LotInput"), **_errors("404", "409", *WRITE_ERRORS)},
            tag="Lots",
            body="LotInputCreate",
            description="Only while no diary entry is published for the lot.",
        ),
    },
    "/lots/{lot_id}/inputs/{input_id}": {
        "parameters": [PATH_IDS["lot_id"], PATH_IDS["input_id"]],
        "delete": _operation(
            "removeLotInput",
            "Remove an input declared by mistake",
            {"204": {"description": "Removed."}, **_errors("404", "409")},
            tag="Lots",
            description="Only while no diary entry is published for the lot.",
        ),
    },
    "/lots/{lot_id}/events": {
        "parameters": [PATH_IDS["lot_id"]],
        "get": _operation(
            "listLotEvents",
            "The lot's production diary",
            {
                "200": _response("A page of entries, in the order recorded.", "EventPage", LINK),
                **_errors("400", "404"),
            },
            tag="Diary",
            parameters=["limit", "cursor"],
        ),
        "post": _operation(
            "createLotEvent",
            "Publish a diary entry, or a correction of one",
            {"201": _response("The entry.", "Event", LOCATION), **_errors("404", *WRITE_ERRORS)},
            tag="Diary",
            body="EventCreate",
            description="Published entries never change: to correct one, publish a new "
            "entry with `corrects` set to its id. The first entry locks the lot's details.",
        ),
    },
    "/lots/{lot_id}/epcis": {
        "parameters": [PATH_IDS["lot_id"]],
        "get": _operation(
            "getLotEpcis",
            "The lot's events as an EPCIS 2.0 document",
            {
                "200": {
                    "description": "An EPCISDocument (JSON-LD) valid against GS1's EPCIS 2.0 "
                    "JSON schema: the diary as ObjectEvents, inputs as a TransformationEvent.",
                    "headers": EPCIS_HEADERS,
                    "content": {"application/ld+json": {"schema": ref("EPCISDocument")}},
                },
                **_errors("404"),
            },
            tag="EPCIS",
        ),
    },
    "/epcis/capture": {
        "post": {
            **_operation(
                "captureEpcis",
                "Capture an EPCIS 2.0 document from another system",
                {
                    "202": {
                        "description": "Accepted and recorded, all of it; the capture job's "
                        "status is at Location.",
                        "headers": {**LOCATION, **EPCIS_HEADERS},
                        **_json("CaptureAccepted"),
                    },
                    **_errors(*WRITE_ERRORS),
                },
                tag="EPCIS",
                description="The document is checked against GS1's EPCIS 2.0 JSON schema and "
                "our rules before anything is written; a bad event refuses the whole document "
                "(400 for the schema, 422 for events that do not fit the site's lots), with "
                "`errors` naming each event by its JSON Pointer. ObjectEvents about your lots "
                "become diary entries and TransformationEvents lot inputs; events already "
                "captured (same eventID) are not recorded twice.",
            ),
            "requestBody": {
                "required": True,
                "content": {
                    media: {"schema": ref("EPCISDocument")}
                    for media in ("application/json", "application/ld+json")
                },
            },
        },
    },
    "/epcis/capture/{capture_id}": {
        "parameters": [
            {
                "name": "capture_id",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "maxLength": 200},
                "description": "From the Location of the capture's answer.",
            }
        ],
        "get": _operation(
            "getCaptureJob",
            "A capture job's status (EPCIS REST binding)",
            {
                "200": {
                    "description": "The capture job.",
                    "headers": EPCIS_HEADERS,
                    **_json("CaptureJob"),
                },
                **_errors("404"),
            },
            tag="EPCIS",
        ),
    },
    "/events/{event_id}": {
        "parameters": [PATH_IDS["event_id"]],
        "get": _operation(
            "getEvent",
            "One diary entry",
            {"200": _response("The entry.", "Event"), **_errors("404")},
            tag="Diary",
        ),
    },
}

COMPONENTS = {
    "schemas": SCHEMAS,
    "responses": RESPONSES,
    "parameters": PARAMETERS,
    "securitySchemes": {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "A token created in the producer workspace (API tokens); it "
            f"starts with {api_tokens.TOKEN_PREFIX} and acts for one facility.",
        }
    },
}

DESCRIPTION = """\
Read and record a facility's products, lots, lot inputs and production diary from the
producer's own software, with the same rules as the producer workspace.

* Authenticate with `Authorization: Bearer <token>`; tokens are created and revoked in
  the workspace under *API tokens*. A token sees only its own facility: another
  facility's ids answer 404.
* Bodies are JSON (`Content-Type: application/json`); unknown members are refused.
* Errors are RFC 9457 problem details (`application/problem+json`): `detail` is in the
  language of `Accept-Language` (Vietnamese by default), `detail_vi` and `detail_en`
  carry both; `errors` lists each refused field.
* Lists are paged with `limit` and an opaque `cursor`; the next page is in `next` and in
  the `Link` header.
* Each token may make a limited number of requests a minute; beyond it, 429 with
  `Retry-After`.
"""


@cache
def _static_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TXNG producer API",
            "version": "1.0.0",
            "description": DESCRIPTION,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": COMPONENTS,
    }


def document() -> dict[str, Any]:
    """The document, with the server at the site's configured public address."""
    static = copy.deepcopy(_static_document())
    server = {"url": current_app.config["PUBLIC_BASE_URL"] + PREFIX}
    return {
        "openapi": static.pop("openapi"),
        "info": static.pop("info"),
        "servers": [server],
        **static,
    }


def schema(name: str) -> Schema:
    return SCHEMAS[name]
