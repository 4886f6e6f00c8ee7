"""Explain domain and identifier errors to people, in their language."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from . import errors, identifiers


def _identifier_message(error: identifiers.IdentifierError) -> str:
    params = {"value": error.value, **error.params}
    reason = error.reason
    if reason == "check_digit" and params.get("ai") == "01" and "ai_value" in params:
        # A GTIN inside a longer code: explain it as the GTIN it is.
        params["value"] = params["ai_value"]
        error = identifiers.InvalidGTIN("check_digit", params["value"], params)
    if isinstance(error, identifiers.InvalidGTIN):
        if reason == "check_digit":
            return _(
                "The product code (GTIN) %(value)s is not valid: its last digit, the check "
                "digit, should be %(expected)s. Check the digits printed under the barcode.",
                value=params["value"],
                expected=params.get("expected", "?"),
            )
        if reason == "length":
            return _(
                "A product code (GTIN) has 8, 12, 13 or 14 digits; %(value)s does not.",
                value=params["value"],
            )
        if reason == "empty":
            return _("The product code (GTIN) is empty.")
        return _("A product code (GTIN) contains digits only.")
    if isinstance(error, identifiers.InvalidSerial):
        if reason == "charset":
            return _(
                "A serial number may not contain “%(char)s”. GS1 serial numbers use only "
                "unaccented letters, digits and a few signs such as - . / _ (no spaces).",
                char=params.get("char", ""),
            )
        if reason == "length":
            return _("A serial number has at most %(max)s characters.", max=params.get("max", 20))
        return _("The serial number is empty.")
    if isinstance(error, identifiers.InvalidLotCode):
        if reason == "charset":
            return _(
                "A lot code may not contain “%(char)s”. GS1 lot codes use only unaccented "
                "letters, digits and a few signs such as - . / _ (no spaces).",
                char=params.get("char", ""),
            )
        if reason == "length":
            return _("A lot code has at most %(max)s characters.", max=params.get("max", 20))
        return _("The lot code is empty.")
    if isinstance(error, identifiers.InvalidGLN):
        return _("A location number (GLN) has 13 digits with a valid check digit.")
    if isinstance(error, identifiers.InvalidPublicCode):
        return _(
            "A short code has 8 characters (letters and digits), as printed under the "
            "QR code, for example K7QM-4XZ2."
        )
    if isinstance(error, identifiers.InvalidElementString):
        return _(
            "This GS1 code could not be read. Type it as printed, for example "
            "(01)09520123450007(10)LOT1."
        )
    return _("This address is not a valid GS1 Digital Link for a product or a lot.")


def describe(error: Exception) -> str:
    """Return a sentence a shopper understands, in the active language."""
    if isinstance(error, identifiers.IdentifierError):
        return _identifier_message(error)
    media_message = _media_message(error) or _serial_message(error)
    if media_message:
        return media_message
    if isinstance(error, errors.ControlCharacters):
        return _(
            "The form holds an invisible control character (NUL), perhaps pasted from another "
            "program. Retype the text and send it again; nothing was saved."
        )
    if isinstance(error, errors.EmptyLookup):
        return _("Enter the code printed under the QR code, or paste the address you scanned.")
    if isinstance(error, errors.UnrecognisedLookup):
        return _(
            "We could not recognise this code. Enter the short code printed under the QR "
            "code, the scanned address, or a GS1 code such as (01)09520123450007(10)LOT1."
        )
    if isinstance(error, errors.ProductNotFound):
        return _("No product with this code is registered on this site.")
    if isinstance(error, errors.ProducerNotFound):
        return _("This producer is not registered on this site.")
    if isinstance(error, errors.NotFound):
        return _("This code is not registered on this site.")
    field_message = getattr(error, "message", None)
    if isinstance(error, errors.InvalidInput) and isinstance(field_message, str):
        return field_message  # a service's own explanation for one form field
    if isinstance(error, errors.DuplicateLotCode):
        return _("This product already has a lot with that code.")
    diary_message = _diary_message(error)
    if diary_message:
        return diary_message
    return _("The request could not be processed.")


def _diary_message(error: Exception) -> str | None:
    from .services import diary

    if isinstance(error, diary.LotLocked):
        return _(
            "Diary entries are already published for this lot, so its details can no longer "
            "change. Record a correction in the diary instead."
        )
    if isinstance(error, diary.SuspendedByAuthority):
        return _(
            "An inspector suspended this lot pending investigation: only the inspection "
            "authority can lift the suspension."
        )
    if isinstance(error, diary.RecallIsFinal):
        return _("A recalled lot stays recalled. Register a new lot for new goods.")
    if isinstance(error, diary.ReasonRequired):
        return _("Give the reason shoppers will read, in Vietnamese or English.")
    if isinstance(error, diary.EventInFuture):
        return _("The time of the entry is in the future. Check the date and time.")
    if isinstance(error, diary.InputAlreadyDeclared):
        return _("That lot is already listed as an input of this lot.")
    if isinstance(error, diary.NothingToRepeat):
        return _("There is no diary entry to repeat yet.")
    if isinstance(error, diary.NoLotsChosen):
        return _("Choose at least one lot.")
    if isinstance(error, diary.DatesOutOfOrder):
        return _(
            "The dates are out of order: production comes first, then packing and the "
            "best-before date."
        )
    return None


def _media_message(error: Exception) -> str | None:
    from .services import media

    if isinstance(error, media.MediaNotFound):
        return _("This file does not exist, or it is not available to you.")
    if not isinstance(error, media.MediaError):
        return None
    if isinstance(error, media.UnsupportedMediaType):
        if error.params.get("document"):
            return _("Upload the document as a PDF file or as a photo (JPEG, PNG or WebP).")
        return _("Upload a photo in JPEG, PNG or WebP format.")
    if isinstance(error, media.MediaTooLarge):
        return _(
            "The file is larger than %(limit)s MB. Choose a smaller file.",
            limit=error.params.get("limit_mb", "?"),
        )
    if isinstance(error, media.TooManyPixels):
        return _(
            "The picture is too big: at most %(limit)s megapixels. Take it at a lower "
            "resolution or shrink it first.",
            limit=error.params.get("limit_mp", "?"),
        )
    if isinstance(error, media.EmptyUpload):
        return _("The file is empty.")
    if isinstance(error, media.EncryptedDocument):
        return _("This PDF is protected by a password. Upload a copy without a password.")
    return _("The file could not be read: it may be damaged or incomplete. Try again.")


def _serial_message(error: Exception) -> str | None:
    from .services import serial_labels, serials

    if isinstance(error, serial_labels.LotHasNoSerials):
        return _("This lot has no item codes yet. Issue item codes first, then print their labels.")
    if isinstance(error, serials.SerialQuantityOutOfRange):
        return _(
            "Enter a number of serial codes from 1 to %(max)s.",
            max=format_decimal(serials.MAX_SERIALS),
        )
    if isinstance(error, serials.SerialNotFound):
        return _(
            "This item code is not registered: the product may be counterfeit. Keep the "
            "package and the receipt, and report it."
        )
    return None
