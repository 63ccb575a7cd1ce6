"""A file damaged only inside a row's text (bytes that are no UTF-8, the structure sound):
said to be damaged, with what to do; `check` lists it; no backup of it passes as verified."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.db.checks import summarise_problems, undecodable_text
from app.main import StartedWindow, start_window
from app.startup import CANNOT_OPEN, EXIT_STARTUP_FAILED
from tests.reliability.test_faults_files import flip_cell_pointers
from tests.test_cli import assert_no_traceback, output_of, run_cli, sha256_of
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import PromptRecorder

recorded_prompts = ui_fixtures.recorded_prompts

NOT_UTF8 = b"\xff\xfe\xff"


def flip_text(path: Path, text: str) -> None:
    """Overwrite three bytes inside every stored copy of `text` (the row and any index entry)
    with bytes no UTF-8 text holds; lengths, pages and records stay as they were."""
    data = bytearray(path.read_bytes())
    needle = text.encode()
    start = data.find(needle)
    assert start >= 0, f"{text!r} is not in {path}"
    while start >= 0:
        data[start + 2 : start + 2 + len(NOT_UTF8)] = NOT_UTF8
        start = data.find(needle, start + 1)
    path.write_bytes(bytes(data))


def damage_history(path: Path) -> None:
    """The migration history's text: what every start and every command reads first."""
    conn = sqlite3.connect(path)
    checksum = conn.execute("SELECT checksum FROM schema_migrations WHERE version = 5").fetchone()
    conn.close()
    flip_text(path, str(checksum[0]))


def damage_customer_name(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO customers (name) VALUES ('Amina Benali Haddad')")
    conn.close()
    flip_text(path, "Amina Benali Haddad")


def backups_beside(path: Path) -> list[Path]:
    folder = path.parent / "backups"
    return list(folder.iterdir()) if folder.exists() else []


def test_check_lists_damaged_history_text_as_a_problem(database_path: Path, data_dir: Path) -> None:
    damage_history(database_path)
    before = sha256_of(database_path)

    result = run_cli(data_dir, "check", "--db", database_path)

    assert result.returncode == 4, output_of(result)
    assert_no_traceback(result)
    assert "1 problem(s) found:" in result.stdout
    assert "not UTF-8 (damaged bytes) in schema_migrations.checksum row 5" in result.stdout
    assert sha256_of(database_path) == before


@pytest.mark.parametrize("command", ["migrate", "status"])
def test_damaged_history_text_is_refused_as_damage_with_what_to_do(
    database_path: Path, data_dir: Path, command: str
) -> None:
    damage_history(database_path)
    before = sha256_of(database_path)

    result = run_cli(data_dir, command, "--db", database_path)

    assert result.returncode == 3, output_of(result)
    assert_no_traceback(result)
    assert f"Refused: {database_path} is damaged: some of its text cannot be read" in result.stderr
    assert "restore a backup" in result.stderr
    assert "python -m app check" in result.stderr
    assert sha256_of(database_path) == before
    assert backups_beside(database_path) == []


def test_a_backup_of_damaged_history_text_fails_instead_of_passing_as_verified(
    database_path: Path, data_dir: Path
) -> None:
    damage_history(database_path)
    before = sha256_of(database_path)

    result = run_cli(data_dir, "backup", "--db", database_path)

    assert result.returncode == 1, output_of(result)
    assert_no_traceback(result)
    assert "verified" not in result.stdout
    assert "Failed: the copy failed its check: text that is not UTF-8" in result.stderr
    assert "is damaged" in result.stderr and "restore an earlier backup" in result.stderr
    assert sha256_of(database_path) == before
    assert backups_beside(database_path) == []


def test_the_window_says_damaged_history_text_is_damage(
    qtbot: QtBot, database_path: Path, recorded_prompts: PromptRecorder
) -> None:
    damage_history(database_path)
    before = sha256_of(database_path)

    result = start_window(database_path)

    if isinstance(result, StartedWindow):
        result.close()
    assert result == EXIT_STARTUP_FAILED
    assert recorded_prompts.titles() == [CANNOT_OPEN]
    assert "is damaged: some of its text cannot be read" in recorded_prompts.texts()
    assert "restore a backup" in recorded_prompts.texts()
    assert sha256_of(database_path) == before


def test_check_finds_a_customer_name_no_other_check_sees(
    database_path: Path, data_dir: Path
) -> None:
    damage_customer_name(database_path)
    conn = sqlite3.connect(database_path)
    try:
        # The structure is sound: only reading the name shows the damage.
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        with pytest.raises(sqlite3.OperationalError, match="Could not decode to UTF-8"):
            conn.execute("SELECT name FROM customers").fetchall()
        assert undecodable_text(conn) == ["customers.name row 1"]
        assert undecodable_text(conn, ("settings",)) == []
    finally:
        conn.close()

    result = run_cli(data_dir, "check", "--db", database_path)

    assert result.returncode == 4, output_of(result)
    assert "not UTF-8 (damaged bytes) in customers.name row 1" in result.stdout


def test_valid_text_in_every_script_is_not_taken_for_damage(database_path: Path) -> None:
    conn = sqlite3.connect(database_path)
    try:
        with conn:
            for name in ["حسن بن علي", "Хасан", "Ελένη", "王小明", "Zoë 😀", "plain"]:
                conn.execute("INSERT INTO customers (name) VALUES (?)", (name,))
        assert undecodable_text(conn) == []
    finally:
        conn.close()


def test_a_backup_of_a_damaged_tree_says_its_first_problem_and_a_count(
    database_path: Path, data_dir: Path
) -> None:
    flip_cell_pointers(database_path)

    result = run_cli(data_dir, "backup", "--db", database_path)

    assert result.returncode == 1, output_of(result)
    (message,) = result.stderr.strip().splitlines()  # one line, not SQLite's whole list
    assert message.startswith("Failed: ")
    assert "*** in database main ***" not in message
    assert "more)" in message


def test_summarise_problems_gives_the_first_problem_and_how_many_more() -> None:
    dump = [
        "*** in database main ***\nOn tree page 2 cell 15: Offset 63394 out of range\n"
        "On tree page 2 cell 16: Offset 1 out of range",
        "row 3 missing from index idx_x",
    ]
    assert (
        summarise_problems(dump) == "On tree page 2 cell 15: Offset 63394 out of range (and 2 more)"
    )
    assert summarise_problems(["row 1 missing from index i"]) == "row 1 missing from index i"
