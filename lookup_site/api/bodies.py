"""Read a request's JSON body and query parameters against the OpenAPI schemas.

This is the API's equivalent of the web forms: it checks the shape of the input
(types, lengths, known members, choices, number ranges) and turns JSON values into
Python ones (dates, times with their offset, decimals). The rules between fields and
against the database are the services', shared with the web forms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from flask import request
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from jsonschema import Draft202012Validator, ValidationError

from . import openapi
from .problems import Issue, Problem, Text

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:[Zz]|[+-]\d{2}:\d{2})"
)
DECIMAL_PLACES = 3  # every decimal column of the model has 3 decimals


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    schema = openapi.schema(schema_name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


class Unconvertible(Exception):
    """A value the schema let through that still means nothing here."""

    def __init__(self, text: Text) -> None:
        super().__init__("unconvertible value")
        self.text = text


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_payload(parse_float: Callable[[str], Any] = Decimal) -> Any:
    """The request's body as JSON, or a problem: 415 in another content type, 400 if
    malformed. Decimals are kept exact unless parse_float says otherwise (float for a
    document stored as JSON). application/ld+json and other +json types are JSON too."""
    if not request.is_json:
        raise Problem(
            415,
            "unsupported_media_type",
            lambda: _("Send the body as JSON, with the header Content-Type: application/json."),
            headers={"Accept-Patch": "application/json"} if request.method == "PATCH" else None,
        )
    try:
        return json.loads(
            request.get_data(cache=True),
            parse_float=parse_float,  # by default "0.1" stays exactly 0.1
            parse_constant=_refuse_constant,  # NaN and Infinity are not JSON
        )
    except json.JSONDecodeError as error:
        line, column = error.lineno, error.colno
        raise Problem(
            400,
            "malformed_json",
            lambda: _(
                "The body is not valid JSON (line %(line)s, column %(column)s).",
                line=line,
                column=column,
            ),
        ) from error
    except (ValueError, RecursionError) as error:  # bad encoding, NaN, absurd nesting
        raise Problem(400, "malformed_json", lambda: _("The body is not valid JSON.")) from error


def json_body(schema_name: str) -> dict[str, Any]:
    """The request's JSON object, checked against the named schema and converted."""
    data = json_payload()
    if not isinstance(data, dict):
        raise Problem(422, "invalid_body", lambda: _("Send a JSON object, such as {}."))
    schema = openapi.schema(schema_name)
    issues = _schema_issues(_validator(schema_name).iter_errors(data), schema)
    refused = {issue.field for issue in issues}
    values = {}
    for name, value in data.items():
        if name in refused:
            continue
        try:
            values[name] = convert(schema["properties"][name], value)
        except Unconvertible as error:
            issues.append(Issue(name, error.text))
    if issues:
        raise _invalid(issues)
    return values


def _invalid(issues: list[Issue]) -> Problem:
    count = len(issues)
    return Problem(
        422,
        "invalid_body",
        lambda: ngettext(
            "%(num)s field was refused: see errors.",
            "%(num)s fields were refused: see errors.",
            count,
        ),
        sorted(issues, key=lambda issue: issue.field),
    )


def query(names: Iterable[str]) -> dict[str, Any]:
    """The named query parameters present, checked against their schemas."""
    values, issues = {}, []
    for name in names:
        raw = request.args.get(name)
        if raw is None:
            continue
        schema = openapi.PARAMETERS[name]["schema"]
        value: Any = raw
        if schema["type"] == "integer":
            value = int(raw) if re.fullmatch(r"[+-]?\d{1,20}", raw.strip()) else raw
        found = _schema_issues(Draft202012Validator(schema).iter_errors(value), schema, name)
        issues.extend(Issue(issue.field, issue.text, in_query=True) for issue in found)
        if not found:
            values[name] = value
    if issues:
        raise Problem(
            400,
            "invalid_parameter",
            lambda: _("A query parameter was refused: see errors."),
            issues,
        )
    return values


# From a JSON value to a Python one ----------------------------------------------------------


def convert(schema: dict[str, Any], value: Any) -> Any:
    """Turn a value that passed the schema into the Python value the services take.

    Raises Unconvertible, with the explanation, for what a schema cannot say.
    """
    kind = schema.get("format")
    if value is None or kind is None:
        return value
    if kind == "date":
        if not DATE.fullmatch(value):
            raise Unconvertible(_date_text)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise Unconvertible(_date_text) from None
    if kind == "date-time":
        if not DATE_TIME.fullmatch(value):
            raise Unconvertible(_date_time_text)
        try:
            return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError:
            raise Unconvertible(_date_time_text) from None
    if kind == "decimal":
        return _decimal(schema, value)
    return value


def _decimal(schema: dict[str, Any], value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Unconvertible(_number_text) from None
    if not number.is_finite():
        raise Unconvertible(_number_text)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > DECIMAL_PLACES:
        number = number.normalize()  # 0.50000 is 0.5
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > DECIMAL_PLACES:
            raise Unconvertible(
                lambda: _(
                    "Enter at most %(places)s digits after the decimal mark.",
                    places=DECIMAL_PLACES,
                )
            )
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    if (minimum is not None and number < Decimal(str(minimum))) or (
        maximum is not None and number > Decimal(str(maximum))
    ):
        raise Unconvertible(_range_text(schema))
    return number


def _date_text() -> str:
    return _("Enter a date as YYYY-MM-DD, such as 2026-12-31.")


def _date_time_text() -> str:
    return _("Enter the date and time with its UTC offset, such as 2026-09-02T08:30:00+07:00.")


def _number_text() -> str:
    return _("Enter a number, such as 500 or 0.5.")


def _range_text(schema: dict[str, Any]) -> Text:
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    return lambda: _(
        "Enter a number from %(minimum)s to %(maximum)s.",
        minimum=format_decimal(Decimal(str(minimum))),
        maximum=format_decimal(Decimal(str(maximum))),
    )


# From jsonschema's findings to explanations ---------------------------------------------------


def _schema_issues(
    found: Iterable[ValidationError], schema: dict[str, Any], name: str | None = None
) -> list[Issue]:
    """One issue per refused field, explained in the user's words."""
    issues: dict[str, Issue] = {}
    for error in sorted(found, key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
        for field, text in _explain(error, schema):
            field = name or field
            issues.setdefault(field, Issue(field, text))
    return list(issues.values())


def _explain(error: ValidationError, schema: dict[str, Any]) -> list[tuple[str, Text]]:
    validator, path = error.validator, list(error.absolute_path)
    field = str(path[0]) if path else ""
    if validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return [(name, lambda: _("This field is required.")) for name in missing]
    if validator == "additionalProperties":
        known = error.schema.get("properties", {})
        return [
            (name, lambda: _("This field is unknown: check its spelling."))
            for name in error.instance
            if name not in known
        ]
    subschema = error.schema
    if validator == "type":
        return [(field, _type_text(subschema))]
    if validator == "maxLength":
        limit = error.validator_value
        return [(field, lambda: _("Too long: at most %(max)d characters.", max=limit))]
    if validator == "enum":
        options = ", ".join(str(option) for option in error.validator_value if option)
        return [(field, lambda: _("Choose one of: %(options)s.", options=options))]
    if validator in ("minimum", "maximum"):
        return [(field, _range_text(subschema))]
    if validator == "pattern":
        if subschema.get("format") in ("date", "date-time", "decimal"):
            return [(field, _type_text(subschema))]
        if error.validator_value == openapi.NO_NUL_PATTERN:
            return [(field, lambda: _("Remove the NUL character (\\u0000): text cannot hold it."))]
        if error.validator_value == openapi.CURSOR_PATTERN:
            return [(field, lambda: _("Use the cursor given in the previous page's next link."))]
    return [(field, lambda: _("Invalid input."))]


def _type_text(schema: dict[str, Any]) -> Text:
    kind = schema.get("format")
    types = schema.get("type")
    types = set(types if isinstance(types, list) else [types])
    if "enum" in schema:
        options = ", ".join(str(option) for option in schema["enum"] if option)
        return lambda: _("Choose one of: %(options)s.", options=options)
    if kind == "date":
        return _date_text
    if kind == "date-time":
        return _date_time_text
    if kind == "decimal" or "number" in types:
        return _number_text
    if "integer" in types:
        return lambda: _("Enter a whole number, such as 180.")
    if "boolean" in types:
        return lambda: _("Enter true or false.")
    return lambda: _("Enter text, in quotes.")
