"""The look: Fusion with a calm palette and a small stylesheet shipped in resources/."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from migplan.paths import resources_dir

STYLESHEET = resources_dir() / "style.qss"


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f4f5f7"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f9fc"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#2f6fde"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#eceef2"))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.5))
    app.setFont(font)
    if STYLESHEET.exists():
        app.setStyleSheet(STYLESHEET.read_text(encoding="utf-8"))


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it literally and wraps long lines.

    Qt renders a tooltip as rich text when it merely looks like markup, and names come from
    imported files: escaping it (and wrapping it in a paragraph) shows ``<b>`` as typed.
    """
    from PySide6.QtGui import Qt

    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
