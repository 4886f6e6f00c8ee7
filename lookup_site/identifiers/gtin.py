"""GTIN and GLN: numeric GS1 keys with a mod-10 check digit."""

from __future__ import annotations

from .checkdigit import first_non_digit, gtin_check_digit
from .errors import IdentifierError, InvalidGLN, InvalidGTIN

GTIN_LENGTHS = (8, 12, 13, 14)
GLN_LENGTH = 13


def _check_key(
    digits: str, original: object, lengths: tuple[int, ...], error: type[IdentifierError]
) -> None:
    bad = first_non_digit(digits)
    if bad is not None:
        raise error("digits", original, {"char": digits[bad], "position": bad})
    if len(digits) not in lengths:
        params: dict[str, object] = {"length": len(digits)}
        if len(lengths) == 1:
            params.update(min=lengths[0], max=lengths[0])
        else:
            params["allowed"] = ", ".join(str(n) for n in lengths[:-1]) + f" or {lengths[-1]}"
        raise error("length", original, params)
    expected = gtin_check_digit(digits[:-1])
    if expected != int(digits[-1]):
        raise error("check_digit", original, {"expected": expected, "actual": int(digits[-1])})


def normalize_gtin(value: str) -> str:
    """Return the GTIN-14 form of a GTIN-8, -12, -13 or -14.

    Surrounding whitespace is stripped, and spaces and hyphens inside (as
    printed under barcodes: ``8 934567 890128``) are ignored. Shorter GTINs are
    left-padded with zeros. Raises InvalidGTIN with reason ``empty``,
    ``digits`` (params ``char``, ``position``), ``length`` (``length``,
    ``allowed``) or ``check_digit`` (``expected``, ``actual``).
    """
    if value is None:
        raise InvalidGTIN("empty", value)
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    digits = value.strip().replace(" ", "").replace("-", "")
    if not digits:
        raise InvalidGTIN("empty", value)
    _check_key(digits, value, GTIN_LENGTHS, InvalidGTIN)
    return digits.zfill(14)


def is_valid_gtin(value: object) -> bool:
    """Tell whether ``normalize_gtin`` would accept ``value``."""
    try:
        normalize_gtin(value)  # type: ignore[arg-type]
    except (IdentifierError, TypeError):
        return False
    return True


def validate_gln(value: str) -> str:
    """Return ``value`` (surrounding whitespace stripped) if it is a valid GLN.

    A Global Location Number (AI 414, 410-417) is 13 digits ending in a GS1
    check digit. Raises InvalidGLN with reason ``empty``, ``digits``,
    ``length`` or ``check_digit``.
    """
    if value is None:
        raise InvalidGLN("empty", value)
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    digits = value.strip()
    if not digits:
        raise InvalidGLN("empty", value)
    _check_key(digits, value, (GLN_LENGTH,), InvalidGLN)
    return digits
