"""Forms for the facility profile, products and certificates, sized for a phone.

Numbers, dates and choices use small fields of our own so that every message,
including "this is not a number", is in the user's language (WTForms has no
Vietnamese catalogue).
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import DateInput, TextInput

from .. import identifiers
from ..messages import describe
from ..models import CertificationKind, GrantingLevel, LegalForm, OcopGroup
from ..services.media import DocumentUpload, ImageUpload
from ..services.products import CERTIFICATION_FIELDS, FACILITY_FIELDS, PRODUCT_FIELDS
from ..vocabulary import unit_choices

REQUIRED = _l("This field is required.")
TOO_LONG = _l("Too long: at most %(max)d characters.")
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
TAX_CODE = re.compile(r"\d{10}(?:-\d{3})?|\d{12}")
PHONE = re.compile(r"\+?[0-9][0-9 ().-]{5,28}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?")

LEGAL_FORMS = {
    LegalForm.ENTERPRISE: _l("Enterprise"),
    LegalForm.COOPERATIVE: _l("Cooperative"),
    LegalForm.HOUSEHOLD: _l("Household business"),
}
OCOP_GROUPS = {
    OcopGroup.FOOD: _l("Food"),
    OcopGroup.BEVERAGE: _l("Beverages"),
    OcopGroup.HERBAL: _l("Medicinal herbs and herb products"),
    OcopGroup.HANDICRAFT: _l("Handicrafts"),
    OcopGroup.ORNAMENTAL: _l("Ornamental plants and animals"),
    OcopGroup.TOURISM: _l("Community and eco-tourism services"),
}
CERTIFICATION_KINDS = {
    CertificationKind.OCOP: _l("OCOP"),
    CertificationKind.VIETGAP: _l("VietGAP"),
    CertificationKind.ORGANIC: _l("Organic"),
    CertificationKind.CERTIFICATION_TRADEMARK: _l("Certification trademark"),
    CertificationKind.GEOGRAPHICAL_INDICATION: _l("Geographical indication"),
    CertificationKind.HACCP_ISO22000: _l("HACCP / ISO 22000"),
    CertificationKind.OTHER: _l("Other certificate"),
}
GRANTING_LEVELS = {
    GrantingLevel.CENTRAL: _l("Central government"),
    GrantingLevel.PROVINCE: _l("Province or city"),
    GrantingLevel.DISTRICT: _l("District (before 1 July 2025)"),
}


def as_choices(pairs: Any) -> list[SelectChoice]:
    """Turn (value, label) pairs into the option objects WTForms now expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def _enum_choices(labels: dict, blank: bool = True) -> list[SelectChoice]:
    choices = [(member.value, label) for member, label in labels.items()]
    return as_choices([("", "—"), *choices] if blank else choices)


def _choice_value(value: Any) -> Any:
    """Show an enum attribute (OcopGroup.FOOD) as its stored value ("food")."""
    if isinstance(value, enum.Enum):
        return value.value
    return None if value is None else str(value)


class ChoiceField(SelectField):
    """A select whose refusal of an unknown value is worded in the user's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", _choice_value)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if self.data in (None, ""):
            return
        if str(self.data) not in {str(choice.value) for choice in self.iter_choices()}:
            raise ValidationError(_("Choose one of the options."))


class NumberField(StringField):
    """A number as typed on a phone: a comma or a point before the decimals.

    "1.200" in Vietnamese (or "1,200" in English) could be a thousand and two
    hundred or one point two, so a group separator followed by exactly three
    digits is refused and the user asked to type the number without it.
    """

    widget = TextInput()

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        integer: bool = False,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
        places: int | None = None,
        round_places: bool = False,
        grouping_check: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric" if integer else "decimal"})
        super().__init__(label, validators, **kwargs)
        self.integer, self.minimum, self.maximum = integer, minimum, maximum
        self.places, self.round_places, self.grouping_check = places, round_places, grouping_check

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            return
        if not NUMBER.fullmatch(text) or (self.integer and not text.lstrip("+-").isdigit()):
            if self.integer:
                raise ValueError(_("Enter a whole number, such as 180."))
            raise ValueError(_("Enter a number, such as 500 or 0.5."))
        locale = get_locale()
        group = get_group_symbol(locale) if locale else ","
        if self.grouping_check and re.fullmatch(
            rf"[+-]?[1-9]\d{{0,2}}{re.escape(group)}\d{{3}}", text
        ):
            raise ValueError(
                _("Type the number without a thousands separator, such as 1200 or 1.5.")
            )
        value = Decimal(text.replace(",", "."))
        exponent = value.as_tuple().exponent
        if self.places is not None and isinstance(exponent, int) and -exponent > self.places:
            if not self.round_places:
                raise ValueError(
                    _("Enter at most %(places)s digits after the decimal mark.", places=self.places)
                )
            value = round(value, self.places)
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise ValueError(
                _(
                    "Enter a number from %(minimum)s to %(maximum)s.",
                    minimum=format_decimal(self.minimum),
                    maximum=format_decimal(self.maximum),
                )
            )
        self.data = int(value) if self.integer else value

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        if self.integer:
            return str(int(self.data))
        text = format(Decimal(self.data).normalize(), "f")
        locale = get_locale()
        return text.replace(".", get_decimal_symbol(locale)) if locale else text


class DayField(StringField):
    """A date: the phone's date picker sends 2025-12-31; typed by hand, 31/12/2025."""

    widget = DateInput()
    FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            return
        for pattern in self.FORMATS:
            try:
                self.data = datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            return
        raise ValueError(_("Enter a date such as 31/12/2025."))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if isinstance(self.data, date) else ""


def _text(label: Any, max_length: int, required: Any = None, **kwargs: Any) -> StringField:
    validators: list[Any] = [Length(max=max_length, message=TOO_LONG)]
    if required:
        validators.insert(0, DataRequired(required))
    return StringField(label, validators=validators, **kwargs)


def _long_text(label: Any, max_length: int = 5000) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Length(max=max_length, message=TOO_LONG)],
    )


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


class FacilityForm(FlaskForm):
    name_vi = _text(_l("Name (Vietnamese)"), 200, _l("Enter the facility's name in Vietnamese."))
    name_en = _text(_l("Name (English)"), 200)
    legal_form = ChoiceField(
        _l("Legal form"),
        choices=_enum_choices(LEGAL_FORMS, blank=False),
        validators=[DataRequired(REQUIRED)],
    )
    tax_code = _text(
        _l("Tax code"),
        20,
        description=_l("10 digits (a branch adds -001), or the 12-digit personal ID number."),
        render_kw={"inputmode": "numeric"},
    )
    street = _text(_l("House number and street, hamlet or village"), 200)
    commune = _text(_l("Commune or ward"), 100, _l("Enter the commune or ward."))
    province = _text(_l("Province or city"), 100, _l("Enter the province or city."))
    former_district = _text(
        _l("Former district"),
        100,
        description=_l("Only if older certificates name it: districts ended on 1 July 2025."),
    )
    phone = _text(_l("Phone"), 30, render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = _text(_l("E-mail"), 200, render_kw={"inputmode": "email", "autocomplete": "email"})
    website = _text(_l("Website"), 200, render_kw={"inputmode": "url"})
    gln = _text(
        _l("Location number (GLN)"),
        20,
        description=_l("13 digits, from your GS1 membership. Leave empty if you have none."),
        render_kw={"inputmode": "numeric"},
    )
    latitude = NumberField(
        _l("Latitude"),
        minimum=-90,
        maximum=90,
        places=6,
        round_places=True,
        grouping_check=False,
        description=_l("For example 20.795, as a map app shows it."),
    )
    longitude = NumberField(
        _l("Longitude"),
        minimum=-180,
        maximum=180,
        places=6,
        round_places=True,
        grouping_check=False,
        description=_l("For example 106.905."),
    )
    description_vi = _long_text(_l("Description (Vietnamese)"))
    description_en = _long_text(_l("Description (English)"))

    def validate_tax_code(self, field: Any) -> None:
        if field.data and not TAX_CODE.fullmatch(field.data.strip()):
            raise ValidationError(
                _(
                    "A tax code has 10 digits, 10 digits then -001 for a branch, or 12 digits "
                    "(a household business's personal ID number)."
                )
            )

    def validate_phone(self, field: Any) -> None:
        if field.data and not PHONE.fullmatch(field.data.strip()):
            raise ValidationError(_("Enter a phone number with digits, such as 0225 3888 000."))

    def validate_email(self, field: Any) -> None:
        if field.data and not EMAIL.fullmatch(field.data.strip()):
            raise ValidationError(_("Enter an e-mail address such as name@example.vn."))

    def validate_website(self, field: Any) -> None:
        value = (field.data or "").strip()
        if not value:
            return
        if "://" not in value:
            value = "https://" + value  # people type "htx.vn", browsers would too
        scheme, _sep, rest = value.partition("://")
        host = rest.split("/", 1)[0]
        if scheme.lower() not in ("http", "https") or not HOST.fullmatch(host) or " " in rest:
            raise ValidationError(_("Enter the website's address, such as https://htx.example.vn."))
        field.data = value

    def validate_gln(self, field: Any) -> None:
        if field.data and field.data.strip():
            try:
                field.data = identifiers.validate_gln(field.data)
            except identifiers.IdentifierError as error:
                raise ValidationError(describe(error)) from error

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.latitude.errors and not self.longitude.errors:
            if (self.latitude.data is None) != (self.longitude.data is None):
                missing = self.latitude if self.latitude.data is None else self.longitude
                missing.errors.append(_("Enter both the latitude and the longitude, or neither."))
                valid = False
        return valid

    def facility_fields(self) -> dict[str, Any]:
        fields = {name: _blank_to_none(getattr(self, name).data) for name in FACILITY_FIELDS}
        fields["legal_form"] = LegalForm(self.legal_form.data)
        return fields


class ProductForm(FlaskForm):
    name_vi = _text(_l("Name (Vietnamese)"), 200, _l("Enter the product's name in Vietnamese."))
    name_en = _text(_l("Name (English)"), 200)
    ocop_group = ChoiceField(_l("OCOP product group"), choices=_enum_choices(OCOP_GROUPS))
    gtin = _text(
        _l("Product code (GTIN)"),
        30,
        description=_l("The 8, 12, 13 or 14 digits under the barcode. Leave empty if none."),
        render_kw={"inputmode": "numeric"},
    )
    net_content = NumberField(
        _l("Net content"), minimum=Decimal("0.001"), maximum=Decimal("999999999"), places=3
    )
    net_content_unit = ChoiceField(_l("Unit"))
    brand = _text(_l("Brand or trademark"), 200)
    standards = _text(
        _l("Standards applied"),
        300,
        description=_l("For example TCVN 5107:2018, VietGAP, or the facility's own standard."),
    )
    shelf_life_days = NumberField(
        _l("Shelf life (days)"),
        integer=True,
        minimum=1,
        maximum=3650,
        description=_l("Leave empty if the product does not perish."),
    )
    description_vi = _long_text(_l("Description (Vietnamese)"))
    description_en = _long_text(_l("Description (English)"))
    photo = FileField(
        _l("Photo"),
        validators=[ImageUpload()],
        description=_l("JPEG, PNG or WebP. Location data in the photo is removed."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    remove_photo = BooleanField(_l("Remove the current photo"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.net_content_unit.choices = as_choices(unit_choices())

    def validate_gtin(self, field: Any) -> None:
        if field.data and field.data.strip():
            try:
                field.data = identifiers.normalize_gtin(field.data)
            except identifiers.IdentifierError as error:
                raise ValidationError(describe(error)) from error

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        amount, unit = self.net_content, self.net_content_unit
        if not amount.errors and not unit.errors:
            if amount.data is not None and not unit.data:
                unit.errors.append(_("Choose the unit of the net content."))
                valid = False
            elif unit.data and amount.data is None:
                amount.errors.append(_("Enter the net content, or leave the unit empty."))
                valid = False
        return valid

    def product_fields(self) -> dict[str, Any]:
        fields = {name: _blank_to_none(getattr(self, name).data) for name in PRODUCT_FIELDS}
        group = fields["ocop_group"]
        fields["ocop_group"] = OcopGroup(group) if group else None
        return fields


class CertificationForm(FlaskForm):
    kind = ChoiceField(
        _l("Kind"),
        choices=_enum_choices(CERTIFICATION_KINDS, blank=False),
        validators=[DataRequired(_l("Choose the kind of certificate."))],
    )
    name_vi = _text(
        _l("Name (Vietnamese)"), 200, description=_l("For another kind: what it certifies.")
    )
    name_en = _text(_l("Name (English)"), 200)
    ocop_stars = ChoiceField(
        _l("OCOP stars"),
        choices=as_choices([("", "—"), *((str(n), "★" * n) for n in range(1, 6))]),
        description=_l("OCOP only. Required once the certificate is issued."),
    )
    granting_level = ChoiceField(
        _l("Granted by"),
        choices=_enum_choices(GRANTING_LEVELS),
        description=_l("OCOP only."),
    )
    number = _text(_l("Certificate number"), 100)
    issuer = _text(_l("Issued by"), 200)
    issued_on = DayField(
        _l("Issued on"), description=_l("Leave empty while the application is pending.")
    )
    valid_until = DayField(
        _l("Valid until"),
        description=_l("For OCOP, leave empty: 36 months from the issue date."),
    )
    revoked_on = DayField(
        _l("Revoked on"), description=_l("Only if the certificate was withdrawn.")
    )
    notes = _long_text(_l("Notes"), 2000)
    scan = FileField(
        _l("Scan of the certificate"),
        validators=[DocumentUpload()],
        description=_l("PDF, or a photo (JPEG, PNG or WebP)."),
        render_kw={"accept": "application/pdf,image/jpeg,image/png,image/webp"},
    )
    remove_scan = BooleanField(_l("Remove the current scan"))

    def certification_fields(self) -> dict[str, Any]:
        fields = {name: _blank_to_none(getattr(self, name).data) for name in CERTIFICATION_FIELDS}
        fields["kind"] = CertificationKind(self.kind.data)
        fields["ocop_stars"] = int(self.ocop_stars.data) if self.ocop_stars.data else None
        level = self.granting_level.data
        fields["granting_level"] = GrantingLevel(level) if level else None
        return fields


class ConfirmForm(FlaskForm):
    """An empty form: a button whose POST carries the CSRF token."""
