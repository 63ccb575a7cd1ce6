"""Where Dukan keeps its files: data, backups and logs, and its bundled migrations and resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Dukan"
DATABASE_FILE_NAME = "dukan.db"
DATA_DIR_VARIABLE = "DUKAN_DATA_DIR"
DEMO_FOLDER_NAME = "demo"
DEMO_DATABASE_FILE_NAME = "dukan-demo.db"


def data_dir() -> Path:
    """The folder for the shop's database and logs; `DUKAN_DATA_DIR` moves it (tests, portable)."""
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    # platformdirs, not QStandardPaths: the two disagree, and the CLI must find the same file
    # as the window without starting Qt.
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def default_database_path() -> Path:
    return data_dir() / DATABASE_FILE_NAME


def demo_database_path() -> Path:
    """The demo shop's file (`--demo`), in a folder of its own so that its backups and its
    window's lock never mix with the shop's."""
    return data_dir() / DEMO_FOLDER_NAME / DEMO_DATABASE_FILE_NAME


def lock_path_for(database_path: Path) -> Path:
    """The window's single-instance lock file, beside the database it guards."""
    return database_path.with_name(database_path.name + ".lock")


def log_dir() -> Path:
    return data_dir() / "logs"


def log_file() -> Path:
    return log_dir() / "dukan.log"


def bundle_root() -> Path:
    """The folder holding `migrations/` and `resources/`, from source or inside a frozen build."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def migrations_dir() -> Path:
    return bundle_root() / "migrations"


def resources_dir() -> Path:
    return bundle_root() / "resources"
