"""Waves edited in the window as a user would: the buttons above the wave table and a wave's
right-click menu add, delete, rename, reorder, date and lock, each one named undo step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from migplan.gui.main_window import MainWindow
from migplan.gui.wave_dialogs import AskWave, WaveDatesDialog
from migplan.gui.wave_model import COLUMNS


def open_waves(qtbot: Any, window: MainWindow, path: Path) -> None:
    assert window.open_path(path, ask=False)
    window.tabs.setCurrentWidget(window.waves)
    qtbot.waitUntil(lambda: window.waves.model.rowCount() == len(window.session.doc.waves))


def shown_names(window: MainWindow) -> list[str]:
    model = window.waves.model
    return [str(model.index(r, COLUMNS.index("Wave")).data()) for r in range(model.rowCount())]


def click_row(qtbot: Any, window: MainWindow, row: int) -> None:
    table = window.waves.table
    rect = table.visualRect(window.waves.model.index(row, COLUMNS.index("Wave")))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click(qtbot: Any, window: MainWindow, key: str) -> None:
    button = window.waves.buttons[key]
    assert button.isEnabled(), f"the {key} button is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def menu_action(window: MainWindow, row: int, name: str) -> QAction:
    wave_id = window.waves.model.wave(row).id
    action = window.waves.wave_menu(wave_id).findChild(QAction, name)
    assert action is not None
    return action


def test_the_wave_table_model_passes_qtmodeltester(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, example_copy: Path
) -> None:
    open_waves(qtbot, window, example_copy)
    qtmodeltester.check(window.waves.model, force_py=True)
    click_row(qtbot, window, 0)
    click(qtbot, window, "add")  # a structural change, then checked again
    qtmodeltester.check(window.waves.model, force_py=True)


def test_add_and_delete_a_wave_with_the_buttons_and_undo(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_waves(qtbot, window, example_copy)
    before = shown_names(window)
    click_row(qtbot, window, 0)
    click(qtbot, window, "add")
    assert shown_names(window) == [before[0], "New wave", *before[1:]]
    assert window.waves.current_wave_id() == window.waves.model.wave(1).id  # selected
    assert window.undo_action.text() == "&Undo Add wave 'New wave'"
    assert window.statusBar().currentMessage() == "Added New wave: drag workloads onto it"
    window.undo_action.trigger()
    assert shown_names(window) == before

    doc = window.session.doc
    wave = doc.waves_in_order()[1]
    members = [w.id for w in doc.workloads_in_wave(wave.id)]
    click_row(qtbot, window, 1)
    click(qtbot, window, "delete")
    assert shown_names(window) == [before[0], *before[2:]]
    assert all(doc.workloads[m].wave_id is None for m in members)
    assert window.statusBar().currentMessage() == (
        f"Deleted {wave.name}: its {len(members)} workloads are in no wave (Undo brings it back)"
    )
    # The inventory shows them in no wave too.
    inventory = window.inventory
    row = inventory.proxy_row_of(members[0])
    assert inventory.proxy.index(row, inventory.column_index("wave")).data() == ""
    assert window.undo_action.text() == (
        f"&Undo Delete {wave.name} ({len(members)} workloads to no wave)"
    )
    window.undo_action.trigger()
    assert shown_names(window) == before
    assert all(doc.workloads[m].wave_id == wave.id for m in members)


def test_rename_and_reorder_from_the_menu_and_the_buttons(
    qtbot: Any, window: MainWindow, example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_waves(qtbot, window, example_copy)
    before = shown_names(window)
    asked: list[str] = []

    def name(cls: Any, parent: Any, title: str, current: str) -> str:
        asked.append(current)
        return "Payments"

    monkeypatch.setattr(AskWave, "name", classmethod(name))
    menu_action(window, 2, "wave-rename").trigger()
    assert asked == [before[2]]
    assert shown_names(window)[2] == "Payments"
    assert window.undo_action.text() == f"&Undo Rename {before[2]} to 'Payments'"

    click_row(qtbot, window, 2)
    click(qtbot, window, "up")
    assert shown_names(window)[:3] == [before[0], "Payments", before[1]]
    assert window.waves.current_wave_id() == window.waves.model.wave(1).id  # still selected
    assert window.undo_action.text() == "&Undo Move Payments up"
    order = COLUMNS.index("Order")
    assert [window.waves.model.index(r, order).data() for r in range(3)] == ["1", "2", "3"]

    menu_action(window, 1, "wave-down").trigger()
    assert shown_names(window)[:3] == [before[0], before[1], "Payments"]
    assert not menu_action(window, 0, "wave-up").isEnabled()  # the first cannot go earlier
    for _ in range(3):
        window.undo_action.trigger()
    assert shown_names(window) == before


def test_dates_and_lock_from_the_buttons(
    qtbot: Any, window: MainWindow, example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_waves(qtbot, window, example_copy)
    monkeypatch.setattr(
        AskWave,
        "dates",
        classmethod(lambda cls, *a: (dt.date(2027, 9, 6), dt.date(2027, 9, 17))),
    )
    click_row(qtbot, window, 0)
    click(qtbot, window, "dates")
    dates = COLUMNS.index("Dates")
    assert window.waves.model.index(0, dates).data() == "06 Sep – 17 Sep 27"
    name = window.waves.model.wave(0).name
    assert window.undo_action.text() == f"&Undo Set the dates of {name}"
    click(qtbot, window, "lock")
    assert window.waves.model.index(0, COLUMNS.index("Locked")).data() == "locked"
    assert window.waves.buttons["lock"].text() == "Unlock"
    assert not window.waves.buttons["delete"].isEnabled()
    assert window.undo_action.text() == f"&Undo Lock {name}"


def test_the_dates_dialog_says_when_a_wave_ends_before_it_starts(qtbot: Any) -> None:
    dialog = WaveDatesDialog(None, "Dates of Wave 2", None, None, dt.date(2027, 3, 1), 14)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not dialog.dated.isChecked() and not dialog.start.isEnabled()
    assert dialog.value() == (None, None)
    qtbot.mouseClick(dialog.dated, Qt.MouseButton.LeftButton, pos=dialog.dated.rect().center())
    assert dialog.dated.isChecked()
    assert dialog.value() == (dt.date(2027, 3, 1), dt.date(2027, 3, 14))
    dialog.end.setDate(QDate(2027, 2, 20))
    assert dialog.problem.text() == "The wave ends before it starts."
    assert not ok.isEnabled()
    dialog.end.setDate(QDate(2027, 3, 20))
    assert dialog.problem.text() == "" and ok.isEnabled()


def test_the_keyboard_renames_reorders_and_deletes_the_selected_wave(
    qtbot: Any, window: MainWindow, example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_waves(qtbot, window, example_copy)
    before = shown_names(window)
    monkeypatch.setattr(AskWave, "name", classmethod(lambda cls, p, t, current: "Pilot"))
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    table = window.waves.table
    click_row(qtbot, window, 2)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert shown_names(window)[2] == "Pilot"
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert shown_names(window)[1] == "Pilot"
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert "Pilot" not in shown_names(window)
    assert window.undo_action.text().startswith("&Undo Delete Pilot")
    for _ in range(3):
        window.undo_action.trigger()
    assert shown_names(window) == before
