"""The questions editing a wave asks (a name, dates), behind class methods tests replace
(pytest-qt's note on dialogs): ``monkeypatch.setattr(AskWave, "name", ...)``."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class WaveDatesDialog(QDialog):
    """Start and end day of a wave, or none; an end before the start is said beside it and
    cannot be accepted."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        start: dt.date | None,
        end: dt.date | None,
        suggested: dt.date,
        length_days: int,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wave-dates-dialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(340)
        self.dated = QCheckBox("This wave has dates", self)
        self.dated.setObjectName("wave-dated")
        self.dated.setChecked(start is not None or end is not None)
        first = start or suggested
        last = end or first + dt.timedelta(days=max(1, length_days) - 1)
        self.start = self._date_edit("wave-start", first)
        self.end = self._date_edit("wave-end", last)
        self.problem = QLabel(self)
        self.problem.setObjectName("wave-dates-problem")
        self.problem.setStyleSheet("color: #c62828")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow(self.dated)
        form.addRow("Starts on", self.start)
        form.addRow("Ends on (last day)", self.end)
        form.addRow("", self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for signal in (self.dated.toggled, self.start.dateChanged, self.end.dateChanged):
            signal.connect(self._on_input_changed)
        self._on_input_changed()

    def _date_edit(self, name: str, value: dt.date) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day), self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd d MMM yyyy")
        return edit

    def _on_input_changed(self, *args: object) -> None:
        on = self.dated.isChecked()
        self.start.setEnabled(on)
        self.end.setEnabled(on)
        bad = on and self.end.date() < self.start.date()
        self.problem.setText("The wave ends before it starts." if bad else "")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not bad)

    def value(self) -> tuple[dt.date | None, dt.date | None]:
        if not self.dated.isChecked():
            return None, None
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]


class AskWave:
    @classmethod
    def name(cls, parent: QWidget, title: str, current: str) -> str | None:
        """A wave's new name, or None when the user cancels."""
        value, ok = QInputDialog.getText(
            parent, title, "Name of the wave:", QLineEdit.EchoMode.Normal, current
        )
        return value.strip() if ok else None

    @classmethod
    def dates(
        cls,
        parent: QWidget,
        title: str,
        start: dt.date | None,
        end: dt.date | None,
        suggested: dt.date,
        length_days: int,
    ) -> tuple[dt.date | None, dt.date | None] | None:
        """The wave's (start, end), (None, None) for no dates, or None when cancelled."""
        dialog = WaveDatesDialog(parent, title, start, end, suggested, length_days)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
