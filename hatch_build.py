"""Ship the top-level templates/, static/ and translations/ inside the wheel.

The project keeps these folders at the top level (the layout it was specified
with), but a wheel only carries packages. This hook compiles the gettext
catalogues (``.mo`` files are build output, never committed) and maps the three
folders to ``lookup_site/_data/`` in the wheel, where ``lookup_site.paths``
looks first.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def compile_catalogues(source: Path, target: Path) -> None:
    """Compile every ``.po`` under source into a ``.mo`` at the same place under target."""
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue)


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        translations = root / "translations"
        if version == "editable":
            # An editable install reads the source tree: compile in place.
            compile_catalogues(translations, translations)
            return
        self._tmp = Path(tempfile.mkdtemp(prefix="lookup-site-build-"))
        compiled = self._tmp / "translations"
        shutil.copytree(translations, compiled, ignore=shutil.ignore_patterns("*.mo"))
        compile_catalogues(translations, compiled)
        force = build_data.setdefault("force_include", {})
        force[str(root / "templates")] = "lookup_site/_data/templates"
        force[str(root / "static")] = "lookup_site/_data/static"
        force[str(compiled)] = "lookup_site/_data/translations"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
