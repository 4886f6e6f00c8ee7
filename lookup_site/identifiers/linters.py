"""Content checks ("linters") named by the GS1 Barcode Syntax Dictionary.

Each linter takes one component of an AI value and returns None when it is
fine, or a ``LintError`` naming the GS1 error code (as used by GS1's reference
implementation, ``gs1-syntax-engine``) and the offending span.

Linters treated as pass-through, because checking them needs reference data we
do not ship (none of them applies to an AI this project uses):

- ``packagetype``: UN/ECE Recommendation 21 package type codes (AI 7041).
- ``couponcode``, ``couponposoffer``: North American coupon structures
  (AIs 8110, 8112).

``gcppos1``/``gcppos2`` (and ``key``/``keyoff1``, their names in newer
dictionaries) check only what can be checked offline, as GS1's engine does by
default: that a GS1 Company Prefix of at least four digits starts the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .charsets import CSET32, CSET39, CSET64, CSET82, first_outside
from .checkdigit import DIGITS, first_non_digit, gtin_check_digit


class LintError(NamedTuple):
    """What a linter found: a GS1 linter error code and the span it concerns."""

    code: str
    position: int
    length: int


Linter = Callable[[str], "LintError | None"]

GCP_MIN_LENGTH = 4

# fmt: off
ISO3166_NUMERIC = frozenset("""
004 008 010 012 016 020 024 028 031 032 036 040 044 048 050 051 052 056 060 064 068 070 072 074
076 084 086 090 092 096 100 104 108 112 116 120 124 132 136 140 144 148 152 156 158 162 166 170
174 175 178 180 184 188 191 192 196 203 204 208 212 214 218 222 226 231 232 233 234 238 239 242
246 248 250 254 258 260 262 266 268 270 275 276 288 292 296 300 304 308 312 316 320 324 328 332
334 336 340 344 348 352 356 360 364 368 372 376 380 384 388 392 398 400 404 408 410 414 417 418
422 426 428 430 434 438 440 442 446 450 454 458 462 466 470 474 478 480 484 492 496 498 499 500
504 508 512 516 520 524 528 531 533 534 535 540 548 554 558 562 566 570 574 578 580 581 583 584
585 586 591 598 600 604 608 612 616 620 624 626 630 634 638 642 643 646 652 654 659 660 662 663
666 670 674 678 682 686 688 690 694 702 703 704 705 706 710 716 724 728 729 732 740 744 748 752
756 760 762 764 768 772 776 780 784 788 792 795 796 798 800 804 807 818 826 831 832 833 834 840
850 854 858 860 862 876 882 887 894
""".split())

ISO3166_ALPHA2 = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())

ISO4217_NUMERIC = frozenset("""
008 012 032 036 044 048 050 051 052 060 064 068 072 084 090 096 104 108 116 124 132 136 144 152
156 170 174 188 191 192 203 208 214 222 230 232 238 242 262 270 292 320 324 328 332 340 344 348
352 356 360 364 368 376 388 392 398 400 404 408 410 414 417 418 422 426 430 434 446 454 458 462
480 484 496 498 504 512 516 524 532 533 548 554 558 566 578 586 590 598 600 604 608 634 643 646
654 682 690 694 702 704 706 710 728 748 752 756 760 764 776 780 784 788 800 807 818 826 834 840
858 860 882 886 901 925 927 928 929 930 931 932 933 934 936 938 940 941 943 944 946 947 948 949
950 951 952 953 955 956 957 958 959 960 961 962 963 964 965 967 968 969 970 971 972 973 975 976
977 978 979 980 981 984 985 986 990 994 997 999
""".split())
# fmt: on

MEDIA_TYPES = frozenset([f"{n:02d}" for n in range(1, 11)] + [str(n) for n in range(80, 100)])
IMPORTER_INDEX = frozenset("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
CSET82_BY_WEIGHT = (
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
PRIMES = (
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
    97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191,
    193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293,
    307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397, 401, 409, 419,
    421, 431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509,
)  # fmt: skip
HEX = frozenset("0123456789abcdefABCDEF")


def _charset(allowed: frozenset[str], code: str) -> Linter:
    def lint(data: str) -> LintError | None:
        bad = first_outside(data, allowed)
        return None if bad is None else LintError(code, bad, 1)

    return lint


lint_csetnumeric = _charset(DIGITS, "GS1_LINTER_NON_DIGIT_CHARACTER")
lint_cset82 = _charset(CSET82, "GS1_LINTER_INVALID_CSET82_CHARACTER")
lint_cset39 = _charset(CSET39, "GS1_LINTER_INVALID_CSET39_CHARACTER")


def lint_cset64(data: str) -> LintError | None:
    """Base64url characters, with optional '=' padding to a multiple of three."""
    body = data.rstrip("=")
    pads = len(data) - len(body)
    if pads > 2 or (pads and len(data) % 3 != 0):
        return LintError("GS1_LINTER_INVALID_CSET64_PADDING", len(body), pads)
    bad = first_outside(body, CSET64)
    return None if bad is None else LintError("GS1_LINTER_INVALID_CSET64_CHARACTER", bad, 1)


def lint_csum(data: str) -> LintError | None:
    """GS1 mod-10 check digit in the last position."""
    if not data:
        return LintError("GS1_LINTER_TOO_SHORT_FOR_CHECK_DIGIT", 0, 0)
    bad = first_non_digit(data)
    if bad is not None:
        return LintError("GS1_LINTER_NON_DIGIT_CHARACTER", bad, 1)
    if len(data) > 1 and gtin_check_digit(data[:-1]) != int(data[-1]):
        return LintError("GS1_LINTER_INCORRECT_CHECK_DIGIT", len(data) - 1, 1)
    if len(data) == 1 and data != "0":
        return LintError("GS1_LINTER_INCORRECT_CHECK_DIGIT", 0, 1)
    return None


def lint_csumalpha(data: str) -> LintError | None:
    """GS1 alphanumeric check character pair (e.g. the GMN, AI 8013)."""
    if len(data) < 2:
        return LintError("GS1_LINTER_TOO_SHORT_FOR_CHECK_PAIR", 0, len(data))
    if len(data) - 2 > len(PRIMES):
        return LintError("GS1_LINTER_TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION", 0, len(data))
    body, pair = data[:-2], data[-2:]
    bad = first_outside(body, CSET82)
    if bad is not None:
        return LintError("GS1_LINTER_INVALID_CSET82_CHARACTER", bad, 1)
    for offset, char in enumerate(pair):
        if char not in CSET32:
            return LintError("GS1_LINTER_INVALID_CSET32_CHARACTER", len(body) + offset, 1)
    weights = PRIMES[: len(body)][::-1]
    total = sum(CSET82_BY_WEIGHT.index(char) * w for char, w in zip(body, weights, strict=True))
    total %= 1021
    if pair != CSET32[total >> 5] + CSET32[total & 31]:
        return LintError("GS1_LINTER_INCORRECT_CHECK_PAIR", len(body), 2)
    return None


def lint_gcppos1(data: str) -> LintError | None:
    """A GS1 Company Prefix (at least four digits) starts the data."""
    if len(data) < GCP_MIN_LENGTH:
        return LintError("GS1_LINTER_TOO_SHORT_FOR_GCP", 0, len(data))
    bad = first_non_digit(data[:GCP_MIN_LENGTH])
    return None if bad is None else LintError("GS1_LINTER_INVALID_GCP_PREFIX", bad, 1)


def lint_gcppos2(data: str) -> LintError | None:
    """A GS1 Company Prefix starts at the second character (after an indicator digit)."""
    if not data:
        return LintError("GS1_LINTER_TOO_SHORT_FOR_GCP", 0, 0)
    found = lint_gcppos1(data[1:])
    return None if found is None else found._replace(position=found.position + 1)


def _pass_through(data: str) -> LintError | None:
    return None


def lint_hasnondigit(data: str) -> LintError | None:
    if first_non_digit(data) is None:
        return LintError("GS1_LINTER_REQUIRES_NON_DIGIT_CHARACTER", 0, len(data))
    return None


def _two_digits_at_most(data: str, highest: int, code: str) -> LintError | None:
    if len(data) != 2:
        return LintError(code, 0, len(data))
    bad = first_non_digit(data)
    if bad is not None:
        return LintError("GS1_LINTER_NON_DIGIT_CHARACTER", bad, 1)
    return None if int(data) <= highest else LintError(code, 0, 2)


def lint_hh(data: str) -> LintError | None:
    return _two_digits_at_most(data, 23, "GS1_LINTER_ILLEGAL_HOUR")


def lint_mi(data: str) -> LintError | None:
    return _two_digits_at_most(data, 59, "GS1_LINTER_ILLEGAL_MINUTE")


def lint_ss(data: str) -> LintError | None:
    return _two_digits_at_most(data, 59, "GS1_LINTER_ILLEGAL_SECOND")


def lint_hhmi(data: str) -> LintError | None:
    if len(data) != 4:
        return LintError("GS1_LINTER_HOUR_WITH_MINUTE_TOO_SHORT", 0, len(data))
    found = lint_hh(data[:2])
    if found is not None:
        return found
    found = lint_mi(data[2:])
    return None if found is None else found._replace(position=found.position + 2)


def lint_hyphen(data: str) -> LintError | None:
    bad = first_outside(data, frozenset("-"))
    return None if bad is None else LintError("GS1_LINTER_NOT_HYPHEN", bad, 1)


def lint_iban(data: str) -> LintError | None:
    """International Bank Account Number: country, two check digits, BBAN; mod 97 == 1."""
    if len(data) < 5:
        return LintError("GS1_LINTER_IBAN_TOO_SHORT", 0, len(data))
    if data[:2] not in ISO3166_ALPHA2:
        return LintError("GS1_LINTER_ILLEGAL_IBAN_COUNTRY_CODE", 0, 2)
    bad = first_non_digit(data[2:4])
    if bad is not None:
        return LintError("GS1_LINTER_NON_DIGIT_CHARACTER", 2 + bad, 1)
    alnum = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    bad = first_outside(data[4:], alnum)
    if bad is not None:
        return LintError("GS1_LINTER_INVALID_IBAN_CHARACTER", 4 + bad, 1)
    rearranged = data[4:] + data[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return None if int(number) % 97 == 1 else LintError("GS1_LINTER_INCORRECT_IBAN_CHECKSUM", 2, 2)


def lint_importeridx(data: str) -> LintError | None:
    if len(data) != 1:
        return LintError("GS1_LINTER_IMPORTER_IDX_MUST_BE_ONE_CHARACTER", 0, len(data))
    if data not in IMPORTER_INDEX:
        return LintError("GS1_LINTER_INVALID_IMPORT_IDX_CHARACTER", 0, 1)
    return None


def _member_of(values: frozenset[str], code: str) -> Linter:
    def lint(data: str) -> LintError | None:
        return None if data in values else LintError(code, 0, len(data))

    return lint


lint_iso3166 = _member_of(ISO3166_NUMERIC, "GS1_LINTER_NOT_ISO3166")
lint_iso3166999 = _member_of(ISO3166_NUMERIC | {"999"}, "GS1_LINTER_NOT_ISO3166_OR_999")
lint_iso3166alpha2 = _member_of(ISO3166_ALPHA2, "GS1_LINTER_NOT_ISO3166_ALPHA2")
lint_iso4217 = _member_of(ISO4217_NUMERIC, "GS1_LINTER_NOT_ISO4217")
lint_iso5218 = _member_of(frozenset("0129"), "GS1_LINTER_INVALID_BIOLOGICAL_SEX_CODE")
lint_mediatype = _member_of(MEDIA_TYPES, "GS1_LINTER_INVALID_MEDIA_TYPE")
lint_winding = _member_of(frozenset("019"), "GS1_LINTER_INVALID_WINDING_DIRECTION")
lint_yesno = _member_of(frozenset("01"), "GS1_LINTER_NOT_ZERO_OR_ONE")


def _coordinate(highest: int, kind: str) -> Linter:
    def lint(data: str) -> LintError | None:
        if len(data) != 10:
            return LintError(f"GS1_LINTER_{kind}_INVALID_LENGTH", 0, len(data))
        bad = first_non_digit(data)
        if bad is not None:
            return LintError("GS1_LINTER_NON_DIGIT_CHARACTER", bad, 1)
        return None if int(data) <= highest else LintError(f"GS1_LINTER_INVALID_{kind}", 0, 10)

    return lint


lint_latitude = _coordinate(1_800_000_000, "LATITUDE")
lint_longitude = _coordinate(3_600_000_000, "LONGITUDE")


def lint_nonzero(data: str) -> LintError | None:
    return LintError("GS1_LINTER_ILLEGAL_ZERO_VALUE", 0, len(data)) if set(data) <= {"0"} else None


def lint_zero(data: str) -> LintError | None:
    return None if data == "0" else LintError("GS1_LINTER_NOT_ZERO", 0, len(data))


def lint_nozeroprefix(data: str) -> LintError | None:
    if len(data) > 1 and data[0] == "0":
        return LintError("GS1_LINTER_ILLEGAL_ZERO_PREFIX", 0, 1)
    return None


def lint_pcenc(data: str) -> LintError | None:
    """Every '%' starts a two-hex-digit escape."""
    for index, char in enumerate(data):
        if char == "%" and not (
            index + 2 < len(data) and data[index + 1] in HEX and data[index + 2] in HEX
        ):
            return LintError(
                "GS1_LINTER_INVALID_PERCENT_SEQUENCE", index, min(3, len(data) - index)
            )
    return None


def lint_pieceoftotal(data: str) -> LintError | None:
    """Piece number then total count, each half the data: 0 < piece <= total."""
    bad = first_non_digit(data)
    if bad is not None:
        return LintError("GS1_LINTER_NON_DIGIT_CHARACTER", bad, 1)
    if not data or len(data) % 2:
        return LintError("GS1_LINTER_PIECE_NUMBER_MALFORMED", 0, len(data))
    half = len(data) // 2
    piece, total = int(data[:half]), int(data[half:])
    if piece == 0:
        return LintError("GS1_LINTER_ZERO_PIECE_NUMBER", 0, half)
    if total == 0:
        return LintError("GS1_LINTER_ZERO_TOTAL_PIECES", half, half)
    if piece > total:
        return LintError("GS1_LINTER_PIECE_EXCEEDS_TOTAL", 0, len(data))
    return None


def lint_posinseqslash(data: str) -> LintError | None:
    """``<pos>/<end>`` with no zero prefixes and pos <= end."""
    position, slash, end = data.partition("/")
    if (
        not slash
        or not position
        or not end
        or first_non_digit(position) is not None
        or first_non_digit(end) is not None
    ):
        return LintError("GS1_LINTER_POSITION_IN_SEQUENCE_MALFORMED", 0, len(data))
    if position[0] == "0":
        return LintError("GS1_LINTER_ILLEGAL_ZERO_PREFIX", 0, len(position))
    if end[0] == "0":
        return LintError("GS1_LINTER_ILLEGAL_ZERO_PREFIX", len(position) + 1, len(end))
    if int(position) > int(end):
        return LintError("GS1_LINTER_POSITION_EXCEEDS_END", 0, len(data))
    return None


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _date(year_digits: int, zero_day_allowed: bool) -> Linter:
    size = year_digits + 4

    def lint(data: str) -> LintError | None:
        if len(data) < size:
            return LintError("GS1_LINTER_DATE_TOO_SHORT", 0, len(data))
        if len(data) > size:
            return LintError("GS1_LINTER_DATE_TOO_LONG", 0, len(data))
        bad = first_non_digit(data)
        if bad is not None:
            return LintError("GS1_LINTER_NON_DIGIT_CHARACTER", bad, 1)
        # Two-digit years all lie in 2000-2099 or 1950-1999 (GS1's sliding window);
        # neither span holds a century year other than 2000, so %4 decides leap years.
        year = int(data[:year_digits]) + (2000 if year_digits == 2 else 0)
        month = int(data[year_digits : year_digits + 2])
        day = int(data[year_digits + 2 :])
        if not 1 <= month <= 12:
            return LintError("GS1_LINTER_ILLEGAL_MONTH", year_digits, 2)
        if day == 0 and zero_day_allowed:
            return None
        if not 1 <= day <= _days_in_month(year, month):
            return LintError("GS1_LINTER_ILLEGAL_DAY", year_digits + 2, 2)
        return None

    return lint


lint_yymmdd = _date(2, zero_day_allowed=False)
lint_yymmd0 = _date(2, zero_day_allowed=True)
lint_yyyymmdd = _date(4, zero_day_allowed=False)
lint_yyyymmd0 = _date(4, zero_day_allowed=True)


#: Every linter name the dictionary may use, mapped to its implementation.
LINTERS: dict[str, Linter] = {
    "cset82": lint_cset82,
    "cset39": lint_cset39,
    "cset64": lint_cset64,
    "csetnumeric": lint_csetnumeric,
    "csum": lint_csum,
    "csumalpha": lint_csumalpha,
    "gcppos1": lint_gcppos1,
    "gcppos2": lint_gcppos2,
    "key": lint_gcppos1,
    "keyoff1": lint_gcppos2,
    "hasnondigit": lint_hasnondigit,
    "hh": lint_hh,
    "hhmi": lint_hhmi,
    "mi": lint_mi,
    "ss": lint_ss,
    "hyphen": lint_hyphen,
    "iban": lint_iban,
    "importeridx": lint_importeridx,
    "iso3166": lint_iso3166,
    "iso3166999": lint_iso3166999,
    "iso3166alpha2": lint_iso3166alpha2,
    "iso4217": lint_iso4217,
    "iso5218": lint_iso5218,
    "latitude": lint_latitude,
    "longitude": lint_longitude,
    "mediatype": lint_mediatype,
    "nonzero": lint_nonzero,
    "nozeroprefix": lint_nozeroprefix,
    "pcenc": lint_pcenc,
    "pieceoftotal": lint_pieceoftotal,
    "posinseqslash": lint_posinseqslash,
    "winding": lint_winding,
    "yesno": lint_yesno,
    "zero": lint_zero,
    "yymmdd": lint_yymmdd,
    "yymmd0": lint_yymmd0,
    "yyyymmdd": lint_yyyymmdd,
    "yyyymmd0": lint_yyyymmd0,
    # Pass-through: see the module docstring.
    "packagetype": _pass_through,
    "couponcode": _pass_through,
    "couponposoffer": _pass_through,
}

#: The reason slug an ``IdentifierError`` carries when a linter fails.
LINTER_REASONS: dict[str, str] = {
    "csetnumeric": "digits",
    "cset82": "charset",
    "cset39": "charset",
    "cset64": "charset",
    "csum": "check_digit",
    "csumalpha": "check_digit",
    "yymmdd": "date",
    "yymmd0": "date",
    "yyyymmdd": "date",
    "yyyymmd0": "date",
    "hh": "time",
    "hhmi": "time",
    "mi": "time",
    "ss": "time",
    "iso3166": "country",
    "iso3166999": "country",
    "iso3166alpha2": "country",
    "iso4217": "currency",
    "pcenc": "percent_encoding",
}
