import pytest

from lookup_site.identifiers import (
    InvalidPublicCode,
    format_public_code,
    new_public_code,
    normalize_public_code,
)
from lookup_site.identifiers.public_code import ALPHABET


def test_new_public_code_is_8_crockford_characters():
    codes = {new_public_code() for _ in range(200)}
    assert len(codes) == 200  # 40 random bits: collisions here would mean no randomness
    for code in codes:
        assert len(code) == 8
        assert set(code) <= set(ALPHABET)
        assert normalize_public_code(code) == code


def test_new_public_code_length_follows_nbytes():
    assert len(new_public_code(10)) == 16
    assert len(new_public_code(1)) == 2


def test_alphabet_leaves_out_lookalikes():
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert not set("ILOU") & set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("K7QM4XZ2", "K7QM4XZ2"),
        ("k7qm-4xz2", "K7QM4XZ2"),
        (" K7QM 4XZ2 ", "K7QM4XZ2"),
        ("ol1i-0000", "0111" + "0000"),  # O reads as 0, I and L as 1
    ],
)
def test_normalize_public_code(typed, code):
    assert normalize_public_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "reason", "params"),
    [
        ("", "empty", {}),
        (" - ", "empty", {}),
        (None, "empty", {}),
        ("K7QM4XZ", "length", {"length": 7, "min": 8, "max": 8}),
        ("K7QM4XZ22", "length", {"length": 9, "min": 8, "max": 8}),
        ("K7QM4XZU", "charset", {"char": "U", "position": 7}),
        ("K7QM-4XZ*", "charset", {"char": "*", "position": 7}),
        ("MÃ-12345", "charset", {"char": "Ã", "position": 1}),
        ("ß1234567", "charset", {"char": "ß", "position": 0}),
    ],
)
def test_normalize_public_code_refuses(typed, reason, params):
    with pytest.raises(InvalidPublicCode) as excinfo:
        normalize_public_code(typed)
    assert excinfo.value.reason == reason
    assert excinfo.value.params == params
    assert "public code" in str(excinfo.value)


def test_format_public_code():
    assert format_public_code("K7QM4XZ2") == "K7QM-4XZ2"
    assert format_public_code("k7qm 4xz2") == "K7QM-4XZ2"
    with pytest.raises(InvalidPublicCode):
        format_public_code("K7QM")
