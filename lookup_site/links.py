"""URLs for lots and products: relative ones for pages, absolute ones for print."""

from __future__ import annotations

from flask import current_app, url_for

from . import identifiers
from .models import Lot, Product


def lot_path(lot: Lot) -> str:
    """Return the lot's site-relative URL: its Digital Link path, or the short-code path."""
    gtin = lot.product.gtin
    if gtin:
        return f"/01/{gtin}/10/{identifiers.percent_encode(lot.code)}"
    return url_for("public.lot_by_code", public_code=lot.public_code)


def product_path(product: Product) -> str | None:
    if product.gtin:
        return f"/01/{product.gtin}"
    return None


def public_url(path: str) -> str:
    """Prefix a site path with the configured public base (printed codes outlive hosts)."""
    return current_app.config["PUBLIC_BASE_URL"] + path


def lot_qr_url(lot: Lot) -> str:
    """The URL a lot's QR code encodes: canonical, absolute, with no language in it."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if lot.product.gtin:
        return identifiers.build_digital_link(base, lot.product.gtin, lot=lot.code)
    return base + f"/t/{lot.public_code}"
