"""What a drag of workloads or applications carries, for every view that starts or takes one.

A drag from the inventory (and, later, from the dependency graph) puts ids in the mime data:
``WORKLOADS_MIME`` holds workload ids, ``APPLICATIONS_MIME`` application ids, one per line in
UTF-8. A drag of whole applications carries both (their workloads too), so a target that
knows only workloads still takes it. Drop targets (the wave table, the wave board) call
``dropped_ids`` and move what it returns with one undoable command.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QByteArray, QMimeData, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap

#: Workload ids, one per line (UTF-8).
WORKLOADS_MIME = "application/x-migplan-workload-ids"
#: Application ids, one per line (UTF-8): the drag means "these applications, whole".
APPLICATIONS_MIME = "application/x-migplan-application-ids"
#: Every format a wave drop target accepts.
WAVE_DROP_MIMES = (APPLICATIONS_MIME, WORKLOADS_MIME)


def ids_mime(
    workload_ids: Iterable[str], application_ids: Iterable[str] = (), mime: QMimeData | None = None
) -> QMimeData:
    """Mime data carrying ``workload_ids`` and, when any, ``application_ids``."""
    mime = mime or QMimeData()
    mime.setData(WORKLOADS_MIME, QByteArray("\n".join(workload_ids).encode("utf-8")))
    apps = list(application_ids)
    if apps:
        mime.setData(APPLICATIONS_MIME, QByteArray("\n".join(apps).encode("utf-8")))
    return mime


def carries_ids(mime: QMimeData) -> bool:
    return any(mime.hasFormat(f) for f in WAVE_DROP_MIMES)


def _lines(mime: QMimeData, fmt: str) -> list[str]:
    raw = bytes(mime.data(fmt).data()).decode("utf-8", errors="replace")
    return [line for line in raw.split("\n") if line]


def dropped_ids(mime: QMimeData) -> tuple[str, list[str]]:
    """``("applications", ids)`` when the drag carries applications, else
    ``("workloads", ids)`` (empty when it carries neither)."""
    if mime.hasFormat(APPLICATIONS_MIME):
        return "applications", _lines(mime, APPLICATIONS_MIME)
    if mime.hasFormat(WORKLOADS_MIME):
        return "workloads", _lines(mime, WORKLOADS_MIME)
    return "workloads", []


def drag_label(text: str, ratio: float = 1.0) -> QPixmap:
    """A small rounded label to show under the cursor while dragging (what is moving)."""
    font = QFont()
    font.setBold(True)
    metrics = QFontMetrics(font)
    text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, 320)
    width, height = metrics.horizontalAdvance(text) + 20, metrics.height() + 10
    pixmap = QPixmap(int(width * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#2f6fde"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(0, 0, width, height, 6, 6)
    painter.setPen(QColor("#ffffff"))
    painter.setFont(font)
    painter.drawText(0, 0, width, height, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap
