"""The province a shopper may choose to share for one counted check of an item.

Nothing finer than a province is ever asked for or kept. The item's page hands out a
signed token naming only the scan it just recorded; posting it back with a province
sets that scan's province once, adds it to the lot's place rollup, and flags the item
when another shared check of it came from far away within a few hours: one printed
code checked in Hà Nội and in Cà Mau the same morning has been copied.

The token is the whole protection of the form (shoppers have no session, so there is
no CSRF token to check): it lets one province be set, once, for one scan, within
PLACE_TOKEN_MAX_AGE seconds, and every scan is itself behind the check-count limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased, joinedload

from .. import provinces
from ..errors import InvalidInput
from ..extensions import db
from ..models import Lot, Product, Scan, ScanPlace, Serial
from ..models.base import utcnow
from . import rollups, serials

# Signatures made for another purpose with the same SECRET_KEY never pass for this one.
TOKEN_SALT = "scan-place"


class PlaceRefused(InvalidInput):
    """A shared province that was not recorded, with the sentence to show the shopper."""

    reason = "place_refused"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.message = message


class PlaceTokenInvalid(PlaceRefused):
    reason = "place_token_invalid"


class PlaceTokenExpired(PlaceRefused):
    reason = "place_token_expired"


class UnknownProvince(PlaceRefused):
    """The token was good: the form may be shown again with it."""

    reason = "unknown_province"


@dataclass(frozen=True)
class SharedPlace:
    item: Serial
    # False when this scan's province had been shared already: nothing changed.
    recorded: bool


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def place_token(scan_id: int) -> str:
    """Sign the id of the scan a page just recorded, for its share-your-province form."""
    return _serializer().dumps(scan_id)


def _scan_id(token: str) -> int:
    try:
        scan_id = _serializer().loads(token, max_age=current_app.config["PLACE_TOKEN_MAX_AGE"])
    except SignatureExpired as expired:
        raise PlaceTokenExpired(
            _("The form to share your province has expired. Nothing was recorded.")
        ) from expired
    except BadSignature as bad:
        raise _invalid_token() from bad
    if not isinstance(scan_id, int) or isinstance(scan_id, bool):
        raise _invalid_token()
    return scan_id


def _invalid_token() -> PlaceTokenInvalid:
    return PlaceTokenInvalid(
        _("The form to share your province could not be read. Nothing was recorded.")
    )


def share_place(token: str, province_code: str) -> SharedPlace:
    """Record the province a shopper shared for the scan the token names.

    Raises PlaceTokenExpired, PlaceTokenInvalid or UnknownProvince, changing nothing.
    A second post of the same token (a reload, a double tap) changes nothing either.
    """
    scan_id = _scan_id(token or "")
    province = provinces.get((province_code or "").strip())
    if province is None:
        raise UnknownProvince(_("Choose your province from the list, then press the button."))
    scan = db.session.get(Scan, scan_id)
    if scan is None:
        raise _invalid_token()
    item = db.session.scalar(
        select(Serial)
        .options(joinedload(Serial.lot).joinedload(Lot.product).joinedload(Product.producer))
        .where(Serial.id == scan.serial_id)
    )
    # The guard makes "once" hold under concurrent posts too: only one UPDATE matches.
    recorded = db.session.execute(
        update(Scan)
        .where(Scan.id == scan.id, Scan.province.is_(None))
        .values(province=province.code),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not recorded:
        return SharedPlace(item=item, recorded=False)
    rollups.add_to(
        ScanPlace,
        {"lot_id": scan.lot_id, "province": province.code},
        {"scans": 1, "first_scans": int(_is_first_scan(scan))},
        product_id=scan.product_id,
    )
    # The first reason an item looked copied is the one kept (see serials.flag_serial).
    if item.flag is None and _checked_far_away(scan, province):
        serials.flag_serial(item, serials.FLAG_FAR_APART, utcnow())
    return SharedPlace(item=item, recorded=True)


def _is_first_scan(scan: Scan) -> bool:
    """Tell whether the scan was the item's first counted check (no earlier scan row)."""
    earlier = aliased(Scan)
    return not db.session.scalar(
        select(exists().where(earlier.serial_id == scan.serial_id, earlier.id < scan.id))
    )


def _checked_far_away(scan: Scan, province: provinces.Province) -> bool:
    """Tell whether another shared check of the item, close in time, came from far away."""
    config = current_app.config
    window = timedelta(hours=config["FAR_APART_HOURS"])
    nearby_in_time = db.session.scalars(
        select(Scan.province)
        .distinct()
        .where(
            Scan.serial_id == scan.serial_id,
            Scan.id != scan.id,
            Scan.province.is_not(None),
            Scan.scanned_at >= scan.scanned_at - window,
            Scan.scanned_at <= scan.scanned_at + window,
        )
    )
    limit = config["FAR_APART_KM"]
    for code in nearby_in_time:
        other = provinces.get(code)
        if other is not None and provinces.distance_km(province, other) > limit:
            return True
    return False
