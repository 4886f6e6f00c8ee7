"""GS1's own test vectors (gs1/gs1-syntax-engine), case by case.

The vectors are vendored in tests/conformance/gs1-syntax/ (see its README for
origin and licence). Each case is a test named by its case id.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lookup_site.identifiers import (
    InvalidDigitalLink,
    element_string_to_digital_link,
    gtin_check_digit,
    parse_digital_link,
    percent_decode,
    percent_encode,
)
from lookup_site.identifiers.dictionary import dl_path_sequences, is_valid_dl_path
from lookup_site.identifiers.linters import LINTERS

VECTORS = Path(__file__).resolve().parents[1] / "conformance" / "gs1-syntax"
ZERO_SUPPRESSED = {"permit_zero_suppressed_gtin_in_dl_uris": True}


def load(name: str) -> dict:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def cases(name: str, supported=lambda case: True):
    params = []
    for case in load(name)["cases"]:
        marks = ()
        if not supported(case):
            reason = f"{case['id']}: needs parser options {case['options']} we do not offer"
            marks = (pytest.mark.skip(reason=reason),)
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


def strict_or_zero_suppressed(case: dict) -> bool:
    # Convenience alphas ("/gtin/...") are deprecated and unknown AIs are never
    # accepted here, so only the default mode and the zero-suppressed GTIN flag
    # are supported.
    return case["options"] in ({}, ZERO_SUPPRESSED)


# --- dl_parse_cases.json -----------------------------------------------------


@pytest.mark.parametrize("case", cases("dl_parse_cases.json", strict_or_zero_suppressed))
def test_dl_parse(case):
    permit = case["options"] == ZERO_SUPPRESSED
    if not case["valid"]:
        with pytest.raises(InvalidDigitalLink):
            parse_digital_link(case["uri"], permit_zero_suppressed_gtin=permit)
        return
    link = parse_digital_link(case["uri"], permit_zero_suppressed_gtin=permit)
    assert link.element_string == case["expected_element_string"]
    assert [list(pair) for pair in link.ais] == case["expected_ais"]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=case["id"])
        for case in load("dl_parse_cases.json")["cases"]
        if case["valid"] and case["options"] in ({}, ZERO_SUPPRESSED)
    ],
)
def test_dl_parse_canonical_uri_is_strict_and_stable(case):
    permit = case["options"] == ZERO_SUPPRESSED
    link = parse_digital_link(case["uri"], permit_zero_suppressed_gtin=permit)
    # The canonical form (14-digit GTIN, unknown parameters dropped) needs no
    # leniency, and parses back to the same link.
    assert parse_digital_link(link.uri()) == link


def test_dl_parse_short_gtin_stays_strict_by_default():
    # dl-parse-1454 / 1464 / 1474: the lenient resolver will accept a 13-digit
    # GTIN and redirect to the 14-digit form, but only by asking for it;
    # parse_digital_link itself is strict by default, as GS1's engine is.
    with pytest.raises(InvalidDigitalLink) as excinfo:
        parse_digital_link("https://a/01/2112345678900")
    assert excinfo.value.reason == "length"
    link = parse_digital_link("https://a/01/2112345678900", permit_zero_suppressed_gtin=True)
    assert link.gtin == "02112345678900"


# --- dl_generate_cases.json --------------------------------------------------


def supported_generation(case: dict) -> bool:
    return case["options"] == {}


def generate(case: dict) -> str:
    if "input_dl_uri" in case:
        # Re-generating from a URI keeps its (valid) path order.
        return parse_digital_link(case["input_dl_uri"]).uri(case["stem"])
    return element_string_to_digital_link(case["ai_data_bracketed"], case["stem"])


@pytest.mark.parametrize("case", cases("dl_generate_cases.json", supported_generation))
def test_dl_generate(case):
    if not case["valid"]:
        with pytest.raises(InvalidDigitalLink):
            generate(case)
        return
    assert generate(case) == case["expected_uri"]


# --- uri_escape_cases.json / uri_unescape_cases.json -------------------------


@pytest.mark.parametrize("case", cases("uri_escape_cases.json"))
def test_uri_escape(case):
    assert percent_encode(case["input"]) == case["expected_path_component"]
    assert percent_encode(case["input"], query=True) == case["expected_query_component"]


@pytest.mark.parametrize("case", cases("uri_unescape_cases.json"))
def test_uri_unescape(case):
    assert percent_decode(case["input"]) == case["expected_path_component"]
    assert percent_decode(case["input"], query=True) == case["expected_query_component"]


def test_uri_unescape_refuses_nul():
    # dl.c: "Check that \0 is trapped as an illegal character"
    for query in (False, True):
        with pytest.raises(InvalidDigitalLink) as excinfo:
            percent_decode("A%00B", query=query)
        assert excinfo.value.reason == "percent_encoding"


# --- dl_path_ai_sequences.json -----------------------------------------------

# A valid value for every AI that can appear in a Digital Link path.
PATH_VALUES = {
    "00": "00614141123456789" + str(gtin_check_digit("00614141123456789")),
    "01": "09520123450007",
    "10": "LOT-1",
    "21": "SER.1",
    "22": "CPV_1",
    "235": "TPX1",
    "253": "952012345678" + str(gtin_check_digit("952012345678")) + "DOC1",
    "254": "EXT1",
    "255": "952012345678" + str(gtin_check_digit("952012345678")) + "77",
    "401": "9520123ABC",
    "402": "9520123456789012" + str(gtin_check_digit("9520123456789012")),
    "414": "9520123456788",
    "417": "9520123456788",
    "7040": "1ABC",
    "8003": "0" + "952012345678" + str(gtin_check_digit("952012345678")) + "A1",
    "8004": "9520123ASSET",
    "8006": "09520123450007" + "0102",
    "8010": "9520123PART",
    "8011": "123",
    "8013": "1987654Ad4X4bL5ttr2310c2K",
    "8017": "123456789012345675",
    "8018": "123456789012345675",
    "8019": "123",
}


def sequence_cases(min_qualifiers: int = 0):
    # The vector lists "01" and "414" once per qualifier alternative: test each once.
    data = load("dl_path_ai_sequences.json")
    unique = dict.fromkeys(tuple(seq) for seq in data["valid_sequences"])
    return [pytest.param(seq, id="/".join(seq)) for seq in unique if len(seq) - 1 >= min_qualifiers]


@pytest.mark.parametrize("sequence", sequence_cases())
def test_dl_path_sequence_accepted(sequence):
    assert is_valid_dl_path(sequence)
    uri = "https://example.com" + "".join(f"/{ai}/{PATH_VALUES[ai]}" for ai in sequence)
    if sequence[0] == "8006" and "22" in sequence:
        # The path order is valid, but the dictionary says (22) requires (01)
        # ("req=01"), so a full parse refuses it, as GS1's engine does with its
        # default requisite validation.
        with pytest.raises(InvalidDigitalLink) as excinfo:
            parse_digital_link(uri)
        assert excinfo.value.reason == "requisite"
        return
    link = parse_digital_link(uri)
    assert [ai for ai, _ in link.ais] == list(sequence)


@pytest.mark.parametrize("sequence", sequence_cases(min_qualifiers=2))
def test_dl_path_sequence_reversed_qualifiers_refused(sequence):
    reordered = [sequence[0], *reversed(sequence[1:])]
    assert not is_valid_dl_path(reordered)
    uri = "https://example.com" + "".join(f"/{ai}/{PATH_VALUES[ai]}" for ai in reordered)
    with pytest.raises(InvalidDigitalLink) as excinfo:
        parse_digital_link(uri)
    assert excinfo.value.reason == "order"


def test_dl_path_sequences_cover_the_vectors():
    listed = {" ".join(seq) for seq in load("dl_path_ai_sequences.json")["valid_sequences"]}
    assert listed <= set(dl_path_sequences())


# --- linter_cases.json -------------------------------------------------------


def linter_cases():
    params = []
    for case in load("linter_cases.json")["cases"]:
        case_id = f"{case['linter']}:{case['line']}"
        marks = ()
        if case["linter"] not in LINTERS:
            marks = (pytest.mark.skip(reason=f"{case_id}: linter not implemented"),)
        params.append(pytest.param(case, id=case_id, marks=marks))
    return params


def highlight(data: str, position: int, length: int) -> str:
    return f"{data[:position]}*{data[position : position + length]}*{data[position + length :]}"


@pytest.mark.parametrize("case", linter_cases())
def test_linter(case):
    found = LINTERS[case["linter"]](case["input"])
    if case["expect"] == "pass":
        assert found is None
        return
    assert found is not None
    assert found.code == case["error"]
    assert highlight(case["input"], found.position, found.length) == case["highlight"]
