"""Where files go, and a log that never crashes the program it records."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from app import paths
from app.logs import KEPT_LOG_FILES, MAX_LOG_BYTES, configure_logging


def test_the_data_folder_follows_dukan_data_dir(data_dir: Path) -> None:
    assert paths.data_dir() == data_dir
    assert paths.default_database_path() == data_dir / "dukan.db"
    assert paths.log_file() == data_dir / "logs" / "dukan.log"


def test_without_the_variable_the_platform_folder_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.DATA_DIR_VARIABLE)
    assert paths.data_dir().name == "Dukan"


def test_a_frozen_build_finds_migrations_inside_itself(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.migrations_dir() == tmp_path / "migrations"
    assert paths.resources_dir() == tmp_path / "resources"


def test_from_source_migrations_are_beside_the_package() -> None:
    assert (paths.migrations_dir() / "001_create_settings.sql").is_file()
    assert (paths.resources_dir() / "dukan.svg").is_file()


def test_the_lock_sits_beside_its_database(tmp_path: Path) -> None:
    assert paths.lock_path_for(tmp_path / "shop.db") == tmp_path / "shop.db.lock"


@pytest.fixture
def clean_root_logger() -> object:
    root = logging.getLogger()
    saved = list(root.handlers)
    yield root
    for handler in list(root.handlers):
        if handler not in saved:
            root.removeHandler(handler)
            handler.close()


def test_the_log_file_rotates(tmp_path: Path, clean_root_logger: object) -> None:
    log_file = tmp_path / "logs" / "dukan.log"
    assert configure_logging(log_file, echo_to_stderr=False) == log_file
    logging.getLogger("dukan.test").info("x" * 1000)
    for _ in range(MAX_LOG_BYTES // 1000 + 10):
        logging.getLogger("dukan.test").info("y" * 1000)
    rotated = sorted(p.name for p in log_file.parent.iterdir())
    assert rotated[:2] == ["dukan.log", "dukan.log.1"]
    assert len(rotated) <= KEPT_LOG_FILES + 1


def test_a_windowed_build_without_stderr_still_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_root_logger: object
) -> None:
    monkeypatch.setattr(sys, "stderr", None)  # what a windowed build on Windows has
    log_file = tmp_path / "dukan.log"
    assert configure_logging(log_file, echo_to_stderr=True) == log_file
    logging.getLogger("dukan.test").warning("no console here")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "no console here" in log_file.read_text("utf-8")


def test_an_unwritable_log_folder_is_survived(
    tmp_path: Path, clean_root_logger: object, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    assert configure_logging(blocker / "dukan.log", echo_to_stderr=False) is None
    logging.getLogger("dukan.test").error("nowhere to go")
    assert capsys.readouterr().err == ""  # no last-resort dump to the console either
