"""The dependency graph as a PNG image or an SVG drawing: the whole scene at full detail."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

if TYPE_CHECKING:
    from migplan.gui.graph_view import GraphView

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


def export_dialog(view: GraphView, kind: str) -> Path | None:
    """Ask where (beside the plan, named for the level shown), then export."""
    from migplan.gui.dialogs import Ask

    doc_path = view.session_path
    level = view.current_level.value
    base = (
        doc_path.with_name(f"{doc_path.stem}-{level}.{kind}")
        if doc_path
        else Path.home() / f"dependencies-{level}.{kind}"
    )
    filter_ = "PNG image (*.png)" if kind == "png" else "SVG drawing (*.svg)"
    path = Ask.export_path(view, "Export the dependency graph", base, filter_)
    return export(view, path) if path is not None else None


def export(view: GraphView, path: Path) -> Path | None:
    """Write the graph of ``view`` to ``path`` (SVG by its suffix, else PNG); say how it went
    on the view's message signal."""
    try:
        if path.suffix.lower() == ".svg":
            write_svg(view.scene, path, "MigPlan dependencies")
        else:
            write_png(view.scene, path)
    except OSError as exc:
        view.message.emit(f"Cannot write {path.name}: {exc.strerror or exc}")
        return None
    view.message.emit(f"Exported the graph to {path.name}")
    return path
