"""The interface catalogues are complete, well-formed and in step with the sources."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lookup_site import translate

TRANSLATIONS = translate.TRANSLATIONS
LANGUAGES = ("vi", "en")
UPDATE_HINT = (
    "Run `flask --app lookup_site translate update` (add --debug if SECRET_KEY is unset), "
    "translate the new entries in "
    "translations/vi/LC_MESSAGES/messages.po, and commit the .pot and both .po files."
)
# A %-placeholder as Python formats it: %(name)s, %(num)d, %(x)05.2f ...
PLACEHOLDER = re.compile(r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")
NUM = "%(num)s"


def _read(path: Path, locale: str | None = None):
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def _messages(catalogue) -> dict:
    return {(message.context, message.id): message for message in catalogue if message.id}


def _strings(message) -> tuple[str, ...]:
    if isinstance(message.string, tuple | list):
        return tuple(message.string)
    return (message.string,)


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if message.pluralizable else (message.id,)


def _label(key) -> str:
    context, msgid = key
    text = msgid if isinstance(msgid, str) else " | ".join(msgid)
    return f"{context}: {text}" if context else text


@pytest.fixture(scope="module")
def template():
    return _read(translate.TEMPLATE)


@pytest.fixture(scope="module", params=LANGUAGES)
def catalogue(request):
    language = request.param
    return _read(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", locale=language)


def test_template_is_up_to_date_with_the_sources(tmp_path, template):
    fresh = _read(translate.extract(tmp_path / "messages.pot"))
    committed, extracted = set(_messages(template)), set(_messages(fresh))
    new = sorted(map(_label, extracted - committed))
    gone = sorted(map(_label, committed - extracted))
    assert not new and not gone, (
        "translations/messages.pot is out of date with the sources.\n"
        f"New messages: {new}\nMessages no longer used: {gone}\n{UPDATE_HINT}"
    )


def test_every_message_is_translated(template, catalogue):
    messages = _messages(catalogue)
    missing = [_label(key) for key in _messages(template) if key not in messages]
    assert not missing, f"{catalogue.locale}: not in the catalogue: {missing}\n{UPDATE_HINT}"
    empty = [_label(key) for key in _messages(template) if not all(_strings(messages[key]))]
    assert not empty, f"{catalogue.locale}: untranslated: {empty}\n{UPDATE_HINT}"
    fuzzy = [_label(key) for key in _messages(template) if messages[key].fuzzy]
    assert not fuzzy, f"{catalogue.locale}: marked fuzzy, review them: {fuzzy}"


def test_plural_forms_match_the_language(catalogue):
    expected = {"vi": 1, "en": 2}[str(catalogue.locale)]
    assert catalogue.num_plurals == expected
    for key, message in _messages(catalogue).items():
        if message.pluralizable:
            assert len(_strings(message)) == expected, _label(key)


def test_babel_checks_pass(catalogue):
    problems = [
        f"{_label((message.context, message.id))}: {error}"
        for message, errors in catalogue.check()
        for error in errors
    ]
    assert not problems, problems


def test_placeholders_are_kept(catalogue):
    wrong = []
    for key, message in _messages(catalogue).items():
        expected = set().union(*(PLACEHOLDER.findall(text) for text in _ids(message)))
        for text in _strings(message):
            found = set(PLACEHOLDER.findall(text))
            if message.pluralizable:
                # ngettext always passes num: a form may leave it out or use it.
                ok = found - {NUM} == expected - {NUM}
            else:
                ok = found == expected
            if not ok:
                wrong.append(f"{_label(key)} → {text!r}: {sorted(found)} ≠ {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


class _AnyValue(dict):
    def __missing__(self, key):
        return 1


def test_translations_format_like_their_msgids(catalogue):
    """A stray % in a translation would break the page when Jinja formats it."""
    broken = []
    for key, message in _messages(catalogue).items():
        try:
            for text in _ids(message):
                _ = text % _AnyValue()
        except (ValueError, TypeError):
            continue  # the msgid itself is not a format string
        for text in _strings(message):
            try:
                _ = text % _AnyValue()
            except (ValueError, TypeError) as error:
                broken.append(f"{_label(key)} → {text!r}: {error}")
    assert not broken, "\n".join(broken)


def _vietnamese():
    return _read(TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po", locale="vi")


def test_vietnamese_is_not_a_copy_of_english():
    messages = list(_messages(_vietnamese()).values())
    same = [m.id for m in messages if _strings(m)[0] == _ids(m)[0]]
    assert len(same) <= 0.1 * len(messages), f"Left in English: {same}"


def test_vietnamese_is_nfc():
    not_nfc = [
        text
        for message in _messages(_vietnamese()).values()
        for text in _strings(message)
        if not unicodedata.is_normalized("NFC", text)
    ]
    assert not not_nfc, f"Not Unicode NFC (normalise with unicodedata.normalize): {not_nfc}"


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Journey of this lot", "Hành trình của lô hàng"),
        ("This code is not registered", "Mã này chưa được đăng ký"),
        ("Catching", "Đánh bắt"),
        ("Fermenting", "Ủ chượp"),
        ("Packing", "Đóng gói"),
        (("OCOP %(num)s star", "OCOP %(num)s stars"), "OCOP %(num)s sao"),
    ],
)
def test_vietnamese_glossary(msgid, expected):
    message = _vietnamese().get(msgid)
    assert message is not None, msgid
    assert _strings(message)[0] == expected


def test_vietnamese_integrity_and_recall_wording():
    catalogue = _vietnamese()
    integrity = catalogue.get(
        (
            "Data integrity verified: %(num)s event, unchanged since it was recorded.",
            "Data integrity verified: %(num)s events, unchanged since they were recorded.",
        )
    )
    assert "toàn vẹn" in _strings(integrity)[0]
    assert "thu hồi" in catalogue.get("Recalled: do not eat or use this lot.").string
