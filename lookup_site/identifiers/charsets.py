"""GS1 character sets, and the lot (AI 10) and serial (AI 21) rules built on them."""

from __future__ import annotations

from .errors import IdentifierError, InvalidLotCode, InvalidSerial

#: GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
#: GS1 AI encodable character set 39.
CSET39 = frozenset("#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: GS1 AI encodable character set 64 (file-safe, URI-safe base64), without padding.
CSET64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
#: CSET 32, used by the alphanumeric check character pair.
CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

LOT_MAX_LENGTH = 20
SERIAL_MAX_LENGTH = 20


def first_outside(text: str, allowed: frozenset[str]) -> int | None:
    """Return the index of the first character of ``text`` not in ``allowed``, or None."""
    for index, char in enumerate(text):
        if char not in allowed:
            return index
    return None


def is_cset82(text: str) -> bool:
    """Tell whether every character of ``text`` is in GS1 character set 82."""
    return first_outside(text, CSET82) is None


def _validate_x20(value: str, error: type[IdentifierError], max_length: int) -> str:
    if value is None or value == "":
        raise error("empty", value)
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    if len(value) > max_length:
        raise error("length", value, {"min": 1, "max": max_length, "length": len(value)})
    bad = first_outside(value, CSET82)
    if bad is not None:
        raise error("charset", value, {"char": value[bad], "position": bad})
    return value


def validate_lot_code(value: str) -> str:
    """Return ``value`` unchanged if it is a valid GS1 batch/lot number (AI 10).

    1-20 characters of GS1 character set 82: no spaces, no diacritics. Nothing
    is stripped or upper-cased here; callers decide that.
    Raises InvalidLotCode with reason ``empty``, ``length`` (params ``max``,
    ``length``) or ``charset`` (params ``char``, ``position``).
    """
    return _validate_x20(value, InvalidLotCode, LOT_MAX_LENGTH)


def validate_serial(value: str) -> str:
    """Return ``value`` unchanged if it is a valid GS1 serial number (AI 21).

    Same rules and reasons as ``validate_lot_code``; raises InvalidSerial.
    """
    return _validate_x20(value, InvalidSerial, SERIAL_MAX_LENGTH)
