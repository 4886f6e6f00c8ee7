"""Forms of the Department's workspace.

A facility is edited with the producer's own profile form (same fields, same
messages); the services apply the same rules behind both.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..models import BatchEntryStatus, Role
from ..producer.forms import (
    EMAIL,
    REQUIRED,
    TOO_LONG,
    ChoiceField,
    ConfirmForm,
    FacilityForm,
    NumberField,
    as_choices,
)
from ..services.programme import MAX_YEAR, MIN_YEAR
from .labels import ENTRY_STATUSES, ROLES

__all__ = [
    "AddProductsForm",
    "AssignFacilityForm",
    "BatchForm",
    "ConfirmForm",
    "EntryForm",
    "FacilityForm",
    "UserForm",
]


def _blank_to_none(value: Any) -> Any:
    return (value.strip() or None) if isinstance(value, str) else value


def _facility_field(label: Any, **kwargs: Any) -> ChoiceField:
    return ChoiceField(
        label, coerce=lambda value: None if value in (None, "") else int(value), **kwargs
    )


def _facility_options(facilities: list[tuple[int, str]]) -> list:
    return as_choices([("", "—"), *facilities])


class UserForm(FlaskForm):
    email = StringField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter the e-mail address.")),
            Length(max=254, message=TOO_LONG),
        ],
        render_kw={"inputmode": "email", "autocomplete": "off", "spellcheck": "false"},
    )
    display_name = StringField(
        _l("Name"),
        validators=[Length(max=200, message=TOO_LONG)],
        description=_l("The person's name, as colleagues know them."),
    )
    role = ChoiceField(
        _l("Role"),
        choices=as_choices([(role.value, label) for role, label in ROLES.items()]),
        validators=[DataRequired(REQUIRED)],
    )
    producer_id = _facility_field(
        _l("Facility"), description=_l("Producer accounts only: the facility they work for.")
    )

    def __init__(self, facilities: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.producer_id.choices = _facility_options(facilities)

    def validate_email(self, field: Any) -> None:
        if field.data and not EMAIL.fullmatch(field.data.strip()):
            raise ValidationError(_("Enter an e-mail address such as name@example.vn."))

    def account_fields(self) -> dict[str, Any]:
        return {
            "email": self.email.data.strip(),
            "role": Role(self.role.data),
            "display_name": _blank_to_none(self.display_name.data),
            "producer_id": self.producer_id.data,
        }


class AssignFacilityForm(FlaskForm):
    producer_id = _facility_field(
        _l("Facility"), validators=[DataRequired(_l("Choose the facility."))]
    )

    def __init__(self, facilities: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.producer_id.choices = _facility_options(facilities)


class BatchForm(FlaskForm):
    name_vi = StringField(
        _l("Name (Vietnamese)"),
        validators=[
            DataRequired(_l("Enter the batch's name in Vietnamese, such as Đợt 1 năm 2025.")),
            Length(max=200, message=TOO_LONG),
        ],
    )
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200, message=TOO_LONG)])
    year = NumberField(
        _l("Year"),
        integer=True,
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
        grouping_check=False,
        # InputRequired, not DataRequired: keep "not a number" rather than "required".
        validators=[InputRequired(_l("Enter the year of the batch."))],
    )
    decision = StringField(
        _l("Decision"),
        validators=[Length(max=200, message=TOO_LONG)],
        description=_l("The number and date of the decision approving the batch, once signed."),
    )

    def batch_fields(self) -> dict[str, Any]:
        return {
            "name_vi": _blank_to_none(self.name_vi.data),
            "name_en": _blank_to_none(self.name_en.data),
            "year": self.year.data,
            "decision": _blank_to_none(self.decision.data),
        }


def _status_field() -> ChoiceField:
    return ChoiceField(
        _l("Status in the batch"),
        choices=as_choices([(status.value, label) for status, label in ENTRY_STATUSES.items()]),
        validators=[DataRequired(_l("Choose the product's status in the batch."))],
    )


def _notes_field() -> TextAreaField:
    return TextAreaField(
        _l("Criteria notes"),
        validators=[Length(max=5000, message=TOO_LONG)],
        description=_l(
            "Which criteria the product meets or misses, which documents are awaited. "
            "Required when it is rejected or waiting for documents."
        ),
    )


class EntryForm(FlaskForm):
    status = _status_field()
    criteria_notes = _notes_field()

    def entry_fields(self) -> tuple[BatchEntryStatus, str | None]:
        return BatchEntryStatus(self.status.data), _blank_to_none(self.criteria_notes.data)


class AddProductsForm(FlaskForm):
    product_ids = SelectMultipleField(
        _l("Products"), coerce=int, validators=[DataRequired(_l("Choose at least one product."))]
    )
    status = _status_field()
    criteria_notes = _notes_field()

    def entry_fields(self) -> tuple[list[int], BatchEntryStatus, str | None]:
        return (
            list(self.product_ids.data or []),
            BatchEntryStatus(self.status.data),
            _blank_to_none(self.criteria_notes.data),
        )
