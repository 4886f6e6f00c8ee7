"""Short public codes printed under the QR code, for typing in by hand.

Crockford base32: digits and upper-case letters without I, L, O and U, so a
code read aloud or copied from a crumpled label survives: input is
case-insensitive, ignores spaces and hyphens, and reads I/L as 1 and O as 0.
"""

from __future__ import annotations

import secrets

from .errors import InvalidPublicCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PUBLIC_CODE_LENGTH = 8
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_LAYOUT = str.maketrans("", "", " -\t")


def new_public_code(nbytes: int = 5) -> str:
    """Return a new random code: ``nbytes`` of ``secrets`` randomness in Crockford base32.

    The default 5 bytes (40 bits) give the 8 characters ``normalize_public_code``
    expects.
    """
    if nbytes < 1:
        raise ValueError("nbytes must be at least 1")
    number = int.from_bytes(secrets.token_bytes(nbytes), "big")
    length = -(-nbytes * 8 // 5)  # ceil(bits / 5)
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def normalize_public_code(text: str) -> str:
    """Return the canonical (upper-case, 8-character) form of a typed public code.

    Raises InvalidPublicCode with reason ``empty``, ``charset`` (params
    ``char``, ``position``: as typed, after removing spaces and hyphens) or
    ``length`` (params ``length``, ``min``, ``max``).
    """
    if text is None:
        raise InvalidPublicCode("empty", text)
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    compact = text.translate(_LAYOUT)
    if not compact:
        raise InvalidPublicCode("empty", text)
    chars = []
    for position, char in enumerate(compact):
        canonical = char.upper().translate(_LOOKALIKES)
        if canonical not in ALPHABET or len(canonical) != 1:
            raise InvalidPublicCode("charset", text, {"char": char, "position": position})
        chars.append(canonical)
    code = "".join(chars)
    if len(code) != PUBLIC_CODE_LENGTH:
        params = {"length": len(code), "min": PUBLIC_CODE_LENGTH, "max": PUBLIC_CODE_LENGTH}
        raise InvalidPublicCode("length", text, params)
    return code


def format_public_code(code: str) -> str:
    """Return the display form with a hyphen in the middle, e.g. ``K7QM-4XZ2``."""
    canonical = normalize_public_code(code)
    half = len(canonical) // 2
    return f"{canonical[:half]}-{canonical[half:]}"
