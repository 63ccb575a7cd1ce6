"""The catalogue fed to every option of every command: a usage error or a clear refusal."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app import cli
from app.paths import DATA_DIR_VARIABLE
from tests.reliability.bad_inputs import PATH_NAMES, VERSIONS, Hostile, labels

REPO_ROOT = Path(__file__).resolve().parents[2]
# Names no file can have here: refused before anything is opened, or by the system.
UNUSABLE = {"empty", "nul", "lone-surrogate", "long-10000", "long-component-300"}
UNUSABLE_PATHS = tuple(p for p in PATH_NAMES if p.label in UNUSABLE)
# Odd but real file names: they must be used exactly as typed.
ODD_NAMES = tuple(p for p in PATH_NAMES if p.label not in UNUSABLE)


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` but the logs, with a hash of its bytes."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "logs" not in path.relative_to(folder).parts:
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def files_in(folder: Path) -> list[bytes]:
    names = os.listdir(os.fsencode(folder))
    return [name for name in names if not name.endswith((b"-wal", b"-shm"))]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`cli.main` as `python -m app` calls it; the exit code and everything printed."""
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_refused_clearly(code: int, said: str, what: str) -> None:
    assert "Traceback" not in said, f"{what}: {said}"
    assert "unexpectedly" not in said, f"{what}: {said}"
    if code == cli.EXIT_USAGE:
        assert "error:" in said, f"{what}: {said}"
        return
    assert code in {cli.EXIT_FAILED, cli.EXIT_REFUSED}, f"{what}: exit {code}: {said}"
    assert any(line.startswith(("Refused:", "Failed:")) for line in said.splitlines()), said


@pytest.fixture
def shop(tmp_path: Path, latest_template: Path) -> Path:
    """A migrated shop file with a backup of it beside, in a folder of their own."""
    folder = tmp_path / "shop"
    folder.mkdir()
    shutil.copyfile(latest_template, folder / "dukan.db")
    shutil.copyfile(latest_template, folder / "old-backup.db")
    return folder / "dukan.db"


COMMANDS: dict[str, Callable[[Path, str], list[str]]] = {
    "window --db": lambda _shop, hostile: ["--db", hostile, "status"],
    "status --db": lambda _shop, hostile: ["status", "--db", hostile],
    "check --db": lambda _shop, hostile: ["check", "--db", hostile],
    "migrate --db": lambda _shop, hostile: ["migrate", "--db", hostile],
    "migrate --dry-run --db": lambda _shop, hostile: ["migrate", "--dry-run", "--db", hostile],
    "backup --db": lambda _shop, hostile: ["backup", "--db", hostile],
    "backup --out": lambda shop, hostile: ["backup", "--db", str(shop), "--out", hostile],
    "restore --backup": lambda shop, hostile: ["restore", "--db", str(shop), "--backup", hostile],
    "restore --db": lambda shop, hostile: [
        "restore", "--backup", str(shop.with_name("old-backup.db")), "--db", hostile
    ],
}  # fmt: skip


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("hostile", UNUSABLE_PATHS, ids=labels(UNUSABLE_PATHS))
def test_an_unusable_path_in_any_option_is_refused_and_nothing_is_written(  # noqa: PLR0917
    command: str,
    hostile: Hostile,
    shop: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(shop.parent)  # relative names land beside the shop, where we look
    before = tree(tmp_path)
    code, said = run(COMMANDS[command](shop, hostile.text), capsys)
    assert_refused_clearly(code, said, f"{command} {hostile.label}")
    assert tree(tmp_path) == before


@pytest.mark.parametrize("hostile", VERSIONS, ids=labels(VERSIONS))
def test_a_version_that_is_not_plain_digits_in_range_is_a_usage_error(
    hostile: Hostile, shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_file = shop.with_name("new.db")
    before = tree(tmp_path)
    for argv in (
        ["migrate", "--db", str(new_file), "--to", hostile.text],
        ["migrate", "--dry-run", "--db", str(shop), "--to", hostile.text],
    ):
        code, said = run(argv, capsys)
        assert code == cli.EXIT_USAGE, f"{argv[:2]} --to {hostile.label}: exit {code}: {said}"
        assert "--to" in said and "Traceback" not in said
    assert tree(tmp_path) == before


def test_a_version_in_ascii_digits_is_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_file = tmp_path / "new.db"
    code, said = run(["migrate", "--db", str(new_file), "--to", "3"], capsys)
    assert code == cli.EXIT_OK, said
    assert "Done: the database is at version 3." in said


@pytest.mark.parametrize("hostile", ODD_NAMES, ids=labels(ODD_NAMES))
def test_an_odd_file_name_is_used_exactly_as_typed(
    hostile: Hostile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    database = folder / hostile.text
    copy = folder / f"copy-{hostile.text}"
    for argv in (
        ["migrate", "--db", str(database)],
        ["check", "--db", str(database)],
        ["backup", "--db", str(database), "--out", str(copy)],
        ["status", "--db", str(database)],
    ):
        code, said = run(argv, capsys)
        assert code == cli.EXIT_OK, f"{argv[0]} {hostile.label}: exit {code}: {said}"
        assert "Traceback" not in said
    # Exactly these two names, byte for byte as the system stores them (with SQLite's own
    # -wal and -shm files beside them while this process still holds a connection).
    assert sorted(files_in(folder)) == sorted(
        [os.fsencode(hostile.text), os.fsencode(f"copy-{hostile.text}")]
    )


def test_a_file_name_with_bytes_that_are_not_utf8_is_reported_without_a_traceback(
    tmp_path: Path,
) -> None:
    """Through a real process, whose arguments and output go through the locale's encoding."""
    folder = tmp_path / "odd"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.db")  # Latin-1 bytes, as an old USB stick names files
    env = {**os.environ, DATA_DIR_VARIABLE: str(tmp_path / "data"), "LC_ALL": "C.UTF-8"}
    for argv in (
        ["migrate", "--db", str(folder / name)],
        ["backup", "--db", str(folder / name), "--out", str(folder / f"copy-{name}")],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "app", *argv],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            check=False,
            timeout=120,
        )
        said = (result.stdout + result.stderr).decode("utf-8", "replace")
        assert result.returncode == cli.EXIT_OK, said
        assert b"Traceback" not in result.stdout + result.stderr, said
        assert "caf\\udce9.db" in said  # the byte shown escaped, not lost
    assert sorted(files_in(folder)) == [b"caf\xe9.db", b"copy-caf\xe9.db"]
