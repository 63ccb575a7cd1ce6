"""Reads the window's single-instance lock without Qt, so command-line upgrades respect it."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path


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
