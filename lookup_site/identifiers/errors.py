"""Errors raised by the identifiers package.

Every error is an ``IdentifierError`` (a ``ValueError``) carrying three things
the web layer translates from, so keep them stable:

``reason``
    A short machine slug naming what is wrong (table below).
``value``
    The offending input, as given to the function that raised (for
    ``parse_digital_link`` and ``parse_element_string``: the whole URI or
    element string).
``params``
    A dict for message interpolation. ``ai`` names the GS1 Application
    Identifier when the problem sits inside one element, and ``ai_value`` its
    value when the input held several; ``position`` is a 0-based index into
    the offending value. Errors found by a dictionary rule also carry
    ``linter`` (the GS1 rule name, e.g. ``yymmd0``) and ``error`` (GS1's
    linter error code, e.g. ``GS1_LINTER_ILLEGAL_DAY``).

Reasons and the params they carry:

=====================  =====================================================
reason                 params
=====================  =====================================================
``empty``              ``ai`` (optional)
``length``             ``length``, ``min``/``max`` or ``allowed``, ``ai``
``digits``             ``char``, ``position``, ``ai`` (optional)
``check_digit``        ``expected``, ``actual`` (GTIN, GLN), or ``ai``
``charset``            ``char``, ``position``, ``ai`` (optional)
``date`` / ``time``    ``ai``, ``position``, ``error`` (a value is not a real
                       date or time, e.g. 30 February)
``country``            ``ai``, ``position``, ``error`` (not an ISO 3166 code)
``currency``           ``ai``, ``position``, ``error`` (not an ISO 4217 code)
``format``             ``ai``, ``position``, ``error`` (any other content rule
                       of the GS1 syntax dictionary)
``percent_encoding``   ``char`` (a ``%00`` NUL, or a bad escape), ``ai``
``scheme``             ``scheme`` (a Digital Link must be http or https)
``host``               ``host`` (missing, or illegal characters)
``structure``          (no GS1 primary key found; malformed element string)
``order``              ``sequence`` (key qualifiers in an invalid order or
                       combination, e.g. ``01/10/22``)
``duplicate``          ``ai`` (an AI given twice)
``conflict``           ``ai`` (an AI repeated with different values)
``unknown_ai``         ``ai``
``query_not_allowed``  ``ai``, ``belongs_in_path`` (optional, True): this AI
                       may not be a query attribute here (a serial, or a
                       key qualifier that belongs in the path)
``requisite``          ``ai``, ``requires`` (e.g. a lot needs a GTIN)
``exclusive``          ``ai``, ``other`` (two AIs that must not be paired)
=====================  =====================================================

``str(error)`` is an English sentence for logs and developers; users should
see a translated message built from ``(type(error), reason, params)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class _SafeParams(dict):
    def __missing__(self, key: str) -> str:
        return "?"


class IdentifierError(ValueError):
    """An identifier, code or URI that does not follow the GS1 rules."""

    subject = "identifier"

    #: English templates by reason; ``{subject}`` and ``{params}`` are filled in.
    templates: Mapping[str, str] = {
        "empty": "The {subject} is empty.",
        "length": "The {subject} has the wrong length ({length} characters; {limit}).",
        "digits": "The {subject} may contain only digits, not {char!r} at position {position}.",
        "check_digit": "The {subject} has a wrong check digit.",
        "charset": (
            "The {subject} contains {char!r} at position {position}, which is not allowed "
            "(GS1 allows only A-Z a-z 0-9 and ! \" % & ' ( ) * + , - . / : ; < = > ? _)."
        ),
        "date": "The {subject} holds a date that does not exist.",
        "time": "The {subject} holds a time that does not exist.",
        "country": "The {subject} holds an unknown ISO 3166 country code.",
        "currency": "The {subject} holds an unknown ISO 4217 currency code.",
        "format": "The {subject} does not follow the GS1 format ({error}).",
        "percent_encoding": "The {subject} contains an illegal percent-encoded character.",
        "scheme": "A GS1 Digital Link URI must start with http:// or https://.",
        "host": "The {subject} has a missing or malformed host name.",
        "structure": "The {subject} is malformed or names no GS1 primary key.",
        "order": "The {subject} has its key qualifiers in an invalid order or combination.",
        "duplicate": "The {subject} gives AI ({ai}) more than once.",
        "conflict": "The {subject} repeats AI ({ai}) with different values.",
        "unknown_ai": "The {subject} uses an unknown GS1 Application Identifier ({ai}).",
        "query_not_allowed": "AI ({ai}) may not be a query attribute of this {subject}.",
        "requisite": "AI ({ai}) must be accompanied by AI {requires} in this {subject}.",
        "exclusive": "AI ({ai}) must not be combined with AI ({other}) in this {subject}.",
    }

    def __init__(
        self,
        reason: str,
        value: object = None,
        params: Mapping[str, Any] | None = None,
        *,
        message: str | None = None,
    ) -> None:
        self.reason = reason
        self.value = value
        self.params: dict[str, Any] = dict(params or {})
        super().__init__(message or self._default_message())

    def _default_message(self) -> str:
        subject = self.subject
        if "ai" in self.params and self.reason not in _AI_IN_TEMPLATE:
            subject = f"value of AI ({self.params['ai']}) in the {subject}"
        fields = _SafeParams(self.params)
        fields["subject"] = subject
        if "limit" not in fields:
            fields["limit"] = _describe_limit(self.params)
        template = self.templates.get(self.reason, "The {subject} is invalid.")
        if self.reason == "query_not_allowed" and self.params.get("belongs_in_path"):
            template = "AI ({ai}) belongs in the path of this {subject}, not in its query."
        return template.format_map(fields)

    def __reduce__(self):
        return (_rebuild, (type(self), self.reason, self.value, self.params, str(self)))


_AI_IN_TEMPLATE = frozenset(
    {"duplicate", "conflict", "unknown_ai", "query_not_allowed", "requisite", "exclusive"}
)


def _describe_limit(params: Mapping[str, Any]) -> str:
    if "allowed" in params:
        return f"allowed: {params['allowed']}"
    low, high = params.get("min"), params.get("max")
    if low is not None and high is not None and low == high:
        return f"exactly {high} required"
    if high is not None and low is not None:
        return f"{low} to {high} allowed"
    if high is not None:
        return f"at most {high} allowed"
    if low is not None:
        return f"at least {low} required"
    return "see the GS1 rules"


def _rebuild(cls, reason, value, params, message):
    return cls(reason, value, params, message=message)


class InvalidGTIN(IdentifierError):
    """A Global Trade Item Number that is malformed or fails its check digit."""

    subject = "GTIN"


class InvalidGLN(IdentifierError):
    """A Global Location Number that is malformed or fails its check digit."""

    subject = "GLN"


class InvalidLotCode(IdentifierError):
    """A batch/lot number (AI 10) outside GS1's 1-20 characters of set 82."""

    subject = "lot code"


class InvalidSerial(IdentifierError):
    """A serial number (AI 21) outside GS1's 1-20 characters of set 82."""

    subject = "serial number"


class InvalidDigitalLink(IdentifierError):
    """A GS1 Digital Link URI that a strict GS1 parser would reject."""

    subject = "GS1 Digital Link URI"


class InvalidElementString(IdentifierError):
    """A GS1 element string such as ``(01)09520123450007(10)ABC`` that is invalid."""

    subject = "GS1 element string"


class InvalidPublicCode(IdentifierError):
    """A short public code (printed under the QR code) that is malformed."""

    subject = "public code"
    templates = {
        **IdentifierError.templates,
        "charset": (
            "The {subject} contains {char!r} at position {position}; public codes use "
            "only digits and the letters A-Z except U."
        ),
    }
