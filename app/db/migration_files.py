"""Reads `migrations/NNN_name.sql`: names, checksums, the lock file and statement splitting."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = re.compile(r"^(?P<version>\d{3})_(?P<name>[a-z0-9]+(?:_[a-z0-9]+)*)\.sql$")
LOCK_FILE_NAME = "migrations.lock"
LOCK_LINE = re.compile(r"^(?P<version>\d{3}) (?P<checksum>[0-9a-f]{64}) (?P<file>\S+)$")
# The migrator owns transactions and connection settings; a file that touches them breaks the
# "one migration, one transaction" promise (and VACUUM/ATTACH cannot run inside one at all).
FORBIDDEN_FIRST_WORDS = frozenset(
    {
        "BEGIN",
        "COMMIT",
        "END",
        "ROLLBACK",
        "SAVEPOINT",
        "RELEASE",
        "PRAGMA",
        "VACUUM",
        "ATTACH",
        "DETACH",
    }
)
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


class MigrationFileError(Exception):
    """The bundled migrations are damaged: missing, extra, edited or malformed files."""


@dataclass(frozen=True, slots=True)
class MigrationFile:
    version: int
    name: str
    checksum: str
    statements: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return f"{self.version:03d}_{self.name}.sql"


def normalised_text(raw: bytes) -> str:
    """The text a checksum covers: UTF-8 without BOM, LF line ends. Frozen forever."""
    return raw.decode("utf-8-sig").replace("\r\n", "\n")


def checksum_of(raw: bytes) -> str:
    return hashlib.sha256(normalised_text(raw).encode("utf-8")).hexdigest()


def strip_comments(sql: str) -> str:
    return _COMMENT.sub(" ", sql).strip()


def split_statements(text: str) -> list[str]:
    """Split on the semicolons SQLite itself would end a statement at.

    `sqlite3.complete_statement` knows about strings, comments and trigger bodies, so a `;`
    inside `CREATE TRIGGER ... BEGIN ... END;` or a comment does not cut a statement short.
    """
    statements: list[str] = []
    pending = ""
    for piece in text.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if strip_comments(pending.rstrip(";")):
                statements.append(pending.strip())
            pending = ""
    if strip_comments(pending.rstrip(";")):
        raise MigrationFileError(f"unfinished statement at the end: {pending.strip()[:80]!r}")
    return statements


def first_word(statement: str) -> str:
    words = strip_comments(statement).split(None, 1)
    return words[0].upper().rstrip(";") if words else ""


def read_lock(directory: Path) -> dict[int, tuple[str, str]]:
    """version -> (checksum, file name) as released."""
    lock_path = directory / LOCK_FILE_NAME
    if not lock_path.is_file():
        raise MigrationFileError(f"{LOCK_FILE_NAME} is missing from {directory}")
    locked: dict[int, tuple[str, str]] = {}
    for number, line in enumerate(lock_path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = LOCK_LINE.match(line)
        if match is None:
            raise MigrationFileError(f"{LOCK_FILE_NAME} line {number} is malformed")
        locked[int(match["version"])] = (match["checksum"], match["file"])
    return locked


def lock_text(migrations: list[MigrationFile]) -> str:
    header = "# version sha256(normalised text) file -- released migrations never change\n"
    return header + "".join(f"{m.version:03d} {m.checksum} {m.file_name}\n" for m in migrations)


def read_migration(path: Path) -> MigrationFile:
    match = FILE_NAME.match(path.name)
    if match is None:
        raise MigrationFileError(f"{path.name} is not named NNN_snake_name.sql")
    raw = path.read_bytes()
    try:
        statements = tuple(split_statements(normalised_text(raw)))
    except UnicodeDecodeError as error:
        raise MigrationFileError(f"{path.name} is not UTF-8 text") from error
    except MigrationFileError as error:
        raise MigrationFileError(f"{path.name}: {error}") from error
    if not statements:
        raise MigrationFileError(f"{path.name} has no statements")
    for statement in statements:
        word = first_word(statement)
        if word in FORBIDDEN_FIRST_WORDS:
            raise MigrationFileError(
                f"{path.name} contains {word}: the migrator manages transactions and pragmas"
            )
    return MigrationFile(int(match["version"]), match["name"], checksum_of(raw), statements)


def scan_migrations(directory: Path) -> list[MigrationFile]:
    """Every `.sql` file in the folder, checked for names and contiguous numbering from 001."""
    if not directory.is_dir():
        raise MigrationFileError(f"the migrations folder {directory} is missing")
    migrations = [read_migration(path) for path in sorted(directory.glob("*.sql"))]
    by_version: dict[int, MigrationFile] = {}
    for migration in migrations:
        if migration.version in by_version:
            other = by_version[migration.version]
            raise MigrationFileError(
                f"two migrations share number {migration.version:03d}: "
                f"{other.file_name} and {migration.file_name}"
            )
        by_version[migration.version] = migration
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise MigrationFileError(
                f"migration {expected:03d} is missing (found {migration.file_name} instead)"
            )
    return migrations


def load_migrations(directory: Path) -> list[MigrationFile]:
    """The bundled migrations, each matching its released checksum in `migrations.lock`."""
    migrations = scan_migrations(directory)
    locked = read_lock(directory)
    for migration in migrations:
        released = locked.get(migration.version)
        if released is None:
            raise MigrationFileError(
                f"{migration.file_name} is not in {LOCK_FILE_NAME}: run scripts/lock_migrations.py"
            )
        if released[1] != migration.file_name:
            raise MigrationFileError(
                f"{migration.file_name} was released as {released[1]}; released migrations "
                "must never be renamed"
            )
        if released[0] != migration.checksum:
            raise MigrationFileError(
                f"{migration.file_name} was edited after release (checksum differs from "
                f"{LOCK_FILE_NAME}); released migrations must never change"
            )
    unknown = sorted(set(locked) - {m.version for m in migrations})
    if unknown:
        raise MigrationFileError(f"released migration {unknown[0]:03d} is missing from {directory}")
    return migrations
