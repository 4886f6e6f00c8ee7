"""GS1 identifiers: GTINs, lots and serials, element strings, Digital Link URIs.

A small pure package (no Flask) that the rest of the site trusts: every value
it returns is valid by the GS1 General Specifications and the GS1 Barcode
Syntax Dictionary, and every refusal is an ``IdentifierError`` with a stable
``reason`` (see ``errors``).
"""

from .charsets import CSET82, is_cset82, validate_lot_code, validate_serial
from .checkdigit import gtin_check_digit, is_valid_check_digit
from .digital_link import (
    CANONICAL_STEM,
    DigitalLink,
    build_digital_link,
    element_string_to_digital_link,
    parse_digital_link,
    percent_decode,
    percent_encode,
)
from .element_string import format_bracketed, format_element_string, parse_element_string
from .errors import (
    IdentifierError,
    InvalidDigitalLink,
    InvalidElementString,
    InvalidGLN,
    InvalidGTIN,
    InvalidLotCode,
    InvalidPublicCode,
    InvalidSerial,
)
from .gtin import is_valid_gtin, normalize_gtin, validate_gln
from .public_code import format_public_code, new_public_code, normalize_public_code

__all__ = [
    "CANONICAL_STEM",
    "CSET82",
    "DigitalLink",
    "IdentifierError",
    "InvalidDigitalLink",
    "InvalidElementString",
    "InvalidGLN",
    "InvalidGTIN",
    "InvalidLotCode",
    "InvalidPublicCode",
    "InvalidSerial",
    "build_digital_link",
    "element_string_to_digital_link",
    "format_bracketed",
    "format_element_string",
    "format_public_code",
    "gtin_check_digit",
    "is_cset82",
    "is_valid_check_digit",
    "is_valid_gtin",
    "new_public_code",
    "normalize_gtin",
    "normalize_public_code",
    "parse_digital_link",
    "parse_element_string",
    "percent_decode",
    "percent_encode",
    "validate_gln",
    "validate_lot_code",
    "validate_serial",
]
