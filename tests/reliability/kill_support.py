"""The parent's side of the kill tests: start the writer, kill it, and judge the file it left."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from app.db.checks import all_violations
from app.paths import DATA_DIR_VARIABLE, bundle_root
from app.services.crash_points import CRASH_AT_VARIABLE

KILLED = -signal.SIGKILL
WRITER_MODULE = "tests.reliability.kill_writer"

Rows = dict[str, list[tuple[object, ...]]]


def writer_command(database: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", WRITER_MODULE, str(database), *args]


def writer_environment(database: Path, crash_at: str | None = None) -> dict[str, str]:
    """This environment, with a data folder beside the file (nothing touches the real one)
    and the crash point asked for, if any."""
    env = dict(os.environ)
    env[DATA_DIR_VARIABLE] = str(database.parent / "data")
    env.pop(CRASH_AT_VARIABLE, None)
    if crash_at is not None:
        env[CRASH_AT_VARIABLE] = crash_at
    return env


def run_writer(
    database: Path, *args: str, crash_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The writer run to its end (or to the crash point named), its output kept."""
    return subprocess.run(
        writer_command(database, *args),
        cwd=bundle_root(),
        env=writer_environment(database, crash_at),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# ----- what the writer acknowledged -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ack:
    """`ack sale 17 total=86500 ...`: a write the writer saw committed."""

    kind: str  # sale, payment, void, refund
    row_id: int
    facts: dict[str, int]

    @classmethod
    def parse(cls, line: str) -> Ack:
        word, kind, row_id, *facts = line.split()
        assert word == "ack", line
        pairs = (fact.split("=", 1) for fact in facts)
        return cls(kind, int(row_id), {key: int(value) for key, value in pairs})


def acks_in(lines: list[str]) -> list[Ack]:
    """The acknowledgements among the lines, only whole ones (ending in a newline)."""
    return [Ack.parse(line) for line in lines if line.startswith("ack ") and line.endswith("\n")]


# ----- reading the file -----------------------------------------------------------------------


def read_only(path: Path) -> sqlite3.Connection:
    """Reading must not checkpoint the killed writer's WAL: the next writer finds it as it was
    left, as the shop's next start would."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def table_rows(path: Path) -> Rows:
    """Every row of every table (SQLite's own counters included), in one fixed order (some
    tables have no rowid)."""
    conn = read_only(path)
    try:
        names = [
            str(name)
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
    finally:
        conn.close()


_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")


def without_moments(rows: Rows) -> Rows:
    """The rows with every date-and-time replaced: the audit log stamps rows with the real
    clock, so two runs of one write differ in those and in nothing else."""
    return {
        table: [
            tuple(
                "<moment>" if isinstance(value, str) and _MOMENT.match(value) else value
                for value in row
            )
            for row in found
        ]
        for table, found in rows.items()
    }


def books_problems(conn: sqlite3.Connection) -> list[str]:
    """What `check` reports, plus what a half-written write of the kill writer would leave that
    the ledger rules do not look at: a debt, payment or reversal without its audit row."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    problems = [f"{v.check}: {v.detail}" for v in all_violations(conn, version)]
    audited = {
        "debts": (
            "SELECT COUNT(*) FROM debts",
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'debt' AND action = 'insert'",
        ),
        "payments on a receipt": (
            "SELECT COUNT(*) FROM payment_history WHERE receipt_id IS NOT NULL",
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'debt' AND action = 'payment'",
        ),
        "voids and refunds": (
            "SELECT COUNT(*) FROM sale_reversals",
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'sale' AND action IN ('void', 'refund')",
        ),
    }
    for what, (rows_sql, audit_sql) in audited.items():
        rows, audits = (int(conn.execute(sql).fetchone()[0]) for sql in (rows_sql, audit_sql))
        if rows != audits:
            problems.append(f"{what}: {rows} rows but {audits} audit rows")
    empty_sales = conn.execute(
        "SELECT id FROM sales s"
        " WHERE NOT EXISTS (SELECT 1 FROM sale_items i WHERE i.sale_id = s.id)"
    ).fetchall()
    problems += [f"sale {sale_id} has no lines" for (sale_id,) in empty_sales]
    return problems


def ack_problems(conn: sqlite3.Connection, acks: list[Ack]) -> list[str]:
    """Each acknowledged write present and whole: the rows it made say what the service said."""
    sales = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT s.id, s.total, s.paid,"
            " (SELECT COUNT(*) FROM sale_items i WHERE i.sale_id = s.id),"
            " COALESCE(d.id, 0), COALESCE(d.amount, 0)"
            " FROM sales s LEFT JOIN debts d ON d.sale_id = s.id"
        )
    }
    receipts = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT r.id, r.customer_id, r.amount, COUNT(p.id) FROM payment_receipts r"
            " LEFT JOIN payment_history p ON p.receipt_id = r.id GROUP BY r.id"
        )
    }
    reversals = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT r.id, r.kind, r.sale_id, r.amount, r.debt_reduced, COUNT(i.id)"
            " FROM sale_reversals r LEFT JOIN sale_reversal_items i ON i.reversal_id = r.id"
            " GROUP BY r.id"
        )
    }
    problems = []
    for ack in acks:
        f = ack.facts
        if ack.kind == "sale":
            expected: tuple[object, ...] = (
                f["total"],
                f["paid"],
                f["lines"],
                f["debt"],
                f["debt_amount"],
            )
            found = sales.get(ack.row_id)
        elif ack.kind == "payment":
            expected = (f["customer"], f["amount"], f["lines"])
            found = receipts.get(ack.row_id)
        else:
            expected = (ack.kind, f["sale"], f["amount"], f["debt_reduced"], f["lines"])
            found = reversals.get(ack.row_id)
        if found != expected:
            problems.append(
                f"acknowledged {ack.kind} {ack.row_id}: {expected} but the file has {found}"
            )
    return problems


def written_rows(path: Path) -> int:
    """Sales, payment receipts and reversals in the file: one row per write of the writer."""
    conn = read_only(path)
    try:
        tables = ("sales", "payment_receipts", "sale_reversals")
        return sum(int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in tables)
    finally:
        conn.close()


def file_problems(path: Path, acks: list[Ack]) -> list[str]:
    conn = read_only(path)
    try:
        return books_problems(conn) + ack_problems(conn, acks)
    finally:
        conn.close()


# ----- one life of the random writer ----------------------------------------------------------


@dataclass
class Life:
    """One start of the writer, killed after `delay` seconds (counted from its first write
    when `after_ready`, from the start of the process otherwise)."""

    seed: int
    delay: float
    after_ready: bool
    lines: list[str] = field(default_factory=list)
    returncode: int | None = None
    stderr: str = ""

    @property
    def died_writing(self) -> bool:
        """The kill landed between the start of a write and its acknowledgement."""
        whole = [line for line in self.lines if line.endswith("\n")]
        return bool(whole) and whole[-1].startswith("start ")

    def describe(self) -> str:
        since = "its first write" if self.after_ready else "its start"
        return f"writer seed {self.seed}, killed {self.delay:.3f} s after {since}"


def live_and_die(database: Path, life: Life) -> Life:
    """Start the writer, SIGKILL it as `life` says, and collect every line it got out."""
    ready = threading.Event()
    with tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(
            writer_command(database, "random", str(life.seed)),
            cwd=bundle_root(),
            env=writer_environment(database),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        assert process.stdout is not None
        output = process.stdout

        def read() -> None:
            for line in iter(output.readline, ""):
                life.lines.append(line)
                if line.startswith("ready"):
                    ready.set()
            ready.set()  # the writer ended (or died) without a first write: stop waiting

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            if life.after_ready:
                ready.wait(timeout=60)
            finished = process.poll() is not None or _waited(process, life.delay)
            if not finished:
                process.send_signal(signal.SIGKILL)
            life.returncode = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            reader.join(timeout=60)
            output.close()
        stderr.seek(0)
        life.stderr = stderr.read()
    return life


def _waited(process: subprocess.Popen[str], seconds: float) -> bool:
    """True if the process ended by itself within `seconds`."""
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True
