"""Every question the window asks the user, behind class methods that tests can replace
(pytest-qt's note on dialogs): ``monkeypatch.setattr(Ask, "open_path", ...)``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

PLAN_FILTER = "MigPlan plans (*.migplan);;All files (*)"
IMPORT_FILTER = "Spreadsheets and exports (*.xlsx *.xlsm *.xls *.csv *.tsv *.txt);;All files (*)"


class SaveChoice(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Ask:
    @classmethod
    def open_path(cls, parent: QWidget, start: Path | None = None) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, "Open plan", str(start or ""), PLAN_FILTER)
        return Path(name) if name else None

    @classmethod
    def import_paths(cls, parent: QWidget, start: Path | None = None) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            parent, "Files to import", str(start or ""), IMPORT_FILTER
        )
        return [Path(n) for n in names]

    @classmethod
    def workbook_path(cls, parent: QWidget, start: Path | None = None) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            parent, "Workbook exported from MigPlan", str(start or ""), "Excel workbook (*.xlsx)"
        )
        return Path(name) if name else None

    @classmethod
    def export_path(cls, parent: QWidget, title: str, suggested: Path, filter_: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filter_)
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(suggested.suffix)

    @classmethod
    def text(cls, parent: QWidget, title: str, label: str) -> str:
        value, ok = QInputDialog.getText(parent, title, label)
        return value.strip() if ok else ""

    @classmethod
    def save_path(cls, parent: QWidget, suggested: Path | None = None) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            parent, "Save plan as", str(suggested or ""), PLAN_FILTER
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(".migplan")

    @classmethod
    def unsaved_changes(cls, parent: QWidget, name: str) -> SaveChoice:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setTextFormat(Qt.TextFormat.PlainText)  # a file name may look like markup
        box.setText(f"Save the changes to “{name}” before closing it?")
        box.setInformativeText("Your changes will be lost if you don't save them.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return SaveChoice.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return SaveChoice.DISCARD
        return SaveChoice.CANCEL

    @classmethod
    def recover(cls, parent: QWidget, name: str) -> bool:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Recover unsaved changes")
        box.setTextFormat(Qt.TextFormat.PlainText)  # a file name may look like markup
        box.setText(
            f"MigPlan closed without saving “{name}”. An autosaved copy with newer changes exists.\n\n"
            "Open the autosaved copy? (No opens the file as it was last saved.)"
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    @classmethod
    def show_error(cls, parent: QWidget, title: str, message: str) -> None:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(title)
        # Plain text: file names and messages from plan files are never rendered as rich text.
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(message)
        box.exec()
