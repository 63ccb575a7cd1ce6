"""A second process that holds a database's window lock, as another running Dukan would."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

HOLDER = (
    "import sys, time\n"
    "from PySide6.QtCore import QLockFile\n"
    "lock = QLockFile(sys.argv[1])\n"
    "lock.setStaleLockTime(0)\n"
    "print('locked' if lock.tryLock(0) else 'busy', flush=True)\n"
    "sys.stdin.read()\n"  # hold until the test closes our stdin
)


@contextlib.contextmanager
def lock_held_by_another_process(lock_path: Path) -> Iterator[int]:
    """Yields the holder's process id; the lock is released when the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        yield holder.pid
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()
