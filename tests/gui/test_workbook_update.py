"""File > Update from Excel workbook: edits made in the exported workbook come back as one
undo step, after the user has seen them (issue 13, point 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from migplan.gui.dialogs import Ask
from migplan.gui.main_window import MainWindow
from migplan.io.reports.xlsx import write_xlsx


def test_edits_in_the_workbook_are_shown_then_applied_as_one_undo_step(
    qtbot: Any,
    window: MainWindow,
    example_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert window.open_path(example_copy, ask=False)
    doc = window.session.doc
    book = tmp_path / "plan.xlsx"
    write_xlsx(doc, book)
    first, last = doc.waves_in_order()[0], doc.waves_in_order()[-1]
    moved = sorted(doc.workloads_in_wave(first.id), key=lambda w: w.id)[0]
    wb = load_workbook(book)
    ws = wb["Workloads"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == moved.id:
            row[header.index("Wave")].value = last.name
            row[header.index("vCPU")].value = 123
    wb.save(book)
    monkeypatch.setattr(Ask, "workbook_path", classmethod(lambda *a: book))
    window.update_from_workbook_action.trigger()
    dialog = window.workbook_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.summary.text() == "1 change to the plan; 1 not taken (below)"
    text = dialog.changes.toPlainText()
    assert f"{moved.name}: {first.order}. {first.name} → {last.order}. {last.name}" in text
    assert "1 edited cell in 'vCPU' ignored: the column is computed from the plan" in text
    assert doc.workloads[moved.id].wave_id == first.id, "nothing changes before Apply"
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert doc.workloads[moved.id].wave_id == last.id
    assert window.undo_action.text() == "&Undo Update from plan.xlsx"
    window.undo_action.trigger()
    assert doc.workloads[moved.id].wave_id == first.id


def test_a_workbook_that_is_not_ours_is_a_message_and_nothing_changes(
    qtbot: Any,
    window: MainWindow,
    example_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answers: Any,
) -> None:
    assert window.open_path(example_copy, ask=False)
    before = window.session.doc.to_data()
    other = tmp_path / "budget.xlsx"
    from openpyxl import Workbook

    Workbook().save(other)
    monkeypatch.setattr(Ask, "workbook_path", classmethod(lambda *a: other))
    window.update_from_workbook_action.trigger()
    [(title, message)] = answers.errors
    assert title == "Cannot read the workbook" and "budget.xlsx" in message
    assert window.session.doc.to_data() == before and window.workbook_dialog is None
