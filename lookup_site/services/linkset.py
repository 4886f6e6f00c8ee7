"""GS1 linksets (RFC 9264) for the Digital Link paths, and the resolver's description file.

The site is its own GS1-conformant resolver: a Digital Link URI printed in a QR code
answers with the page for a person, with the list of its links for a program
(``?linkType=linkset`` or ``Accept: application/linkset+json``), or with a redirect to
one link of a given type (``?linkType=gs1:traceability``).

Levels. A URI names a product (``/01/{gtin}``), a lot (``…/10/{lot}``) or an item
(``…/21/{serial}``). The linkset holds one context object per level, the requested
one first, then every level above it: an item's linkset carries its lot's links and
its product's. A qualifier nobody registered (an unknown lot, item or variant) is
walked up from, as GS1 asks, so a program still learns about the product; the
shopper's page for such a code stays a 404, which warns that the package may be fake.

Links. Product: the product page (``gs1:pip``), its OCOP certificate
(``gs1:certificationInfo``, the certificate part of the product page: certificate
scans are private files) and the producer's page (``gs1:locationInfo``). Lot: the lot
page (``gs1:traceability``), its EPCIS 2.0 document (``gs1:epcis``) and, for a recalled
lot, the lot page with its recall notice (``gs1:recallStatus``). Item: the item page,
where the check is counted (``gs1:pip``). Each level's default link (``gs1:defaultLink``)
is its own page, with a title and nothing else, as GS1 requires; the same page is
also given its descriptive type.

Languages. Every page answers in Vietnamese and English at the same address (``?lang=``,
then the language cookie, then Accept-Language), so each link is one object whose
``hreflang`` lists both, and its title is in the request's language.

Link types are the GS1 Web Vocabulary's URIs (``https://gs1.org/voc/pip``): the linkset
schema only accepts full URIs as relation names. Requests may name them as ``gs1:pip``
or by any of the vocabulary's URIs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote_plus

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select

from ..errors import LotNotFound
from ..extensions import db
from ..i18n import localized
from ..identifiers import DigitalLink
from ..links import lot_path, product_path, public_url
from ..models import (
    Certification,
    CertificationKind,
    CertificationStatus,
    Lot,
    LotStatus,
    Product,
    Serial,
)
from . import catalogue, lots, serials
from .clock import local_today

LINKSET_MEDIA_TYPE = "application/linkset+json"
#: GS1's JSON-LD context for linksets (resolver standard 1.2.0 artefact, immutable).
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/1.2.0/linkset-context"
JSON_LD_CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
#: ``linkType`` values that ask for the linkset; ``all`` is its name before 2024.
LINKSET_REQUESTS = ("linkset", "all")

GS1_VOCABULARY = "https://gs1.org/voc/"
#: How clients write a GS1 link type: the CURIE, or one of the vocabulary's URIs.
GS1_LINK_TYPE_PREFIXES = (
    "gs1:",
    "https://gs1.org/voc/",
    "http://gs1.org/voc/",
    "https://ref.gs1.org/voc/",
    "https://www.gs1.org/voc/",
)

DEFAULT_LINK = "defaultLink"
PIP = "pip"
CERTIFICATION_INFO = "certificationInfo"
LOCATION_INFO = "locationInfo"
TRACEABILITY = "traceability"
EPCIS = "epcis"
RECALL_STATUS = "recallStatus"
#: Every link type this resolver can answer with (the description file names the namespace).
LINK_TYPES = (
    DEFAULT_LINK,
    PIP,
    CERTIFICATION_INFO,
    LOCATION_INFO,
    TRACEABILITY,
    EPCIS,
    RECALL_STATUS,
)

HTML = "text/html"
JSON_LD = "application/ld+json"
#: The product page's element that holds the OCOP badge.
OCOP_FRAGMENT = "#ocop"


@dataclass(frozen=True)
class Link:
    """One target of a link type, with the attributes GS1 asks for."""

    link_type: str
    href: str
    title: str
    media_type: str | None = None
    hreflang: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"href": self.href, "title": self.title}
        if self.media_type:
            data["type"] = self.media_type
        if self.hreflang:
            data["hreflang"] = list(self.hreflang)
        return data


@dataclass(frozen=True)
class Level:
    """The links of one identified thing: a product, a lot or an item."""

    anchor: str
    description: str
    links: tuple[Link, ...]

    def as_json(self) -> dict[str, Any]:
        # itemDescription rather than the newer "description": GS1's model linkset and
        # its test suite read only the former as a member that is not a link type.
        data: dict[str, Any] = {"anchor": self.anchor, "itemDescription": self.description}
        for link in self.links:
            data.setdefault(GS1_VOCABULARY + link.link_type, []).append(link.as_json())
        return data


@dataclass(frozen=True)
class Linkset:
    """The levels a Digital Link URI names, the most specific one first."""

    levels: tuple[Level, ...]

    def as_json(self) -> dict[str, Any]:
        return {"linkset": [level.as_json() for level in self.levels]}

    def find(self, link_type: str) -> Link | None:
        """Return the link of that type at the most specific level that has one."""
        for level in self.levels:
            for link in level.links:
                if link.link_type == link_type:
                    return link
        return None

    @property
    def default_link(self) -> Link:
        link = self.find(DEFAULT_LINK)
        assert link is not None  # every level has one
        return link


def link_type_name(value: str) -> str | None:
    """Return the GS1 link type a ``linkType`` value names (``pip``), or None for another one."""
    for prefix in GS1_LINK_TYPE_PREFIXES:
        if value.startswith(prefix):
            name = value[len(prefix) :]
            return name if name and "/" not in name else None
    return None


def anchor_of(link: DigitalLink) -> str:
    """Return the URI a request names, without its query attributes: the linkset's subject."""
    return replace(link, attributes=()).uri()


def linkset_url(link: DigitalLink) -> str:
    return f"{anchor_of(link)}?linkType=linkset"


def linkset_for(link: DigitalLink) -> Linkset:
    """Find the most specific registered level link names, and every level above it.

    Two small queries: the item or lot (with its product and producer), then the
    product's OCOP certificates; each unknown qualifier walked up from adds one. Raises
    ProductNotFound for an unknown GTIN.
    """
    item = _find_item(link)
    lot = item.lot if item is not None else _find_lot(link)
    product = lot.product if lot is not None else catalogue.find_product_by_gtin(link.gtin or "")
    levels: list[Level] = []
    if item is not None:
        levels.append(_item_level(item, anchor_of(link)))
    if lot is not None:
        levels.append(_lot_level(lot))
    levels.append(_product_level(product))
    return Linkset(tuple(levels))


def redirect_target(href: str, query: str) -> str:
    """Return href with the request's query passed on, as GS1 asks: every pair but linkType.

    The pairs travel as the client wrote them; a fragment stays at the end.
    """
    kept = [
        pair
        for pair in query.split("&")
        if pair and unquote_plus(pair.partition("=")[0]) != "linkType"
    ]
    if not kept:
        return href
    address, hash_sign, fragment = href.partition("#")
    joiner = "&" if "?" in address else "?"
    return address + joiner + "&".join(kept) + hash_sign + fragment


def resolver_description() -> dict[str, Any]:
    """Return the document for /.well-known/gs1resolver (GS1 resolver standard, section 3)."""
    config = current_app.config
    return {
        "name": f"{config['SITE_NAME']} GS1 Digital Link resolver",
        "resolverRoot": config["PUBLIC_BASE_URL"],
        # The schema names primary keys by their AI: (01) is the GTIN.
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": GS1_VOCABULARY, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
        "jsonLdContextLocation": LINKSET_CONTEXT,
        "contact": {"fn": config["SITE_NAME"], "hasEmail": f"mailto:{config['REPORT_EMAIL']}"},
    }


def _find_item(link: DigitalLink) -> Serial | None:
    if link.serial is None or link.cpv is not None or link.gtin is None:
        return None
    try:
        return serials.find_serial(link.gtin, link.serial, lot_code=link.lot)
    except serials.SerialNotFound:
        return None


def _find_lot(link: DigitalLink) -> Lot | None:
    # Lots are not registered per variant: a lot under a variant is as unknown as the variant.
    if link.lot is None or link.cpv is not None or link.gtin is None:
        return None
    try:
        return lots.find_lot(link.gtin, link.lot)
    except LotNotFound:
        return None


def _languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def _product_level(product: Product) -> Level:
    page = public_url(product_path(product) or "")
    name = localized(product, "name")
    producer = product.producer
    links = [
        Link(DEFAULT_LINK, page, name),
        Link(PIP, page, _("%(product)s: product information", product=name), HTML, _languages()),
    ]
    ocop = _ocop_certificate(product)
    if ocop is not None:
        links.append(
            Link(CERTIFICATION_INFO, page + OCOP_FRAGMENT, _ocop_title(ocop), HTML, _languages())
        )
    links.append(
        Link(
            LOCATION_INFO,
            public_url(url_for("public.producer", producer_id=producer.id)),
            _("Producer: %(name)s", name=localized(producer, "name")),
            HTML,
            _languages(),
        )
    )
    return Level(page, name, tuple(links))


def _lot_level(lot: Lot) -> Level:
    page = public_url(lot_path(lot))
    title = _("%(product)s, lot %(code)s", product=localized(lot.product, "name"), code=lot.code)
    links = [
        Link(DEFAULT_LINK, page, title),
        Link(
            TRACEABILITY,
            page,
            _("Origin and journey of lot %(code)s", code=lot.code),
            HTML,
            _languages(),
        ),
        Link(
            EPCIS,
            public_url(url_for("public.lot_epcis", public_code=lot.public_code)),
            _("Traceability events of lot %(code)s (EPCIS 2.0)", code=lot.code),
            JSON_LD,
            _languages(),
        ),
    ]
    if lot.status is LotStatus.RECALLED:
        links.append(
            Link(
                RECALL_STATUS,
                page,
                _("Lot %(code)s is recalled: do not eat or use it", code=lot.code),
                HTML,
                _languages(),
            )
        )
    return Level(page, title, tuple(links))


def _item_level(item: Serial, anchor: str) -> Level:
    title = _(
        "%(product)s, item code %(serial)s",
        product=localized(item.lot.product, "name"),
        serial=item.serial,
    )
    links = (
        Link(DEFAULT_LINK, anchor, title),
        Link(
            PIP,
            anchor,
            _("Product information and checks of item code %(serial)s", serial=item.serial),
            HTML,
            _languages(),
        ),
    )
    return Level(anchor, title, links)


def _ocop_certificate(product: Product) -> Certification | None:
    """The OCOP certificate the product page shows, unless it is only an application."""
    certifications = db.session.scalars(
        select(Certification).where(
            Certification.kind == CertificationKind.OCOP,
            or_(
                Certification.product_id == product.id,
                Certification.producer_id == product.producer_id,
            ),
        )
    )
    today = local_today()
    best = catalogue.best_ocop(list(certifications), today)
    if best is None or best.status_on(today) is CertificationStatus.PENDING:
        return None
    return best


def _ocop_title(certification: Certification) -> str:
    status = certification.status_on(local_today())
    if status is CertificationStatus.EXPIRED:
        return _("OCOP certificate expired")
    if status is CertificationStatus.REVOKED:
        return _("OCOP certificate revoked")
    if certification.ocop_stars:
        stars = certification.ocop_stars
        return ngettext("OCOP %(num)s star", "OCOP %(num)s stars", stars)
    return _("OCOP certificate")
