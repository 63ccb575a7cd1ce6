"""The layering of docs/style.md, enforced by walking every module's imports."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
MODULES = sorted(APP.rglob("*.py"))
STDLIB = "<standard library>"
ROOT = "app"  # the package itself: `from app import __version__`
# What each layer may import (an allow-list: anything else is a violation). The top-level
# modules (main, cli, startup, paths, logs, lock_file) wire the layers and may import anything.
ALLOWED: dict[str, tuple[str, ...]] = {
    # phonenumbers (phone rules and data) and rapidfuzz (string similarity) are pure
    # computation, the libraries chosen for phones and duplicate-name hints.
    "app.domain": (STDLIB, "phonenumbers", "rapidfuzz", "app.domain"),
    "app.db": (STDLIB, "peewee", "playhouse", "app.domain", "app.db", ROOT),
    # Services build queries on app.db's table classes with peewee's expressions (`fn.SUM`);
    # SQL text stays in app.db (see test_sql_lives_only_in_app_db).
    "app.services": (STDLIB, "peewee", "app.db", "app.domain", "app.services"),
    "app.ui": (STDLIB, "PySide6", "shiboken6", "app.services", "app.domain", "app.ui", ROOT),
}
# Standard-library modules a layer still may not use: the UI reaches data only via services.
FORBIDDEN_STDLIB = {"app.ui": ("sqlite3",)}
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA|CREATE TABLE)\b")


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_app_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (APP.parent / relative).with_suffix(".py").exists() or (
        APP.parent / relative / "__init__.py"
    ).exists()


def imports_of(source: str) -> set[str]:
    """Imported module names; `from app import paths` counts as `app.paths`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if _is_app_module(submodule) else node.module)
    return found - {"__future__"}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _allowed(name: str, allowed: tuple[str, ...]) -> bool:
    top = name.split(".", maxsplit=1)[0]
    if top in sys.stdlib_module_names:
        return STDLIB in allowed
    if name == ROOT:
        return ROOT in allowed
    return any(_within(name, prefix) for prefix in allowed if prefix not in (STDLIB, ROOT))


def layer_violations(module: str, source: str) -> list[str]:
    for layer, allowed in ALLOWED.items():
        if _within(module, layer):
            imported = imports_of(source)
            banned = FORBIDDEN_STDLIB.get(layer, ())
            return sorted(n for n in imported if not _allowed(n, allowed) or n in banned)
    return []


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_layer_imports(path: Path) -> None:
    module = _module_name(path)
    assert layer_violations(module, path.read_text("utf-8")) == []


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_every_module_opens_with_a_one_line_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text("utf-8")))
    assert docstring, f"{path} has no docstring"
    assert docstring.splitlines()[0].strip(), f"{path}'s docstring has no first line"


@pytest.mark.parametrize(
    "path", [p for p in MODULES if not _within(_module_name(p), "app.db")], ids=_module_name
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


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("app.ui.sales.till", "from app.db.tables import Sale\n", ["app.db.tables"]),
        ("app.ui.sales.till", "import peewee\n", ["peewee"]),
        ("app.ui.sales.till", "import sqlite3\n", ["sqlite3"]),
        ("app.ui.sales.till", "from app import paths\n", ["app.paths"]),
        ("app.services.sales", "from PySide6.QtCore import QObject\n", ["PySide6.QtCore"]),
        ("app.services.sales", "from app.ui import prompts\n", ["app.ui.prompts"]),
        (
            "app.db.tables",
            "from app.services.errors import ServiceError\n",
            ["app.services.errors"],
        ),
        ("app.db.tables", "import platformdirs\n", ["platformdirs"]),
        (
            "app.domain.money",
            "import peewee\nfrom app.db import tables\n",
            ["app.db.tables", "peewee"],
        ),
        ("app.domain.money", "from app import __version__\n", ["app"]),
        ("app.ui.sales.till", "from app import __version__\nimport json\n", []),
        ("app.cli", "import peewee\nfrom PySide6 import QtCore\n", []),
    ],
)
def test_the_rules_catch_violations(module: str, source: str, expected: list[str]) -> None:
    """The checker itself must be able to fail."""
    assert layer_violations(module, source) == expected
