"""One running Dukan per database file, with locks left by killed processes recovered."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile


class InstanceLock:
    """A `QLockFile` beside the database; Qt removes it when the owning process is dead."""

    def __init__(self, lock_path: Path) -> None:
        self.path = lock_path
        self._lock = QLockFile(str(self.path))
        # The default 30 s would call a shop's all-day session stale; only a dead owner is.
        self._lock.setStaleLockTime(0)

    def acquire(self) -> bool:
        """True when this process now owns the database; False when another copy has it."""
        return bool(self._lock.tryLock(0))

    @property
    def held_by_another(self) -> bool:
        return self._lock.error() == QLockFile.LockError.LockFailedError

    def release(self) -> None:
        if self._lock.isLocked():
            self._lock.unlock()
