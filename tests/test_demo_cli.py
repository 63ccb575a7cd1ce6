"""`--demo` on the command line: the demo window, and usage errors beside --db or a command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli, main, paths

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_demo_is_an_option_of_the_window() -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["--demo"]).demo is True
    assert parser.parse_args([]).demo is False


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=REPO_ROOT,
        env={**os.environ, paths.DATA_DIR_VARIABLE: str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--demo", "--db", "{db}"], "not allowed with argument"),
        (["--db", "{db}", "--demo"], "not allowed with argument"),
        (["--demo", "check"], "--demo opens the window"),
        (["--demo", "status", "--db", "{db}"], "--demo opens the window"),
    ],
    ids=["demo-then-db", "db-then-demo", "demo-with-command", "demo-with-command-and-db"],
)
def test_demo_with_db_or_a_command_is_a_usage_error(
    tmp_path: Path, data_dir: Path, arguments: list[str], expected: str
) -> None:
    database = tmp_path / "untouched.db"
    result = _run(data_dir, *(arg.format(db=database) for arg in arguments))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "usage:" in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not database.exists()
    assert not paths.demo_database_path().exists()
    assert not paths.default_database_path().exists()


def test_main_opens_the_demo_window_for_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def demo_window() -> int:
        opened.append("demo")
        return 7

    def shop_window(_database: Path | None) -> int:
        opened.append("shop")
        return 8

    monkeypatch.setattr(main, "start_demo_window", demo_window)
    monkeypatch.setattr(main, "start_window", shop_window)
    assert main.main(["--demo"]) == 7
    assert main.main([]) == 8
    assert opened == ["demo", "shop"]
