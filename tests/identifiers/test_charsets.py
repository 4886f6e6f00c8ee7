import pytest

from lookup_site.identifiers import (
    CSET82,
    InvalidLotCode,
    InvalidSerial,
    is_cset82,
    validate_lot_code,
    validate_serial,
)

GS1_CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def test_cset82_is_exactly_the_82_gs1_characters():
    assert len(CSET82) == 82
    assert set(GS1_CSET82) == CSET82


@pytest.mark.parametrize("validate", [validate_lot_code, validate_serial])
@pytest.mark.parametrize("value", ["CH2023-01", "a", "X" * 20, "lo", "A/B+C"])
def test_valid_values_come_back_unchanged(validate, value):
    assert validate(value) is value


def test_lot_code_is_not_stripped_or_upper_cased():
    assert validate_lot_code("abc") == "abc"
    with pytest.raises(InvalidLotCode) as excinfo:
        validate_lot_code(" abc")
    assert excinfo.value.params == {"char": " ", "position": 0}


@pytest.mark.parametrize(
    ("value", "char", "position"),
    [
        ("Lô-1", "ô", 1),
        ("CÁ 01", "Á", 1),
        ("LÔ 2024", "Ô", 1),
        ("mẻ-03", "ẻ", 1),
        ("AB C", " ", 2),
        ("AB#1", "#", 2),
        ("A@B", "@", 1),
        ("A~B", "~", 1),  # unreserved in URIs, but not in GS1's set 82
    ],
)
def test_lot_code_charset_names_the_first_offending_character(value, char, position):
    with pytest.raises(InvalidLotCode) as excinfo:
        validate_lot_code(value)
    error = excinfo.value
    assert error.reason == "charset"
    assert error.params == {"char": char, "position": position}
    assert error.value == value
    assert repr(char) in str(error)


def test_lot_code_too_long():
    with pytest.raises(InvalidLotCode) as excinfo:
        validate_lot_code("X" * 21)
    assert excinfo.value.reason == "length"
    assert excinfo.value.params == {"min": 1, "max": 20, "length": 21}


@pytest.mark.parametrize("value", ["", None])
def test_lot_code_empty(value):
    with pytest.raises(InvalidLotCode) as excinfo:
        validate_lot_code(value)
    assert excinfo.value.reason == "empty"


def test_serial_errors_are_their_own_class():
    with pytest.raises(InvalidSerial) as excinfo:
        validate_serial("SỐ-1")
    assert excinfo.value.reason == "charset"
    assert excinfo.value.params["char"] == "Ố"
    assert "serial number" in str(excinfo.value)
    with pytest.raises(InvalidSerial) as excinfo:
        validate_serial("1" * 21)
    assert excinfo.value.params["max"] == 20


def test_is_cset82():
    assert is_cset82("ABC-123")
    assert is_cset82("")
    assert not is_cset82("Cá")
