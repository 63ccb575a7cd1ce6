"""The window's start leaves out the libraries and services it does not use until later."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

# Run in a process of its own, where no test has imported anything yet. After the window is
# shown, what was loaded is printed; then a phone is read and names compared, which must load
# what the start left out.
CHILD = """
import sys
from pathlib import Path
import app.main
from app.main import StartedWindow, start_window
build_services = app.main.build_services
app.main.build_services = lambda path, **_: build_services(path, automatic_backups=False)
started = start_window(Path(sys.argv[1]))
assert isinstance(started, StartedWindow), started
started.window.repaint()
print(" ".join(sorted(sys.modules)))
from app.domain.names import most_alike
from app.domain.phone import normalize_phone, readable_phone
print(normalize_phone("0555 12 34 56", "DZ"), readable_phone("+213555123456"))
print(most_alike("ali mohamed", {1: "mohamed ali", 2: "karim"}, cutoff=80, limit=5))
print(type(started.window.customers_tab).__name__)
started.close()
"""

# Each loads on first use: a phone read, names compared, a CSV opened.
LEFT_FOR_LATER = ("phonenumbers", "rapidfuzz", "app.services.customer_csv")


@pytest.mark.slow
def test_the_start_loads_no_phone_rules_fuzzy_matching_or_csv_until_used(
    database_path: Path, data_dir: Path
) -> None:
    env = {**os.environ, "DUKAN_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    # No region from the locale: with one (`fr_DZ`), the start checks it against the phone
    # rules, and loads them.
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        env.pop(name, None)
    conn = sqlite3.connect(database_path)
    with conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('settings_offered', '1')")
    conn.close()

    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(database_path)],
        check=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    loaded, phones, alike, customers_tab = done.stdout.splitlines()
    modules = loaded.split()
    assert "app.ui.main_window" in modules
    for later in LEFT_FOR_LATER:
        assert not any(name == later or name.startswith(f"{later}.") for name in modules), later
    assert phones == "+213555123456 +213 555 12 34 56"
    assert alike == "[(1, 100.0)]"
    assert customers_tab == "CustomersTab"
