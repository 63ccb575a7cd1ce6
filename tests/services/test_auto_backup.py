"""Automatic backups: consistent under a selling till, once a day on start, rotation, failures."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db import backup as backup_module
from app.db.backup import PARTIAL_SUFFIX
from app.db.checks import all_violations, quick_check
from app.db.database import DukanDatabase, open_database
from app.db.restore import restore_backup
from app.db.sqlite_files import open_read_only
from app.services.auto_backup import AutoBackups, StartBackup
from app.services.errors import ServiceError
from app.services.setting_keys import SHOP_ID
from tests.services.till import line, product, sell

SQLITE_HEADER = b"SQLite format 3\x00"


class Clock:
    """A settable `now` for the service."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def _sales_in(path: Path) -> int:
    with open_read_only(path) as conn:
        return int(conn.execute("SELECT count(*) FROM sales").fetchone()[0])


def _fake_backup(folder: Path, name: str, shop: str | None = None) -> Path:
    """A small database named as a backup, with a `settings` table holding `shop` as its
    shop id (None: none, as in backups from before shop ids)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        if shop is not None:
            conn.execute("INSERT INTO settings VALUES (?, ?)", (SHOP_ID, shop))
    conn.close()
    return path


def _shop_id_in(path: Path) -> str | None:
    with open_read_only(path) as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (SHOP_ID,)).fetchone()
    return None if row is None else str(row[0])


def test_backup_is_a_consistent_snapshot_while_a_thread_keeps_selling(
    database: DukanDatabase, database_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tea = product("Tea", 150, stock=1000)
    for number in range(3):
        sell([line(tea, "Tea", 1, 150)], key=f"before-{number}")
    # One page per step, so the copy takes many steps and sales land between them.
    monkeypatch.setattr(backup_module, "PAGES_PER_STEP", 1)
    go, sold, stop = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def seller() -> None:
        try:
            number = 0
            while go.wait(10) and not stop.is_set():
                go.clear()
                sell([line(tea, "Tea", 2, 150)], key=f"during-{number}")
                number += 1
                sold.set()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
            sold.set()
        finally:
            database.close()  # this thread's own connection

    reported: list[int] = []

    def progress(done: int, _total: int) -> None:
        reported.append(done)
        if len(reported) <= 20:  # a sale committed after each of the first 20 steps
            go.set()
            assert sold.wait(10)
            sold.clear()

    thread = threading.Thread(target=seller)
    thread.start()
    try:
        written = AutoBackups(database_path).run(progress)
    finally:
        stop.set()
        go.set()
        thread.join(10)
    assert not errors
    assert _sales_in(database_path) == 23  # the sales really happened during the copy
    assert len(reported) > 20
    with open_read_only(written) as conn:
        assert quick_check(conn) == []
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        assert all_violations(conn, version) == []
        # Exactly the books when the copy began: the three sales before, none during. (A
        # copy without one read transaction throughout restarts at each commit elsewhere and
        # ends with a later state, if it ends at all on a busy till.)
        assert conn.execute("SELECT count(*), sum(total) FROM sales").fetchone() == (3, 450)
        assert conn.execute("SELECT stock FROM products").fetchone() == (997,)


def test_run_writes_a_dated_verified_file_in_the_chosen_folder(
    database: DukanDatabase, database_path: Path, tmp_path: Path
) -> None:
    sell([line(None, "Bread", 1, 90)], key="one")
    folder = tmp_path / "usb" / "dukan-backups"
    clock = Clock(datetime(2026, 11, 21, 10, 32, 5))
    backups = AutoBackups(database_path, folder, 7, now=clock)
    written = backups.run()
    assert written == folder / "dukan-auto-20261121-103205.db"
    assert sorted(p.name for p in folder.iterdir()) == [written.name]
    assert _sales_in(written) == 1
    assert backups.last_backup() == clock.moment
    assert not (database_path.parent / "backups").exists()


def test_start_backs_up_at_most_once_a_day(database: DukanDatabase, database_path: Path) -> None:
    clock = Clock(datetime(2026, 11, 21, 8, 0))
    backups = AutoBackups(database_path, now=clock)
    assert backups.due_on_start()  # never backed up
    backups.run()
    clock.moment = datetime(2026, 11, 21, 23, 59)
    assert not backups.due_on_start()  # later the same day
    clock.moment = datetime(2026, 11, 22, 0, 1)
    assert backups.due_on_start()  # the next day


def test_only_a_sound_automatic_backup_from_today_makes_the_start_skip(
    database: DukanDatabase, database_path: Path
) -> None:
    folder = database_path.parent / "backups"
    clock = Clock(datetime(2026, 11, 21, 12, 0))
    backups = AutoBackups(database_path, now=clock)
    _fake_backup(folder, "dukan-backup-20261121-090000.db")  # manual, today
    _fake_backup(folder, "dukan-v028-20261121-090000.db")  # before an upgrade, today
    _fake_backup(folder, "demo-auto-20261121-090000.db")  # another database's
    (folder / "dukan-auto-20261121-100000.db").write_bytes(b"")  # not a database
    (folder / "dukan-auto-20261121-110000.db.partial").write_bytes(SQLITE_HEADER)
    assert backups.due_on_start()
    _fake_backup(folder, "dukan-auto-20261120-220000.db")  # sound, but yesterday's
    assert backups.due_on_start()
    _fake_backup(folder, "dukan-auto-20261121-070000.db")
    assert not backups.due_on_start()


def test_last_backup_is_the_newest_of_every_kind_in_both_folders(
    database_path: Path, tmp_path: Path
) -> None:
    chosen = tmp_path / "elsewhere"
    default = database_path.parent / "backups"
    backups = AutoBackups(database_path, chosen)
    assert backups.last_backup() is None
    _fake_backup(chosen, "dukan-auto-20261101-180000.db")
    assert backups.last_backup() == datetime(2026, 11, 1, 18, 0)
    _fake_backup(default, "dukan-v028-20261102-090000.db")  # upgrades write beside the database
    assert backups.last_backup() == datetime(2026, 11, 2, 9, 0)
    _fake_backup(chosen, "dukan-backup-20261103-120000-2.db")
    assert backups.last_backup() == datetime(2026, 11, 3, 12, 0)
    _fake_backup(database_path.parent / "replaced", "dukan-replaced-20261201-000000.db")
    _fake_backup(chosen, "demo-auto-20261201-000000.db")
    assert backups.last_backup() == datetime(2026, 11, 3, 12, 0)


def test_rotation_after_400_days_keeps_the_promised_files_and_nothing_else_is_touched(
    database: DukanDatabase, database_path: Path
) -> None:
    folder = database_path.parent / "backups"
    first = datetime(2025, 10, 1, 18, 0)
    for day in range(399):
        _fake_backup(folder, f"dukan-auto-{first + timedelta(days=day):%Y%m%d-%H%M%S}.db")
    others = [
        _fake_backup(folder, "dukan-backup-20251001-120000.db"),
        _fake_backup(folder, "dukan-v020-20251002-120000.db"),
        _fake_backup(folder, "demo-auto-20251003-120000.db"),
        _fake_backup(folder, "dukan-auto-20251004-120000.db.partial"),
    ]
    damaged = folder / "dukan-auto-20251005-120000.db"
    damaged.write_bytes(b"half a file")  # not rotated: it is no backup to count or delete
    clock = Clock(first + timedelta(days=399))  # day 400: Wednesday 4 November 2026

    written = AutoBackups(database_path, keep_daily=7, now=clock).run()

    assert written.name == "dukan-auto-20261104-180000.db"
    kept = sorted(
        datetime.strptime(p.name[len("dukan-auto-") : -3], "%Y%m%d-%H%M%S").date()
        for p in folder.glob("dukan-auto-*.db")
        if p != damaged
    )
    months = [date(2025, 12, 31)] + [
        date(2026, month, day)
        for month, day in [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31)]
    ]
    months += [date(2026, 8, 31), date(2026, 9, 30)]
    sundays = [date(2026, 10, 18), date(2026, 10, 25)]
    dailies = [date(2026, 10, 29) + timedelta(days=n) for n in range(7)]
    assert kept == months + sundays + dailies
    assert all(path.exists() for path in [*others, damaged])


def test_rotation_day_by_day_keeps_the_newest_few_days(
    database: DukanDatabase, database_path: Path
) -> None:
    clock = Clock(datetime(2026, 3, 2, 9, 0))  # a Monday
    backups = AutoBackups(database_path, keep_daily=3, now=clock)
    for _day in range(10):
        backups.run()  # on start
        clock.moment += timedelta(hours=9)
        backups.run()  # on quit, the same day
        clock.moment += timedelta(hours=15)
    names = sorted(p.name for p in backups.folder.iterdir())
    assert names == [
        "dukan-auto-20260308-180000.db",  # the Sunday closing last ISO week
        "dukan-auto-20260309-180000.db",
        "dukan-auto-20260310-180000.db",
        "dukan-auto-20260311-180000.db",  # the newest three days, each day's quit backup
    ]


def test_the_backup_just_written_stays_even_when_the_clock_went_back(
    database: DukanDatabase, database_path: Path
) -> None:
    folder = database_path.parent / "backups"
    future = [_fake_backup(folder, f"dukan-auto-2099010{day}-120000.db") for day in range(1, 6)]
    written = AutoBackups(database_path, keep_daily=1, now=Clock(datetime(2026, 1, 1))).run()
    assert written.exists()
    assert future[-1].exists()  # the newest by its name stays too


def _full_disk(pages: int) -> Callable[[Path], sqlite3.Connection]:
    def open_copy(partial: Path) -> sqlite3.Connection:
        copy = sqlite3.connect(partial, isolation_level=None)
        copy.execute(f"PRAGMA max_page_count = {pages}")
        return copy

    return open_copy


def test_a_full_disk_fails_clearly_keeps_old_backups_and_leaves_no_partial_file(
    database: DukanDatabase, database_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(datetime(2026, 11, 20, 18, 0))
    backups = AutoBackups(database_path, keep_daily=1, now=clock)
    yesterday = backups.run()
    before = yesterday.read_bytes()
    monkeypatch.setattr(backup_module, "_open_copy", _full_disk(2))
    clock.moment = datetime(2026, 11, 21, 18, 0)

    with pytest.raises(ServiceError) as failure:
        backups.run()

    message = str(failure.value)
    assert message.startswith("The automatic backup failed:")
    assert "database or disk is full" in message
    assert "Older backups were kept." in message
    assert sorted(backups.folder.iterdir()) == [yesterday]
    assert yesterday.read_bytes() == before
    assert not list(backups.folder.glob(f"*{PARTIAL_SUFFIX}"))
    assert backups.due_on_start()  # today still has no backup


def test_a_folder_that_cannot_be_made_fails_clearly(
    database: DukanDatabase, database_path: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ServiceError, match="The automatic backup failed: could not write"):
        AutoBackups(database_path, blocker / "backups").run()
    assert blocker.read_text() == "not a folder"


# ----- two shops sharing one backup folder ---------------------------------------------------


def _second_shop(database_path: Path, tmp_path: Path) -> Path:
    """Another shop's file with the same name, `dukan.db`, in a folder of its own."""
    other = tmp_path / "other-shop" / "dukan.db"
    other.parent.mkdir()
    other.write_bytes(database_path.read_bytes())
    return other


def test_each_backup_carries_the_shop_id_made_once_for_its_file(
    database: DukanDatabase, database_path: Path
) -> None:
    clock = Clock(datetime(2026, 11, 21, 8, 0))
    backups = AutoBackups(database_path, now=clock)
    first = backups.run()
    clock.moment += timedelta(days=1)
    second = backups.run()
    made = _shop_id_in(database_path)
    assert made is not None and len(made) == 32
    assert _shop_id_in(first) == _shop_id_in(second) == made


def test_two_shops_sharing_a_backup_folder_each_back_up_on_start_and_keep_the_others(
    database_path: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "usb-stick"
    shop_b = _second_shop(database_path, tmp_path)
    clock = Clock(datetime(2026, 11, 21, 8, 0))

    db = open_database(database_path)
    try:
        shop_a = AutoBackups(database_path, shared, keep_daily=1, now=clock)
        assert shop_a.due_on_start()
        a_morning = shop_a.run()
        assert not shop_a.due_on_start()
    finally:
        db.close()

    clock.moment = datetime(2026, 11, 21, 9, 0)
    db = open_database(shop_b)
    try:
        backups_b = AutoBackups(shop_b, shared, keep_daily=1, now=clock)
        assert backups_b.due_on_start()  # A's file of today is not B's backup
        b_morning = backups_b.run()
        clock.moment = datetime(2026, 11, 21, 18, 0)
        b_evening = backups_b.run()  # rotation keeps one a day: B's morning goes, A's stays
        assert not backups_b.due_on_start()
        assert [backup.path for backup in backups_b.automatic_backups()] == [b_evening]
        assert backups_b.last_backup() == clock.moment
    finally:
        db.close()
    assert a_morning.exists() and not b_morning.exists()
    assert _shop_id_in(a_morning) != _shop_id_in(b_evening)

    clock.moment = datetime(2026, 11, 21, 19, 0)
    db = open_database(database_path)
    try:
        # A's rotation, a day's newest kept, sees only its own morning backup: B's stays.
        a_evening = shop_a.run()
        assert [backup.path for backup in shop_a.automatic_backups()] == [a_evening]
        assert shop_a.last_backup() == clock.moment
    finally:
        db.close()
    assert sorted(shared.iterdir()) == sorted([a_evening, b_evening])


def test_backups_from_before_shop_ids_count_as_this_shops_and_unreadable_ones_never(
    database: DukanDatabase, database_path: Path
) -> None:
    folder = database_path.parent / "backups"
    clock = Clock(datetime(2026, 11, 21, 12, 0))
    backups = AutoBackups(database_path, keep_daily=1, now=clock)
    old = _fake_backup(folder, "dukan-auto-20261121-070000.db")  # no id: as before
    assert not backups.due_on_start()
    others = _fake_backup(folder, "dukan-auto-20261121-080000.db", shop="f" * 32)
    assert not backups.due_on_start()  # the other shop's newer file is passed over
    damaged = folder / "dukan-auto-20261121-090000.db"
    damaged.write_bytes(SQLITE_HEADER + b"\x10\x00" + b"\xff" * 4078)  # a header, then junk
    assert not backups.due_on_start()
    assert [backup.path for backup in backups.automatic_backups()] == [old]

    written = backups.run()

    assert not old.exists()  # this shop's older one of the same day, pruned
    assert others.exists() and damaged.exists()
    assert backups.last_backup() == clock.moment
    assert written.exists()


def test_the_start_decides_backs_up_and_says_when_the_last_backup_was(
    database: DukanDatabase, database_path: Path, tmp_path: Path
) -> None:
    clock = Clock(datetime(2026, 11, 21, 8, 0))
    backups = AutoBackups(database_path, now=clock)
    first = backups.back_up_on_start()
    assert first.written is not None and first.written.exists()
    assert (first.failure, first.last_backup) == (None, clock.moment)
    clock.moment = datetime(2026, 11, 21, 9, 0)
    assert backups.back_up_on_start() == StartBackup(None, None, datetime(2026, 11, 21, 8, 0))

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    failed = AutoBackups(database_path, blocker / "backups", now=clock).back_up_on_start()
    assert failed.written is None
    assert failed.last_backup == datetime(2026, 11, 21, 8, 0)  # beside the database, still
    assert str(failed.failure).startswith("The automatic backup failed: could not write")


def test_a_worker_thread_makes_the_shop_id_and_leaves_no_connection_open(
    database: DukanDatabase, database_path: Path, tmp_path: Path
) -> None:
    left_open: list[bool] = []

    def in_worker() -> None:
        AutoBackups(database_path, now=Clock(datetime(2026, 11, 21, 8, 0))).run()
        left_open.append(not database.is_closed())

    worker = threading.Thread(target=in_worker)
    worker.start()
    worker.join(30)
    assert left_open == [False]
    made = _shop_id_in(database_path)
    assert made is not None
    # A restore puts the backup's file in place, and with it the same id.
    (backup,) = AutoBackups(database_path).automatic_backups()
    restored = restore_backup(backup.path, tmp_path / "restored" / "dukan.db", datetime.now())
    assert _shop_id_in(restored.database) == made
