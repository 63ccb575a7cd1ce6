"""The window's single-instance lock without Qt: read it, and take it for a command's write."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# A lock file with no readable owner may be one a window has just made and not yet filled
# (Qt creates it, then writes the pid); only an older one is taken for left behind.
UNFILLED_LOCK_GRACE_SECONDS = 5.0


def lock_owner(lock_path: Path) -> int | None:
    """The id of the live process holding the window's lock, or None when nobody holds it.

    The file is Qt's `QLockFile`: process id, application name and host name, one a line.
    """
    try:
        lines = lock_path.read_text("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return None
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        return None  # unreadable content: Qt itself treats such a lock as stale
    host = lines[2] if len(lines) > 2 else ""
    # A lock taken on another machine (a shared folder) cannot be checked from here.
    if host and host != socket.gethostname():
        return pid
    return pid if _process_alive(pid) else None


def _process_alive(pid: int) -> bool:
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0 delivers nothing; it only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    return True


def _windows_process_alive(pid: int) -> bool:
    # os.kill on Windows would terminate the process, so ask the kernel instead.
    import ctypes  # noqa: PLC0415 - Windows only

    query_limited_information, still_active = 0x1000, 259
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return bool(code.value == still_active)
    finally:
        kernel32.CloseHandle(handle)


@dataclass
class HeldLock:
    """A lock file this process made, in the format Qt's `QLockFile` reads, so a window
    starting meanwhile is refused as it is by another window."""

    path: Path
    _fd: int

    def release(self) -> None:
        # Qt's order: the name goes first, so no one can find a file that is about to lose
        # its owner's flock.
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)


def take_lock(lock_path: Path) -> HeldLock | None:
    """The window's lock, held by this process until `release()`; None when a live process
    (a window, or another command) holds it. OSError when the folder cannot take the file.

    Made as Qt makes it: created exclusively (`O_EXCL`: of processes racing, one succeeds),
    then flock-ed, so Qt's removal of a lock it thinks stale fails while this process lives.
    """
    for _attempt in range(3):
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            if not _removed_if_stale(lock_path):
                return None
            continue
        try:
            # Only a process judging this new file stale can hold its flock already; it
            # finds it unfilled and young, and leaves it (Qt, too, carries on here).
            _flock(fd)
            os.write(fd, _lock_contents())
            os.fsync(fd)
        except OSError:
            os.close(fd)
            with contextlib.suppress(OSError):
                lock_path.unlink()
            raise
        return HeldLock(lock_path, fd)
    return None


def _lock_contents() -> bytes:
    """pid, program name and host, one a line: what `QLockFile` writes (without the machine
    and boot ids Qt 5.10 added, which it treats as optional)."""
    return f"{os.getpid()}\n{_program_name()}\n{socket.gethostname()}\n".encode()


def _program_name() -> str:
    # Qt checks that the pid still runs the program the lock names (the file name of
    # /proc/PID/exe on Linux); anything else and it would call this lock stale.
    try:
        return Path(os.readlink("/proc/self/exe")).name
    except OSError:
        return Path(sys.executable).name


def _removed_if_stale(lock_path: Path) -> bool:
    """True when the lock file is gone now (left by a dead process, or released meanwhile),
    so creating it may be tried again; False when someone holds it."""
    try:
        fd = os.open(lock_path, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        if lock_owner(lock_path) is not None or not _flock(fd):
            return False
        if not _same_file(fd, lock_path):
            return True  # replaced or removed since we opened it: look again
        # Read again under the flock: an owner may have filled it in meanwhile.
        if lock_owner(lock_path) is not None or _unfilled_and_young(lock_path):
            return False
        lock_path.unlink()
        return True
    except PermissionError:
        return False  # Windows: an open lock file cannot be deleted, so its owner lives
    finally:
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == path.stat().st_ino
    except FileNotFoundError:
        return False


def _unfilled_and_young(lock_path: Path) -> bool:
    try:
        lines = lock_path.read_text("utf-8", errors="replace").splitlines()
        age = time.time() - lock_path.stat().st_mtime
    except FileNotFoundError:
        return False
    filled = bool(lines) and lines[0].strip().isdigit()
    return not filled and age < UNFILLED_LOCK_GRACE_SECONDS


def _flock(fd: int) -> bool:
    """An exclusive flock on `fd` without waiting; False when another process has one."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only; Windows refuses deleting an open file instead
    except ImportError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
