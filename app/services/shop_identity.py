"""The shop's identity: a random id in its settings that every copy of its books carries."""

from __future__ import annotations

import logging
import uuid
from enum import Enum
from pathlib import Path

from peewee import PeeweeException

from app.db.backup import BackupError, read_setting
from app.db.database import database_proxy
from app.db.tables import Setting
from app.services.setting_keys import SHOP_ID

log = logging.getLogger(__name__)


class Owner(Enum):
    """Whose books a file named as this database's backup holds."""

    THIS_SHOP = "this shop's"
    ANOTHER_SHOP = "another shop's"
    UNKNOWN = "cannot be read"


def shop_id() -> str:
    """This shop's id, made on first need in one transaction; safe in a worker thread.

    A thread that had no connection open is left with none, so a worker leaves nothing open.
    """
    opened_here = database_proxy.is_closed()
    try:
        with database_proxy.atomic():
            stored = Setting.get_or_none(Setting.key == SHOP_ID)
            if stored is not None:
                return str(stored.value)
            made = uuid.uuid4().hex
            Setting.insert(key=SHOP_ID, value=made).execute()
            return made
    finally:
        if opened_here:
            database_proxy.close()


def identify_shop() -> None:
    """Give the shop its id if it has none yet; called before a backup is copied, so the copy
    carries it. A failure is only logged: a copy without the id is still the books, and it
    counts as this shop's by its name, as backups from before shop ids do."""
    try:
        shop_id()
    except PeeweeException:
        log.warning("could not give the shop an id before its backup", exc_info=True)


def stored_shop_id(database_path: Path) -> str | None:
    """The id in the shop's file as it is now (a restore brings the backup's id with it), read
    read-only through a connection of its own; None until the first automatic backup made it.
    """
    try:
        return read_setting(database_path, SHOP_ID)
    except BackupError:
        # The open database is readable, or nothing works; with no id every file that has one
        # is another shop's, so nothing of anyone's is deleted because of this.
        return None


def backup_owner(backup: Path, this_shop: str | None) -> Owner:
    """Whose books `backup` holds; `this_shop` is `stored_shop_id` of the shop's file.

    A backup from before shop ids (none inside) is this shop's, as its name says; one with
    another id never is, whatever its name.
    """
    try:
        theirs = read_setting(backup, SHOP_ID)
    except BackupError:
        return Owner.UNKNOWN
    if theirs is None or theirs == this_shop:
        return Owner.THIS_SHOP
    return Owner.ANOTHER_SHOP
