"""Renders resources/dukan.svg into the icons PyInstaller embeds: dukan.png, .ico and .icns.

Run after changing the SVG and commit what it writes:  .venv/bin/python scripts/make_icons.py
Qt draws every size (QSvgRenderer); the ICO and ICNS containers are written here with PNG
images inside (Windows Vista+, macOS 10.7+ read those), so no imaging package is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SVG = RESOURCES / "dukan.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (ic11-ic14 are the @2x variants).
ICNS_TYPES = (
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),
    (b"ic09", 512),
    (b"ic14", 512),
    (b"ic10", 1024),
)


def png_of(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"PNG"))
    if not writer.write(image):
        raise RuntimeError(f"Qt could not encode a {size} px PNG: {writer.errorString()}")
    return bytes(data.data())


def ico_of(pngs: dict[int, bytes]) -> bytes:
    """An ICO file: a 6-byte header, one 16-byte entry per image, then the PNGs."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + entries + images


def icns_of(chunks: list[tuple[bytes, bytes]]) -> bytes:
    """An ICNS file: 'icns' and the total length, then (type, length, PNG) elements."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in chunks)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    application = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not an SVG Qt can draw")
    sizes = set(ICO_SIZES) | {size for _, size in ICNS_TYPES}
    pngs = {size: png_of(renderer, size) for size in sorted(sizes)}
    (RESOURCES / "dukan.png").write_bytes(pngs[256])
    (RESOURCES / "dukan.ico").write_bytes(ico_of({size: pngs[size] for size in ICO_SIZES}))
    (RESOURCES / "dukan.icns").write_bytes(icns_of([(k, pngs[s]) for k, s in ICNS_TYPES]))
    del application
    return 0


if __name__ == "__main__":
    sys.exit(main())
