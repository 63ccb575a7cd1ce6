"""Runs every operation of product.md §7 on the big shop, beside the same answer by raw sqlite3.

    .venv/bin/python bench/run.py [--scale 1] [--runs 50] [--shop FILE] [--legacy FILE]
                                  [--json FILE] [--work DIR]
    .venv/bin/python bench/run.py --quick [--json FILE] [--work DIR]

Makes the big shop with bench/make_shop.py (or copies `--shop`, a file it made, with the
backup API, so the original stays as it was) and its version-010 twin (or copies `--legacy`),
then times, through the real services on `open_database`:

- customer search by name prefix, phone digits and number, top 50; the first customers page
  of 100 by name with balances (`CustomerDirectory`, as bench/customers.py);
- debtors by outstanding and by oldest due, first 100 (`DebtBook`); the statement of the
  customer with 5,000 lines (`Statements`); a payment across 10 debts, committed
  (`Payments.take`), as bench/debts.py;
- a 5-item credit sale, committed (`Checkout.complete`), as bench/checkout.py;

each beside the same answer computed by hand-written SQL on a plain `sqlite3` connection in
the same run (the "raw" column), which must be the same rows, ids and amounts (a write: the
same rows written) or the operation is marked as disagreeing and the run fails. Then, in
fresh processes, the start to the main window shown on the file (bench/window_start.py; raw:
`PRAGMA quick_check` alone) and the resident memory once every tab is visited and every
table scrolled to its end (bench/window_memory.py); and the upgrade of the version-010 file
to the latest version, backup included, with the longest wait between progress reports
(raw: the same file copied with the backup API). The upgrade's answer is the books it leaves:
`check` clean, every sale, debt and payment kept, and the outstanding of the debtors
(`DebtBook.totals`) and of the legacy queue (`LegacyQueue`) adding up to what the legacy
file's debts less its payments come to by hand.

Prints a Markdown table (median, spread as min-max, raw median, ratio, answers, target) and
writes every figure to `--json` (default: dukan-bench-<date>.json in the temporary folder).
`--quick`: scale 0.01 and a few runs, under a minute; it checks every answer all the same.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as `python bench/run.py`: the repository root makes `bench` a package.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.db.backup import write_backup
from app.db.checks import all_violations
from app.db.database import open_database
from app.db.migrator import Migrator, Progress
from app.paths import migrations_dir
from app.services.checkout import Checkout, CheckoutRequest
from app.services.customer_directory import CustomerDirectory, CustomerSort
from app.services.debt_book import DebtBook, DebtorSort
from app.services.legacy_queue import LegacyQueue
from app.services.payments import PaymentRequest, Payments
from app.services.statements import Statements
from bench import checkout, customers, debts, make_shop, window_memory, window_start

QUICK_SCALE = 0.01


@dataclass(frozen=True, slots=True)
class Plan:
    """How much to run: the data's scale and the repeats of each kind of operation."""

    scale: float
    runs: int  # reads and writes
    starts: int
    memory_runs: int
    upgrades: int


FULL = Plan(scale=1.0, runs=50, starts=5, memory_runs=3, upgrades=3)
QUICK = Plan(scale=QUICK_SCALE, runs=5, starts=1, memory_runs=1, upgrades=1)


@dataclass(frozen=True, slots=True)
class Figures:
    """Median and spread of repeated measurements, in the result's unit."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Figures:
        return cls(statistics.median(values), min(values), max(values), len(values))


@dataclass(slots=True)
class Result:
    operation: str
    unit: str  # "ms", "s" or "MiB"
    target: float
    service: Figures
    raw: Figures | None
    equal: bool | None  # None: there is no raw answer to compare with
    compared: str  # what was compared
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return (
            None
            if self.raw is None or not self.raw.median
            else self.service.median / self.raw.median
        )

    @property
    def within_target(self) -> bool:
        return self.service.median <= self.target


def compared_read(
    label: str,
    target_ms: float,
    service: Callable[[], object],
    raw: Callable[[], object],
    runs: int,
) -> Result:
    """A read both ways: the answers first, then each side's times."""
    equal = service() == raw()
    return Result(
        label,
        "ms",
        target_ms,
        Figures.of(customers.times_ms(service, runs)),
        Figures.of(customers.times_ms(raw, runs)),
        equal,
        "the same rows, ids and amounts",
    )


# ----- the operations ---------------------------------------------------------------------


def reads(path: Path, today: date, runs: int) -> list[Result]:
    directory = CustomerDirectory(today=lambda: today)
    book = DebtBook(today=lambda: today)
    statements = Statements()
    people = customers.Raw(path, today)
    credit = debts.Raw(path, today)
    try:
        number = people.conn.execute(
            "SELECT customer_number FROM customers WHERE NOT is_deleted AND id > "
            "(SELECT MAX(id) / 2 FROM customers) ORDER BY id LIMIT 1"
        ).fetchone()[0]
        statement_customer = people.conn.execute(
            "SELECT id FROM customers WHERE customer_number = ?", (debts.STATEMENT_NUMBER,)
        ).fetchone()[0]
        year_ago = today - timedelta(days=364)

        def search(typed: str, prefix: str, exact: str | None = None) -> Result:
            return compared_read(
                f'customer search "{typed}", top 50',
                customers.SEARCH_TARGET_MS,
                lambda: customers.shown(directory.search(typed)),
                lambda: people.search([prefix], exact),
                runs,
            )

        def debtors(sort: DebtorSort, label: str) -> Result:
            return compared_read(
                f"debtors by {label}, first 100",
                debts.PAGE_AIM_MS,
                lambda: debts.shown(book.debtors(sort=sort).rows),
                lambda: credit.debtors(sort),
                runs,
            )

        return [
            search("moh", "moh"),
            search("0555 12", "055512"),
            search(number, number.casefold(), number),
            compared_read(
                "customers page of 100 by name, with balances",
                customers.PAGE_TARGET_MS,
                lambda: customers.shown(directory.page(sort=CustomerSort.NAME).rows),
                lambda: people.page(CustomerSort.NAME, None),
                runs,
            ),
            debtors(DebtorSort.OUTSTANDING, "outstanding"),
            debtors(DebtorSort.OLDEST_DUE, "oldest due"),
            compared_read(
                "statement of a customer with 5,000 lines",
                debts.STATEMENT_AIM_MS,
                lambda: debts.statement_summary(
                    statements.statement(statement_customer, year_ago, today)
                ),
                lambda: credit.statement(statement_customer, year_ago, today),
                runs,
            ),
        ]
    finally:
        people.conn.close()
        credit.conn.close()


def sale(path: Path, runs: int) -> Result:
    """A 5-item credit sale both ways on twin baskets, compared, then alternating rounds."""
    service = Checkout(operator_id=checkout.OPERATOR_ID)
    raw = checkout.Raw(path)
    try:
        baskets = checkout.Baskets(raw.conn, checkout.SEED)
        request = baskets.next()
        twin = CheckoutRequest(
            key=request.key + "-raw",
            lines=request.lines,
            customer_id=request.customer_id,
            tendered_minor=request.tendered_minor,
            on_account=True,
        )
        by_service = checkout.written(raw.conn, service.complete(request).sale_id)
        by_hand = checkout.written(raw.conn, raw.complete(twin))
        service_ns, raw_ns = checkout.timed_rounds([service.complete, raw.complete], baskets, runs)
    finally:
        raw.conn.close()
    return Result(
        "checkout of a 5-item credit sale, committed",
        "ms",
        checkout.TARGET_MS,
        Figures.of([ns / 1e6 for ns in service_ns]),
        Figures.of([ns / 1e6 for ns in raw_ns]),
        by_service == by_hand,
        "the same sale, lines, stock moves, debt and audit rows written",
    )


def payment(path: Path, today: date, runs: int) -> Result:
    """A payment across 10 debts both ways on twin payers, compared, then alternating."""
    payers = debts.add_credit_book(path, today, 2 * (runs + debts.PAYMENT_WARM_UP) + 2)[1]
    payments = Payments(now=datetime.now)
    raw = debts.Raw(path, today)
    try:
        first = payments.take(PaymentRequest(payers[-1], debts.PAYMENT_MINOR, "cash"))
        mirrored = raw.take_payment(payers[-2], debts.PAYMENT_MINOR)
        equal = debts.payment_written(raw.conn, first.receipt_id) == debts.payment_written(
            raw.conn, mirrored
        )
        service_ns, raw_ns = debts.time_payments(payments, raw, payers[:-2], runs)
    finally:
        raw.conn.close()
    return Result(
        "payment applied across 10 debts, committed",
        "ms",
        debts.PAYMENT_AIM_MS,
        Figures.of([ns / 1e6 for ns in service_ns]),
        Figures.of([ns / 1e6 for ns in raw_ns]),
        equal,
        "the same receipt, payments, debt statuses, audit rows and balance",
    )


def start(path: Path, runs: int) -> Result:
    """Fresh processes to the main window shown; raw: `PRAGMA quick_check` of the same file."""
    window_start.mark_settings_offered(path)
    with tempfile.TemporaryDirectory(prefix="dukan-start-") as scratch:
        env = {**os.environ, "DUKAN_DATA_DIR": scratch}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        window_start.time_once(path, env)  # warm-up: the OS cache, as for every run after
        starts = [window_start.time_once(path, env) for _ in range(runs)]
    checks = []
    for _ in range(runs):
        conn = sqlite3.connect(path)
        began = time.perf_counter()
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        checks.append(time.perf_counter() - began)
        conn.close()
    return Result(
        "start to main window shown",
        "s",
        1.5,
        Figures.of(starts),
        Figures.of(checks),
        None,
        f"no answer to compare (the window shown; quick_check said {verdict!r})",
    )


def memory(path: Path, runs: int) -> Result:
    measured = window_memory.measure(path, runs)
    return Result(
        "resident memory after every tab and every table scrolled to its end",
        "MiB",
        200.0,
        Figures.of([run.rss_mib for run in measured]),
        None,
        None,
        "no raw figure",
        {
            "peak_mib": max(run.peak_mib for run in measured),
            "rows_shown": measured[-1].rows,
        },
    )


def legacy_books(path: Path) -> dict[str, int]:
    """What a version-010 file holds, by hand: rows, and debts less payments."""
    conn = sqlite3.connect(path)
    try:
        sales, debts_, payments, owed, paid = conn.execute(
            "SELECT (SELECT COUNT(*) FROM sales), (SELECT COUNT(*) FROM debts), "
            "(SELECT COUNT(*) FROM payment_history), (SELECT SUM(amount) FROM debts), "
            "(SELECT SUM(amount) FROM payment_history)"
        ).fetchone()
    finally:
        conn.close()
    return {"sales": sales, "debts": debts_, "payments": payments, "outstanding": owed - paid}


def upgraded_books(path: Path, today: date) -> tuple[dict[str, int], int]:
    """The same through the services on the upgraded file, and how many problems `check` finds."""
    db = open_database(path)
    try:
        # The debtors list leaves out the placeholder's debts: they wait in the legacy queue.
        # One read of them all: paging by offset would read the queue again for every page.
        queue = LegacyQueue()
        held = queue.waiting_count()
        waiting = sum(d.outstanding_minor for d in queue.unassigned(limit=held)) if held else 0
        outstanding = DebtBook(today=lambda: today).totals().outstanding_minor + waiting
        counted = {
            table: int(db.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("sales", "debts", "payment_history")
        }
    finally:
        db.close()
    conn = sqlite3.connect(path)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        problems = len(all_violations(conn, version))
    finally:
        conn.close()
    books = {
        "sales": counted["sales"],
        "debts": counted["debts"],
        "payments": counted["payment_history"],
        "outstanding": outstanding,
    }
    return books, problems


def upgrade(legacy: Path, work: Path, today: date, runs: int) -> Result:
    """Each run on a fresh copy of the version-010 file: the real migrator, backup included."""
    expected = legacy_books(legacy)
    wholes, copies, silences = [], [], []
    equal = True
    steps: dict[str, float] = {}
    for run in range(runs):
        folder = work / f"upgrade-{run}"
        folder.mkdir()
        target = folder / "dukan.db"
        began = time.perf_counter()
        write_backup(legacy, target)  # the copy to upgrade is also the raw baseline's work
        copies.append(time.perf_counter() - began)
        reports: list[float] = []

        def progress(_: Progress, reports: list[float] = reports) -> None:
            reports.append(time.perf_counter())

        began = time.perf_counter()
        report = Migrator(migrations_dir()).migrate(target, progress=progress)
        whole = time.perf_counter() - began
        wholes.append(whole)
        moments = [began, *reports, began + whole]
        silences.append(max(b - a for a, b in itertools.pairwise(moments)))
        steps = {step.file_name: step.duration_ms / 1000 for step in report.applied}
        books, problems = upgraded_books(target, today)
        equal = equal and books == expected and problems == 0
        shutil.rmtree(folder)
    return Result(
        "upgrade of the version-010 file to the latest, backup included",
        "s",
        30.0,
        Figures.of(wholes),
        Figures.of(copies),
        equal,
        "check clean; every sale, debt and payment kept; debtors' and legacy queue's outstanding"
        " as by hand",
        {
            "longest_progress_gap_s": max(silences),
            "progress_gap_target_s": 1.0,
            "to_version": report.to_version,
            "steps_s": steps,
            "books": expected,
        },
    )


# ----- the run ----------------------------------------------------------------------------


def prepared(work: Path, source: Path | None, name: str, make: Callable[[Path], Any]) -> Path:
    """`work/name`: a backup-API copy of `source`, or made afresh."""
    path = work / name
    if source is None:
        made = make(path)
        print(f"made {name}: {made.summary()}", flush=True)
    else:
        write_backup(source, path)
        print(f"copied {source} to {path}", flush=True)
    return path


def run(plan: Plan, work: Path, shop_file: Path | None, legacy_file: Path | None) -> list[Result]:
    today = date.today()
    shop = prepared(
        work, shop_file, "shop.db", lambda p: make_shop.make_shop(p, plan.scale, today=today)
    )
    legacy = prepared(
        work, legacy_file, "legacy.db", lambda p: make_shop.make_legacy_shop(p, plan.scale)
    )
    results: list[Result] = []
    db = open_database(shop)
    try:
        results += reads(shop, today, plan.runs)
        results.append(sale(shop, plan.runs))
        results.append(payment(shop, today, plan.runs))
    finally:
        db.close()
    print("reads and writes done; now the window", flush=True)
    results.append(start(shop, plan.starts))
    results.append(memory(shop, plan.memory_runs))
    print("window done; now the upgrade", flush=True)
    results.append(upgrade(legacy, work, today, plan.upgrades))
    return results


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_end": os.getloadavg(),
    }


def table(results: Sequence[Result]) -> str:
    lines = [
        "| operation | dukan median | spread (min–max) | raw median | ratio | answers | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        unit = r.unit
        raw = "—" if r.raw is None else f"{r.raw.median:.3f} {unit}"
        ratio = "—" if r.ratio is None else f"{r.ratio:.1f}×"
        answers = {True: "equal", False: "**DIFFER**", None: "—"}[r.equal]
        verdict = "ok" if r.within_target else "**over**"
        lines.append(
            f"| {r.operation} | {r.service.median:.3f} {unit} | {r.service.low:.3f}–"
            f"{r.service.high:.3f} | {raw} | {ratio} | {answers} | ≤ {r.target:g} {unit} "
            f"{verdict} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"scale {QUICK_SCALE}, few runs")
    parser.add_argument("--scale", type=float, help="the data's scale (default 1)")
    parser.add_argument("--runs", type=int, help="runs of each read and write")
    parser.add_argument("--shop", type=Path, help="a file bench/make_shop.py made (copied)")
    parser.add_argument("--legacy", type=Path, help="a file make_shop.py --legacy made (copied)")
    parser.add_argument("--upgrades", type=int, help="upgrades timed (each on a fresh copy)")
    parser.add_argument("--json", type=Path, help="where to write the results")
    parser.add_argument("--work", type=Path, help="a folder for the files (kept); default temp")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.scale is not None:
        plan = Plan(args.scale, plan.runs, plan.starts, plan.memory_runs, plan.upgrades)
    if args.runs is not None:
        plan = Plan(plan.scale, args.runs, plan.starts, plan.memory_runs, plan.upgrades)
    if args.upgrades is not None:
        plan = Plan(plan.scale, plan.runs, plan.starts, plan.memory_runs, args.upgrades)
    began = time.perf_counter()
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        results = run(plan, args.work, args.shop, args.legacy)
    else:
        with tempfile.TemporaryDirectory(prefix="dukan-run-") as scratch:
            results = run(plan, Path(scratch), args.shop, args.legacy)
    seconds = time.perf_counter() - began
    given = sys.argv[1:] if argv is None else list(argv)
    m = machine()
    report = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python bench/run.py", *given]),
        "plan": asdict(plan),
        "machine": m,
        "seconds": seconds,
        "results": [
            {**asdict(r), "ratio": r.ratio, "within_target": r.within_target} for r in results
        ],
    }
    out = args.json or Path(tempfile.gettempdir()) / f"dukan-bench-{date.today()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"\n{m['platform']}, {m['cores']} cores, Python {m['python']}, SQLite {m['sqlite']}; "
        f"scale {plan.scale:g}, {plan.runs} runs a read or write; {seconds:.0f} s in all\n"
    )
    print(table(results))
    for r in results:
        gap = r.extra.get("longest_progress_gap_s")
        if gap is not None:
            print(f"\nupgrade: longest wait between progress reports {gap:.2f} s (≤ 1 s)")
    print(f"\nresults: {out}")
    disagreeing = [r.operation for r in results if r.equal is False]
    if disagreeing:
        print("the service and the raw SQL disagree: " + "; ".join(disagreeing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
