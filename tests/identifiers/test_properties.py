"""Property tests: what must hold for every valid input, not just the examples."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from lookup_site.identifiers import (
    CSET82,
    IdentifierError,
    InvalidDigitalLink,
    build_digital_link,
    format_public_code,
    gtin_check_digit,
    normalize_gtin,
    normalize_public_code,
    parse_digital_link,
    parse_element_string,
    percent_decode,
    percent_encode,
)
from lookup_site.identifiers.public_code import ALPHABET

# No example database: keep the shared working tree free of .hypothesis/.
settings.register_profile("identifiers", max_examples=60, deadline=None, database=None)
PROFILE = settings.get_profile("identifiers")

BASE = "https://truyxuat.example.vn"
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
cset82_values = st.text(alphabet=sorted(CSET82), min_size=1, max_size=20)


@st.composite
def gtins(draw) -> str:
    """A valid GTIN-8, -12, -13 or -14 (body digits plus the right check digit)."""
    length = draw(st.sampled_from([8, 12, 13, 14]))
    body = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    return body + str(gtin_check_digit(body))


def yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


expiry_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2049, 12, 31)).map(yymmdd)


@PROFILE
@given(
    gtin=gtins(),
    cpv=st.none() | cset82_values,
    lot=st.none() | cset82_values,
    serial=st.none() | cset82_values,
    expiry=st.none() | expiry_dates,
)
def test_build_then_parse_round_trip(gtin, cpv, lot, serial, expiry):
    attributes = {"17": expiry} if expiry else None
    uri = build_digital_link(BASE, gtin, cpv=cpv, lot=lot, serial=serial, attributes=attributes)
    link = parse_digital_link(uri)
    assert link.stem == BASE
    assert link.gtin == normalize_gtin(gtin)
    assert (link.cpv, link.lot, link.serial) == (cpv, lot, serial)
    assert link.attributes == ((("17", expiry),) if expiry else ())
    assert link.uri() == uri
    # The element string form says the same thing.
    assert parse_element_string(link.element_string) == list(link.ais)


@PROFILE
@given(text=st.text().filter(lambda t: "\x00" not in t))
def test_percent_encoding_round_trip(text):
    for query in (False, True):
        encoded = percent_encode(text, query=query)
        assert set(encoded) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%+"
        )
        assert percent_decode(encoded, query=query) == text


@PROFILE
@given(text=st.text(min_size=1))
def test_percent_decode_never_crashes(text):
    try:
        percent_decode(text)
    except InvalidDigitalLink as error:
        assert error.reason == "percent_encoding"


@PROFILE
@given(gtin=gtins())
def test_normalize_gtin_is_idempotent(gtin):
    once = normalize_gtin(gtin)
    assert len(once) == 14
    assert normalize_gtin(once) == once
    assert once.endswith(gtin)


@PROFILE
@given(text=st.text(alphabet="0123456789 -x", max_size=16))
def test_normalize_gtin_accepts_or_explains(text):
    try:
        once = normalize_gtin(text)
    except IdentifierError as error:
        assert error.reason in {"empty", "digits", "length", "check_digit"}
    else:
        assert normalize_gtin(once) == once


@PROFILE
@given(code=st.text(alphabet=ALPHABET, min_size=8, max_size=8))
def test_public_code_format_then_normalize(code):
    assert normalize_public_code(format_public_code(code)) == code
    assert normalize_public_code(format_public_code(code).lower()) == code


@PROFILE
@given(uri=st.text(max_size=80))
def test_parse_digital_link_accepts_or_explains(uri):
    try:
        link = parse_digital_link(BASE + "/01/09520123450007" + uri)
    except InvalidDigitalLink as error:
        assert error.reason
        assert str(error)
    else:
        assert parse_digital_link(link.uri()) == link
