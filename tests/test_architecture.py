"""The layering of docs/style.md, enforced by walking every module's imports."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
MODULES = sorted(APP.rglob("*.py"))
THIRD_PARTY = ("peewee", "playhouse", "PySide6", "shiboken6", "platformdirs")
# package -> prefixes it must never import
FORBIDDEN = {
    "app.db": ("PySide6", "shiboken6", "app.services", "app.ui"),
    "app.services": ("PySide6", "shiboken6", "app.ui"),
    "app.ui": ("peewee", "playhouse", "app.db", "sqlite3"),
}
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA|CREATE TABLE)\b")


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_layer_imports(path: Path) -> None:
    module = _module_name(path)
    imported = _imports(path)
    for package, forbidden in FORBIDDEN.items():
        if _matches(module, package):
            bad = sorted(n for n in imported for f in forbidden if _matches(n, f))
            assert not bad, f"{module} imports {bad}"
    if _matches(module, "app.domain"):
        outside = sorted(
            n
            for n in imported
            if not _matches(n, "app.domain")
            and n.split(".")[0] not in sys.stdlib_module_names
            and n != "__future__"
        )
        assert not outside, f"{module} imports beyond the standard library: {outside}"


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_every_module_opens_with_a_one_line_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text("utf-8")))
    assert docstring, f"{path} has no docstring"
    assert docstring.splitlines()[0].strip(), f"{path}'s docstring has no first line"


@pytest.mark.parametrize(
    "path", [p for p in MODULES if not _matches(_module_name(p), "app.db")], ids=_module_name
)
def test_sql_lives_only_in_app_db(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    offending = [s for s in strings if SQL.search(s)]
    assert not offending, f"{path} holds SQL: {offending[:2]}"


def test_the_rules_catch_a_violation(tmp_path: Path) -> None:
    """The checker itself must be able to fail."""
    sample = tmp_path / "sample.py"
    sample.write_text('"""x."""\nfrom PySide6.QtCore import QObject\nimport app.db.tables\n')
    assert "PySide6.QtCore" in _imports(sample)
    assert any(_matches(n, "app.db") for n in _imports(sample))
