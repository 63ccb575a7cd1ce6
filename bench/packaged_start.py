"""Times the frozen build's start to main window shown, warm and cold, against a bare window.

Both programs run in fresh processes with `DUKAN_QUIT_WHEN_SHOWN=1`: the window is shown,
painted once and closed on the next turn of the event loop, with no automatic backup on start
or quit, as `window_start.py` does from source (scripts/frozen_smoke_hook.py does it inside
the frozen Dukan, bench/bare_window.py in the baseline). The time is from spawning to the
process's exit. "Cold" first drops the build's files (and the database) from the OS page
cache with posix_fadvise, for that folder only, so the system libraries it shares with
everything else stay cached, as on a shop's machine.
The database is new and empty; a warm-up run first makes it (and, being the shop's first run,
has its Settings dialog cancelled by the hook), so the timed runs open an empty shop.

Build both first:  sh scripts/build.sh
    .venv/bin/pyinstaller --noconfirm --distpath /tmp/dukan-bare/dist \\
        --workpath /tmp/dukan-bare/build bench/bare_window.spec
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DUKAN = ROOT / "dist" / "dukan" / "dukan"
BARE = Path(tempfile.gettempdir()) / "dukan-bare" / "dist" / "bare_window" / "bare_window"


@dataclass
class Target:
    name: str
    command: list[str]
    evict: list[Path]  # folders and files dropped from the page cache before a cold run
    warm: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)


def files_under(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from (p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        elif path.is_file():
            yield path


def evict(paths: list[Path]) -> None:
    """Drop these files' pages from the OS cache (written pages are flushed first)."""
    for path in files_under(paths):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(descriptor)
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)


def folder_size(folder: Path) -> int:
    """Bytes on disk, as `du` counts them."""
    return sum(p.stat().st_blocks * 512 for p in files_under([folder]))


MIB = 1024 * 1024


def time_once(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(
        command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - began


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dukan", type=Path, default=DUKAN, help=f"default {DUKAN}")
    parser.add_argument("--bare", type=Path, default=BARE, help=f"default {BARE}")
    parser.add_argument("--db", type=Path, help="database to open (default: a new empty one)")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--no-cold", action="store_true", help="warm runs only")
    args = parser.parse_args()
    for program in (args.dukan, args.bare):
        if not program.is_file():
            parser.error(f"{program} is not built; see the commands in this script's docstring")

    with tempfile.TemporaryDirectory(prefix="dukan-packaged-start-") as scratch:
        env = {**os.environ, "DUKAN_DATA_DIR": scratch, "DUKAN_QUIT_WHEN_SHOWN": "1"}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        database = args.db or Path(scratch) / "dukan.db"
        targets = [
            Target("dukan", [str(args.dukan), "--db", str(database)], [args.dukan.parent]),
            Target("bare window", [str(args.bare)], [args.bare.parent]),
        ]
        targets[0].evict += [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        for target in targets:
            time_once(target.command, env)  # warm-up: creates the database, fills the cache
        # Alternated run by run, so a busy moment on the machine falls on both alike.
        for _ in range(args.runs):
            for target in targets:
                target.warm.append(time_once(target.command, env))
        for _ in range(0 if args.no_cold else args.runs):
            for target in targets:
                evict(target.evict)
                target.cold.append(time_once(target.command, env))

    print(
        f"start to window shown ({env['QT_QPA_PLATFORM']}, frozen one-folder builds, "
        f"{args.runs} runs each, alternated)"
    )
    for target in targets:
        size = folder_size(Path(target.command[0]).parent) / MIB
        print(f"{target.name:12} {size:6.1f} MiB  warm {summary(target.warm)}")
        if target.cold:
            print(f"{'':12} {'':10}  cold {summary(target.cold)}")
    dukan, bare = targets
    ratios = [("warm", dukan.warm, bare.warm), ("cold", dukan.cold, bare.cold)]
    shown = [
        f"{kind} {statistics.median(mine) / statistics.median(theirs):.2f}×"
        for kind, mine, theirs in ratios
        if mine
    ]
    print(
        f"dukan / bare window: size "
        f"{folder_size(args.dukan.parent) / folder_size(args.bare.parent):.2f}×, "
        f"start {', '.join(shown)} (target ≤ 1.5×)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
