import ast
from pathlib import Path

import lookup_site.identifiers as identifiers
from lookup_site.identifiers.dictionary import ai_table

PACKAGE = Path(identifiers.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_identifiers_is_pure_python_without_flask():
    for path in PACKAGE.glob("*.py"):
        roots = {name.split(".")[0] for name in imported_modules(path)}
        assert not roots & {"flask", "werkzeug", "sqlalchemy", "lookup_site"}, path.name


def test_public_api_is_exported():
    for name in identifiers.__all__:
        assert hasattr(identifiers, name), name


def test_dictionary_ships_with_the_package():
    table = ai_table()
    assert len(table) > 500  # ranges such as 3100-3105 are expanded
    header = (PACKAGE / "gs1-syntax-dictionary.txt").read_text(encoding="utf-8")[:400]
    assert "50657dbd04ce78d8734e8793e054bf70dcba294b" in header
