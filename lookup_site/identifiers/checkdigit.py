"""GS1 mod-10 check digits, shared by every numeric GS1 key (GTIN, GLN, SSCC, ...)."""

from __future__ import annotations

from .errors import IdentifierError

DIGITS = frozenset("0123456789")


def first_non_digit(text: str) -> int | None:
    """Return the index of the first character that is not an ASCII digit, or None."""
    for index, char in enumerate(text):
        if char not in DIGITS:
            return index
    return None


def gtin_check_digit(body: str) -> int:
    """Return the GS1 mod-10 check digit for the data digits ``body``.

    Weights are 3, 1, 3, ... starting from the rightmost data digit, so the same
    function serves GTIN-8/12/13/14, GLN (13) and SSCC (18).
    Raises IdentifierError (reason ``empty`` or ``digits``) for bad input.
    """
    if not body:
        raise IdentifierError("empty", body)
    bad = first_non_digit(body)
    if bad is not None:
        raise IdentifierError("digits", body, {"char": body[bad], "position": bad})
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body))
    )
    return (10 - total % 10) % 10


def is_valid_check_digit(digits: str) -> bool:
    """Tell whether the last digit of ``digits`` is the right GS1 check digit."""
    if not isinstance(digits, str) or len(digits) < 2 or first_non_digit(digits) is not None:
        return False
    return gtin_check_digit(digits[:-1]) == int(digits[-1])
