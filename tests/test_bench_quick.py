"""`bench/run.py --quick` runs, every service answer equals the raw SQL's, and its shop is clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app import cli
from app.paths import DATA_DIR_VARIABLE

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 300  # under a minute on a quiet machine; CI shares its cores
# Every operation of product.md §7 that bench/run.py measures.
OPERATIONS = (
    "customer search",
    "customers page of 100 by name",
    "debtors by outstanding",
    "debtors by oldest due",
    "statement of a customer with 5,000 lines",
    "checkout of a 5-item credit sale",
    "payment applied across 10 debts",
    "start to main window shown",
    "resident memory",
    "upgrade of the version-010 file",
)
# What has no raw answer to compare with: a window's start and its memory.
UNCOMPARED = ("start to main window shown", "resident memory")

pytestmark = pytest.mark.slow  # builds two small shops, starts the window twice


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    work = tmp_path_factory.mktemp("bench-run")
    results = work / "results.json"
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--json", str(results), "--work", str(work)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(results.read_text(encoding="utf-8")), work


def test_every_operation_is_measured_with_figures(quick_run: tuple[dict[str, Any], Path]) -> None:
    report, _work = quick_run
    names = [result["operation"] for result in report["results"]]
    for operation in OPERATIONS:
        assert any(name.startswith(operation) for name in names), (operation, names)
    assert len([n for n in names if n.startswith("customer search")]) == 3  # name, phone, number
    for result in report["results"]:
        assert result["service"]["count"] >= 1
        assert result["service"]["low"] <= result["service"]["median"] <= result["service"]["high"]
        assert result["service"]["median"] > 0


def test_every_service_answer_equals_the_raw_answer(
    quick_run: tuple[dict[str, Any], Path],
) -> None:
    report, _work = quick_run
    for result in report["results"]:
        if result["operation"].startswith(UNCOMPARED):
            assert result["equal"] is None
            continue
        assert result["equal"] is True, result["operation"]
        assert result["raw"]["median"] > 0
        assert result["ratio"] == pytest.approx(
            result["service"]["median"] / result["raw"]["median"]
        )


def test_the_upgrade_reported_its_progress(quick_run: tuple[dict[str, Any], Path]) -> None:
    report, _work = quick_run
    (upgrade,) = [r for r in report["results"] if r["operation"].startswith("upgrade")]
    assert 0 < upgrade["extra"]["longest_progress_gap_s"] <= upgrade["service"]["high"]
    assert upgrade["extra"]["books"]["debts"] > 0


def test_the_window_scrolled_tables_with_rows(quick_run: tuple[dict[str, Any], Path]) -> None:
    report, _work = quick_run
    (memory,) = [r for r in report["results"] if r["operation"].startswith("resident memory")]
    shown = memory["extra"]["rows_shown"]
    assert any(name.startswith("Customers") and rows > 0 for name, rows in shown.items()), shown
    assert any(name.startswith("Debts") and rows > 0 for name, rows in shown.items()), shown


def test_the_generated_shop_is_clean(
    quick_run: tuple[dict[str, Any], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`python -m app check` on the file make_shop made (and the run then wrote sales and
    payments to through the services)."""
    _report, work = quick_run
    shop = work / "shop.db"
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(work / "data"))
    code = cli.main(["check", "--db", str(shop)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "No problems found." in out
