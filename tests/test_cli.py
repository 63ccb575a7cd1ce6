"""Tests for the headless command line: exit codes, messages and files of each subcommand."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import __version__, cli
from app.db.migrator import Migrator
from app.paths import DATA_DIR_VARIABLE, lock_path_for, migrations_dir
from tests.db.bundles import bundle_failing_at_010
from tests.db.populate import row_order
from tests.lock_holder import lock_held_by_another_process
from tests.other_user import nobody, world_readable_base

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 60
BACKUP_WRITTEN = "Backup written and verified: "
BACKUP_TAKEN = "Backup taken before the upgrade: "
LATEST = Migrator(migrations_dir()).latest_version


# ----- helpers ---------------------------------------------------------------------------------


def run_cli(data_dir: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS` in a fresh interpreter, the way a shop owner or a script runs it."""
    env = {**os.environ, DATA_DIR_VARIABLE: str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in output_of(result), output_of(result)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def printed_path(output: str, prefix: str) -> Path:
    """The path on the line that starts with `prefix`."""
    for line in output.splitlines():
        if line.startswith(prefix):
            return Path(line[len(prefix) :].strip())
    raise AssertionError(f"no line starting with {prefix!r} in:\n{output}")


def all_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read without writing, to prove a failed action wrote nothing."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: conn.execute(
                f'SELECT * FROM "{table}" ORDER BY {row_order(conn, table)}'
            ).fetchall()
            for table in tables
        }
    finally:
        conn.close()


def write_rows(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def make_newer(path: Path, latest: int) -> None:
    """Pretend a future Dukan upgraded the file: history and header one version ahead."""
    newer = latest + 1
    write_rows(
        path,
        "INSERT INTO schema_migrations (version, name, checksum, applied_at, app_version, "
        f"duration_ms) VALUES ({newer}, 'from_the_future', '{'0' * 64}', "
        "'2030-01-01 00:00:00', '9.9.9', 1)",
    )
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA user_version = {newer}")
    finally:
        conn.close()


def make_random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def make_foreign(path: Path) -> None:
    write_rows(
        path,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
        "INSERT INTO notes (body) VALUES ('not a shop')",
    )


def make_truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.fixture
def in_process() -> Iterator[None]:
    """For `cli.main` called in this process: drop the log handler it installs afterwards."""
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_dukan", False):
            root.removeHandler(handler)
            handler.close()


@pytest.fixture(scope="session")
def v4_template(tmp_path_factory: pytest.TempPathFactory, migrator: Migrator) -> Path:
    path = tmp_path_factory.mktemp("template_v4") / "v4.db"
    migrator.migrate(path, target=4)
    return path


@pytest.fixture
def v4_path(tmp_path: Path, v4_template: Path) -> Path:
    path = tmp_path / "old" / "dukan.db"
    path.parent.mkdir()
    shutil.copyfile(v4_template, path)
    return path


# ----- migrate -----------------------------------------------------------------------------


def test_migrate_creates_a_new_database_at_the_latest_version(
    tmp_path: Path, data_dir: Path, migrator: Migrator
) -> None:
    database = tmp_path / "new.db"

    result = run_cli(data_dir, "migrate", "--db", database)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    # Every migration file counts: the latest version is the number of files shipped.
    assert user_version(database) == migrator.latest_version
    assert migrator.latest_version == len(list(migrations_dir().glob("*.sql")))
    for migration in migrator.migrations:
        assert f"Applying {migration.file_name}" in result.stdout
    assert f"Done: the database is at version {migrator.latest_version}" in result.stdout
    # A new file has nothing to lose, so no backup is taken.
    assert BACKUP_TAKEN not in result.stdout
    assert not (tmp_path / "backups").exists()


def test_migrate_twice_has_nothing_to_do(tmp_path: Path, data_dir: Path) -> None:
    database = tmp_path / "new.db"
    assert run_cli(data_dir, "migrate", "--db", database).returncode == 0
    before = sha256_of(database)

    result = run_cli(data_dir, "migrate", "--db", database)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert "Nothing to do" in result.stdout
    assert "Applying" not in result.stdout
    assert sha256_of(database) == before


def test_migrate_in_two_steps_backs_up_before_the_second(
    tmp_path: Path, data_dir: Path, migrator: Migrator
) -> None:
    database = tmp_path / "shop.db"
    first = run_cli(data_dir, "migrate", "--db", database, "--to", "4")
    assert first.returncode == 0, output_of(first)
    assert user_version(database) == 4
    assert "Done: the database is at version 4" in first.stdout

    result = run_cli(data_dir, "migrate", "--db", database)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    backup = printed_path(result.stdout, BACKUP_TAKEN)
    assert backup.is_file()
    assert backup.parent == database.resolve().parent / "backups"
    assert user_version(backup) == 4
    assert user_version(database) == migrator.latest_version
    assert "Applying 001_create_settings.sql" not in result.stdout
    assert "Applying 005_create_debts.sql" in result.stdout
    assert f"Done: the database is at version {migrator.latest_version}" in result.stdout


def test_migrate_dry_run_leaves_the_file_byte_identical(
    v4_path: Path, data_dir: Path, migrator: Migrator
) -> None:
    before = sha256_of(v4_path)

    result = run_cli(data_dir, "migrate", "--db", v4_path, "--dry-run")

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert sha256_of(v4_path) == before
    assert user_version(v4_path) == 4
    assert f"from version 4 to {migrator.latest_version}" in result.stdout
    assert "was not changed" in result.stdout
    assert "Applying 010_create_open_debts_view_and_indexes.sql" in result.stdout
    assert not (v4_path.parent / "backups").exists()


def test_migrate_refuses_to_go_back_to_an_older_version(
    database_path: Path, data_dir: Path
) -> None:
    before = sha256_of(database_path)

    result = run_cli(data_dir, "migrate", "--db", database_path, "--to", "4")

    assert result.returncode == 3, output_of(result)
    assert_no_traceback(result)
    assert "never go back" in result.stderr
    assert sha256_of(database_path) == before


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["migrate", "--to", "0"], "between 1 and"),
        (["migrate", "--to", "99"], "between 1 and"),
        (["migrate", "--to", "-1"], "between 1 and"),
        (["migrate", "--to", "abc"], "invalid int value"),
        (["frobnicate"], "invalid choice"),
        (["migrate", "--colour"], "unrecognized arguments"),
    ],
    ids=["to-0", "to-99", "to-negative", "to-abc", "unknown-command", "unknown-option"],
)
def test_usage_errors_exit_2_and_touch_nothing(
    tmp_path: Path, data_dir: Path, arguments: list[str], expected: str
) -> None:
    database = tmp_path / "untouched.db"

    result = run_cli(data_dir, *arguments, "--db", database)

    assert result.returncode == 2, output_of(result)
    assert_no_traceback(result)
    assert "usage:" in result.stderr
    assert expected in result.stderr
    assert not database.exists()


def test_migrate_without_db_uses_the_default_database(data_dir: Path, migrator: Migrator) -> None:
    default = data_dir / "dukan.db"
    assert not default.exists()

    result = run_cli(data_dir, "migrate")

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert default.is_file()
    assert user_version(default) == migrator.latest_version
    assert str(default) in result.stdout


def test_db_option_before_the_command_is_not_ignored(tmp_path: Path, data_dir: Path) -> None:
    database = tmp_path / "mine.db"

    result = run_cli(data_dir, "--db", database, "status")

    assert result.returncode == 0, output_of(result)
    assert f"Database: {database}" in result.stdout
    assert str(data_dir / "dukan.db") not in result.stdout


# ----- refusals ----------------------------------------------------------------------------

REFUSED_FILES: dict[str, tuple[Callable[[Path, int], None], tuple[str, ...]]] = {
    "newer": (
        make_newer,
        ("newer Dukan", f"version {LATEST + 1}", f"up to {LATEST}", "Nothing was changed"),
    ),
    "random-bytes": (
        lambda path, _latest: make_random_bytes(path),
        ("not a Dukan database", "Nothing was changed"),
    ),
    "foreign-sqlite": (
        lambda path, _latest: make_foreign(path),
        ("not a Dukan database", "another program", "Nothing was changed"),
    ),
    "truncated": (
        lambda path, _latest: make_truncated(path),
        ("damaged", "Nothing was changed", "restore a backup"),
    ),
}


@pytest.mark.parametrize("command", ["migrate", "status", "check"])
@pytest.mark.parametrize("kind", list(REFUSED_FILES))
def test_refused_files_exit_3_and_stay_byte_identical(
    database_path: Path, data_dir: Path, migrator: Migrator, kind: str, command: str
) -> None:
    damage, keywords = REFUSED_FILES[kind]
    if kind in {"random-bytes", "foreign-sqlite"}:
        database_path.unlink()
    damage(database_path, migrator.latest_version)
    before = sha256_of(database_path)

    result = run_cli(data_dir, command, "--db", database_path)

    assert result.returncode == 3, output_of(result)
    assert_no_traceback(result)
    assert "Refused:" in result.stderr
    for keyword in keywords:
        assert keyword in result.stderr
    assert sha256_of(database_path) == before
    assert not (database_path.parent / "backups").exists()
    assert "Applying" not in result.stdout


# ----- failures in folders that cannot be written --------------------------------------------


@dataclass(frozen=True)
class LockedShop:
    """A folder holding a version-4 database, and a data folder, both read-only for the CLI."""

    folder: Path
    old_database: Path
    data: Path
    run: Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def locked_shop(v4_template: Path) -> Iterator[LockedShop]:
    """As root chmod is ignored, so the CLI then runs as `nobody` under a world-readable base."""
    with world_readable_base("dukan-cli-locked-") as base:
        folder, data = base / "shop", base / "data"
        folder.mkdir()
        data.mkdir()
        old_database = folder / "old.db"
        shutil.copyfile(v4_template, old_database)
        old_database.chmod(0o644)
        folder.chmod(0o555)
        data.chmod(0o555)
        if os.geteuid() == 0:
            user = nobody()

            def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
                return user.run(data, *args)

        else:
            if os.access(folder, os.W_OK):
                pytest.skip("this user can write into a chmod 0o555 folder")

            def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
                return run_cli(data, *args)

        yield LockedShop(folder, old_database, data, run)


def test_migrate_a_new_file_in_a_read_only_folder_fails_cleanly(locked_shop: LockedShop) -> None:
    database = locked_shop.folder / "new.db"

    result = locked_shop.run("migrate", "--db", database)

    assert result.returncode == 1, output_of(result)
    assert_no_traceback(result)
    assert "Failed:" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert not database.exists()
    assert sorted(p.name for p in locked_shop.folder.iterdir()) == ["old.db"]


def test_migrate_an_old_file_in_a_read_only_folder_fails_without_changing_it(
    locked_shop: LockedShop,
) -> None:
    before = sha256_of(locked_shop.old_database)

    result = locked_shop.run("migrate", "--db", locked_shop.old_database)

    assert sha256_of(locked_shop.old_database) == before
    assert_no_traceback(result)
    assert "not a Dukan database" not in result.stderr
    assert result.returncode == 1, output_of(result)
    assert "backup" in result.stderr
    assert "Nothing was changed" in result.stderr


def test_status_of_an_old_file_in_a_read_only_folder(locked_shop: LockedShop) -> None:
    result = locked_shop.run("status", "--db", locked_shop.old_database)

    assert_no_traceback(result)
    assert result.returncode == 0, output_of(result)
    assert "Version: 4" in result.stdout


def test_an_unusable_data_folder_prints_no_traceback(tmp_path: Path) -> None:
    # A data folder under a plain file cannot be created, even by root.
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    database = tmp_path / "junk.db"
    make_random_bytes(database)

    result = run_cli(blocker / "data", "backup", "--db", database)

    assert result.returncode == 1, output_of(result)
    assert "Failed:" in result.stderr
    assert_no_traceback(result)


# ----- status ------------------------------------------------------------------------------


def test_status_of_a_new_path_says_it_will_be_created_and_creates_nothing(
    tmp_path: Path, data_dir: Path, migrator: Migrator
) -> None:
    database = tmp_path / "not-yet" / "shop.db"

    result = run_cli(data_dir, "status", "--db", database)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert "will be created" in result.stdout
    assert f"at version {migrator.latest_version}" in result.stdout
    assert "001_create_settings.sql" in result.stdout
    assert not database.exists()
    assert not database.parent.exists()


def test_status_of_an_old_database_lists_pending_migrations(
    v4_path: Path, data_dir: Path, migrator: Migrator
) -> None:
    before = sha256_of(v4_path)

    result = run_cli(data_dir, "status", "--db", v4_path)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert "Version: 4\n" in result.stdout
    assert "(latest)" not in result.stdout
    pending_line = next(line for line in result.stdout.splitlines() if line.startswith("Pending:"))
    for migration in migrator.migrations:
        assert (migration.file_name in pending_line) == (migration.version > 4)
    assert f"Backups: {v4_path.resolve().parent / 'backups'}" in result.stdout
    assert sha256_of(v4_path) == before


def test_status_of_a_latest_database(
    database_path: Path, data_dir: Path, migrator: Migrator
) -> None:
    result = run_cli(data_dir, "status", "--db", database_path)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert f"Version: {migrator.latest_version} (latest)" in result.stdout
    assert "Pending: none" in result.stdout
    assert f"Backups: {database_path.resolve().parent / 'backups'}" in result.stdout


# ----- check -------------------------------------------------------------------------------


def test_check_a_clean_database(database_path: Path, data_dir: Path) -> None:
    before = sha256_of(database_path)

    result = run_cli(data_dir, "check", "--db", database_path)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert "No problems found" in result.stdout
    assert sha256_of(database_path) == before


def test_check_lists_each_ledger_violation(database_path: Path, data_dir: Path) -> None:
    write_rows(
        database_path,
        "INSERT INTO customers (id, name) VALUES (1, 'Amina')",
        "INSERT INTO sales (id, total, paid, customer_id) VALUES (1, 1000, 500, 1)",
        "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
        "VALUES (1, 'tea', 2, 300)",
        "INSERT INTO debts (id, sale_id, amount, status, customer_id) "
        "VALUES (1, 1, 500, 'paid', 1)",
    )
    before = sha256_of(database_path)

    result = run_cli(data_dir, "check", "--db", database_path)

    assert result.returncode == 4, output_of(result)
    assert_no_traceback(result)
    assert "2 problem(s) found" in result.stdout
    assert "sale 1: total 1000 but items add up to 600" in result.stdout
    assert "debt 1: status paid with 0 of 500 paid" in result.stdout
    assert "No problems found" not in result.stdout
    assert sha256_of(database_path) == before


def test_check_an_old_database_notes_pending_migrations(v4_path: Path, data_dir: Path) -> None:
    result = run_cli(data_dir, "check", "--db", v4_path)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert "(version 4)" in result.stdout
    assert "pending" in result.stdout
    assert "No problems found" in result.stdout


def test_check_a_missing_file_is_refused(tmp_path: Path, data_dir: Path) -> None:
    database = tmp_path / "missing.db"

    result = run_cli(data_dir, "check", "--db", database)

    assert result.returncode == 3, output_of(result)
    assert_no_traceback(result)
    assert "no database" in result.stderr
    assert not database.exists()


# ----- backup ------------------------------------------------------------------------------


@pytest.fixture
def shop_with_rows(database_path: Path) -> Path:
    write_rows(
        database_path,
        "INSERT INTO products (name, price, stock) VALUES ('Tea 250 g', 450, 12)",
        "INSERT INTO products (name, price, barcode) VALUES ('Хлеб', 120, '4600000000017')",
        "INSERT INTO sales (id, total, paid) VALUES (1, 900, 900)",
        "INSERT INTO sale_items (sale_id, product_id, description, quantity, unit_price) "
        "VALUES (1, 1, 'Tea 250 g', 2, 450)",
    )
    return database_path


def test_backup_goes_beside_the_database_by_default(shop_with_rows: Path, data_dir: Path) -> None:
    before = sha256_of(shop_with_rows)

    result = run_cli(data_dir, "backup", "--db", shop_with_rows)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    backup = printed_path(result.stdout, BACKUP_WRITTEN)
    assert backup.parent == shop_with_rows.resolve().parent / "backups"
    assert backup.is_file()
    assert all_rows(backup) == all_rows(shop_with_rows)
    assert len(all_rows(backup)["products"]) == 2
    assert user_version(backup) == user_version(shop_with_rows)
    assert sha256_of(shop_with_rows) == before


def test_backup_to_a_chosen_file(shop_with_rows: Path, tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "usb-stick" / "copy.db"

    result = run_cli(data_dir, "backup", "--db", shop_with_rows, "--out", target)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert printed_path(result.stdout, BACKUP_WRITTEN) == target
    assert all_rows(target) == all_rows(shop_with_rows)
    assert not (shop_with_rows.parent / "backups").exists()
    assert not target.with_name(target.name + ".partial").exists()


def test_backup_never_overwrites_an_existing_file(
    shop_with_rows: Path, tmp_path: Path, data_dir: Path
) -> None:
    target = tmp_path / "precious.db"
    target.write_bytes(b"last week's only copy")

    result = run_cli(data_dir, "backup", "--db", shop_with_rows, "--out", target)

    assert result.returncode == 1, output_of(result)
    assert_no_traceback(result)
    assert "already exists" in result.stderr
    assert target.read_bytes() == b"last week's only copy"


def test_backup_of_a_missing_database_fails(tmp_path: Path, data_dir: Path) -> None:
    database = tmp_path / "missing.db"

    result = run_cli(data_dir, "backup", "--db", database)

    assert result.returncode == 1, output_of(result)
    assert_no_traceback(result)
    assert "no database" in result.stderr
    assert not database.exists()
    assert not (tmp_path / "backups").exists()


def test_backup_of_random_bytes_fails_cleanly(tmp_path: Path, data_dir: Path) -> None:
    database = tmp_path / "junk.db"
    make_random_bytes(database)
    before = sha256_of(database)

    result = run_cli(data_dir, "backup", "--db", database)

    assert result.returncode == 1, output_of(result)
    assert_no_traceback(result)
    assert "Failed:" in result.stderr
    assert "not a database" in result.stderr
    assert sha256_of(database) == before
    assert list((tmp_path / "backups").glob("*.db")) == []


# ----- selftest, help, version -------------------------------------------------------------


def test_selftest_passes(data_dir: Path, migrator: Migrator) -> None:
    result = run_cli(data_dir, "selftest")

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert f"SQLite {sqlite3.sqlite_version}" in result.stdout
    assert "journal_mode=wal" in result.stdout
    assert "synchronous=2" in result.stdout
    assert "foreign_keys=1" in result.stdout
    assert f"Migrations: {migrator.latest_version} found" in result.stdout
    assert "Self-test passed" in result.stdout


def _edit_a_released_file(bundle: Path) -> None:
    target = bundle / "003_create_sales.sql"
    target.write_text(target.read_text("utf-8") + "-- edited after release\n", "utf-8")


def _remove_a_released_file(bundle: Path) -> None:
    (bundle / "005_create_debts.sql").unlink()


def _remove_the_lock(bundle: Path) -> None:
    (bundle / "migrations.lock").unlink()


@pytest.mark.usefixtures("in_process")
@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_edit_a_released_file, "003_create_sales.sql was edited after release"),
        (_remove_a_released_file, "migration 005 is missing"),
        (_remove_the_lock, "migrations.lock is missing"),
    ],
    ids=["edited", "missing-file", "missing-lock"],
)
def test_selftest_fails_on_a_damaged_bundle(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[Path], None],
    expected: str,
) -> None:
    bundle = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), bundle)
    damage(bundle)

    code = cli.main(["selftest"], migrations_dir=bundle)

    captured = capsys.readouterr()
    assert code == 1
    assert expected in captured.err
    assert "damaged" in captured.err
    assert "Self-test passed" not in captured.out


@pytest.mark.usefixtures("in_process")
def test_selftest_in_process_passes_on_the_bundled_migrations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(["selftest"])

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Self-test passed" in captured.out


def test_help_lists_the_commands(data_dir: Path) -> None:
    result = run_cli(data_dir, "--help")

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert "usage:" in result.stdout
    for command in cli.COMMANDS:
        assert command in result.stdout


def test_version(data_dir: Path) -> None:
    result = run_cli(data_dir, "--version")

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert f"Dukan {__version__}" in result.stdout


def test_an_unexpected_error_is_one_sentence_and_a_logged_trace(
    database_path: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken_inspect(_self: Migrator, _path: Path) -> None:
        raise RuntimeError("a bug nobody expected")

    monkeypatch.setattr(Migrator, "inspect", broken_inspect)

    code = cli.main(["status", "--db", str(database_path)])

    captured = capsys.readouterr()
    assert code == 1
    assert "Failed unexpectedly: a bug nobody expected." in captured.err
    assert "Traceback" not in captured.err + captured.out
    log_text = (data_dir / "logs" / "dukan.log").read_text("utf-8")
    assert "Traceback" in log_text and "a bug nobody expected" in log_text


def test_subcommands_never_load_qt(database_path: Path, data_dir: Path) -> None:
    """The subcommands must run on a server with no display and no Qt libraries."""
    probe = (
        "import sys\n"
        "from app.main import main\n"
        "for command in (['status'], ['check'], ['migrate'], ['backup']):\n"
        "    assert main([*command, '--db', sys.argv[1]]) == 0, command\n"
        "assert main(['selftest']) == 0\n"
        "print(sorted(name for name in sys.modules if name.startswith('PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(database_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        env={**os.environ, "DUKAN_DATA_DIR": str(data_dir)},
        check=False,
    )
    assert result.returncode == 0, output_of(result)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_migrate_is_refused_while_a_window_has_the_database_open(
    v4_path: Path, data_dir: Path
) -> None:
    before = sha256_of(v4_path)
    with lock_held_by_another_process(lock_path_for(v4_path)) as pid:
        result = run_cli(data_dir, "migrate", "--db", v4_path)
    assert result.returncode == 3, output_of(result)
    assert_no_traceback(result)
    assert f"Dukan is open on {v4_path} (process {pid})" in result.stderr
    assert sha256_of(v4_path) == before
    assert not (v4_path.parent / "backups").exists()


@pytest.mark.usefixtures("in_process")
def test_migrate_fails_with_exit_1_naming_the_migration_backup_and_log(
    tmp_path: Path, data_dir: Path, migrator: Migrator, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "shop.db"
    migrator.migrate(database, target=9)

    bundle = bundle_failing_at_010(tmp_path / "failing-bundle")
    code = cli.main(["migrate", "--db", str(database)], migrations_dir=bundle)

    err = capsys.readouterr().err
    assert code == 1
    assert "010_create_open_debts_view_and_indexes.sql failed and was undone" in err
    assert "no such table: main.no_such_table" in err
    assert f"The backup taken before the upgrade is {tmp_path / 'backups'}" in err
    assert f"Details are in the log: {data_dir / 'logs' / 'dukan.log'}" in err
    assert "Traceback" not in err
    assert user_version(database) == 9


@pytest.mark.usefixtures("in_process")
@pytest.mark.parametrize("command", ["migrate", "status", "check"])
def test_an_edited_released_migration_is_refused_with_exit_3(
    tmp_path: Path, v4_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "edited-bundle"
    shutil.copytree(migrations_dir(), bundle)
    with (bundle / "003_create_sales.sql").open("a", encoding="utf-8") as sql:
        sql.write("-- a harmless-looking edit\n")
    before = sha256_of(v4_path)

    code = cli.main([command, "--db", str(v4_path)], migrations_dir=bundle)

    err = capsys.readouterr().err
    assert code == 3
    assert "003_create_sales.sql was edited after release" in err
    assert sha256_of(v4_path) == before


@pytest.mark.usefixtures("in_process")
@pytest.mark.parametrize("command", ["migrate", "status"])
def test_a_missing_released_migration_is_refused_with_exit_3(
    tmp_path: Path, v4_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "incomplete-bundle"
    shutil.copytree(migrations_dir(), bundle)
    (bundle / "006_create_payment_history.sql").unlink()

    code = cli.main([command, "--db", str(v4_path)], migrations_dir=bundle)

    assert code == 3
    assert "migration 006 is missing" in capsys.readouterr().err


# ----- restore ------------------------------------------------------------------------------


def test_restore_puts_an_older_backup_in_place_and_upgrades_it(
    v4_path: Path, data_dir: Path, tmp_path: Path, migrator: Migrator
) -> None:
    backup = tmp_path / "kept" / "v4.db"
    backup.parent.mkdir()
    shutil.copyfile(v4_path, backup)
    migrator.migrate(v4_path)  # the shop moved on to the latest version since

    result = run_cli(data_dir, "restore", "--db", v4_path, "--backup", backup)

    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert "The replaced database is kept at" in result.stdout
    assert "The restored backup was upgraded from version 4." in result.stdout
    assert f"at version {migrator.latest_version}" in result.stdout
    assert user_version(v4_path) == migrator.latest_version
    (replaced,) = (v4_path.parent / "replaced").iterdir()
    assert user_version(replaced) == migrator.latest_version


@pytest.mark.parametrize("kind", ["missing", "random", "newer"])
def test_restore_refuses_what_is_not_a_usable_backup(
    kind: str, database_path: Path, data_dir: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    if kind == "random":
        backup.write_bytes(os.urandom(8192))
    elif kind == "newer":
        shutil.copyfile(database_path, backup)
        conn = sqlite3.connect(backup)
        conn.execute("PRAGMA user_version = 77")
        conn.close()
    before = sha256_of(database_path)

    result = run_cli(data_dir, "restore", "--db", database_path, "--backup", backup)

    assert result.returncode == 3, output_of(result)
    assert_no_traceback(result)
    assert "Refused:" in result.stderr
    assert sha256_of(database_path) == before
    assert not (database_path.parent / "replaced").exists()


def test_restore_is_refused_while_a_window_has_the_database_open(
    database_path: Path, data_dir: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    shutil.copyfile(database_path, backup)
    with lock_held_by_another_process(lock_path_for(database_path)):
        result = run_cli(data_dir, "restore", "--db", database_path, "--backup", backup)
    assert result.returncode == 3, output_of(result)
    assert "Dukan is open on" in result.stderr
    assert not (database_path.parent / "replaced").exists()


def test_restore_needs_a_backup_argument(data_dir: Path) -> None:
    result = run_cli(data_dir, "restore")
    assert result.returncode == 2
    assert "--backup" in result.stderr
