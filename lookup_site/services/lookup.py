"""Turn what a shopper typed or pasted into the item, lot or product it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _

from .. import identifiers
from ..errors import EmptyLookup, InvalidInput, UnrecognisedLookup
from ..identifiers.public_code import ALPHABET, PUBLIC_CODE_LENGTH
from ..models import Lot, Product, Serial
from . import catalogue, lots, serials

GTIN_LIKE = re.compile(r"\d{8}|\d{12,14}")
# A lot's page, or its QR image (a shopper may paste the image's address too).
SHORT_CODE_PATH = re.compile(r"/t/([^/?#]+)(?:/qr\.(?:svg|png))?/?$")
ITEM_CODE_PATH = re.compile(r"/t/([^/?#]+)/([^/?#]+)/?$")
# Spaces and hyphens are layout only, in a lot's short code and in an item's code alike.
LAYOUT = re.compile(r"[\s-]")
# Every serial this site issues has SERIAL_LENGTH Crockford characters, so an item's
# printed code (K7QM-4XZ2-7HG3KQ9M2XTB) is always this long once the layout is gone.
ITEM_CODE_LENGTH = PUBLIC_CODE_LENGTH + serials.SERIAL_LENGTH
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


class InvalidShortCode(InvalidInput):
    """Typed text longer than a lot's short code that is not an item's code either."""

    reason = "invalid_short_code"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.message = message


@dataclass(frozen=True)
class LookupResult:
    lot: Lot | None = None
    product: Product | None = None
    # Set when the text names one item (a serial): its page is where the shopper goes.
    item: Serial | None = None


def resolve(text: str) -> LookupResult:
    """Find an item, lot or product from a short code, a URL or a GS1 element string.

    Raises EmptyLookup, UnrecognisedLookup, InvalidShortCode, an identifiers error for
    a malformed code, LotNotFound/ProductNotFound for a well-formed unknown one, or
    SerialNotFound for an unknown item of a registered lot or product.
    """
    text = (text or "").strip()
    if not text:
        raise EmptyLookup("Nothing to look up")
    if "://" in text or text.startswith("/"):
        return _resolve_url(text)
    if text.startswith("(") or text.startswith("^"):
        return _resolve_ais(identifiers.parse_element_string(text))
    compact = LAYOUT.sub("", text)
    # Digits only is a GTIN: a lot's short code is never all digits (see lots.create_lot),
    # so neither is an item's code, which starts with it.
    if compact.isdigit() and GTIN_LIKE.fullmatch(compact):
        gtin = identifiers.normalize_gtin(compact)
        return LookupResult(product=catalogue.find_product_by_gtin(gtin))
    if compact.isdigit():
        # Digits only, but not a GTIN length: let the GTIN rules say what is wrong.
        identifiers.normalize_gtin(compact)
    if len(compact) > PUBLIC_CODE_LENGTH:
        return _resolve_item_code(compact)
    public_code = identifiers.normalize_public_code(text)
    return LookupResult(lot=lots.find_lot_by_public_code(public_code))


def _resolve_item_code(compact: str) -> LookupResult:
    """Find an item by its printed code: the lot's 8 characters, then the serial.

    The layout is ignored rather than split on: the lot's own code is printed with a
    hyphen too (K7QM-4XZ2-…), and a shopper may type the hyphens anywhere or not at all.
    The length alone tells where the lot's code ends.
    """
    if len(compact) != ITEM_CODE_LENGTH:
        raise _invalid_short_code(compact)
    public_code = identifiers.normalize_public_code(compact[:PUBLIC_CODE_LENGTH])
    # Serials are Crockford base32 like the lot's code: read them the same forgiving way.
    serial = compact[PUBLIC_CODE_LENGTH:].upper().translate(_LOOKALIKES)
    if any(char not in ALPHABET for char in serial):
        raise _invalid_short_code(compact)
    lot = lots.find_lot_by_public_code(public_code)
    return _item_result(serials.find_serial_by_public_code(lot.public_code, serial))


def _invalid_short_code(compact: str) -> InvalidShortCode:
    return InvalidShortCode(
        _(
            "A short code has 8 letters and digits, for example K7QM-4XZ2, and an item's "
            "code has 20, for example K7QM-4XZ2-7HG3KQ9M2XTB. Type it as printed under "
            "the QR code."
        ),
        value=compact,
    )


def _item_result(item: Serial) -> LookupResult:
    return LookupResult(item=item, lot=item.lot, product=item.lot.product)


def _resolve_url(text: str) -> LookupResult:
    if text.startswith("/"):
        text = "https://lookup.invalid" + text
    path = urlsplit(text).path
    short = SHORT_CODE_PATH.search(path)
    if short:
        public_code = identifiers.normalize_public_code(short.group(1))
        return LookupResult(lot=lots.find_lot_by_public_code(public_code))
    item = ITEM_CODE_PATH.search(path)
    if item:
        public_code = identifiers.normalize_public_code(item.group(1))
        serial = identifiers.validate_serial(identifiers.percent_decode(item.group(2)))
        lot = lots.find_lot_by_public_code(public_code)
        return _item_result(serials.find_serial_by_public_code(lot.public_code, serial))
    try:
        link = identifiers.parse_digital_link(text)
    except identifiers.InvalidDigitalLink:
        # Shoppers paste what their scanner shows: accept a short GTIN or a
        # trailing slash here, as the resolver does by redirecting.
        link = identifiers.parse_digital_link(text.rstrip("/"), permit_zero_suppressed_gtin=True)
    return _resolve_ais(list(link.ais))


def _resolve_ais(ais: list[tuple[str, str]]) -> LookupResult:
    values = dict(ais)
    gtin = values.get("01")
    if not gtin:
        raise UnrecognisedLookup("The code names no product (GTIN)")
    gtin = identifiers.normalize_gtin(gtin)
    lot_code = values.get("10")
    if "21" in values:
        # An unknown lot or product is "not registered"; an unknown item of a real one
        # is the counterfeit warning.
        if lot_code is not None:
            lots.find_lot(gtin, lot_code)
        else:
            catalogue.find_product_by_gtin(gtin)
        serial = identifiers.validate_serial(values["21"])
        return _item_result(serials.find_serial(gtin, serial, lot_code=lot_code))
    if lot_code is not None:
        return LookupResult(lot=lots.find_lot(gtin, lot_code))
    return LookupResult(product=catalogue.find_product_by_gtin(gtin))
