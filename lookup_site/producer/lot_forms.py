"""Forms for lots and the production diary, sized for a phone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

REQUIRED = _l("This field is required.")


class LotForm(FlaskForm):
    product_id = SelectField(_l("Product"), coerce=int, validators=[InputRequired(REQUIRED)])
    code = StringField(
        _l("Lot code"),
        description=_l("Up to 20 unaccented letters, digits and - . / _ (printed on the package)."),
        validators=[DataRequired(REQUIRED), Length(max=40)],
    )
    production_date = DateField(_l("Production date"), validators=[Optional()])
    packing_date = DateField(_l("Packing date"), validators=[Optional()])
    best_before = DateField(_l("Best before"), validators=[Optional()])
    best_before_is_expiry = BooleanField(_l("This is a use-by (expiry) date"))
    quantity = DecimalField(
        _l("Lot size"),
        places=None,
        validators=[Optional(), NumberRange(min=0, message=_l("Enter a positive number."))],
    )
    quantity_unit = SelectField(_l("Unit"), validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), validators=[InputRequired(REQUIRED)])
    reason_vi = TextAreaField(_l("Reason (Vietnamese)"), validators=[Length(max=500)])
    reason_en = TextAreaField(_l("Reason (English)"), validators=[Length(max=500)])


class InputForm(FlaskForm):
    reference = StringField(
        _l("Input lot"),
        description=_l("Its short code, the scanned address, or (01)GTIN(10)lot code."),
        validators=[DataRequired(REQUIRED), Length(max=500)],
    )
    quantity = DecimalField(
        _l("Quantity used"),
        places=None,
        validators=[Optional(), NumberRange(min=0, message=_l("Enter a positive number."))],
    )
    quantity_unit = SelectField(_l("Unit"), validators=[Optional()])


class EventForm(FlaskForm):
    step = SelectField(_l("Step"), validators=[InputRequired(REQUIRED)])
    event_time = DateTimeLocalField(
        _l("When"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter the date and time."))],
    )
    location_name = StringField(_l("Place"), validators=[Length(max=200)])
    location_address = StringField(_l("Address of the place"), validators=[Length(max=300)])
    actor = StringField(_l("Done by"), validators=[Length(max=200)])
    notes_vi = TextAreaField(_l("Notes (Vietnamese)"), validators=[Length(max=2000)])
    notes_en = TextAreaField(_l("Notes (English)"), validators=[Length(max=2000)])
    photos = MultipleFileField(_l("Photos"))
    corrects = HiddenField()


class RepeatForm(FlaskForm):
    lot_ids = SelectMultipleField(
        _l("Lots"), coerce=int, validators=[InputRequired(_l("Choose at least one lot."))]
    )
    event_time = DateTimeLocalField(
        _l("When"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Enter the date and time."))],
    )
    source_id = HiddenField()
