"""A producer's master data: the facility profile, products and certificates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from .. import identifiers
from ..errors import InvalidInput
from ..extensions import db
from ..messages import describe
from ..models import (
    Certification,
    CertificationKind,
    GrantingLevel,
    Lot,
    MediaFile,
    Producer,
    Product,
    User,
)
from ..models.certification import OCOP_VALIDITY_MONTHS, add_months
from . import media, readiness
from .clock import local_today

PRODUCT_FIELDS = (
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "ocop_group",
    "gtin",
    "net_content",
    "net_content_unit",
    "brand",
    "standards",
    "shelf_life_days",
)
FACILITY_FIELDS = (
    "name_vi",
    "name_en",
    "legal_form",
    "tax_code",
    "street",
    "commune",
    "province",
    "former_district",
    "phone",
    "email",
    "website",
    "gln",
    "latitude",
    "longitude",
    "description_vi",
    "description_en",
)
CERTIFICATION_FIELDS = (
    "kind",
    "name_vi",
    "name_en",
    "ocop_stars",
    "granting_level",
    "number",
    "issuer",
    "issued_on",
    "valid_until",
    "revoked_on",
    "notes",
)
# Districts were abolished on 1 Jul 2025; since then the province grants 3★ and 4★.
DISTRICTS_ABOLISHED = date(2025, 7, 1)


class FieldError(InvalidInput):
    """Input refused for one form field, with the explanation to show next to it."""

    reason = "invalid_field"

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(message, field=field, **params)
        self.field = field
        self.message = message


class GtinTaken(FieldError):
    reason = "gtin_taken"


class GtinLocked(FieldError):
    reason = "gtin_locked"


class GlnTaken(FieldError):
    reason = "gln_taken"


def _pick(fields: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Keep the known fields, with blank strings stored as NULL."""
    picked = {}
    for name in names:
        if name in fields:
            value = fields[name]
            if isinstance(value, str):
                value = value.strip() or None
            picked[name] = value
    return picked


def _current(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _flush(error: FieldError) -> None:
    """Flush, turning a lost race on a unique column into the field's message."""
    try:
        db.session.flush()
    except IntegrityError as integrity:
        db.session.rollback()
        raise error from integrity


# Products ---------------------------------------------------------------------------------------


def _gtin(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return identifiers.normalize_gtin(value)
    except identifiers.IdentifierError as error:
        raise FieldError("gtin", describe(error)) from error


def _gtin_taken(gtin: str) -> GtinTaken:
    return GtinTaken(
        "gtin",
        _(
            "The product code (GTIN) %(gtin)s is already registered for another product on "
            "this site. Each GTIN identifies one product: check the digits under your barcode.",
            gtin=gtin,
        ),
        gtin=gtin,
    )


def _check_gtin(product: Product | None, gtin: str | None) -> None:
    """Refuse a GTIN used by another product, or a change once lots carry the old one."""
    current = product.gtin if product is not None else None
    if gtin == current:
        return
    if current is not None and lot_count(product) > 0:
        # GS1: a GTIN is not reallocated; labels already printed carry this one.
        raise GtinLocked(
            "gtin",
            _(
                "This product already has lots whose labels carry the product code "
                "%(gtin)s, so it cannot change: a GTIN, once used, stays with its product. "
                "If the product itself changed, register it as a new product.",
                gtin=current,
            ),
            gtin=current,
        )
    if gtin is not None:
        query = select(Product.id).where(Product.gtin == gtin)
        if product is not None:
            query = query.where(Product.id != product.id)
        if db.session.scalar(query):
            raise _gtin_taken(gtin)


def _check_net_content(fields: Mapping[str, Any]) -> None:
    amount, unit = fields.get("net_content"), fields.get("net_content_unit")
    if amount is not None and not unit:
        raise FieldError("net_content_unit", _("Choose the unit of the net content."))
    if unit and amount is None:
        raise FieldError("net_content", _("Enter the net content, or leave the unit empty."))


def _save_image(producer: Producer, upload: FileStorage, uploaded_by: User | None) -> MediaFile:
    try:
        return media.save_image(upload, producer, uploaded_by)
    except media.MediaError as error:
        raise FieldError("photo", describe(error)) from error


def _save_document(producer: Producer, upload: FileStorage, uploaded_by: User | None) -> MediaFile:
    try:
        return media.save_document(upload, producer, uploaded_by)
    except media.MediaError as error:
        raise FieldError("scan", describe(error)) from error


def _has_upload(upload: FileStorage | None) -> bool:
    return upload is not None and bool(upload.filename)


def create_product(
    producer: Producer,
    fields: Mapping[str, Any],
    *,
    photo: FileStorage | None = None,
    uploaded_by: User | None = None,
) -> Product:
    """Register a product of producer; the GTIN is stored as GTIN-14 and must be unused."""
    values = _pick(fields, PRODUCT_FIELDS)
    if not values.get("name_vi"):
        raise FieldError("name_vi", _("Enter the product's name in Vietnamese."))
    values["gtin"] = _gtin(values.get("gtin"))
    _check_gtin(None, values["gtin"])
    _check_net_content(values)
    if _has_upload(photo):
        values["image_media"] = _save_image(producer, photo, uploaded_by)
    product = Product(producer=producer, **values)
    db.session.add(product)
    _flush(_gtin_taken(values["gtin"] or ""))
    return product


def update_product(
    product: Product,
    fields: Mapping[str, Any],
    *,
    photo: FileStorage | None = None,
    remove_photo: bool = False,
    uploaded_by: User | None = None,
) -> Product:
    """Change a product's details; its GTIN is frozen once it has lots."""
    values = _pick(fields, PRODUCT_FIELDS)
    if "name_vi" in values and not values["name_vi"]:
        raise FieldError("name_vi", _("Enter the product's name in Vietnamese."))
    if "gtin" in values:
        values["gtin"] = _gtin(values["gtin"])
        _check_gtin(product, values["gtin"])
    _check_net_content({**_current(product, PRODUCT_FIELDS), **values})
    new_image = _save_image(product.producer, photo, uploaded_by) if _has_upload(photo) else None
    for name, value in values.items():
        setattr(product, name, value)
    if new_image is not None:
        product.image_media = new_image
    elif remove_photo:
        product.image_media = None
        product.image = None
    _flush(_gtin_taken(product.gtin or ""))
    return product


def lot_count(product: Product) -> int:
    return db.session.scalar(select(func.count(Lot.id)).where(Lot.product_id == product.id)) or 0


@dataclass
class ProductRow:
    """One line of the product list."""

    product: Product
    readiness: readiness.Readiness

    @property
    def lot_count(self) -> int:
        return self.readiness.lot_count


def product_list(producer: Producer) -> list[ProductRow]:
    """The facility's products by name, each with its lot count and readiness."""
    products = list(
        db.session.scalars(
            select(Product)
            .where(Product.producer_id == producer.id)
            .order_by(Product.name_vi, Product.id)
        )
    )
    results = readiness.readiness_of(products)
    return [ProductRow(product, results[product.id]) for product in products]


@dataclass
class ProductDetail:
    product: Product
    lots: list[Lot]
    certifications: list[Certification]
    readiness: readiness.Readiness
    today: date


def product_detail(product: Product) -> ProductDetail:
    """Everything the workspace's product page shows."""
    lots = list(
        db.session.scalars(
            select(Lot).where(Lot.product_id == product.id).order_by(Lot.id.desc()).limit(50)
        )
    )
    certifications = list(
        db.session.scalars(
            select(Certification)
            .where(Certification.product_id == product.id)
            .order_by(Certification.kind, Certification.issued_on.desc(), Certification.id)
        )
    )
    return ProductDetail(
        product=product,
        lots=lots,
        certifications=certifications,
        readiness=readiness.readiness_of([product])[product.id],
        today=local_today(),
    )


# The facility -----------------------------------------------------------------------------------


def update_facility(producer: Producer, fields: Mapping[str, Any]) -> Producer:
    """Change the facility's profile; its GLN must be valid and unused."""
    values = _pick(fields, FACILITY_FIELDS)
    for name, message in (
        ("name_vi", _("Enter the facility's name in Vietnamese.")),
        ("commune", _("Enter the commune or ward.")),
        ("province", _("Enter the province or city.")),
    ):
        if name in values and not values[name]:
            raise FieldError(name, message)
    gln = values.get("gln")
    if gln is not None:
        try:
            gln = values["gln"] = identifiers.validate_gln(gln)
        except identifiers.IdentifierError as error:
            raise FieldError("gln", describe(error)) from error
    taken = GlnTaken(
        "gln",
        _(
            "The location number (GLN) %(gln)s is already registered for another facility. "
            "Check the number your GS1 membership gave you.",
            gln=gln or "",
        ),
        gln=gln,
    )
    if gln is not None and gln != producer.gln:
        if db.session.scalar(
            select(Producer.id).where(Producer.gln == gln, Producer.id != producer.id)
        ):
            raise taken
    place = {**_current(producer, ("latitude", "longitude")), **values}
    if (place["latitude"] is None) != (place["longitude"] is None):
        missing = "latitude" if place["latitude"] is None else "longitude"
        raise FieldError(missing, _("Enter both the latitude and the longitude, or neither."))
    for name, value in values.items():
        setattr(producer, name, value)
    _flush(taken)
    return producer


def facility_certifications(producer: Producer) -> list[Certification]:
    return list(
        db.session.scalars(
            select(Certification)
            .where(Certification.producer_id == producer.id)
            .order_by(Certification.kind, Certification.issued_on.desc(), Certification.id)
        )
    )


# Certificates -----------------------------------------------------------------------------------


def _check_certification(values: dict[str, Any]) -> None:
    """Apply the rules between a certificate's fields; values are changed in place."""
    kind = values["kind"]
    if kind is CertificationKind.OCOP:
        if values.get("issued_on") and not values.get("ocop_stars"):
            raise FieldError("ocop_stars", _("Enter the number of stars on the OCOP certificate."))
    else:
        for name in ("ocop_stars", "granting_level"):
            if values.get(name):
                raise FieldError(
                    name, _("Stars and the granting level apply to OCOP certificates only.")
                )
            values[name] = None
    if kind is CertificationKind.OTHER and not (values.get("name_vi") or values.get("name_en")):
        raise FieldError("name_vi", _("Name the certificate: what does it certify?"))
    stars = values.get("ocop_stars")
    if stars is not None and not 1 <= stars <= 5:
        raise FieldError("ocop_stars", _("An OCOP rating has 1 to 5 stars."))
    issued, until, revoked = (
        values.get("issued_on"),
        values.get("valid_until"),
        values.get("revoked_on"),
    )
    if until and issued and until < issued:
        raise FieldError("valid_until", _("The certificate cannot expire before it was issued."))
    if revoked and not issued:
        raise FieldError(
            "revoked_on",
            _("An application still pending cannot be revoked: enter the issue date first."),
        )
    if revoked and issued and revoked < issued:
        raise FieldError("revoked_on", _("The certificate cannot be revoked before it was issued."))


def certification_warnings(certification: Certification) -> list[str]:
    """Point out what looks unusual about an OCOP certificate, without refusing it."""
    if certification.kind is not CertificationKind.OCOP:
        return []
    stars, level, issued = (
        certification.ocop_stars,
        certification.granting_level,
        certification.issued_on,
    )
    warnings = []
    if level is GrantingLevel.DISTRICT and issued and issued >= DISTRICTS_ABOLISHED:
        warnings.append(
            _(
                "Districts no longer grant OCOP certificates since 1 July 2025: 3 and 4 stars "
                "are granted by the province or city. Check the granting level and the issue "
                "date."
            )
        )
    elif level is GrantingLevel.DISTRICT and stars and stars > 3:
        warnings.append(
            _("A district granted only 3-star OCOP ratings: 4 stars come from the province.")
        )
    if stars == 5 and level not in (None, GrantingLevel.CENTRAL):
        warnings.append(_("A 5-star OCOP rating is granted by the central government."))
    if (
        issued
        and certification.valid_until
        and certification.valid_until > add_months(issued, OCOP_VALIDITY_MONTHS)
    ):
        warnings.append(
            _(
                "An OCOP certificate is valid for %(months)s months from its issue date; the "
                "date entered is later. Check the certificate.",
                months=OCOP_VALIDITY_MONTHS,
            )
        )
    return warnings


def create_certification(
    producer: Producer,
    product: Product | None,
    fields: Mapping[str, Any],
    *,
    scan: FileStorage | None = None,
    uploaded_by: User | None = None,
) -> Certification:
    """Record a certificate of product, or of the facility when product is None."""
    values = _pick(fields, CERTIFICATION_FIELDS)
    if values.get("kind") is None:
        raise FieldError("kind", _("Choose the kind of certificate."))
    _check_certification(values)
    if _has_upload(scan):
        values["document"] = _save_document(producer, scan, uploaded_by)
    holder = {"product": product} if product is not None else {"producer": producer}
    # The model fills in an OCOP certificate's 36-month validity.
    certification = Certification(**holder, **values)
    db.session.add(certification)
    db.session.flush()
    return certification


def update_certification(
    certification: Certification,
    fields: Mapping[str, Any],
    *,
    scan: FileStorage | None = None,
    remove_scan: bool = False,
    uploaded_by: User | None = None,
) -> Certification:
    """Change a certificate; an OCOP validity left as computed follows a new issue date."""
    values = {
        **_current(certification, CERTIFICATION_FIELDS),
        **_pick(fields, CERTIFICATION_FIELDS),
    }
    if values.get("kind") is None:
        raise FieldError("kind", _("Choose the kind of certificate."))
    _check_certification(values)
    old_issued = certification.issued_on
    issued, until = values.get("issued_on"), values.get("valid_until")
    if values["kind"] is CertificationKind.OCOP and issued:
        computed_before = old_issued and add_months(old_issued, OCOP_VALIDITY_MONTHS)
        if until is None or (issued != old_issued and until == computed_before):
            values["valid_until"] = add_months(issued, OCOP_VALIDITY_MONTHS)
    producer = certification.producer or certification.product.producer
    new_document = _save_document(producer, scan, uploaded_by) if _has_upload(scan) else None
    for name, value in values.items():
        setattr(certification, name, value)
    if new_document is not None:
        certification.document = new_document
    elif remove_scan:
        certification.document = None
    db.session.flush()
    return certification


def delete_certification(certification: Certification) -> None:
    """Remove a certificate entered by mistake (a withdrawn one is marked revoked instead)."""
    db.session.delete(certification)
    db.session.flush()
