"""Products: list, read, register, change."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import NotFound
from ..extensions import db
from ..models import Lot, OcopGroup, Product
from ..services import ownership
from ..services import products as product_service
from . import bodies, bp, paging
from . import representations as show
from .auth import caller, checked_id
from .problems import Problem, attempt


def own_product(product_id: int) -> Product:
    """One of the caller's products, or 404 for any other id."""
    try:
        return ownership.own_product(caller().producer, checked_id(product_id))
    except NotFound:
        raise Problem(
            404,
            "product_not_found",
            lambda: _("Your facility has no product %(id)s.", id=product_id),
        ) from None


def _lot_counts(products: list[Product]) -> dict[int, int]:
    ids = [product.id for product in products]
    return dict(
        db.session.execute(
            select(Lot.product_id, func.count(Lot.id))
            .where(Lot.product_id.in_(ids))
            .group_by(Lot.product_id)
        ).all()
    )


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """The body as the service takes it: the OCOP group as its enum."""
    if body.get("ocop_group") is not None:
        body["ocop_group"] = OcopGroup(body["ocop_group"])
    return body


def _answer(product: Product, status: int = 200):
    response = jsonify(show.product(product, product_service.lot_count(product)))
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("api.product", product_id=product.id)
    return response


@bp.get("/products")
def products():
    query = select(Product).where(Product.producer_id == caller().producer.id)
    page = paging.fetch(query, Product.id, lambda product: product.id)
    counts = _lot_counts(page.rows)
    return paging.respond(page, [show.product(p, counts.get(p.id, 0)) for p in page.rows])


@bp.post("/products")
def create_product():
    producer = caller().producer
    fields = _fields(bodies.json_body("ProductCreate"))
    product = attempt(lambda: product_service.create_product(producer, fields))
    db.session.commit()
    return _answer(product, 201)


@bp.get("/products/<int:product_id>")
def product(product_id: int):
    return _answer(own_product(product_id))


@bp.patch("/products/<int:product_id>")
def update_product(product_id: int):
    product = own_product(product_id)
    fields = _fields(bodies.json_body("ProductUpdate"))
    attempt(lambda: product_service.update_product(product, fields))
    db.session.commit()
    return _answer(product)
