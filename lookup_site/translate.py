"""Translation tasks: `flask --app lookup_site translate extract|update|compile`.

Runs Babel's own commands through its Python API, so the `pybabel` script does not
need to be on PATH. The settings are those of the documented command line::

    pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot \\
        --sort-by-file --project lookup-site .
    pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
    pybabel compile -d translations

English is the source language: `update` fills the English catalogue's new entries
with their msgids, so only Vietnamese needs a translator.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import click
from babel.messages.frontend import CompileCatalog, ExtractMessages, UpdateCatalog
from babel.messages.pofile import read_po, write_po
from flask import Flask

from .paths import PACKAGE_DIR

ROOT = PACKAGE_DIR.parent
MAPPING_FILE = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
KEYWORDS = ("_l", "lazy_gettext", "_ln:1,2")
PROJECT = "lookup-site"
SOURCE_LANGUAGE = "en"
WIDTH = 76


def _require_source_tree() -> None:
    if not MAPPING_FILE.is_file():
        raise click.ClickException(
            f"{MAPPING_FILE} not found: translation tasks run from a source checkout, "
            "not from an installed wheel."
        )


@contextlib.contextmanager
def _babel_log(level: int = logging.INFO) -> Iterator[None]:
    """Show Babel's progress messages on stderr for the duration of a CLI command."""
    logger = logging.getLogger("babel")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _run(command, **options) -> int:
    """Run a babel.messages.frontend command with options named as on the command line."""
    for name, value in options.items():
        setattr(command, name, value)
    command.ensure_finalized()
    return command.run() or 0


def extract(output: Path | str = TEMPLATE) -> Path:
    """Extract the messages of lookup_site/ and templates/ into a .pot file."""
    output = Path(output).resolve()
    # Paths in the .pot are relative to the input path: extract "." from the root.
    with contextlib.chdir(ROOT):
        _run(
            ExtractMessages(),
            mapping_file=str(MAPPING_FILE),
            keywords=list(KEYWORDS),
            output_file=str(output),
            sort_by_file=True,
            project=PROJECT,
            input_paths=["."],
        )
    return output


def fill_source_catalogue(po_path: Path) -> int:
    """Give every untranslated message of the source-language catalogue its msgid."""
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file, locale=SOURCE_LANGUAGE)
    filled = 0
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if all(strings) and not message.fuzzy:
            continue
        message.string = tuple(message.id) if message.pluralizable else message.id
        message.flags.discard("fuzzy")
        filled += 1
    if filled:
        with po_path.open("wb") as po_file:
            write_po(po_file, catalogue, width=WIDTH)
    return filled


def untranslated(po_path: Path) -> int:
    """Count the messages of a catalogue that are empty or fuzzy."""
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file, locale=po_path.parent.parent.name)
    count = 0
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            count += 1
    return count


def catalogues() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def update() -> dict[str, int]:
    """Re-extract, merge into every catalogue, fill English; return untranslated counts."""
    extract()
    _run(
        UpdateCatalog(),
        input_file=str(TEMPLATE),
        output_dir=str(TRANSLATIONS),
        no_fuzzy_matching=True,
    )
    source = TRANSLATIONS / SOURCE_LANGUAGE / "LC_MESSAGES" / "messages.po"
    if source.is_file():
        fill_source_catalogue(source)
    return {path.parent.parent.name: untranslated(path) for path in catalogues()}


def compile_catalogues() -> int:
    """Compile every catalogue to .mo; return the number of catalogues with errors."""
    return _run(CompileCatalog(), directory=str(TRANSLATIONS), statistics=True)


@click.group("translate")
def translate_group() -> None:
    """Extract, update and compile the interface translations."""


@translate_group.command("extract")
def extract_command() -> None:
    """Extract the messages into translations/messages.pot."""
    _require_source_tree()
    with _babel_log():
        extract()


@translate_group.command("update")
def update_command() -> None:
    """Extract, then merge the new messages into every catalogue."""
    _require_source_tree()
    with _babel_log():
        counts = update()
    todo = {language: count for language, count in counts.items() if count}
    if not todo:
        click.echo("Every catalogue is complete.")
        return
    for language, count in sorted(todo.items()):
        path = os.path.relpath(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
        click.echo(f"{path}: {count} message(s) to translate.")
    click.echo("Translate them, then run `flask --app lookup_site translate compile`.")


@translate_group.command("compile")
def compile_command() -> None:
    """Compile the catalogues (.po) into the .mo files the site reads."""
    _require_source_tree()
    with _babel_log():
        failed = compile_catalogues()
    if failed:
        raise click.ClickException("Some catalogues have errors: see the messages above.")


def init_app(app: Flask) -> None:
    app.cli.add_command(translate_group)
