"""The migrator the program and its commands use: the bundled migrations, the system's region."""

from __future__ import annotations

import os
from pathlib import Path

from app import paths
from app.db.migrator import Migrator
from app.domain.phone import region_from_locale


def system_phone_region() -> str | None:
    """The territory the locale environment names (`LANG=fr_DZ.UTF-8` → `DZ`), or None.

    Read from the variables as set, not `locale.getlocale()`, which reports `C.UTF-8` as
    `en_US` and would read every national number as American. Windows sets none of them: no
    region there until the shop's settings name one.
    """
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = os.environ.get(name)
        if value:
            # The first one set decides, as it does for the C library.
            return region_from_locale(value)
    return None


def shop_migrator(migrations_dir: Path | None = None) -> Migrator:
    return Migrator(migrations_dir or paths.migrations_dir(), phone_region=system_phone_region())
