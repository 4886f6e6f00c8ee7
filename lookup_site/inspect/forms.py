"""Forms of the inspectors' workspace, sized for a phone on site."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..models import InspectionResult
from ..services.inspections import RESULT_LABELS
from ..services.media import ImageUpload


class LookupForm(FlaskForm):
    """The typed or pasted code: a plain GET form that works without JavaScript."""

    class Meta:
        csrf = False  # a GET that changes nothing

    q = StringField(
        _l("Code"),
        description=_l("The short code under the QR code, the scanned address or a GS1 code."),
        validators=[Length(max=2000)],
    )


class InspectionForm(FlaskForm):
    result = RadioField(
        _l("Result"),
        choices=[SelectChoice(result.value, label) for result, label in RESULT_LABELS.items()],
        validators=[InputRequired(_l("Choose the result."))],
    )
    notes = TextAreaField(
        _l("What you found"),
        description=_l("Published on the lot's public page. Required when not conformant."),
        validators=[Length(max=2000)],
    )
    photos = MultipleFileField(_l("Photos"), validators=[ImageUpload()])
    location_name = StringField(
        _l("Place"),
        description=_l("For example the shop or market where you checked the product."),
        validators=[Length(max=200)],
    )
    latitude = DecimalField(
        _l("Latitude"),
        places=None,
        validators=[Optional(), NumberRange(min=-90, max=90)],
    )
    longitude = DecimalField(
        _l("Longitude"),
        places=None,
        validators=[Optional(), NumberRange(min=-180, max=180)],
    )
    suspend = BooleanField(_l("Suspend sale of this lot pending investigation"))
    reason_vi = TextAreaField(
        _l("Reason shown to shoppers (Vietnamese)"), validators=[Length(max=500)]
    )
    reason_en = TextAreaField(
        _l("Reason shown to shoppers (English)"), validators=[Length(max=500)]
    )

    @property
    def result_value(self) -> InspectionResult:
        return InspectionResult(self.result.data)


class SuspendForm(FlaskForm):
    reason_vi = TextAreaField(
        _l("Reason shown to shoppers (Vietnamese)"), validators=[Length(max=500)]
    )
    reason_en = TextAreaField(
        _l("Reason shown to shoppers (English)"), validators=[Length(max=500)]
    )


class LiftForm(FlaskForm):
    reason_vi = TextAreaField(
        _l("Why the suspension is lifted (Vietnamese)"), validators=[Length(max=500)]
    )
    reason_en = TextAreaField(
        _l("Why the suspension is lifted (English)"), validators=[Length(max=500)]
    )


class HistoryFilterForm(FlaskForm):
    """Filters of the inspection history: read from the query string, no CSRF."""

    class Meta:
        csrf = False

    result = SelectField(
        _l("Result"),
        choices=[
            SelectChoice("", _l("Any")),
            *(SelectChoice(result.value, label) for result, label in RESULT_LABELS.items()),
        ],
        validators=[Optional()],
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    producer = SelectField(_l("Facility"), validators=[Optional()])
    inspector = SelectField(_l("Inspector"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
