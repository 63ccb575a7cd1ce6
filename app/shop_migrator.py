"""The migrator the program and its commands use: the bundled migrations, the system's region."""

from __future__ import annotations

import locale
import os
from pathlib import Path

from app import paths
from app.db.migrator import Migrator
from app.domain.phone import region_from_locale


def system_phone_region() -> str | None:
    """The territory of the user's locale (`fr_DZ.UTF-8` → `DZ`), or None when it names none."""
    candidates = [locale.getlocale()[0]]
    candidates += [os.environ.get(name) for name in ("LC_ALL", "LC_CTYPE", "LANG")]
    for candidate in candidates:
        region = region_from_locale(candidate)
        if region is not None:
            return region
    return None


def shop_migrator(migrations_dir: Path | None = None) -> Migrator:
    return Migrator(migrations_dir or paths.migrations_dir(), phone_region=system_phone_region())
