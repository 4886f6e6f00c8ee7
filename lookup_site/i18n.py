"""Language choice, localised content and Babel formatting helpers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, request
from flask_babel import format_decimal, get_locale, get_translations, refresh
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln

from .extensions import babel
from .vocabulary import quantity_with_unit, step_label

LOGIN_MESSAGE = _l("Please sign in to open this page.")

# WTForms ships no Vietnamese catalogue: its built-in messages are translated in
# ours instead (listed here so that extraction finds them).
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid integer value."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Invalid input."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _ln(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    _ln(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    _ln(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    ),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _ln(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
)


def use_our_catalogue_for_forms() -> None:
    """Point Flask-WTF at this site's catalogue, where WTForms' messages are translated."""
    request.wtforms_translations = get_translations()


def select_locale() -> str:
    """Pick the language: explicit choice (?lang=, then cookie) > Accept-Language > vi."""
    languages = current_app.config["LANGUAGES"]
    explicit = request.args.get("lang") or request.cookies.get(
        current_app.config["LANGUAGE_COOKIE"]
    )
    if explicit in languages:
        return explicit
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def other_language() -> str:
    current = current_language()
    return next(lang for lang in current_app.config["LANGUAGES"] if lang != current)


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """Return obj.<field>_<lang> in the active language, falling back to the other one."""
    language = language or current_language()
    value = getattr(obj, f"{field}_{language}", None)
    if value:
        return value
    for fallback in current_app.config["LANGUAGES"]:
        value = getattr(obj, f"{field}_{fallback}", None)
        if value:
            return value
    return ""


def is_fallback(obj: Any, field: str) -> bool:
    """Tell whether localized() had to fall back for this field."""
    return not getattr(obj, f"{field}_{current_language()}", None) and bool(localized(obj, field))


def language_switch_url(language: str) -> str:
    """Return the current URL with ?lang=language, keeping the other query arguments."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [language]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def remember_language(response):
    """Remember an explicit ?lang= choice in a cookie for the next pages."""
    choice = request.args.get("lang")
    cookie = current_app.config["LANGUAGE_COOKIE"]
    if choice in current_app.config["LANGUAGES"] and request.cookies.get(cookie) != choice:
        response.set_cookie(cookie, choice, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    # Pages differ by language negotiation: tell shared caches. Files do not.
    if request.endpoint != "static" and request.blueprint != "media":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on g, which outlives a request when an app
    # context is already pushed (CLI tasks, tests): choose afresh every time.
    app.before_request(refresh)
    app.before_request(use_our_catalogue_for_forms)
    app.after_request(remember_language)
    app.jinja_env.globals.update(
        localized=localized,
        is_fallback=is_fallback,
        current_language=current_language,
        other_language=other_language,
        language_switch_url=language_switch_url,
        step_label=step_label,
        quantity_with_unit=quantity_with_unit,
    )
    app.jinja_env.filters["decimalformat"] = format_decimal
