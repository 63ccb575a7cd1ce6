"""What a PyInstaller build of Dukan leaves out, shared by build.spec and bench/bare_window.spec.

Qt's wheel brings every plugin and the libraries they link to (Wayland, eglfs, a GTK theme,
TLS...); PyInstaller collects them all. `trim(analysis)` keeps the plugins in KEPT_PLUGINS, then
only the libraries something kept still links to, then only the data files and symbolic links
that belong to what is left. `EXCLUDES` goes to Analysis(excludes=...), `STRIP` to EXE/COLLECT.
"""

from __future__ import annotations

import logging
import posixpath
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any, cast

log = logging.getLogger(__name__)

Entry = tuple[str, str, str]  # PyInstaller's TOC entry: (name in the bundle, source, kind)

# Qt plugins kept, by plugin folder (None: the whole folder); every other folder is left out
# (wayland, eglfs, evdev input, GTK and portal themes, tls, network information ...).
# Names are the file's stem without "lib" and Qt's "q": libqxcb.so, qwindows.dll -> xcb, windows.
KEPT_PLUGINS: dict[str, set[str] | None] = {
    "platforms": {"xcb", "offscreen", "windows", "cocoa"},
    "imageformats": {"svg"},  # PNG is built into QtGui; no other format is ever read
    "iconengines": {"svgicon"},  # the window icon is resources/dukan.svg
    "printsupport": None,  # CUPS printers (Linux, macOS)
    "platforminputcontexts": None,  # IBus and compose keys: typing Arabic, Chinese, accents
    "xcbglintegrations": None,
    "styles": None,  # the native look on Windows and macOS
}
# Loaded by name at run time (so nothing links to them) yet never needed by Dukan.
UNUSED_FILES = {"opengl32sw.dll"}  # Windows' 20 MB software OpenGL: widgets do not use it
# Python modules nothing of Dukan's runs: test runners and debuggers (phonenumbers mentions
# doctest under `if __name__ == "__main__"`), Tk, and the network (Dukan never goes online).
# Without _hashlib (and OpenSSL's 5 MB libcrypto with it) hashlib uses Python's own SHA-256,
# all Dukan hashes with: the migration files, a few kilobytes (`selftest` checks them).
UNUSED_PYTHON = [
    *("tkinter", "unittest", "doctest", "pdb", "pydoc", "pydoc_data"),
    *("ssl", "_ssl", "_hashlib", "http.server", "smtplib", "xmlrpc"),
]
# Qt's Python modules Dukan does not import: PyInstaller takes only imported ones anyway; this
# keeps a stray import in a dependency from pulling one in.
UNUSED_QT = [
    f"PySide6.{name}"
    for name in (
        *("QtNetwork", "QtQml", "QtQuick", "QtQuickWidgets", "QtOpenGL", "QtOpenGLWidgets"),
        *("QtSql", "QtTest", "QtDBus", "QtConcurrent", "QtXml", "QtHelp", "QtDesigner"),
        *("QtUiTools", "QtMultimedia", "QtNetworkAuth", "QtPdf", "QtStateMachine"),
    )
]
EXCLUDES = UNUSED_QT + UNUSED_PYTHON

# strip takes the debugging symbols out of libpython and Python's extensions; on Windows it
# would damage the DLLs, so only elsewhere, and only with binutils on the machine.
STRIP = sys.platform != "win32" and shutil.which("strip") is not None


def plugin_kept(name: str) -> bool:
    """False for a Qt plugin outside KEPT_PLUGINS; True for anything that is not a plugin."""
    parts = PurePath(name).parts
    if parts[0] != "PySide6" or "plugins" not in parts[:-1]:
        return True
    folder = parts[parts.index("plugins") + 1]
    if folder not in KEPT_PLUGINS:
        return False
    wanted = KEPT_PLUGINS[folder]
    stem = PurePath(name).name.split(".")[0].removeprefix("lib").removeprefix("q")
    return wanted is None or stem in wanted


def file_kept(entry: Entry) -> bool:
    return plugin_kept(entry[0]) and PurePath(entry[0]).name.lower() not in UNUSED_FILES


def _linked_names(source: str) -> set[str]:
    """Base names (lower case) of the libraries `source` links to: ELF, Mach-O or PE alike."""
    # Imported here so that the rest (and its tests) needs no PyInstaller.
    from PyInstaller.depend import bindepend  # type: ignore[import-untyped]  # noqa: PLC0415

    imports = cast(Iterable[tuple[str, str | None]], bindepend.get_imports(source))
    return {PurePath(name).name.lower() for name, _ in imports}


def still_linked(
    binaries: list[Entry], dropped: list[Entry], linked: Callable[[str], set[str]] = _linked_names
) -> list[Entry]:
    """`binaries` less `dropped` and the libraries only dropped ones linked to (GTK for the GTK
    theme, Wayland for its plugins): a library stays while a kept file still links to it."""
    links = {entry[0]: linked(entry[1]) for entry in binaries}
    by_name = {PurePath(entry[0]).name.lower(): entry[0] for entry in binaries}
    linked_by_any = {by_name[n] for names in links.values() for n in names if n in by_name}
    # What nothing links to was collected for itself (Python extensions, libpython, plugins).
    pending = [e[0] for e in binaries if e[0] not in linked_by_any and e not in dropped]
    reached: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            pending.extend(by_name[n] for n in links[name] if n in by_name)
    return [entry for entry in binaries if entry[0] in reached]


def without_orphans(datas: list[Entry], binaries: list[Entry]) -> list[Entry]:
    """`datas` less what belonged to a left-out library: symbolic links to it (PyInstaller lists
    them as (name, relative target, "SYMLINK")) and, on macOS, the rest of its .framework."""
    kept = {PurePath(e[0]).as_posix() for e in binaries}
    frameworks = {p for name in kept for p in PurePath(name).parts if p.endswith(".framework")}
    kept |= {PurePath(e[0]).as_posix() for e in datas if e[2] != "SYMLINK"}
    links = {
        PurePath(e[0]).as_posix(): posixpath.normpath(
            posixpath.join(posixpath.dirname(PurePath(e[0]).as_posix()), e[1])
        )
        for e in datas
        if e[2] == "SYMLINK"
    }

    def real(name: str, hops: int = 0) -> str:
        """`name` with every symbolic link along it followed (Versions/Current -> A ...)."""
        parts = PurePath(name).parts
        for end in range(len(parts), 0, -1):
            prefix = "/".join(parts[:end])
            if prefix in links and hops < 16:
                return real(posixpath.join(links[prefix], *parts[end:]), hops + 1)
        return name

    def wanted(entry: Entry) -> bool:
        parts = PurePath(entry[0]).parts
        if any(p.endswith(".framework") and p not in frameworks for p in parts):
            return False
        if entry[2] != "SYMLINK":
            return True
        target = real(PurePath(entry[0]).as_posix())
        return target in kept or any(name.startswith(target + "/") for name in kept)

    return [entry for entry in datas if wanted(entry)]


def trim(analysis: Any) -> None:
    """Leave out of `analysis` (a PyInstaller Analysis) what Dukan never loads; see the module."""
    binaries = cast(list[Entry], analysis.binaries)
    dropped = [entry for entry in binaries if not file_kept(entry)]
    analysis.binaries = still_linked(binaries, dropped)
    # Qt's own translations: Dukan's text is its own and it installs no QTranslator.
    datas = [
        e for e in cast(list[Entry], analysis.datas) if "translations" not in PurePath(e[0]).parts
    ]
    analysis.datas = without_orphans(datas, analysis.binaries)
    if sys.platform != "win32" and not STRIP:
        log.warning("no `strip` (binutils) on this machine: the build is left unstripped")
