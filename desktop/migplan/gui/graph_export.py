"""The dependency graph as a PNG image or an SVG drawing: the whole scene at full detail."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

#: The longest side of an exported PNG (a 5,000-workload graph is scaled down to it).
MAX_PNG_SIDE = 12_000


def write_png(scene: QGraphicsScene, path: Path) -> None:
    rect = scene.sceneRect()
    scale = min(2.0, MAX_PNG_SIDE / max(rect.width(), rect.height(), 1.0))
    size = QSize(max(1, int(rect.width() * scale)), max(1, int(rect.height() * scale)))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, size.width(), size.height()), rect)
    painter.end()
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]  # stubs want bytes, PySide wants str
        raise OSError(f"could not write {path}")


def write_svg(scene: QGraphicsScene, path: Path, title: str) -> None:
    from PySide6.QtSvg import QSvgGenerator

    rect = scene.sceneRect()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(int(rect.width()), int(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle(title)
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"could not write {path}")
    painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), Qt.GlobalColor.white)
    scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()
    if not path.exists():
        raise OSError(f"could not write {path}")
