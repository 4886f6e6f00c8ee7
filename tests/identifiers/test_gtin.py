import pytest

from lookup_site.identifiers import (
    IdentifierError,
    InvalidGLN,
    InvalidGTIN,
    gtin_check_digit,
    is_valid_check_digit,
    is_valid_gtin,
    normalize_gtin,
    validate_gln,
)


@pytest.mark.parametrize(
    ("body", "digit"),
    [
        ("0234567", 3),  # GTIN-8
        ("41600033610", 8),  # GTIN-12
        ("123456789012", 8),  # GTIN-13
        ("1234567890123", 1),  # GTIN-14
        ("0952012345000", 7),  # GS1's example prefix 952, as demo data uses
        ("952012345678", 8),  # GLN
        ("00614141123456789", 0),  # SSCC
    ],
)
def test_check_digit_for_every_key_length(body, digit):
    assert gtin_check_digit(body) == digit
    assert is_valid_check_digit(body + str(digit))
    assert not is_valid_check_digit(body + str((digit + 1) % 10))


@pytest.mark.parametrize("bad", ["", "12a4", "١٢٣"])
def test_check_digit_refuses_non_digits(bad):
    with pytest.raises(IdentifierError):
        gtin_check_digit(bad)
    assert not is_valid_check_digit(bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("02345673", "00000002345673"),
        ("416000336108", "00416000336108"),
        ("1234567890128", "01234567890128"),
        ("12345678901231", "12345678901231"),
        ("09520123450007", "09520123450007"),
        ("  09520123450007\n", "09520123450007"),
        ("9 520123 450007", "09520123450007"),  # as printed under an EAN-13
        ("952-0123-45000-7", "09520123450007"),
    ],
)
def test_normalize_gtin_accepts_every_gtin_length(value, expected):
    assert normalize_gtin(value) == expected
    assert is_valid_gtin(value)


@pytest.mark.parametrize(
    ("value", "reason", "params"),
    [
        ("", "empty", {}),
        ("  - ", "empty", {}),
        (None, "empty", {}),
        ("12345673", "check_digit", {"expected": 0, "actual": 3}),
        ("1234567890129", "check_digit", {"expected": 8, "actual": 9}),
        ("0952012345000O", "digits", {"char": "O", "position": 13}),
        ("123456789", "length", {"length": 9, "allowed": "8, 12, 13 or 14"}),
        ("095201234500070", "length", {"length": 15, "allowed": "8, 12, 13 or 14"}),
        ("٠٩٥٢٠١٢٣٤٥٠٠٠٧", "digits", {"char": "٠", "position": 0}),  # Arabic-Indic digits
    ],
)
def test_normalize_gtin_says_what_is_wrong(value, reason, params):
    with pytest.raises(InvalidGTIN) as excinfo:
        normalize_gtin(value)
    error = excinfo.value
    assert error.reason == reason
    assert error.params == params
    assert error.value == value
    assert isinstance(error, ValueError)
    assert not is_valid_gtin(value)


def test_invalid_gtin_message_is_a_sentence():
    with pytest.raises(InvalidGTIN) as excinfo:
        normalize_gtin("1234567890129")
    message = str(excinfo.value)
    assert message.startswith("The GTIN")
    assert message.endswith(".")


def test_is_valid_gtin_refuses_non_strings():
    assert not is_valid_gtin(9520123450007)


def test_validate_gln():
    assert validate_gln("9520123456788") == "9520123456788"
    assert validate_gln(" 9520123456788 ") == "9520123456788"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty"),
        ("9520123456789", "check_digit"),
        ("952012345678", "length"),
        ("09520123456788", "length"),
        ("952012345678X", "digits"),
    ],
)
def test_validate_gln_refuses(value, reason):
    with pytest.raises(InvalidGLN) as excinfo:
        validate_gln(value)
    assert excinfo.value.reason == reason


def test_gln_length_error_names_the_required_length():
    with pytest.raises(InvalidGLN) as excinfo:
        validate_gln("952012345678")
    assert excinfo.value.params == {"length": 12, "min": 13, "max": 13}
    assert "exactly 13" in str(excinfo.value)
