"""File > Compare…: what changed between another version of the plan and the open one.

The diff is computed in the core (``core.diff``); this dialog only lists its sections in a
tree, each heading with its count, and can show it as text to copy. Names come from plan
files other people sent: every text is set as plain text, never rich text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.diff import PlanDiff
from migplan.core.document import PlanDocument
from migplan.core.metadata import PlanMetadata
from migplan.core.progress import Progress
from migplan.gui.dialogs import Ask
from migplan.gui.session import DocumentSession

#: The window's way to run work on a worker and say how it ended (``MainWindow._wait``):
#: (work, (title, label, what), failure title, cancelled message) -> (done, value).
Wait = Callable[[Callable[[Progress], Any], tuple[str, str, str], str, str], tuple[bool, Any]]
#: The end of a risk line whose score and band did not change (shown greyed).
UNCHANGED = "(unchanged)"
#: Sections with at most this many lines open expanded; longer ones start folded.
EXPAND_UP_TO = 40


class CompareDialog(QDialog):
    """The differences from ``old_name`` to ``new_name``, in sections with counts."""

    def __init__(
        self,
        parent: QWidget | None,
        diff: PlanDiff,
        old_name: str,
        new_name: str,
        old_meta: PlanMetadata | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compare-dialog")
        self.setWindowTitle(f"Compare {old_name} with {new_name}")
        self.diff = diff
        self.resize(900, 620)

        self.heading = QLabel(self)
        self.heading.setObjectName("compare-heading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setText(f"What changed from {old_name} to {new_name}")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel(self)
        self.summary.setObjectName("compare-summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setText(diff.summary() + ".")
        self.saved = QLabel(self)
        self.saved.setObjectName("compare-saved")
        self.saved.setTextFormat(Qt.TextFormat.PlainText)
        self.saved.setText(_saved_line(old_name, old_meta))
        self.saved.setVisible(bool(self.saved.text()))
        self.saved.setStyleSheet("color: #555")

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("compare-tree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        for section in diff.sections():
            top = QTreeWidgetItem([section.heading])
            bold = top.font(0)
            bold.setBold(True)
            top.setFont(0, bold)
            children = [QTreeWidgetItem([line]) for line in section.lines]
            for child in children:
                if child.text(0).endswith(UNCHANGED):  # a wave whose risk did not move
                    child.setForeground(0, QBrush(QColor("#80868f")))
            top.addChildren(children)
            self.tree.addTopLevelItem(top)
            top.setExpanded(len(section.lines) <= EXPAND_UP_TO)
        if diff.same:
            self.tree.addTopLevelItem(QTreeWidgetItem(["The two plans hold the same things."]))

        self.text = _plain_text_view(self, self.as_text())
        self.views = QStackedWidget(self)
        self.views.addWidget(self.tree)
        self.views.addWidget(self.text)

        self.toggle = QPushButton("Show as text", self)
        self.toggle.setObjectName("compare-toggle")
        self.toggle.clicked.connect(self._on_toggle_clicked)
        self.copy = QPushButton("Copy", self)
        self.copy.setObjectName("compare-copy")
        self.copy.setToolTip("Copy the whole list as text")
        self.copy.clicked.connect(self._on_copy_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.toggle, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()  # not the tree: no focus frame on its first heading

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.saved)
        layout.addWidget(self.views, 1)
        layout.addWidget(buttons)

    def as_text(self) -> str:
        lines = [self.heading.text(), self.diff.summary() + "."]
        for section in self.diff.sections():
            lines += ["", section.heading, *(f"  {line}" for line in section.lines)]
        return "\n".join(lines)

    def section_headings(self) -> list[str]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item.text(0) for item in items if item is not None]

    def _on_toggle_clicked(self) -> None:
        as_text = self.views.currentWidget() is self.tree
        self.views.setCurrentWidget(self.text if as_text else self.tree)
        self.toggle.setText("Show as list" if as_text else "Show as text")

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.as_text())


def _plain_text_view(parent: QWidget, text: str) -> QWidget:
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QPlainTextEdit

    view = QPlainTextEdit(parent)
    view.setObjectName("compare-text")
    view.setReadOnly(True)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setPlainText(text)
    return view


def _saved_line(name: str, meta: PlanMetadata | None) -> str:
    """ "other.migplan was last saved 2027-01-05 09:00 by ada (12 saved versions)", or ""."""
    if meta is None or meta.modified is None:
        return ""
    who = f" by {meta.changes[-1].author}" if meta.changes and meta.changes[-1].author else ""
    n = len(meta.changes)
    return (
        f"{name} was last saved {meta.modified:%Y-%m-%d %H:%M}{who} "
        f"({n} saved version{'s' if n != 1 else ''} in its log)"
    )


def open_compare(
    parent: QWidget,
    session: DocumentSession,
    load: Callable[[Path, str], PlanDocument | None],
    wait: Wait,
) -> CompareDialog | None:
    """Ask for another version of the plan, compare it with the open plan on a worker (two
    risk assessments can take seconds), and show the dialog (window-modal, not blocking).
    ``load`` and ``wait`` are the window's: they say what went wrong themselves."""
    from migplan.core.diff import compare

    start = session.path.parent if session.path else None
    path = Ask.choose_plan(parent, "Compare this plan with…", start)
    if path is None:
        return None
    other = load(path, "Cannot compare")
    if other is None:
        return None
    current = session.doc.snapshot()
    done, diff = wait(
        lambda progress: compare(other, current),
        ("Comparing", f"Comparing {path.name} with this plan", f"Comparing {path.name}"),
        "Cannot compare",
        "Compare cancelled",
    )
    if not done:
        return None
    dialog = CompareDialog(
        parent, diff, path.name, f"this plan ({session.display_name})", other.settings.metadata
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
