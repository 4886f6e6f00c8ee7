"""Lots and their inputs: list, read, register, change while unpublished, link inputs."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..errors import LotNotFound, NotFound
from ..extensions import db
from ..models import Event, Lot, LotInput, LotStatus, Product
from ..services import diary, ownership
from . import bodies, bp, paging
from . import representations as show
from .auth import caller, checked_id
from .problems import Issue, Problem, attempt
from .products import own_product


def own_lot(lot_id: int) -> Lot:
    """One of the caller's lots, or 404 for any other id."""
    try:
        return ownership.own_lot(caller().producer, checked_id(lot_id))
    except NotFound:
        raise Problem(
            404, "lot_not_found", lambda: _("Your facility has no lot %(id)s.", id=lot_id)
        ) from None


def _inputs(lots: list[Lot]) -> dict[int, list[LotInput]]:
    links = db.session.scalars(
        select(LotInput)
        .where(LotInput.output_lot_id.in_([lot.id for lot in lots]))
        .options(joinedload(LotInput.input_lot).joinedload(Lot.product))
        .order_by(LotInput.id)
    )
    found: dict[int, list[LotInput]] = {}
    for link in links:
        found.setdefault(link.output_lot_id, []).append(link)
    return found


def _locked(lots: list[Lot]) -> set[int]:
    """The lots with published diary entries: their details can no longer change."""
    return set(
        db.session.scalars(
            select(Event.lot_id).where(Event.lot_id.in_([lot.id for lot in lots])).distinct()
        )
    )


def _shown(lots: list[Lot]) -> list[dict[str, Any]]:
    inputs, locked = _inputs(lots), _locked(lots)
    return [show.lot(lot, inputs.get(lot.id, []), lot.id in locked) for lot in lots]


def _answer(lot: Lot, status: int = 200):
    response = jsonify(_shown([lot])[0])
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("api.lot", lot_id=lot.id)
    return response


def _lot_fields(values: dict[str, Any], lot: Lot | None = None) -> diary.LotFields:
    """The service's lot details: the body's members, the others as they are now."""

    def value(name: str, default: Any = None) -> Any:
        return values[name] if name in values else getattr(lot, name, default)

    return diary.LotFields(
        production_date=value("production_date"),
        packing_date=value("packing_date"),
        best_before=value("best_before"),
        best_before_is_expiry=bool(value("best_before_is_expiry", False)),
        quantity=value("quantity"),
        quantity_unit=value("quantity_unit"),
    )


@bp.get("/lots")
def lots():
    params = bodies.query(("product_id", "status", "code"))
    query = (
        select(Lot)
        .join(Lot.product)
        .where(Product.producer_id == caller().producer.id)
        .options(joinedload(Lot.product))
    )
    if "product_id" in params:
        query = query.where(Lot.product_id == own_product(params["product_id"]).id)
    if "status" in params:
        query = query.where(Lot.status == LotStatus(params["status"]))
    if "code" in params:
        query = query.where(Lot.code == params["code"].strip())
    page = paging.fetch(query, Lot.id, lambda lot: lot.id)
    return paging.respond(page, _shown(page.rows))


@bp.post("/lots")
def create_lot():
    producer = caller().producer
    values = bodies.json_body("LotCreate")
    try:
        product = ownership.own_product(producer, values["product_id"])
    except NotFound:
        product_id = values["product_id"]

        def text() -> str:
            return _("Your facility has no product %(id)s.", id=product_id)

        raise Problem(422, "product_not_found", text, [Issue("product_id", text)]) from None
    fields = _lot_fields(values)
    lot = attempt(lambda: diary.register_lot(product, values["code"], fields), field="code")
    db.session.commit()
    return _answer(lot, 201)


@bp.get("/lots/<int:lot_id>")
def lot(lot_id: int):
    return _answer(own_lot(lot_id))


@bp.patch("/lots/<int:lot_id>")
def update_lot(lot_id: int):
    lot = own_lot(lot_id)
    values = bodies.json_body("LotUpdate")
    code, fields = values.get("code", lot.code), _lot_fields(values, lot)
    attempt(lambda: diary.update_lot(lot, code, fields), field="code")
    db.session.commit()
    return _answer(lot)


@bp.post("/lots/<int:lot_id>/inputs")
def add_input(lot_id: int):
    lot = own_lot(lot_id)
    values = bodies.json_body("LotInputCreate")
    link = attempt(
        lambda: diary.declare_input(
            lot, values["reference"], values.get("quantity"), values.get("quantity_unit")
        ),
        field="reference",
    )
    db.session.commit()
    response = jsonify(show.lot_input(link))
    response.status_code = 201
    return response


@bp.delete("/lots/<int:lot_id>/inputs/<int:input_id>")
def remove_input(lot_id: int, input_id: int):
    lot = own_lot(lot_id)
    try:
        # A published lot's refusal (LotLocked) goes on to the blueprint's handler: 409.
        diary.remove_input(lot, checked_id(input_id))
    except LotNotFound:
        db.session.rollback()
        raise Problem(
            404,
            "input_not_found",
            lambda: _("This lot has no input %(id)s.", id=input_id),
        ) from None
    db.session.commit()
    return "", 204
