"""GS1 element strings: ``(01)09520123450007(10)ABC`` and the unbracketed ``^`` form."""

from __future__ import annotations

from collections.abc import Sequence

from .dictionary import lookup, lookup_prefix, validate_pairs
from .errors import InvalidElementString

FNC1 = "^"
GROUP_SEPARATOR = "\x1d"  # what scanners send for FNC1 inside the data
SYMBOLOGY_IDENTIFIERS = ("]C1", "]e0", "]d2", "]Q3", "]J1")


def parse_element_string(text: str) -> list[tuple[str, str]]:
    """Parse a GS1 element string into ``[(ai, value), ...]`` in the order given.

    Accepts the bracketed human-readable form ``(01)09520123450007(10)CH2023-01``
    (surrounding whitespace and spaces between elements are ignored; ``\\(``
    escapes a literal bracket), and the unbracketed form with ``^`` for FNC1,
    ``^010952012345000710CH2023-01``, as a scanner reports it (a leading
    symbology identifier such as ``]d2`` and GS characters are accepted too).

    Every value is checked against the GS1 syntax dictionary (length,
    character set, check digits, dates...) and the AIs together against its
    pairing rules. Repeating an AI with the same value is allowed (as when two
    barcodes on one label are read together). Raises InvalidElementString,
    whose ``value`` is ``text`` and whose ``params`` name the ``ai`` at fault.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidElementString("empty", text)
    data = text.strip()
    if data.startswith("("):
        pairs = _parse_bracketed(data, text)
    else:
        pairs = _parse_unbracketed(data, text)
    if not pairs:
        raise InvalidElementString("empty", text)
    validate_pairs(pairs, text, InvalidElementString)
    return pairs


def _parse_bracketed(data: str, text: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    position = 0
    while position < len(data):
        if data[position] != "(":
            raise InvalidElementString("structure", text, {"position": position})
        close = data.find(")", position)
        if close == -1:
            raise InvalidElementString("structure", text, {"position": position})
        ai = data[position + 1 : close].strip()
        if lookup(ai) is None:
            raise InvalidElementString("unknown_ai", text, {"ai": ai})
        value, position = _bracketed_value(data, close + 1)
        # No GS1 character set holds a space, so spaces around a value are layout.
        value = value.strip()
        if not value:
            raise InvalidElementString("empty", text, {"ai": ai})
        pairs.append((ai, value))
    return pairs


def _bracketed_value(data: str, start: int) -> tuple[str, int]:
    parts: list[str] = []
    position = start
    while True:
        bracket = data.find("(", position)
        if bracket == -1:
            parts.append(data[position:])
            return "".join(parts), len(data)
        if bracket > 0 and data[bracket - 1] == "\\":
            parts.append(data[position : bracket - 1] + "(")
            position = bracket + 1
            continue
        parts.append(data[position:bracket])
        return "".join(parts), bracket


def _parse_unbracketed(data: str, text: str) -> list[tuple[str, str]]:
    for prefix in SYMBOLOGY_IDENTIFIERS:
        if data.startswith(prefix):
            data = FNC1 + data[len(prefix) :]
            break
    data = data.replace(GROUP_SEPARATOR, FNC1)
    if not data.startswith(FNC1):
        raise InvalidElementString("structure", text, {"position": 0})
    pairs: list[tuple[str, str]] = []
    position = 1
    while position < len(data):
        if data[position] == FNC1:  # tolerate a doubled or trailing separator
            position += 1
            continue
        entry = lookup_prefix(data[position:])
        if entry is None:
            raise InvalidElementString("unknown_ai", text, {"ai": data[position : position + 4]})
        start = position + len(entry.ai)
        if entry.fnc1:
            end = data.find(FNC1, start)
            end = len(data) if end == -1 else end
        else:
            end = start + entry.max_length
            if end > len(data) or FNC1 in data[start:end]:
                value = data[start:end].split(FNC1)[0]
                params = {"ai": entry.ai, "length": len(value), "min": entry.min_length}
                params["max"] = entry.max_length
                raise InvalidElementString("length", text, params)
        pairs.append((entry.ai, data[start:end]))
        position = end
    return pairs


def format_element_string(pairs: Sequence[tuple[str, str]]) -> str:
    """Return the unbracketed form: leading ``^`` (FNC1 in first), ``^`` after each
    variable-length AI that is followed by another AI."""
    out = [FNC1]
    for index, (ai, value) in enumerate(pairs):
        out.append(ai + value)
        entry = lookup(ai)
        needs_separator = entry is None or entry.fnc1
        if needs_separator and index < len(pairs) - 1:
            out.append(FNC1)
    return "".join(out)


def format_bracketed(pairs: Sequence[tuple[str, str]]) -> str:
    """Return the human-readable form ``(01)...(10)...``."""
    return "".join(f"({ai}){value.replace('(', chr(92) + '(')}" for ai, value in pairs)
