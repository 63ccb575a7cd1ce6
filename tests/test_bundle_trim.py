"""What the build leaves out (scripts/bundle_trim.py), on made-up bundles, without PyInstaller."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bundle_trim.py"


def load_bundle_trim() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_trim", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundle_trim = load_bundle_trim()

QT = "PySide6/Qt"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        (f"{QT}/plugins/platforms/libqxcb.so", True),
        (f"{QT}/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        (f"{QT}/plugins/platforms/libqcocoa.dylib", True),
        (f"{QT}/plugins/platforms/libqwayland.so", False),
        (f"{QT}/plugins/platforms/libqeglfs.so", False),
        (f"{QT}/plugins/wayland-shell-integration/libxdg-shell.so", False),
        (f"{QT}/plugins/platformthemes/libqgtk3.so", False),
        (f"{QT}/plugins/imageformats/libqsvg.so", True),
        (f"{QT}/plugins/imageformats/libqjpeg.so", False),
        (f"{QT}/plugins/iconengines/libqsvgicon.so", True),
        (f"{QT}/plugins/printsupport/libcupsprintersupport.so", True),
        (f"{QT}/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        (f"{QT}/lib/libQt6Core.so.6", True),
        ("libpython3.11.so.1.0", True),
        ("PySide6/opengl32sw.dll", False),
    ],
)
def test_keeps_only_the_plugins_dukan_loads(name: str, kept: bool) -> None:
    assert bundle_trim.file_kept((name, f"/src/{name}", "BINARY")) is kept


def entry(name: str, kind: str = "BINARY") -> tuple[str, str, str]:
    return (name, f"/src/{name}", kind)


def test_a_library_goes_with_the_last_kept_file_linking_to_it() -> None:
    gui_module = entry("PySide6/QtGui.abi3.so", "EXTENSION")
    gui = entry(f"{QT}/lib/libQt6Gui.so.6")
    xcb = entry(f"{QT}/plugins/platforms/libqxcb.so")
    xcb_qpa = entry(f"{QT}/lib/libQt6XcbQpa.so.6")
    wayland = entry(f"{QT}/plugins/platforms/libqwayland.so")
    wayland_client = entry(f"{QT}/lib/libQt6WaylandClient.so.6")
    libwayland = entry("libwayland-client.so.0")
    libxkb = entry("libxkbcommon.so.0")  # linked by a kept and a dropped file
    links = {
        gui_module[1]: {"libqt6gui.so.6"},
        gui[1]: {"libxkbcommon.so.0", "libc.so.6"},
        xcb[1]: {"libqt6xcbqpa.so.6", "libqt6gui.so.6"},
        xcb_qpa[1]: {"libqt6gui.so.6", "libxkbcommon.so.0"},
        wayland[1]: {"libqt6waylandclient.so.6", "libqt6gui.so.6"},
        wayland_client[1]: {"libwayland-client.so.0", "libxkbcommon.so.0"},
        libwayland[1]: set(),
        libxkb[1]: set(),
    }
    binaries = [gui_module, gui, xcb, xcb_qpa, wayland, wayland_client, libwayland, libxkb]

    kept = bundle_trim.still_linked(binaries, [wayland], links.__getitem__)

    assert kept == [gui_module, gui, xcb, xcb_qpa, libxkb]


def test_links_to_left_out_libraries_are_left_out_too() -> None:
    core = f"{QT}/lib/QtCore.framework"
    network = f"{QT}/lib/QtNetwork.framework"
    binaries = [entry(f"{QT}/lib/libQt6Gui.so.6"), entry(f"{core}/Versions/A/QtCore")]
    datas = [
        ("libQt6Gui.so.6", f"{QT}/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6WaylandClient.so.6", f"{QT}/lib/libQt6WaylandClient.so.6", "SYMLINK"),
        ("migrations/001_create_settings.sql", "/src/001_create_settings.sql", "DATA"),
        # A macOS framework: links through a linked folder (Versions/Current -> A).
        (f"{core}/Versions/A/Resources/Info.plist", "/src/Info.plist", "DATA"),
        (f"{core}/Versions/Current", "A", "SYMLINK"),
        (f"{core}/QtCore", "Versions/Current/QtCore", "SYMLINK"),
        (f"{core}/Resources", "Versions/Current/Resources", "SYMLINK"),
        ("QtCore", "PySide6/Qt/lib/QtCore.framework/QtCore", "SYMLINK"),
        # The rest of a framework whose library was left out.
        (f"{network}/Versions/A/Resources/Info.plist", "/src/Info.plist", "DATA"),
        (f"{network}/Versions/Current", "A", "SYMLINK"),
        ("QtNetwork", "PySide6/Qt/lib/QtNetwork.framework/QtNetwork", "SYMLINK"),
    ]

    kept = bundle_trim.without_orphans(datas, binaries)

    assert kept == [datas[0], *datas[2:8]]
