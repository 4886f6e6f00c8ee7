import pickle

import pytest

from lookup_site.identifiers import (
    DigitalLink,
    IdentifierError,
    InvalidDigitalLink,
    InvalidGTIN,
    InvalidLotCode,
    InvalidSerial,
    build_digital_link,
    element_string_to_digital_link,
    parse_digital_link,
    percent_decode,
    percent_encode,
)

BASE = "https://truyxuat.example.vn"
GTIN = "09520123450007"


# --- percent encoding ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "query"),
    [
        ("CH2023-01", "CH2023-01", "CH2023-01"),
        ("A/B", "A%2FB", "A%2FB"),
        ("ABC+123", "ABC%2B123", "ABC%2B123"),
        ("Lô 1", "L%C3%B41".replace("1", "%201"), "L%C3%B4+1"),
        ("100%", "100%25", "100%25"),
        ("~._-", "~._-", "~._-"),
    ],
)
def test_percent_encode(text, path, query):
    assert percent_encode(text) == path
    assert percent_encode(text, query=True) == query
    assert percent_decode(path) == text
    assert percent_decode(query, query=True) == text


def test_percent_encode_uses_upper_case_hex():
    assert percent_encode("ạ") == "%E1%BA%A1"


def test_percent_decode_keeps_plus_in_paths_only():
    assert percent_decode("A+B") == "A+B"
    assert percent_decode("A+B", query=True) == "A B"


# --- parse_digital_link ------------------------------------------------------------


def test_parse_a_lot_link():
    link = parse_digital_link(f"{BASE}/01/{GTIN}/10/CH2023-01?17=261231")
    assert link == DigitalLink(
        stem=BASE,
        primary=("01", GTIN),
        qualifiers=(("10", "CH2023-01"),),
        attributes=(("17", "261231"),),
    )
    assert link.gtin == GTIN
    assert link.lot == "CH2023-01"
    assert link.serial is None
    assert link.cpv is None
    assert link.value("17") == "261231"
    assert link.ais == (("01", GTIN), ("10", "CH2023-01"), ("17", "261231"))
    assert link.element_string == f"^01{GTIN}10CH2023-01^17261231"


def test_parse_keeps_the_stem_path():
    link = parse_digital_link(f"{BASE}/txng/01/{GTIN}/22/V1/10/L%2F1/21/S1")
    assert link.stem == f"{BASE}/txng"
    assert (link.cpv, link.lot, link.serial) == ("V1", "L/1", "S1")
    assert link.uri() == f"{BASE}/txng/01/{GTIN}/22/V1/10/L%2F1/21/S1"


def test_parse_ignores_fragments_and_non_ai_parameters():
    link = parse_digital_link(f"{BASE}/01/{GTIN}/10/L1?linkType=gs1:pip&lang=vi#top")
    assert link.attributes == ()
    assert link.lot == "L1"


def test_gtin_may_be_an_attribute_of_another_key():
    link = parse_digital_link(f"{BASE}/8004/9520614141234567?01={GTIN}")
    assert link.primary == ("8004", "9520614141234567")
    assert link.gtin == GTIN


@pytest.mark.parametrize(
    ("uri", "reason", "params"),
    [
        ("", "empty", {}),
        (f"ftp://example.vn/01/{GTIN}", "scheme", {"scheme": "ftp"}),
        (f"https:///01/{GTIN}", "host", {"host": ""}),
        (f"https://[fe80::1%25lo]/01/{GTIN}", "host", {"host": "[fe80::1%25lo]"}),
        (f"{BASE}/01/{GTIN}/10/Lô1", "charset", {"char": "ô", "position": 50}),
        (f"{BASE}/gtin/{GTIN}", "structure", {}),
        (f"{BASE}/01/{GTIN}/", "structure", {}),
        (f"{BASE}/01//{GTIN}", "empty", {"ai": "01"}),
        (BASE, "structure", {}),
        (f"{BASE}/01/{GTIN}/10/", "empty", {"ai": "10"}),
        (f"{BASE}/01/{GTIN}/10/A/22/B", "order", {"sequence": "01/10/22"}),
        (f"{BASE}/01/{GTIN}?21=S1", "query_not_allowed", {"ai": "21"}),
        (f"{BASE}/01/{GTIN}?10=L1", "query_not_allowed", {"ai": "10", "belongs_in_path": True}),
        (
            f"{BASE}/01/{GTIN}/21/S1?10=L1",
            "query_not_allowed",
            {"ai": "10", "belongs_in_path": True},
        ),
        (f"{BASE}/01/{GTIN}?17=261231&17=261231", "duplicate", {"ai": "17"}),
        (f"{BASE}/01/{GTIN}?999=x", "unknown_ai", {"ai": "999"}),
        (f"{BASE}/01/{GTIN}?17=", "empty", {"ai": "17"}),
        (f"{BASE}/01/{GTIN}/10/A%00B", "percent_encoding", {"ai": "10", "char": "%00"}),
        (f"{BASE}/00/006141411234567890?10=L1", "requisite", {"ai": "10"}),
        (f"{BASE}/01/{GTIN}?3103=000195&3102=001950", "exclusive", {"ai": "3103", "other": "3102"}),
    ],
)
def test_parse_says_what_is_wrong(uri, reason, params):
    with pytest.raises(InvalidDigitalLink) as excinfo:
        parse_digital_link(uri)
    error = excinfo.value
    assert error.reason == reason
    assert params.items() <= error.params.items()
    assert error.value == uri
    assert str(error).endswith(".")


@pytest.mark.parametrize(
    ("uri", "reason", "params"),
    [
        (
            f"{BASE}/01/09520123450008",
            "check_digit",
            {"ai": "01", "position": 13, "expected": 7, "actual": 8},
        ),
        (f"{BASE}/01/{GTIN}/10/L%C3%B41", "charset", {"ai": "10", "char": "ô", "position": 1}),
        (f"{BASE}/01/{GTIN}/10/{'X' * 21}", "length", {"ai": "10", "max": 20, "length": 21}),
        (f"{BASE}/01/{GTIN}?17=260230", "date", {"ai": "17", "error": "GS1_LINTER_ILLEGAL_DAY"}),
        (f"{BASE}/01/{GTIN}?422=999", "country", {"ai": "422"}),
        (f"{BASE}/01/{GTIN}?3103=00019X", "digits", {"ai": "3103", "char": "X"}),
    ],
)
def test_parse_checks_values_against_the_dictionary(uri, reason, params):
    with pytest.raises(InvalidDigitalLink) as excinfo:
        parse_digital_link(uri)
    assert excinfo.value.reason == reason
    assert params.items() <= excinfo.value.params.items()


def test_vietnamese_origin_country_is_accepted():
    link = parse_digital_link(f"{BASE}/01/{GTIN}?422=704")
    assert link.value("422") == "704"


# --- DigitalLink.uri -------------------------------------------------------------


def test_uri_orders_qualifiers_per_dictionary():
    link = DigitalLink(BASE, ("01", GTIN), (("21", "S1"), ("10", "L1"), ("22", "V")))
    assert link.uri() == f"{BASE}/01/{GTIN}/22/V/10/L1/21/S1"


def test_uri_on_another_base_or_relative():
    link = parse_digital_link(f"{BASE}/01/{GTIN}/10/L1?17=261231")
    assert link.uri("https://id.gs1.org/") == f"https://id.gs1.org/01/{GTIN}/10/L1?17=261231"
    assert link.uri("") == f"/01/{GTIN}/10/L1?17=261231"


def test_uri_refuses_qualifiers_that_do_not_go_together():
    link = DigitalLink(BASE, ("01", GTIN), (("235", "T1"), ("10", "L1")))
    with pytest.raises(InvalidDigitalLink) as excinfo:
        link.uri()
    assert excinfo.value.reason == "order"


def test_digital_link_is_frozen_and_hashable():
    link = parse_digital_link(f"{BASE}/01/{GTIN}")
    with pytest.raises(AttributeError):
        link.stem = "x"  # type: ignore[misc]
    assert {link: 1}[parse_digital_link(f"{BASE}/01/{GTIN}")] == 1


# --- build_digital_link ----------------------------------------------------------


def test_build_minimal():
    assert build_digital_link(BASE, "9520123450007") == f"{BASE}/01/{GTIN}"


def test_build_everything_in_canonical_order():
    uri = build_digital_link(
        BASE + "/",
        GTIN,
        cpv="V1",
        lot="CH2023/01",
        serial="S+1",
        attributes={"17": "261231", "3103": "000500", "15": "261130"},
    )
    assert uri == (
        f"{BASE}/01/{GTIN}/22/V1/10/CH2023%2F01/21/S%2B1?17=261231&3103=000500&15=261130"
    )
    link = parse_digital_link(uri)
    assert (link.cpv, link.lot, link.serial) == ("V1", "CH2023/01", "S+1")


@pytest.mark.parametrize("ai", ["21", "10", "22", "235", "01"])
def test_build_refuses_key_qualifiers_as_attributes(ai):
    with pytest.raises(InvalidDigitalLink) as excinfo:
        build_digital_link(BASE, GTIN, attributes={ai: "X1"})
    assert excinfo.value.reason == "query_not_allowed"
    assert excinfo.value.params == {"ai": ai}


@pytest.mark.parametrize(
    ("kwargs", "error", "reason"),
    [
        ({"attributes": {"89": "X"}}, InvalidDigitalLink, "unknown_ai"),
        ({"attributes": {"8200": "https://x.vn"}}, InvalidDigitalLink, "query_not_allowed"),
        ({"attributes": {"17": "261332"}}, InvalidDigitalLink, "date"),
        ({"lot": "Lô 1"}, InvalidLotCode, "charset"),
        ({"lot": ""}, InvalidLotCode, "empty"),
        ({"serial": "S" * 21}, InvalidSerial, "length"),
        ({"cpv": "Xanh lá"}, InvalidDigitalLink, "charset"),
    ],
)
def test_build_refuses_bad_parts(kwargs, error, reason):
    with pytest.raises(error) as excinfo:
        build_digital_link(BASE, GTIN, **kwargs)
    assert excinfo.value.reason == reason


def test_build_refuses_a_bad_gtin_or_base():
    with pytest.raises(InvalidGTIN):
        build_digital_link(BASE, "09520123450008")
    with pytest.raises(InvalidDigitalLink) as excinfo:
        build_digital_link("truyxuat.example.vn", GTIN)
    assert excinfo.value.reason == "scheme"


def test_build_refuses_attributes_the_dictionary_pairs_badly():
    with pytest.raises(InvalidDigitalLink) as excinfo:
        build_digital_link(BASE, GTIN, attributes={"3103": "000500", "3102": "005000"})
    assert excinfo.value.reason == "exclusive"


# --- element_string_to_digital_link --------------------------------------------------


def test_element_string_to_digital_link_canonical_stem():
    uri = element_string_to_digital_link(f"(01){GTIN}(10)CH2023-01(17)261231")
    assert uri == f"https://id.gs1.org/01/{GTIN}/10/CH2023-01?17=261231"


def test_element_string_to_digital_link_on_our_base():
    uri = element_string_to_digital_link(f"(17)261231(21)S1(01){GTIN}", BASE)
    assert uri == f"{BASE}/01/{GTIN}/21/S1?17=261231"


def test_element_string_without_primary_key():
    with pytest.raises(InvalidDigitalLink) as excinfo:
        element_string_to_digital_link("(99)INTERNAL", BASE)
    assert excinfo.value.reason == "structure"


# --- errors ----------------------------------------------------------------------


def test_errors_share_a_base_and_survive_pickling():
    with pytest.raises(IdentifierError) as excinfo:
        parse_digital_link(f"{BASE}/01/{GTIN}?21=S1")
    error = excinfo.value
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is InvalidDigitalLink
    assert (copy.reason, copy.value, copy.params, str(copy)) == (
        error.reason,
        error.value,
        error.params,
        str(error),
    )
