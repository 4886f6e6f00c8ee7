"""Domain errors: one small class per error, mapped to HTTP once, at the edge."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base for errors the services raise; views never catch them one by one."""

    code = 400
    reason = "domain_error"

    def __init__(self, message: str = "", **params: Any) -> None:
        super().__init__(message or self.reason)
        self.params = params


class NotFound(DomainError):
    code = 404
    reason = "not_found"


class LotNotFound(NotFound):
    reason = "lot_not_found"


class ProductNotFound(NotFound):
    reason = "product_not_found"


class ProducerNotFound(NotFound):
    reason = "producer_not_found"


class InvalidInput(DomainError):
    code = 400
    reason = "invalid_input"


class ControlCharacters(InvalidInput):
    """A form field holding a NUL character: no text we keep has one, and PostgreSQL
    refuses to store it."""

    reason = "control_characters"


class EmptyLookup(InvalidInput):
    reason = "empty_lookup"


class UnrecognisedLookup(InvalidInput):
    reason = "unrecognised_lookup"


class InvalidCorrection(InvalidInput):
    reason = "invalid_correction"


class DuplicateLotCode(InvalidInput):
    reason = "duplicate_lot_code"
