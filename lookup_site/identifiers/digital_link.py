"""GS1 Digital Link URIs: parse strictly, build canonically.

The parser follows GS1's reference implementation (gs1-syntax-engine, the
source of the conformance vectors in tests/conformance/gs1-syntax/): a URI it
accepts is one every GS1-conformant tool reads the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

from .charsets import validate_lot_code, validate_serial
from .checkdigit import first_non_digit
from .dictionary import (
    AIEntry,
    dl_path_sequences,
    is_valid_dl_path,
    lookup,
    validate_pairs,
    validate_value,
)
from .element_string import format_element_string, parse_element_string
from .errors import InvalidDigitalLink
from .gtin import normalize_gtin

CANONICAL_STEM = "https://id.gs1.org"

#: Characters allowed anywhere in a URI (RFC 3986 unreserved + reserved + '%').
URI_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
#: Of those, the ones that may not appear in a host (this also refuses IPv6 zone ids).
BAD_HOST_CHARACTERS = frozenset("_~?#@!$&'()*+,;=%")
#: Characters that stay bare in a percent-encoded Digital Link value.
UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
# Only lower- and upper-case schemes: GS1's engine refuses "HtTp://" (case dl-parse-1344).
SCHEMES = ("https://", "HTTPS://", "http://", "HTTP://")
GTIN_SHORT_LENGTHS = (8, 12, 13)


def percent_encode(value: str, *, query: bool = False) -> str:
    """Percent-encode a Digital Link path segment (or, with ``query=True``, a query value).

    Only ``A-Z a-z 0-9 - . _ ~`` stay bare; every other byte of the UTF-8
    encoding becomes ``%XX`` with upper-case hex. In a query value a space
    becomes ``+`` (so a literal ``+`` is always ``%2B``).
    """
    out: list[str] = []
    for byte in value.encode("utf-8"):
        if byte in UNRESERVED:
            out.append(chr(byte))
        elif byte == 0x20 and query:
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def percent_decode(value: str, *, query: bool = False) -> str:
    """Reverse ``percent_encode``.

    ``%XX`` escapes (any hex case) become bytes, decoded as UTF-8; a ``%`` not
    followed by two hex digits stays as it is. In a query value ``+`` means a
    space; in a path it is a literal ``+``. A byte that is not valid UTF-8 is
    read as Latin-1 (GS1's engine works on bytes: ``%FF`` is ``ÿ``).
    Raises InvalidDigitalLink (reason ``percent_encoding``) for ``%00``.
    """
    data = bytearray()
    index = 0
    while index < len(value):
        char = value[index]
        if (
            char == "%"
            and index + 2 < len(value)
            and value[index + 1] in HEX_DIGITS
            and value[index + 2] in HEX_DIGITS
        ):
            byte = int(value[index + 1 : index + 3], 16)
            if byte == 0:
                raise InvalidDigitalLink("percent_encoding", value, {"char": "%00"})
            data.append(byte)
            index += 3
            continue
        data.extend(b" " if char == "+" and query else char.encode("utf-8"))
        index += 1
    text = data.decode("utf-8", errors="surrogateescape")
    return "".join(chr(ord(c) - 0xDC00) if "\udc80" <= c <= "\udcff" else c for c in text)


@dataclass(frozen=True)
class DigitalLink:
    """A parsed GS1 Digital Link URI.

    ``stem`` is scheme, host and any path before the primary key (no trailing
    slash); ``primary`` the key pair such as ``("01", "09520123450007")``;
    ``qualifiers`` the key qualifiers of the path, in order; ``attributes`` the
    AI query parameters in order of appearance (other query parameters are
    not kept).
    """

    stem: str
    primary: tuple[str, str]
    qualifiers: tuple[tuple[str, str], ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()

    @property
    def ais(self) -> tuple[tuple[str, str], ...]:
        """All AI pairs: primary key, path qualifiers, then query attributes."""
        return (self.primary, *self.qualifiers, *self.attributes)

    def value(self, ai: str) -> str | None:
        """Return the value of ``ai`` wherever it appears, or None."""
        for key, value in self.ais:
            if key == ai:
                return value
        return None

    @property
    def gtin(self) -> str | None:
        return self.value("01")

    @property
    def cpv(self) -> str | None:
        return self.value("22")

    @property
    def lot(self) -> str | None:
        return self.value("10")

    @property
    def serial(self) -> str | None:
        return self.value("21")

    @property
    def element_string(self) -> str:
        """The unbracketed element string, ``^`` for FNC1: ``^0109520123450007...``."""
        return format_element_string(self.ais)

    def uri(self, base: str | None = None) -> str:
        """Return the canonical URI, on ``base`` (default: this link's own stem).

        The path holds the primary key then its qualifiers in the dictionary's
        order (``/01/…/22/…/10/…/21/…``); the query holds the attributes in the
        order given. ``base=""`` gives a root-relative URI.
        """
        stem = self.stem if base is None else base
        parts = [stem.rstrip("/")]
        for ai, value in (self.primary, *_ordered_qualifiers(self.primary[0], self.qualifiers)):
            parts.append(f"/{ai}/{percent_encode(value)}")
        if self.attributes:
            query = "&".join(f"{ai}={percent_encode(v, query=True)}" for ai, v in self.attributes)
            parts.append(f"?{query}")
        return "".join(parts)


def _ordered_qualifiers(key: str, qualifiers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    entry = lookup(key)
    if entry is None or entry.dl_qualifiers is None:
        raise InvalidDigitalLink("structure", key, {"ai": key})
    wanted = [ai for ai, _ in qualifiers]
    for alternative in entry.dl_qualifiers:
        if set(wanted) <= set(alternative) and len(set(wanted)) == len(wanted):
            return sorted(qualifiers, key=lambda pair: alternative.index(pair[0]))
    raise InvalidDigitalLink("order", key, {"sequence": "/".join([key, *wanted])})


def parse_digital_link(uri: str, *, permit_zero_suppressed_gtin: bool = False) -> DigitalLink:
    """Parse a GS1 Digital Link URI strictly, as GS1's reference engine does.

    ``permit_zero_suppressed_gtin`` accepts a GTIN-8/12/13 as the value of
    (01) and pads it to 14 digits (off by default: canonical URIs carry 14).

    The primary key is found by scanning the path from the right; anything
    before it is the stem. Fragments are ignored, as are query parameters that
    are not all-digit. Raises InvalidDigitalLink; its ``reason`` is one of
    ``empty``, ``charset``, ``scheme``, ``host``, ``structure``, ``order``,
    ``unknown_ai``, ``duplicate``, ``query_not_allowed``, ``percent_encoding``,
    ``requisite``, ``exclusive``, or a value rule (``length``, ``digits``,
    ``check_digit``, ``date``, ...) with the AI in ``params["ai"]``.
    """
    if not isinstance(uri, str) or uri == "":
        raise InvalidDigitalLink("empty", uri)
    for position, char in enumerate(uri):
        if char not in URI_CHARACTERS:
            raise InvalidDigitalLink("charset", uri, {"char": char, "position": position})
    scheme = next((s for s in SCHEMES if uri.startswith(s)), None)
    if scheme is None:
        raise InvalidDigitalLink("scheme", uri, {"scheme": uri.partition(":")[0]})
    rest = uri[len(scheme) :]
    slash = rest.find("/")
    if slash == -1:
        raise InvalidDigitalLink("structure", uri)  # a host but no path
    if slash == 0:
        raise InvalidDigitalLink("host", uri, {"host": ""})
    host = rest[:slash]
    if any(char in BAD_HOST_CHARACTERS for char in host):
        raise InvalidDigitalLink("host", uri, {"host": host})
    path = rest[slash:].partition("#")[0]
    path, _, query = path.partition("?")

    segments = path.split("/")  # segments[0] is the empty text before the first '/'
    start = _find_primary_key(segments)
    if start is None:
        _explain_missing_key(uri, segments)
    stem = scheme + host + "/".join(segments[:start])

    path_pairs: list[tuple[str, str]] = []
    for index in range(start, len(segments), 2):
        ai, raw = segments[index], segments[index + 1]
        value = _decode_value(uri, ai, raw, query=False)
        path_pairs.append((ai, _pad_gtin(ai, value, permit_zero_suppressed_gtin)))
    attributes = _parse_query(uri, query, permit_zero_suppressed_gtin)

    path_ais = [ai for ai, _ in path_pairs]
    if not is_valid_dl_path(path_ais):
        raise InvalidDigitalLink("order", uri, {"sequence": "/".join(path_ais)})
    seen = list(path_ais)
    for ai, _ in attributes:
        if ai in seen:
            raise InvalidDigitalLink("duplicate", uri, {"ai": ai})
        seen.append(ai)
        entry = lookup(ai)
        assert entry is not None
        if not entry.dl_attribute:
            raise InvalidDigitalLink("query_not_allowed", uri, {"ai": ai})
        # A key qualifier that could have gone in the path must go there.
        for position in range(1, len(path_ais) + 1):
            trial = [*path_ais[:position], ai, *path_ais[position:]]
            if is_valid_dl_path(trial):
                raise InvalidDigitalLink(
                    "query_not_allowed", uri, {"ai": ai, "belongs_in_path": True}
                )
    pairs = [*path_pairs, *attributes]
    validate_pairs(pairs, uri, InvalidDigitalLink)
    return DigitalLink(
        stem=stem,
        primary=path_pairs[0],
        qualifiers=tuple(path_pairs[1:]),
        attributes=tuple(attributes),
    )


def _find_primary_key(segments: list[str]) -> int | None:
    # Walk back over "/AI/value" pairs from the end of the path. Stop at the
    # first primary key (so "/00/faux/00/..." keys on the last (00)), or give up
    # at the first segment that is not an AI.
    index = len(segments) - 2
    while index >= 1:
        entry = _lookup_path_ai(segments[index])
        if entry is None:
            return None
        if entry.is_primary_key:
            return index
        index -= 2
    return None


def _explain_missing_key(uri: str, segments: list[str]) -> NoReturn:
    # Nothing here changes what is valid: it only picks a more helpful reason
    # for a common slip, an empty value after a key ("/01//0952...").
    for ai, value in zip(segments[1:], segments[2:], strict=False):
        entry = _lookup_path_ai(ai)
        if entry is not None and entry.is_primary_key and value == "":
            raise InvalidDigitalLink("empty", uri, {"ai": ai})
    raise InvalidDigitalLink("structure", uri)


def _lookup_path_ai(segment: str) -> AIEntry | None:
    if not 2 <= len(segment) <= 4 or first_non_digit(segment) is not None:
        return None
    return lookup(segment)


def _decode_value(uri: str, ai: str, raw: str, *, query: bool) -> str:
    if raw == "":
        raise InvalidDigitalLink("empty", uri, {"ai": ai})
    try:
        value = percent_decode(raw, query=query)
    except InvalidDigitalLink as error:
        raise InvalidDigitalLink("percent_encoding", uri, {"ai": ai, "char": "%00"}) from error
    return value


def _pad_gtin(ai: str, value: str, permitted: bool) -> str:
    if permitted and ai == "01" and len(value) in GTIN_SHORT_LENGTHS:
        return value.zfill(14)
    return value


def _parse_query(uri: str, query: str, permit_zero_suppressed_gtin: bool) -> list[tuple[str, str]]:
    attributes: list[tuple[str, str]] = []
    for parameter in query.split("&"):
        if "=" not in parameter:
            continue  # empty, or a singleton without a value: not AI data
        key, _, raw = parameter.partition("=")
        if first_non_digit(key) is not None:
            continue  # not an AI: other applications' parameters are ignored
        if lookup(key) is None:
            raise InvalidDigitalLink("unknown_ai", uri, {"ai": key})
        value = _decode_value(uri, key, raw, query=True)
        attributes.append((key, _pad_gtin(key, value, permit_zero_suppressed_gtin)))
    return attributes


def build_digital_link(
    base: str,
    gtin: str,
    *,
    cpv: str | None = None,
    lot: str | None = None,
    serial: str | None = None,
    attributes: Mapping[str, str] | None = None,
) -> str:
    """Return the canonical Digital Link URI for a trade item.

    ``{base}/01/{gtin14}[/22/{cpv}][/10/{lot}][/21/{serial}][?{ai}={value}&…]``:
    the GTIN is normalised to 14 digits, lot and serial are validated, values
    are percent-encoded and a trailing slash on ``base`` is dropped.
    ``attributes`` are AI query parameters such as ``{"17": "261231"}``
    (expiry), ``15``, ``11``, ``13``, ``3103``; key qualifiers (22, 10, 21,
    235) and AIs the dictionary does not allow as attributes raise
    InvalidDigitalLink with reason ``query_not_allowed``.

    Raises InvalidGTIN, InvalidLotCode, InvalidSerial or InvalidDigitalLink.
    The result always parses with ``parse_digital_link``.
    """
    gtin14 = normalize_gtin(gtin)
    qualifiers: list[tuple[str, str]] = []
    if cpv is not None:
        validate_value("22", cpv, InvalidDigitalLink)
        qualifiers.append(("22", cpv))
    if lot is not None:
        qualifiers.append(("10", validate_lot_code(lot)))
    if serial is not None:
        qualifiers.append(("21", validate_serial(serial)))
    gtin_entry = lookup("01")
    assert gtin_entry is not None and gtin_entry.dl_qualifiers is not None
    path_ais = {"01", *(ai for alternative in gtin_entry.dl_qualifiers for ai in alternative)}
    query: list[tuple[str, str]] = []
    for ai, value in (attributes or {}).items():
        entry = lookup(ai)
        if entry is None:
            raise InvalidDigitalLink("unknown_ai", ai, {"ai": ai})
        if ai in path_ais or not entry.dl_attribute:
            raise InvalidDigitalLink("query_not_allowed", ai, {"ai": ai})
        validate_value(ai, value, InvalidDigitalLink)
        query.append((ai, value))
    link = DigitalLink(
        stem=base.rstrip("/"),
        primary=("01", gtin14),
        qualifiers=tuple(qualifiers),
        attributes=tuple(query),
    )
    uri = link.uri()
    parse_digital_link(uri)  # pairing rules, and a usable base
    return uri


def element_string_to_digital_link(text: str, base: str | None = None) -> str:
    """Convert a GS1 element string into a Digital Link URI, as GS1's engine does.

    ``base`` defaults to ``https://id.gs1.org``. The first AI that is a
    primary key goes in the path, with the qualifier sequence that matches
    the most of the AIs given; all other AIs become query parameters,
    fixed-length ones first, each in the order given; repeated AIs are written
    once. Raises InvalidElementString for a bad element string, and
    InvalidDigitalLink (``structure``: no primary key; ``query_not_allowed``:
    an AI that may not be a query attribute, such as a serial or a second key
    qualifier that does not fit the path).
    """
    pairs = parse_element_string(text)
    return _generate(pairs, CANONICAL_STEM if base is None else base)


def _generate(pairs: Sequence[tuple[str, str]], stem: str) -> str:
    key = next((ai for ai, _ in pairs if is_valid_dl_path([ai])), None)
    if key is None:
        raise InvalidDigitalLink("structure", format_element_string(pairs))
    sequence = _best_path_sequence(key, [ai for ai, _ in pairs])
    path: list[tuple[str, str]] = []
    for ai in sequence:
        value = next((value for a, value in pairs if a == ai), None)
        if value is not None:
            path.append((ai, value))
    parts = [stem[:-1] if stem.endswith("/") else stem]
    parts.extend(f"/{ai}/{percent_encode(value)}" for ai, value in path)
    query: list[str] = []
    emitted = set(sequence)
    for fixed_length_pass in (True, False):
        for ai, value in pairs:
            entry = lookup(ai)
            assert entry is not None
            if ai in emitted or entry.fnc1 == fixed_length_pass:
                continue
            if not entry.dl_attribute:
                raise InvalidDigitalLink("query_not_allowed", ai, {"ai": ai})
            emitted.add(ai)
            query.append(f"{ai}={percent_encode(value, query=True)}")
    if query:
        parts.append("?" + "&".join(query))
    return "".join(parts)


def _best_path_sequence(key: str, ais: Sequence[str]) -> tuple[str, ...]:
    # Among the key's sequences (in GS1's sorted order), the first with the most
    # qualifier AIs present wins; AIs not in it go to the query.
    best: tuple[str, ...] = (key,)
    best_count = 0
    for candidate in dl_path_sequences():
        sequence = tuple(candidate.split(" "))
        if sequence[0] != key:
            continue
        count = sum(ais.count(ai) for ai in sequence[1:])
        if count > best_count:
            best, best_count = sequence, count
    return best
