"""Upgrades a shop's database to the bundled schema, or refuses before writing a byte."""

from __future__ import annotations

import logging
import math
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app import __version__
from app.db.backup import (
    BackupError,
    backup_dir_for,
    prune_upgrade_backups,
    unused_path,
    upgrade_backup_name,
    write_backup,
)
from app.db.checks import guard_violations, quick_check, summarise_problems
from app.db.database import APPLICATION_ID, configure_connection
from app.db.fingerprint import schema_fingerprint
from app.db.migration_files import MigrationFile, MigrationFileError, load_migrations
from app.db.reference_scope import ReferenceScope
from app.db.sql_functions import register_migration_functions
from app.db.sqlite_files import (
    is_damaged_file_error,
    is_undecodable_text_error,
    open_read_only,
)

log = logging.getLogger(__name__)

HISTORY_TABLE = "schema_migrations"
HISTORY_DDL = f"""CREATE TABLE IF NOT EXISTS {HISTORY_TABLE} (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    app_version TEXT NOT NULL,
    duration_ms INTEGER NOT NULL
)"""
# Passed to the statement hook once a migration has committed.
AFTER_COMMIT = -1
KEEP_UPGRADE_BACKUPS = 5
# Room for a backup copy and for a rebuilt table beside the old one, plus slack for the WAL.
SPACE_FACTOR = 2
SPACE_SLACK_BYTES = 16 * 1024 * 1024
HEARTBEAT_SECONDS = 0.5
# The upgrade's page cache, in KiB (SQLite's negative cache_size). The default 2 MB thrashes
# when 013 and 014 rebuild tables and 015 and 025 index a million sales: the same pages are
# read again and again. The memory goes back when the upgrade's connection closes.
UPGRADE_CACHE_KIB = 128 * 1024


class MigrationError(Exception):
    """Base of everything the migrator reports to the window and the command line."""


class MigrationRefused(MigrationError):
    """The file was not touched: it is newer, foreign, damaged, or the bundle is broken."""


class DamagedFile(MigrationRefused):
    """A Dukan database at `version` whose rows are damaged (text that cannot be read), not
    its structure: `check` can still list what is wrong."""

    def __init__(self, message: str, *, version: int) -> None:
        super().__init__(message)
        self.version = version


class MigrationFailed(MigrationError):
    """Something went wrong while upgrading; the failed migration was rolled back."""

    def __init__(self, message: str, *, backup_path: Path | None = None) -> None:
        super().__init__(message)
        self.backup_path = backup_path


@dataclass(frozen=True, slots=True)
class Progress:
    step: int
    total: int
    message: str


ProgressCallback = Callable[[Progress], None]
# (migration version, statement number from 1, or AFTER_COMMIT): a seam for crash tests.
StatementHook = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class DatabaseState:
    path: Path
    version: int
    is_new: bool  # no file, an empty file, or a database with no schema yet
    size_bytes: int
    # Guards on money rows its version should have but does not (`check` lists them too).
    missing_guards: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AppliedStep:
    version: int
    file_name: str
    duration_ms: int


@dataclass(frozen=True, slots=True)
class MigrationReport:
    path: Path
    from_version: int
    to_version: int
    applied: tuple[AppliedStep, ...]
    backup_path: Path | None
    dry_run: bool = False


class _Heartbeat:
    """Repeats the current step's message every half second from a helper thread.

    A single statement (a backfill, `quick_check`, the final WAL checkpoint) can run for many
    seconds without returning to Python, so a ticker thread rather than the statement loop
    keeps the promise of news at least every second. Calls to the callback never overlap.
    """

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._current: Progress | None = None
        self._started = self._last = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="migration-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        if self._callback is not None:
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def announce(self, step: int, total: int, message: str) -> None:
        with self._lock:
            self._current = Progress(step, total, message)
            self._started = self._last = time.monotonic()
            if self._callback is not None:
                self._callback(self._current)

    def say(self, message: str) -> None:
        """A new message within the current step."""
        current = self._current or Progress(0, 0, "")
        self.announce(current.step, current.total, message)

    def _run(self) -> None:
        callback = self._callback
        while callback is not None and not self._stop.wait(HEARTBEAT_SECONDS / 5):
            with self._lock:
                now = time.monotonic()
                if self._current is None or now - self._last < HEARTBEAT_SECONDS:
                    continue
                self._last = now
                seconds = math.ceil(now - self._started)
                step = self._current
                callback(Progress(step.step, step.total, f"{step.message} ({seconds} s)"))


def _refuse(message: str) -> MigrationRefused:
    log.warning("refused: %s", message)
    return MigrationRefused(message)


class Migrator:
    """Applies `migrations/NNN_name.sql` to one database file, following docs/migrator.md."""

    def __init__(
        self,
        migrations_dir: Path,
        *,
        app_version: str = __version__,
        free_bytes: Callable[[Path], int] = lambda folder: shutil.disk_usage(folder).free,
        on_statement: StatementHook | None = None,
        now: Callable[[], datetime] = datetime.now,
        phone_region: str | None = None,
    ) -> None:
        self._migrations_dir = migrations_dir
        self._app_version = app_version
        self._free_bytes = free_bytes
        self._on_statement = on_statement
        self._now = now
        # Phones typed on legacy sales are read in this region when the file's settings name
        # none (migration 013); see dukan_shop_region in migrations/README.md.
        self._phone_region = phone_region
        self._migrations: list[MigrationFile] | None = None

    @property
    def migrations(self) -> list[MigrationFile]:
        if self._migrations is None:
            try:
                self._migrations = load_migrations(self._migrations_dir)
            except MigrationFileError as error:
                raise _refuse(
                    f"This copy of Dukan is damaged: {error}. Reinstall Dukan; your database "
                    "was not touched."
                ) from error
        return self._migrations

    @property
    def migrations_dir(self) -> Path:
        return self._migrations_dir

    @property
    def latest_version(self) -> int:
        return len(self.migrations)

    # ----- looking without touching -------------------------------------------------------

    def inspect(self, path: Path, *, check_pages: bool = True) -> DatabaseState:
        """What version the file is at, refusing files it must not upgrade. Writes nothing.

        `check_pages=False` leaves out `quick_check`, for a caller that checks the whole file
        next anyway (an upgrade's preflight runs `integrity_check`, which covers it).
        """
        migrations = self.migrations
        try:
            if not path.exists() or path.stat().st_size == 0:
                return DatabaseState(path, 0, True, 0)
            if not path.is_file():
                raise _refuse(f"{path} is a folder, not a database file.")
            size = path.stat().st_size
            with open_read_only(path) as conn:
                return self._inspect_open(path, conn, size, migrations, check_pages=check_pages)
        except sqlite3.Error as error:
            if is_damaged_file_error(error) or is_undecodable_text_error(error):
                raise _refuse(
                    f"{path} is not a Dukan database, or it is damaged ({error}). Nothing was "
                    "changed. Open the right file, or restore a backup."
                ) from error
            raise _refuse(f"{path} cannot be read ({error}). Nothing was changed.") from error
        except OSError as error:
            raise _refuse(
                f"{path} cannot be read ({error.strerror}). Nothing was changed."
            ) from error

    def _inspect_open(
        self,
        path: Path,
        conn: sqlite3.Connection,
        size: int,
        migrations: list[MigrationFile],
        *,
        check_pages: bool,
    ) -> DatabaseState:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if application_id == 0 and user_version == 0 and not tables:
            return DatabaseState(path, 0, True, size)
        if application_id != APPLICATION_ID:
            raise _refuse(
                f"{path} is not a Dukan database (it belongs to another program). Nothing was "
                "changed."
            )
        if HISTORY_TABLE not in tables:
            raise _refuse(
                f"{path} has no migration history; it cannot be upgraded safely. Nothing was "
                "changed."
            )
        if user_version > len(migrations):
            raise _refuse(
                f"{path} was upgraded by a newer Dukan (database version {user_version}); this "
                f"Dukan knows versions up to {len(migrations)}. Install the newer Dukan, or "
                "restore a backup made by this one. Nothing was changed."
            )
        try:
            history = conn.execute(
                f"SELECT version, name, checksum FROM {HISTORY_TABLE} ORDER BY version"
            ).fetchall()
        except sqlite3.OperationalError as error:
            if not is_undecodable_text_error(error):
                raise
            log.warning("refused: %s has unreadable text: %s", path, error)
            raise DamagedFile(
                f"{path} is damaged: some of its text cannot be read ({error}). Nothing was "
                "changed; restore a backup (`python -m app check` lists what is damaged).",
                version=user_version,
            ) from error
        versions = [row[0] for row in history]
        if versions != list(range(1, len(versions) + 1)) or len(versions) != user_version:
            raise _refuse(
                f"{path} is inconsistent: its header says version {user_version} but its "
                f"migration history lists {versions[-1] if versions else 'none'}. Nothing was "
                "changed; restore a backup."
            )
        for version, name, checksum in history:
            bundled = migrations[version - 1]
            if bundled.name != name or bundled.checksum != checksum:
                raise _refuse(
                    f"Migration {bundled.file_name} differs from the {version:03d}_{name}.sql "
                    f"that upgraded {path}; this copy of Dukan does not match the file. "
                    "Nothing was changed."
                )
        problems = quick_check(conn) if check_pages else []
        if problems:
            raise _refuse(
                f"{path} is damaged: it failed its integrity check "
                f"({summarise_problems(problems)}). Nothing was changed; restore a backup."
            )
        missing = tuple(violation.detail for violation in guard_violations(conn, user_version))
        return DatabaseState(path, user_version, False, size, missing)

    def pending(self, state: DatabaseState, target: int | None = None) -> list[MigrationFile]:
        goal = self._checked_target(state, target)
        return self.migrations[state.version : goal]

    def _checked_target(self, state: DatabaseState, target: int | None) -> int:
        goal = self.latest_version if target is None else target
        if not 1 <= goal <= self.latest_version:
            raise ValueError(f"the target version must be between 1 and {self.latest_version}")
        if goal < state.version:
            raise _refuse(
                f"{state.path} is already at version {state.version}, above {goal}. Migrations "
                "never go back: restore a backup instead."
            )
        return goal

    # ----- upgrading ----------------------------------------------------------------------

    def migrate(
        self, path: Path, *, target: int | None = None, progress: ProgressCallback | None = None
    ) -> MigrationReport:
        """Bring `path` to `target` (default: latest), backing it up first if it has data."""
        return self._upgrade(path, target, progress, back_up=True)

    def dry_run(
        self, path: Path, *, target: int | None = None, progress: ProgressCallback | None = None
    ) -> MigrationReport:
        """Run the upgrade on a temporary copy and report timings; `path` stays untouched."""
        state = self.inspect(path)
        self.pending(state, target)
        # Beside the database when possible: same disk, so the space check and the timings
        # are the real upgrade's (the system temp folder is often a small RAM disk).
        folder = path.resolve().parent
        near = folder if os.access(folder, os.W_OK) else None
        with tempfile.TemporaryDirectory(prefix=".dukan-dry-run-", dir=near) as scratch:
            copy = Path(scratch) / path.name
            if not state.is_new:
                if progress is not None:
                    progress(Progress(0, 0, f"Copying {path.name} for the dry run"))
                try:
                    write_backup(path, copy)
                except BackupError as error:
                    raise MigrationFailed(f"Could not copy {path} for the dry run: {error}") from (
                        error
                    )
            report = self._upgrade(copy, target, progress, back_up=False)
        return MigrationReport(
            path, report.from_version, report.to_version, report.applied, None, dry_run=True
        )

    def _upgrade(
        self,
        path: Path,
        target: int | None,
        progress: ProgressCallback | None,
        *,
        back_up: bool,
    ) -> MigrationReport:
        # With migrations to apply, the preflight's integrity check reads every page anyway:
        # 0.6 s of a big shop's upgrade not spent twice. Without, the pages are checked here.
        state = self.inspect(path, check_pages=False)
        todo = self.pending(state, target)
        if not todo and not state.is_new:
            state = self.inspect(path)
        if state.missing_guards:
            # The schema is not the one the migrations made: another program dropped what
            # keeps sales and payments from being edited. Opening it would hide that.
            raise _refuse(
                f"{path} was changed by another program: its guards on money rows are not in place "
                f"({'; '.join(state.missing_guards)}), so sales, debts or payments may have "
                "been edited by hand. Nothing was changed. `python -m app check` lists what "
                "is wrong; restore a backup made by Dukan."
            )
        goal = state.version + len(todo)
        if not todo:
            return MigrationReport(path, state.version, state.version, (), None)
        back_up = back_up and not state.is_new
        try:
            with _Heartbeat(progress) as heartbeat:
                if not state.is_new:
                    # The whole-file check takes seconds on a big shop: news meanwhile too.
                    heartbeat.announce(
                        int(back_up),
                        _step_count(todo, back_up=back_up),
                        "Checking the database before the upgrade",
                    )
                    self._preflight(state)
                backup_path, steps = self._upgrade_steps(
                    path, state, todo, heartbeat, back_up=back_up
                )
        except (sqlite3.Error, OSError) as error:
            # Each migration commits on its own, so the file is at some whole version.
            log.exception("upgrade of %s stopped", path)
            raise MigrationFailed(
                f"The upgrade of {path} stopped: {error}. The file is at a whole version "
                "(each step commits or not at all); Dukan continues at the next start."
            ) from error
        log.info("migrated %s from %d to %d", path, state.version, goal)
        return MigrationReport(path, state.version, goal, steps, backup_path)

    def _upgrade_steps(
        self,
        path: Path,
        state: DatabaseState,
        todo: list[MigrationFile],
        heartbeat: _Heartbeat,
        *,
        back_up: bool,
    ) -> tuple[Path | None, tuple[AppliedStep, ...]]:
        total = _step_count(todo, back_up=back_up)
        backup_path = None
        if back_up:
            heartbeat.announce(1, total, "Backing up the database before the upgrade")
            backup_path = self._backup(state)
        applied: list[AppliedStep] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # No statement cache: the reference scope learns what a statement writes when it
            # is prepared, so a statement text met again in a later migration must be
            # prepared again rather than taken from the cache.
            conn = sqlite3.connect(path, isolation_level=None, cached_statements=0)
        except (OSError, sqlite3.Error) as error:
            raise MigrationFailed(
                f"Could not open {path} for the upgrade: {error}. Nothing was changed.",
                backup_path=backup_path,
            ) from error
        try:
            self._prepare_connection(conn, path, backup_path)
            scope = ReferenceScope()
            scope.attach(conn)
            for migration in todo:
                step = int(back_up) + len(applied) + 1
                heartbeat.announce(step, total, f"Applying {migration.file_name}")
                final = migration is todo[-1]
                applied.append(
                    self._apply(conn, migration, backup_path, heartbeat, scope, final=final)
                )
            heartbeat.announce(total, total, "Writing the upgraded database to disk")
        finally:
            # Closing checkpoints the WAL into the file: on a big upgrade that takes a while,
            # so it happens while the heartbeat still runs.
            conn.close()
        return backup_path, tuple(applied)

    def _preflight(self, state: DatabaseState) -> None:
        """Before the first write: the whole file is sound, and the disk has room to work."""
        try:
            self._check_room(state)
            with open_read_only(state.path) as conn:
                _speed_up(conn)
                # The full check, once (inspect left quick_check to it): an upgrade rewrites
                # tables, so index/table agreement, which quick_check skips, matters too.
                damage = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
                # Every migration must leave foreign_key_check empty, so a reference that was
                # already broken would fail the first one: say so now, with nothing written.
                broken = conn.execute(
                    "SELECT COUNT(*), MIN(fk.\"table\" || ' row ' || COALESCE(fk.rowid, '?')"
                    " || ' points to a missing ' || fk.parent)"
                    " FROM pragma_foreign_key_check() AS fk"
                ).fetchone()
        except (sqlite3.Error, OSError) as error:
            raise _refuse(
                f"{state.path} could not be checked before the upgrade ({error}). Nothing was "
                "changed."
            ) from error
        if damage != ["ok"]:
            raise _refuse(
                f"{state.path} is damaged: it failed its integrity check "
                f"({summarise_problems(damage)}). Nothing was changed; restore a backup."
            )
        if broken[0]:
            raise _refuse(
                f"{state.path} has {broken[0]} row(s) pointing at rows that do not exist "
                f"(such as: {broken[1]}), written by a program that did not enforce references. "
                "Nothing was changed; `python -m app check` lists them."
            )

    def _check_room(self, state: DatabaseState) -> None:
        folder = state.path.resolve().parent
        wal = state.path.with_name(state.path.name + "-wal")
        in_use = state.size_bytes + (wal.stat().st_size if wal.exists() else 0)
        needed = SPACE_FACTOR * in_use + SPACE_SLACK_BYTES
        free = self._free_bytes(folder)
        if free < needed:
            raise _refuse(
                f"Not enough free disk space to upgrade {state.path} safely: "
                f"{_megabytes(needed)} needed, {_megabytes(free)} free on that disk. Free some "
                "space and start Dukan again. Nothing was changed."
            )

    def _backup(self, state: DatabaseState) -> Path:
        folder = backup_dir_for(state.path)
        target = unused_path(folder, upgrade_backup_name(state.path, state.version, self._now()))
        try:
            backup = write_backup(state.path, target)
            prune_upgrade_backups(state.path, KEEP_UPGRADE_BACKUPS, newest=backup)
        except (BackupError, OSError) as error:
            raise MigrationFailed(
                f"Could not write the backup that must come before an upgrade: {error}. "
                "Nothing was changed."
            ) from error
        return backup

    def _prepare_connection(
        self, conn: sqlite3.Connection, path: Path, backup_path: Path | None
    ) -> None:
        try:
            configure_connection(conn)
            _speed_up(conn)
        except Exception as error:
            raise MigrationFailed(
                f"Could not prepare {path} for the upgrade: {error}. Nothing was changed.",
                backup_path=backup_path,
            ) from error
        register_migration_functions(conn, self._phone_region)

    def _apply(
        self,
        conn: sqlite3.Connection,
        migration: MigrationFile,
        backup_path: Path | None,
        heartbeat: _Heartbeat,
        scope: ReferenceScope,
        *,
        final: bool,
    ) -> AppliedStep:
        """One migration, one `BEGIN IMMEDIATE` transaction, foreign keys off around it.

        Foreign keys are off for every migration, not only rebuilds: a forgotten flag on a
        rebuild would let `DROP TABLE debts` cascade into `payment_history`. `foreign_key_check`
        before commit keeps the guarantee the pragma would have given, on the tables the
        migration's writes could reach (`ReferenceScope`: the rest were proved sound before).

        The result is verified before it commits (schema equal to a fresh file's at this
        version; on the last migration also `quick_check`), so a failed check is undone with
        the migration instead of being found afterwards in a file already marked upgraded.
        """
        started = time.monotonic()
        statement = "BEGIN IMMEDIATE"
        try:
            _set_foreign_keys(conn, enabled=False)
            conn.execute(statement)
            found = conn.execute("PRAGMA user_version").fetchone()[0]
            if found != migration.version - 1:
                raise MigrationError(
                    f"the file changed under the upgrade (version {found}, expected "
                    f"{migration.version - 1}); another copy of Dukan may be upgrading it"
                )
            conn.execute(HISTORY_DDL)
            scope.start(conn)
            for number, statement in enumerate(migration.statements, start=1):
                conn.execute(statement)
                self._hook(migration.version, number)
            statement = "PRAGMA foreign_key_check"
            violations = scope.violations(conn)
            if violations:
                table, rowid, parent, _ = violations[0]
                raise MigrationError(
                    f"{len(violations)} broken references, first {table} row {rowid} -> {parent}"
                )
            statement = "comparing the schema with a fresh database"
            difference = self.schema_difference(conn, migration.version)
            if difference:
                raise MigrationError(
                    f"the result would differ from a fresh database at version "
                    f"{migration.version} ({difference})"
                )
            if final:
                statement = "PRAGMA quick_check"
                heartbeat.say("Checking the upgraded database")
                problems = quick_check(conn)
                if problems:
                    raise MigrationError(
                        f"the upgraded file failed its check: {summarise_problems(problems)}"
                    )
            statement = "recording the migration"
            duration_ms = int((time.monotonic() - started) * 1000)
            conn.execute(
                f"INSERT INTO {HISTORY_TABLE} "
                "(version, name, checksum, applied_at, app_version, duration_ms) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    migration.version,
                    migration.name,
                    migration.checksum,
                    self._now().strftime("%Y-%m-%d %H:%M:%S"),
                    self._app_version,
                    duration_ms,
                ),
            )
            # Header fields are part of the transaction: they commit or vanish with the DDL.
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
            self._hook(migration.version, len(migration.statements) + 1)
            statement = "COMMIT"
            conn.execute(statement)
        except (sqlite3.Error, MigrationError) as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            log.exception("migration %s failed", migration.file_name)
            raise MigrationFailed(
                f"Migration {migration.file_name} failed and was undone: {error}. "
                f"Statement: {_shorten(statement)}. The database is still at version "
                f"{migration.version - 1}.",
                backup_path=backup_path,
            ) from error
        finally:
            # Never raise from here: that would hide the error being reported.
            foreign_keys_on = _foreign_keys_restored(conn)
        if not foreign_keys_on:
            raise MigrationFailed(
                f"Migration {migration.file_name} was applied, but foreign keys could not be "
                "turned back on for this connection.",
                backup_path=backup_path,
            )
        self._hook(migration.version, AFTER_COMMIT)
        log.info("applied %s in %d ms", migration.file_name, duration_ms)
        return AppliedStep(migration.version, migration.file_name, duration_ms)

    def _hook(self, version: int, statement_number: int) -> None:
        if self._on_statement is not None:
            self._on_statement(version, statement_number)

    def schema_difference(self, conn: sqlite3.Connection, version: int) -> str:
        """How the schema seen by `conn` differs from a fresh one at `version`; "" if equal."""
        actual, fresh = schema_fingerprint(conn), self.fresh_fingerprint(version)
        parts = [
            *(f"unexpected {key}" for key in sorted(actual.keys() - fresh.keys())),
            *(f"missing {key}" for key in sorted(fresh.keys() - actual.keys())),
            *(
                f"changed {key}"
                for key in sorted(actual.keys() & fresh.keys())
                if actual[key] != fresh[key]
            ),
        ]
        return ", ".join(parts)

    def fresh_fingerprint(self, version: int) -> dict[str, object]:
        """The schema a brand-new file has at `version`, built in memory from the same files."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            register_migration_functions(conn, self._phone_region)
            conn.execute(HISTORY_DDL)
            for migration in self.migrations[:version]:
                for statement in migration.statements:
                    conn.execute(statement)
            return schema_fingerprint(conn)
        finally:
            conn.close()


def _step_count(todo: list[MigrationFile], *, back_up: bool) -> int:
    """The steps progress counts: the backup, each migration, writing the result to disk."""
    return int(back_up) + len(todo) + 1


def _speed_up(conn: sqlite3.Connection) -> None:
    """Settings that only change how fast, never what is written or how safely."""
    conn.execute(f"PRAGMA cache_size = {-UPGRADE_CACHE_KIB:d}")
    # The sorts behind CREATE INDEX and the migrations' temp tables stay in memory rather
    # than in temporary files; they are tens of MB on a big shop.
    conn.execute("PRAGMA temp_store = MEMORY")


def _foreign_keys_restored(conn: sqlite3.Connection) -> bool:
    try:
        _set_foreign_keys(conn, enabled=True)
    except (sqlite3.Error, MigrationError):
        log.exception("foreign keys could not be turned back on")
        return False
    return True


def _set_foreign_keys(conn: sqlite3.Connection, *, enabled: bool) -> None:
    """Switch enforcement and prove it switched: the pragma is a silent no-op in a transaction."""
    conn.execute(f"PRAGMA foreign_keys = {'ON' if enabled else 'OFF'}")
    if bool(conn.execute("PRAGMA foreign_keys").fetchone()[0]) != enabled:
        raise MigrationError(f"foreign keys could not be turned {'on' if enabled else 'off'}")


def _shorten(statement: str, limit: int = 160) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"
