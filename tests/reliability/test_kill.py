"""SIGKILL a writer of sales, credit sales, payments, voids and refunds at random moments: every
acknowledged write survives whole, nothing is half-written, and `check` stays clean."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.paths import bundle_root
from tests.reliability.kill_support import (
    KILLED,
    Ack,
    Life,
    acks_in,
    file_problems,
    live_and_die,
    written_rows,
)

# `DUKAN_KILL_SEED=N` replays the kill times and writer seeds of a logged run (the writes
# themselves also depend on how far each writer got, so a replay is close, not exact).
SEED_VARIABLE = "DUKAN_KILL_SEED"
DEFAULT_KILLS = 6
FULL_KILLS = 200
# Some kills land while the writer is still starting and opening the file; the rest at a
# random moment among its writes (a write takes a few milliseconds here, so most land in one).
KILLS_DURING_START = 0.15
LONGEST_LIFE_SECONDS = 0.8


@dataclass(frozen=True, slots=True)
class KillRun:
    seed: int
    kills: int
    kills_mid_write: int  # landed between a write's start and its acknowledgement
    acks: list[Ack]
    unacknowledged: int  # writes committed whose acknowledgement the kill cut off
    seconds: float

    def summary(self) -> str:
        kinds = {kind: sum(ack.kind == kind for ack in self.acks) for kind in _KINDS}
        counted = ", ".join(f"{count} {kind}s" for kind, count in kinds.items())
        return (
            f"kill test: {self.kills} kills ({self.kills_mid_write} in the middle of a write), "
            f"{len(self.acks)} acknowledged writes ({counted}) all present and whole, "
            f"{self.unacknowledged} more committed but cut off before their acknowledgement, "
            f"check clean, in {self.seconds:.1f} s; {SEED_VARIABLE}={self.seed}"
        )


_KINDS = ("sale", "payment", "void", "refund")


def run_seed() -> int:
    chosen = os.environ.get(SEED_VARIABLE)
    return int(chosen) if chosen else random.SystemRandom().randrange(2**32)


def kill_repeatedly(books: Path, kills: int, seed: int) -> KillRun:
    """Start, kill and judge the writer `kills` times on the same file, the books growing."""
    rng = random.Random(seed)
    acks: list[Ack] = []
    mid_write = 0
    written_before = written_rows(books)
    started = time.monotonic()
    for kill in range(1, kills + 1):
        after_ready = rng.random() >= KILLS_DURING_START
        life = Life(
            seed=rng.randrange(2**32),
            delay=rng.uniform(0.0, LONGEST_LIFE_SECONDS if after_ready else 0.4),
            after_ready=after_ready,
        )
        live_and_die(books, life)
        where = f"kill {kill} of {kills}, {life.describe()}; replay with {SEED_VARIABLE}={seed}"
        assert life.returncode == KILLED, f"{where}: the writer ended by itself\n{life.stderr}"
        acks += acks_in(life.lines)
        mid_write += life.died_writing
        problems = file_problems(books, acks)
        assert problems == [], f"{where}:\n" + "\n".join(problems[:20])
    seconds = time.monotonic() - started
    unacknowledged = written_rows(books) - written_before - len(acks)
    return KillRun(seed, kills, mid_write, acks, unacknowledged, seconds)


def check_command_is_clean(books: Path) -> None:
    """The shop's own `check` on the file the last writer left, hot WAL and all."""
    result = subprocess.run(
        [sys.executable, "-m", "app", "check", "--db", str(books)],
        cwd=bundle_root(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_writer_killed_again_and_again_loses_nothing_it_acknowledged(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = kill_repeatedly(books, DEFAULT_KILLS, run_seed())

    check_command_is_clean(books)
    # Most lives get past their start: a run that acknowledged nothing tested nothing.
    assert len(run.acks) > DEFAULT_KILLS, run.summary()
    with capsys.disabled():
        sys.stdout.write(f"\n{run.summary()}\n")


@pytest.mark.reliability_full
def test_two_hundred_kills_lose_nothing_acknowledged(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = kill_repeatedly(books, FULL_KILLS, run_seed())

    check_command_is_clean(books)
    assert {ack.kind for ack in run.acks} == set(_KINDS), run.summary()
    with capsys.disabled():
        sys.stdout.write(f"\n{run.summary()}\n")
