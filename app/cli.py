"""The headless subcommands: migrate, status, check, backup, selftest (never start Qt)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from app import __version__, paths
from app.db.backup import (
    BackupError,
    backup_dir_for,
    header_version,
    manual_backup_name,
    unused_path,
    write_backup,
)
from app.db.checks import all_violations
from app.db.database import DatabaseSetupError, open_database, read_pragmas
from app.db.migrator import (
    DamagedFile,
    MigrationFailed,
    MigrationRefused,
    MigrationReport,
    Migrator,
    Progress,
)
from app.db.restore import RestoreError, restore_and_upgrade
from app.db.sqlite_files import open_read_only
from app.lock_file import lock_owner, take_lock
from app.logs import configure_logging
from app.shop_migrator import shop_migrator

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_VIOLATIONS = 4

COMMANDS = ("migrate", "status", "check", "backup", "restore", "selftest")
# A sign is read so that "-1" gets the range's message; the digits are ASCII only.
_VERSION_NUMBER = re.compile(r"-?[0-9]{1,4}")


def _file_argument(typed: str) -> Path:
    """A path option as typed; anything else is a usage error (exit 2) that says why."""
    if not typed:
        # Path("") is ".", the current folder: `--out ""` wrote a backup there.
        raise argparse.ArgumentTypeError("an empty path is not a file")
    if "\x00" in typed:
        raise argparse.ArgumentTypeError("a file name cannot hold a NUL character")
    try:
        # Bytes that are not UTF-8 come in as surrogates and go out again; a lone surrogate
        # that no file name can hold is refused here, not by the first open().
        os.fsencode(typed)
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            f"{typed!r} holds characters no file name can hold"
        ) from None
    return Path(typed)


def _version_argument(typed: str) -> int:
    """`--to N` in ASCII digits only: int() also reads "١٢", "1_0" and " 5"."""
    if not _VERSION_NUMBER.fullmatch(typed):
        raise argparse.ArgumentTypeError(
            f"invalid int value: {typed!r} (a version number in ASCII digits, e.g. 12)"
        )
    return int(typed)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dukan",
        description="Dukan: point of sale and credit book for one shop. Without a command it "
        "opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"Dukan {__version__}")
    opened = parser.add_mutually_exclusive_group()
    opened.add_argument(
        "--db", type=_file_argument, default=None, metavar="FILE", help="open this database file"
    )
    opened.add_argument(
        "--demo",
        action="store_true",
        help="open a demo shop with sample data, made afresh in the data folder's demo/ "
        "(never the shop's database)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def database_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--db",
            type=_file_argument,
            # Absent here means "as given before the command", not "none".
            default=argparse.SUPPRESS,
            metavar="FILE",
            help="the database file (default: the shop's database in the data folder)",
        )

    migrate = sub.add_parser("migrate", help="upgrade a database to this version of Dukan")
    database_option(migrate)
    migrate.add_argument("--to", type=_version_argument, metavar="N", help="stop at version N")
    migrate.add_argument(
        "--dry-run", action="store_true", help="upgrade a temporary copy and report timings"
    )
    database_option(sub.add_parser("status", help="show the version and pending migrations"))
    database_option(sub.add_parser("check", help="check integrity and the books' invariants"))
    backup = sub.add_parser("backup", help="write a verified backup copy")
    database_option(backup)
    backup.add_argument(
        "--out", type=_file_argument, metavar="FILE", help="where to write the copy"
    )
    restore = sub.add_parser(
        "restore", help="put a backup in the database's place (the current file is kept aside)"
    )
    database_option(restore)
    restore.add_argument(
        "--backup", type=_file_argument, required=True, metavar="FILE", help="the backup to restore"
    )
    sub.add_parser("selftest", help="check SQLite, its settings and the bundled migrations")
    return parser


def main(argv: Sequence[str], *, migrations_dir: Path | None = None) -> int:
    """Run one subcommand; argparse exits with 2 on a usage error."""
    parser = build_parser()
    return run(parser, parser.parse_args(list(argv)), migrations_dir=migrations_dir)


def run(
    parser: argparse.ArgumentParser, args: argparse.Namespace, *, migrations_dir: Path | None = None
) -> int:
    if getattr(args, "demo", False):
        parser.error("--demo opens the window; the commands take --db FILE")
    log_file = configure_logging(paths.log_file(), echo_to_stderr=False)
    migrator = shop_migrator(migrations_dir)
    database: Path | None = getattr(args, "db", None)
    database = database if database is not None else paths.default_database_path()
    handlers: dict[str, Callable[[], int]] = {
        "migrate": lambda: _migrate(parser, migrator, database, args.to, args.dry_run),
        "status": lambda: _status(migrator, database),
        "check": lambda: _check(migrator, database),
        "backup": lambda: _backup(migrator, database, args.out),
        "restore": lambda: _restore(migrator, database, args.backup),
        "selftest": lambda: _selftest(migrator),
    }
    try:
        return handlers[args.command]()
    except MigrationRefused as refusal:
        _err(f"Refused: {refusal}")
        return EXIT_REFUSED
    except MigrationFailed as failure:
        _err(f"Failed: {failure}")
        if failure.backup_path is not None:
            _err(f"The backup taken before the upgrade is {failure.backup_path}")
        if log_file is not None:
            _err(f"Details are in the log: {log_file}")
        return EXIT_FAILED
    except (OSError, sqlite3.Error, DatabaseSetupError, BackupError) as error:
        log.exception("%s failed", args.command)
        _err(f"Failed: {error}")
        return EXIT_FAILED
    except Exception as error:  # a shop owner gets a sentence, the log gets the trace
        log.exception("%s failed unexpectedly", args.command)
        where = f" Details are in the log: {log_file}" if log_file else ""
        _err(f"Failed unexpectedly: {error}.{where}")
        return EXIT_FAILED


def _out(text: str) -> None:
    print(_printable(text, sys.stdout), flush=True)


def _err(text: str) -> None:
    print(_printable(text, sys.stderr), file=sys.stderr, flush=True)


def _printable(text: str, stream: TextIO) -> str:
    """`text` with what the terminal cannot show escaped: a file name holding bytes that are
    not UTF-8 made print() fail after the backup it reports was written."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return text.encode(encoding, "backslashreplace").decode(encoding)


def _print_progress(progress: Progress) -> None:
    prefix = f"[{progress.step}/{progress.total}] " if progress.total else ""
    _out(prefix + progress.message)


def _migrate(
    parser: argparse.ArgumentParser,
    migrator: Migrator,
    database: Path,
    target: int | None,
    dry_run: bool,
) -> int:
    if target is not None and not 1 <= target <= migrator.latest_version:
        parser.error(f"--to must be between 1 and {migrator.latest_version}")
    if dry_run:
        _out(f"Database: {database}")
        _report_migration(migrator.dry_run(database, target=target, progress=_print_progress))
        return EXIT_OK
    with _window_lock(database, "migrate") as locked:
        if not locked:
            return EXIT_REFUSED
        _out(f"Database: {database}")
        report = migrator.migrate(database, target=target, progress=_print_progress)
    _report_migration(report)
    return EXIT_OK


@contextlib.contextmanager
def _window_lock(database: Path, command: str) -> Iterator[bool]:
    """Holds the window's lock while `command` writes, so a window started meanwhile (or
    another command) is refused instead of upgrading or reading a file being replaced;
    yields False after saying so when someone else holds it."""
    lock_path = paths.lock_path_for(database)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)  # a new file's folder, as the window
        held = take_lock(lock_path)
    except OSError as error:
        # A folder no lock can be made in is one no window can open the file from either
        # (it is refused at start); the command goes on to fail, or not, on its own.
        log.info("%s runs without the lock %s: %s", command, lock_path, error)
        owner = lock_owner(lock_path)
        if owner is not None:
            _refuse_open(database, command, owner)
        yield owner is None
        return
    if held is None:
        _refuse_open(database, command, lock_owner(lock_path))
        yield False
        return
    try:
        yield True
    finally:
        held.release()


def _refuse_open(database: Path, command: str, owner: int | None) -> None:
    process = f" (process {owner})" if owner is not None else ""
    _err(
        f"Refused: Dukan is open on {database}{process}: a window or another command has it "
        f"already. Close it or let it finish, then run {command} again. Nothing was changed."
    )


def _report_migration(report: MigrationReport) -> None:
    if not report.applied:
        _out(f"Nothing to do: the database is at version {report.to_version}.")
        return
    for step in report.applied:
        _out(f"  {step.file_name}: {step.duration_ms} ms")
    if report.backup_path is not None:
        _out(f"Backup taken before the upgrade: {report.backup_path}")
    if report.dry_run:
        _out(
            f"Dry run: a copy went from version {report.from_version} to {report.to_version}; "
            f"{report.path} was not changed."
        )
    else:
        _out(f"Done: the database is at version {report.to_version}.")


def _status(migrator: Migrator, database: Path) -> int:
    state = migrator.inspect(database)
    pending = migrator.pending(state)
    _out(f"Database: {database}")
    if state.is_new:
        _out(f"Version: none yet (it will be created at version {migrator.latest_version})")
    else:
        latest = " (latest)" if not pending else ""
        _out(f"Version: {state.version}{latest}")
    _out("Pending: " + (", ".join(m.file_name for m in pending) or "none"))
    _out(f"Backups: {backup_dir_for(database)}")
    return EXIT_OK


def _check(migrator: Migrator, database: Path) -> int:
    if not database.exists():
        _err(f"Refused: there is no database at {database}.")
        return EXIT_REFUSED
    try:
        version = migrator.inspect(database).version
    except DamagedFile as damage:
        # Damaged rows, not a damaged structure: listing them is what check is for.
        version = damage.version
    _out(f"Database: {database} (version {version})")
    with open_read_only(database) as conn:
        violations = all_violations(conn, version)
    if version < migrator.latest_version:
        _out(f"Note: migrations up to version {migrator.latest_version} are pending.")
    if not violations:
        _out("No problems found.")
        return EXIT_OK
    _out(f"{len(violations)} problem(s) found:")
    for violation in violations:
        _out(f"  {violation.check}: {violation.detail}")
    return EXIT_VIOLATIONS


def _backup(migrator: Migrator, database: Path, out: Path | None) -> int:
    if not database.is_file():
        _err(f"Failed: there is no database at {database}.")
        return EXIT_FAILED
    if out is None:
        target = unused_path(backup_dir_for(database), manual_backup_name(database, datetime.now()))
    elif out.is_dir():
        target = unused_path(out, manual_backup_name(database, datetime.now()))
    else:
        target = out
    if target.exists():
        _err(f"Failed: {target} already exists; choose another name.")
        return EXIT_FAILED
    written = write_backup(database, target)
    _out(f"Backup written and verified: {written}")
    version = header_version(written)
    if version is not None and version > migrator.latest_version:
        # A copy is harmless and may be what the owner needs; only this Dukan cannot use it.
        _out(
            f"Note: {database} was made by a newer Dukan (database version {version}); this "
            f"Dukan knows versions up to {migrator.latest_version}, so only the newer Dukan can "
            "open or restore this backup."
        )
    return EXIT_OK


def _restore(migrator: Migrator, database: Path, backup: Path) -> int:
    if not backup.is_file():
        _err(f"Refused: there is no backup at {backup}. Nothing was changed.")
        return EXIT_REFUSED
    with _window_lock(database, "restore") as locked:
        if not locked:
            return EXIT_REFUSED
        _out(f"Restoring {database} from {backup}")
        try:
            restored, upgrade = restore_and_upgrade(
                migrator, backup, database, now=datetime.now(), progress=_print_progress
            )
        except RestoreError as error:
            _err(f"Failed: {error}. The database was left as it was.")
            return EXIT_FAILED
    if restored.set_aside is not None:
        _out(f"The replaced database is kept at {restored.set_aside}")
    if upgrade.applied:
        _out(f"The restored backup was upgraded from version {upgrade.from_version}.")
    _out(f"Done: {database} is the backup now, at version {upgrade.to_version}.")
    return EXIT_OK


def _selftest(migrator: Migrator) -> int:
    _out(f"Dukan {__version__}, Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
    try:
        migrations = migrator.migrations
    except MigrationRefused as broken:
        # A damaged bundle is this installation's fault, not a file's: the self-test failed.
        _err(f"Failed: {broken}")
        return EXIT_FAILED
    _out(f"Migrations: {len(migrations)} found in {migrator.migrations_dir}, all match the lock")
    with tempfile.TemporaryDirectory(prefix="dukan-selftest-") as scratch:
        database = Path(scratch) / "selftest.db"
        migrator.migrate(database)
        db = open_database(database)
        try:
            state = read_pragmas(db.sqlite_connection())
        finally:
            db.close()
    _out(
        f"Pragmas: journal_mode={state.journal_mode} synchronous={state.synchronous} "
        f"foreign_keys={int(state.foreign_keys)} busy_timeout={state.busy_timeout_ms} "
        f"application_id={state.application_id:#x}"
    )
    _out("Self-test passed.")
    return EXIT_OK
