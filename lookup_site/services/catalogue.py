"""Products and producers as the public pages show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..errors import ProducerNotFound, ProductNotFound
from ..extensions import db
from ..models import Certification, CertificationKind, CertificationStatus, Lot, Producer, Product
from .clock import local_today


def best_ocop(certifications: list[Certification], today: date) -> Certification | None:
    """Pick the OCOP certificate to show: a valid one first, then the newest."""
    rank = {
        CertificationStatus.VALID: 0,
        CertificationStatus.EXPIRED: 1,
        CertificationStatus.PENDING: 2,
        CertificationStatus.REVOKED: 3,
    }
    ocop = [c for c in certifications if c.kind == CertificationKind.OCOP]
    ocop.sort(key=lambda c: (rank[c.status_on(today)], -(c.issued_on or date.min).toordinal()))
    return ocop[0] if ocop else None


@dataclass
class ProductPage:
    product: Product
    lots: list[Lot]
    certifications: list[Certification]
    today: date

    @property
    def ocop(self) -> Certification | None:
        return best_ocop(self.certifications, self.today)


def find_product_by_gtin(gtin14: str) -> Product:
    product = db.session.scalar(
        select(Product)
        .where(Product.gtin == gtin14)
        .options(joinedload(Product.producer), joinedload(Product.image_media))
    )
    if product is None:
        raise ProductNotFound(f"No product with GTIN {gtin14}", gtin=gtin14)
    return product


def product_page(product: Product) -> ProductPage:
    lots = list(
        db.session.scalars(
            select(Lot)
            .where(Lot.product_id == product.id)
            .order_by(Lot.production_date.desc(), Lot.id.desc())
        )
    )
    for lot in lots:
        lot.product = product  # already loaded: keep the template from asking again
    certifications = list(
        db.session.scalars(
            select(Certification).where(
                or_(
                    Certification.product_id == product.id,
                    Certification.producer_id == product.producer_id,
                )
            )
        )
    )
    return ProductPage(product, lots, certifications, local_today())


@dataclass
class ProducerPage:
    producer: Producer
    products: list[Product]
    certifications: list[Certification]
    today: date

    def ocop_of(self, product: Product) -> Certification | None:
        return best_ocop([c for c in self.certifications if c.product_id == product.id], self.today)


def producer_page(producer_id: int) -> ProducerPage:
    producer = db.session.get(Producer, producer_id)
    if producer is None:
        raise ProducerNotFound(f"No producer {producer_id}", producer_id=producer_id)
    products = list(
        db.session.scalars(
            select(Product)
            .where(Product.producer_id == producer.id)
            .options(selectinload(Product.lots))
            .order_by(Product.name_vi)
        )
    )
    product_ids = [product.id for product in products]
    certifications = list(
        db.session.scalars(
            select(Certification).where(
                or_(
                    Certification.producer_id == producer.id,
                    Certification.product_id.in_(product_ids),
                )
            )
        )
    )
    return ProducerPage(producer, products, certifications, local_today())
