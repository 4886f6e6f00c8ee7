import pytest

from lookup_site.identifiers import (
    InvalidElementString,
    format_bracketed,
    format_element_string,
    parse_element_string,
)
from lookup_site.identifiers.dictionary import lookup

GTIN = "09520123450007"
PAIRS = [("01", GTIN), ("10", "CH2023-01"), ("17", "261231")]


@pytest.mark.parametrize(
    "text",
    [
        f"(01){GTIN}(10)CH2023-01(17)261231",
        f"  (01) {GTIN} (10)CH2023-01 (17)261231\n",
        f"^01{GTIN}10CH2023-01^17261231",
        f"]d201{GTIN}10CH2023-01\x1d17261231",  # as a 2D scanner reports it
        f"^01{GTIN}^10CH2023-01^17261231^",
    ],
)
def test_parse_element_string_forms(text):
    assert parse_element_string(text) == PAIRS


def test_escaped_bracket_in_a_value():
    pairs = parse_element_string(rf"(01){GTIN}(10)A\(B)")
    assert pairs[1] == ("10", "A(B)")
    assert format_bracketed(pairs) == rf"(01){GTIN}(10)A\(B)"


def test_repeated_ai_with_the_same_value_is_kept():
    pairs = parse_element_string(f"(01){GTIN}(01){GTIN}")
    assert pairs == [("01", GTIN), ("01", GTIN)]


@pytest.mark.parametrize(
    ("text", "reason", "params"),
    [
        ("", "empty", {}),
        ("   ", "empty", {}),
        (f"01{GTIN}", "structure", {}),
        (f"(01{GTIN}", "structure", {}),
        (f"(89)X(01){GTIN}", "unknown_ai", {"ai": "89"}),
        (f"(01){GTIN}(10)", "empty", {"ai": "10"}),
        (
            "(01)09520123450008",
            "check_digit",
            {"ai": "01", "ai_value": "09520123450008", "expected": 7},
        ),
        (f"(01){GTIN}(10)Lô-1", "charset", {"ai": "10", "char": "ô", "position": 1}),
        (f"(01){GTIN}(17)261301", "date", {"ai": "17"}),
        ("(10)ABC", "requisite", {"ai": "10"}),
        (f"(01){GTIN}(02){GTIN}(37)1", "exclusive", {"ai": "01", "other": "37"}),
        (f"(01){GTIN}(10)A(10)B", "conflict", {"ai": "10"}),
        ("^01095201234500", "length", {"ai": "01"}),
    ],
)
def test_parse_element_string_says_what_is_wrong(text, reason, params):
    with pytest.raises(InvalidElementString) as excinfo:
        parse_element_string(text)
    error = excinfo.value
    assert error.reason == reason
    assert params.items() <= error.params.items()
    assert error.value == text


def test_format_element_string_puts_fnc1_after_variable_length_ais_only():
    assert format_element_string(PAIRS) == f"^01{GTIN}10CH2023-01^17261231"
    assert format_element_string([("17", "261231"), ("10", "L1")]) == "^1726123110L1"


def test_dictionary_knows_the_ais_this_project_uses():
    gtin, lot, serial, expiry, origin = (lookup(ai) for ai in ("01", "10", "21", "17", "422"))
    assert gtin.is_primary_key and not gtin.fnc1
    assert gtin.dl_qualifiers == (("22", "10", "21"), ("235",))
    assert (lot.min_length, lot.max_length, lot.fnc1) == (1, 20, True)
    assert not serial.dl_attribute  # a serial is a key qualifier, never a query attribute
    assert expiry.dl_attribute and expiry.components[0].linters == ("yymmd0",)
    assert origin.components[0].linters == ("iso3166",)
    assert lookup("3103").title == "NET WEIGHT (kg)"
    assert lookup("3106") is None
