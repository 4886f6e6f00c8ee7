"""The GS1 Barcode Syntax Dictionary: what each Application Identifier (AI) may hold.

The dictionary file (vendored, loaded with importlib.resources) has one entry a
line::

    AIs  [Flags]  Specification  [Attributes...]  [# Title]

- AIs: one AI or a range such as ``3100-3105``.
- Flags: ``*`` = predefined length, no FNC1 separator needed after it;
  ``?`` = permitted as a GS1 Digital Link data attribute (query parameter).
- Specification: components such as ``N14,csum,gcppos2``, ``X..20`` or
  ``[N3],iso3166``: a character set (N numeric, X set 82, Y set 39, Z base64url),
  a length (``N6`` exactly 6, ``X..20`` 1 to 20), optional when bracketed, then
  the linters that check its content.
- Attributes: ``req=01+21,02`` (requires (01) with (21), or (02)); repeated
  ``req=`` attributes must each be satisfied; ``ex=255,37`` (must not appear
  with these); ``dlpkey`` / ``dlpkey=22,10,21|235`` (a Digital Link primary key
  and its ordered optional qualifiers, alternatives separated by ``|``). In
  ``req``/``ex`` an ``n`` stands for any digit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import combinations

from .checkdigit import gtin_check_digit
from .errors import IdentifierError, InvalidElementString
from .linters import LINTER_REASONS, LINTERS, LintError

DICTIONARY_FILE = "gs1-syntax-dictionary.txt"

_CSET_LINTER = {"N": "csetnumeric", "X": "cset82", "Y": "cset39", "Z": "cset64"}
_COMPONENT = re.compile(
    r"^(?P<open>\[)?(?P<cset>[NXYZ])(?:(?P<fixed>\d+)|(?P<low>\d*)\.\.(?P<high>\d+))"
    r"(?P<close>\])?(?P<linters>(?:,[a-z0-9]+)*)$"
)
_FLAG_CHARS = frozenset("*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~")


@dataclass(frozen=True)
class Component:
    """One part of an AI value: character set, length range and content linters."""

    cset: str
    min: int
    max: int
    optional: bool
    linters: tuple[str, ...]


@dataclass(frozen=True)
class AIEntry:
    """What the dictionary says about one AI."""

    ai: str
    fnc1: bool  # True when a variable-length value must be ended by FNC1 ('^')
    dl_attribute: bool  # the '?' flag: may be a Digital Link query attribute
    components: tuple[Component, ...]
    requires: tuple[tuple[tuple[str, ...], ...], ...] = ()  # each req=: alternatives of groups
    excludes: tuple[str, ...] = ()
    dl_qualifiers: tuple[tuple[str, ...], ...] | None = None  # None: not a primary key
    title: str = ""
    min_length: int = field(init=False)
    max_length: int = field(init=False)

    def __post_init__(self) -> None:
        mandatory = sum(part.min for part in self.components if not part.optional)
        object.__setattr__(self, "min_length", mandatory)
        object.__setattr__(self, "max_length", sum(part.max for part in self.components))

    @property
    def is_primary_key(self) -> bool:
        return self.dl_qualifiers is not None


def _parse_component(token: str) -> Component | None:
    match = _COMPONENT.match(token)
    if not match or bool(match["open"]) != bool(match["close"]):
        return None
    if match["fixed"] is not None:
        low = high = int(match["fixed"])
    else:
        low, high = int(match["low"] or 1), int(match["high"])
    linters = tuple(name for name in match["linters"].split(",") if name)
    for name in linters:
        if name not in LINTERS:
            raise ValueError(f"GS1 dictionary names an unknown linter: {name}")
    return Component(match["cset"], low, high, bool(match["open"]), linters)


def _expand(ais: str) -> list[str]:
    if "-" not in ais:
        return [ais]
    first, last = ais.split("-")
    width = len(first)
    return [str(number).zfill(width) for number in range(int(first), int(last) + 1)]


def parse_dictionary(text: str) -> dict[str, AIEntry]:
    """Parse the dictionary text into AIEntry records keyed by AI."""
    entries: dict[str, AIEntry] = {}
    for line_number, raw in enumerate(text.splitlines(), start=1):
        body, _, title = raw.partition("#")
        tokens = body.split()
        if not tokens:
            continue
        ais, rest = tokens[0], tokens[1:]
        flags = ""
        if rest and set(rest[0]) <= _FLAG_CHARS and _parse_component(rest[0]) is None:
            flags, rest = rest[0], rest[1:]
        components: list[Component] = []
        requires: list[tuple[tuple[str, ...], ...]] = []
        excludes: list[str] = []
        qualifiers: tuple[tuple[str, ...], ...] | None = None
        for token in rest:
            component = _parse_component(token)
            if component is not None:
                components.append(component)
            elif token.startswith("req="):
                groups = tuple(tuple(group.split("+")) for group in token[4:].split(","))
                requires.append(groups)
            elif token.startswith("ex="):
                excludes.extend(token[3:].split(","))
            elif token == "dlpkey":
                qualifiers = ((),)
            elif token.startswith("dlpkey="):
                qualifiers = tuple(tuple(alt.split(",")) for alt in token[7:].split("|"))
            else:
                raise ValueError(f"GS1 dictionary line {line_number}: cannot read {token!r}")
        if not components:
            raise ValueError(f"GS1 dictionary line {line_number}: no specification")
        for ai in _expand(ais):
            entries[ai] = AIEntry(
                ai=ai,
                fnc1="*" not in flags,
                dl_attribute="?" in flags,
                components=tuple(components),
                requires=tuple(requires),
                excludes=tuple(excludes),
                dl_qualifiers=qualifiers,
                title=title.strip(),
            )
    return entries


@cache
def ai_table() -> dict[str, AIEntry]:
    """Return the vendored dictionary, parsed once."""
    text = resources.files(__package__).joinpath(DICTIONARY_FILE).read_text(encoding="utf-8")
    return parse_dictionary(text)


def lookup(ai: str) -> AIEntry | None:
    """Return the entry for exactly this AI, or None when the AI is unknown."""
    return ai_table().get(ai)


def lookup_prefix(data: str) -> AIEntry | None:
    """Return the entry for the AI that starts ``data`` (AIs are 2-4 digits)."""
    table = ai_table()
    for length in (2, 3, 4):
        entry = table.get(data[:length])
        if entry is not None:
            return entry
    return None


@cache
def dl_path_sequences() -> tuple[str, ...]:
    """Return every valid Digital Link path AI sequence, space-joined and sorted.

    A key with qualifiers ``22,10,21`` allows any ordered subset of them, so
    ``01``, ``01 10``, ``01 22 21`` ... are all here. Sorted as GS1's engine
    sorts them, which decides ties when a URI is generated.
    """
    sequences: list[str] = []
    for entry in ai_table().values():
        if entry.dl_qualifiers is None:
            continue
        for alternative in entry.dl_qualifiers:
            for size in range(len(alternative) + 1):
                for subset in combinations(alternative, size):
                    sequences.append(" ".join((entry.ai, *subset)))
    return tuple(sorted(sequences))


@cache
def _dl_path_sequence_set() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(sequence.split(" ")) for sequence in dl_path_sequences())


def is_valid_dl_path(ais: Sequence[str]) -> bool:
    """Tell whether these AIs, in this order, may form a Digital Link path."""
    return tuple(ais) in _dl_path_sequence_set()


def _lint_failure(
    error: type[IdentifierError], ai: str, value: str, linter: str, found: LintError, offset: int
) -> IdentifierError:
    position = offset + found.position
    params: dict[str, object] = {
        "ai": ai,
        "linter": linter,
        "error": found.code,
        "position": position,
    }
    if found.length == 1 and position < len(value):
        params["char"] = value[position]
    if found.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT" and position > offset:
        # Say which digit was expected, as normalize_gtin does.
        params["expected"] = gtin_check_digit(value[offset:position])
        params["actual"] = int(value[position])
    return error(LINTER_REASONS.get(linter, "format"), value, params)


def validate_value(
    ai: str, value: str, error: type[IdentifierError] = InvalidElementString
) -> AIEntry:
    """Check one AI value against the dictionary: length, character set, linters.

    Returns the AI's entry; raises ``error`` (reason ``unknown_ai``, ``empty``,
    ``length``, ``charset``, ``digits``, ``check_digit``, ``date``, ...).
    """
    entry = lookup(ai)
    if entry is None:
        raise error("unknown_ai", ai, {"ai": ai})
    if value == "":
        raise error("empty", value, {"ai": ai})
    limits = {"ai": ai, "length": len(value), "min": entry.min_length, "max": entry.max_length}
    if not entry.min_length <= len(value) <= entry.max_length:
        raise error("length", value, limits)
    if "^" in value:
        # '^' stands for FNC1 in the element string form.
        raise error("charset", value, {"ai": ai, "char": "^", "position": value.index("^")})
    position = 0
    for part in entry.components:
        size = min(len(value) - position, part.max)
        if part.optional and size == 0:
            continue
        if size < part.min:
            raise error("length", value, limits)
        piece = value[position : position + size]
        for linter in (_CSET_LINTER[part.cset], *part.linters):
            found = LINTERS[linter](piece)
            if found is not None:
                raise _lint_failure(error, ai, value, linter, found, position)
        position += size
    return entry


def _matches(pattern: str, ai: str) -> bool:
    return len(pattern) == len(ai) and all(p in ("n", a) for p, a in zip(pattern, ai, strict=True))


def _present(pattern: str, ais: Iterable[str], itself: str) -> str | None:
    # An AI is never exclusive of, nor a requisite for, itself.
    for ai in ais:
        if ai != itself and _matches(pattern, ai):
            return ai
    return None


def validate_associations(
    pairs: Sequence[tuple[str, str]], error: type[IdentifierError] = InvalidElementString
) -> None:
    """Apply the dictionary's pairing rules to a whole set of AIs.

    Raises ``error`` with reason ``exclusive`` (params ``ai``, ``other``),
    ``requisite`` (``ai``, ``requires``) or ``conflict`` (``ai``: the same AI
    repeated with a different value).
    """
    seen: dict[str, str] = {}
    for ai, value in pairs:
        if seen.setdefault(ai, value) != value:
            raise error("conflict", value, {"ai": ai})
    ais = list(seen)
    for ai in ais:
        entry = ai_table()[ai]
        for pattern in entry.excludes:
            other = _present(pattern, ais, ai)
            if other is not None:
                raise error("exclusive", ai, {"ai": ai, "other": other})
    for ai in ais:
        entry = ai_table()[ai]
        for alternatives in entry.requires:
            if not any(
                all(_present(pattern, ais, ai) for pattern in group) for group in alternatives
            ):
                wanted = " or ".join("+".join(f"({p})" for p in group) for group in alternatives)
                raise error("requisite", ai, {"ai": ai, "requires": wanted})
    _validate_signature_key(seen, error)


def _validate_signature_key(values: dict[str, str], error: type[IdentifierError]) -> None:
    # GS1: a digital signature (8030) needs a serialised key, so (253), (255) and
    # (8003) must then carry their optional serial component.
    if "8030" not in values:
        return
    for ai in ("253", "255", "8003"):
        if ai in values and len(values[ai]) == ai_table()[ai].min_length:
            raise error("requisite", ai, {"ai": ai, "requires": "a serial component"})


def validate_pairs(
    pairs: Sequence[tuple[str, str]], source: str, error: type[IdentifierError]
) -> None:
    """Validate every value, then the pairing rules, of AIs read from ``source``.

    Errors carry ``source`` (the whole input) as their value, and the AI value
    at fault in ``params["ai_value"]``.
    """
    for ai, value in pairs:
        try:
            validate_value(ai, value, error)
        except IdentifierError as found:
            raise error(found.reason, source, {**found.params, "ai_value": value}) from None
    try:
        validate_associations(pairs, error)
    except IdentifierError as found:
        raise error(found.reason, source, found.params) from None
