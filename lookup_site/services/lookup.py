"""Turn what a shopper typed or pasted into the lot or product it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .. import identifiers
from ..errors import EmptyLookup, UnrecognisedLookup
from ..models import Lot, Product
from . import catalogue, lots

GTIN_LIKE = re.compile(r"\d{8}|\d{12,14}")
SHORT_CODE_PATH = re.compile(r"/t/([^/?#]+)/?$")


@dataclass(frozen=True)
class LookupResult:
    lot: Lot | None = None
    product: Product | None = None


def resolve(text: str) -> LookupResult:
    """Find a lot or product from a short code, a URL or a GS1 element string.

    Raises EmptyLookup, UnrecognisedLookup, an identifiers error for a
    malformed code, or LotNotFound/ProductNotFound for a well-formed unknown one.
    """
    text = (text or "").strip()
    if not text:
        raise EmptyLookup("Nothing to look up")
    if "://" in text or text.startswith("/"):
        return _resolve_url(text)
    if text.startswith("(") or text.startswith("^"):
        return _resolve_ais(identifiers.parse_element_string(text))
    compact = re.sub(r"[\s-]", "", text)
    if compact.isdigit() and GTIN_LIKE.fullmatch(compact):
        gtin = identifiers.normalize_gtin(compact)
        return LookupResult(product=catalogue.find_product_by_gtin(gtin))
    if compact.isdigit():
        # Digits only, but not a GTIN length: let the GTIN rules say what is wrong.
        identifiers.normalize_gtin(compact)
    public_code = identifiers.normalize_public_code(text)
    return LookupResult(lot=lots.find_lot_by_public_code(public_code))


def _resolve_url(text: str) -> LookupResult:
    if text.startswith("/"):
        text = "https://lookup.invalid" + text
    path = urlsplit(text).path
    short = SHORT_CODE_PATH.search(path)
    if short:
        public_code = identifiers.normalize_public_code(short.group(1))
        return LookupResult(lot=lots.find_lot_by_public_code(public_code))
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
    if "10" in values:
        return LookupResult(lot=lots.find_lot(gtin, values["10"]))
    return LookupResult(product=catalogue.find_product_by_gtin(gtin))
