"""The main window driven as a user would: menus, clicks, typing, double-click editing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMenu

from migplan.core.enums import Criticality, DispositionKind, Environment
from migplan.gui.dialogs import Ask, SaveChoice
from migplan.gui.main_window import MainWindow
from migplan.gui.workload_model import ID_ROLE
from migplan.io.planfile import load_plan


def open_via_menu(qtbot: Any, window: MainWindow, answers: Any, path: Path) -> None:
    answers.open_path = path
    window.open_action.trigger()
    qtbot.waitUntil(lambda: window.session.path == path)


def cell_center(window: MainWindow, row: int, key: str) -> QPoint:
    view = window.inventory
    index = view.proxy.index(row, view.column_index(key))
    view.table.scrollTo(index)
    return view.table.visualRect(index).center()


def edit_cell_with_combo(qtbot: Any, window: MainWindow, row: int, key: str, label: str) -> None:
    """Double-click the cell, open the combo box editor's list and click ``label`` in it."""
    table = window.inventory.table
    pos = cell_center(window, row, key)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    combo = table.findChild(QComboBox, f"editor-{key}")
    assert combo is not None, "double-click did not open an editor"
    labels = [combo.itemText(i) for i in range(combo.count())]
    target = labels.index(label)
    combo.showPopup()
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible)
    item_rect = popup.visualRect(popup.model().index(target, 0))
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=item_rect.center())
    qtbot.waitUntil(lambda: table.findChild(QComboBox, f"editor-{key}") is None)


def press_shortcut(qtbot: Any, window: MainWindow, key: Qt.Key) -> None:
    """Ctrl+<key> with the focus in the inventory table, as a user at the keyboard.

    The offscreen platform has no window manager to hand activation back after a combo
    popup closes, so the test activates the window first, as clicking into it would.
    """
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.inventory.table.setFocus()
    qtbot.keyClick(window.inventory.table, key, Qt.KeyboardModifier.ControlModifier)


def test_open_shows_the_inventory(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    doc = window.session.doc
    assert window.inventory.model.rowCount() == len(doc.workloads) == 123
    assert window.inventory.count_label.text() == "123 workloads"
    assert "plan.migplan" in window.title_text and "*" not in window.title_text
    assert "123 workloads" in window.counts_label.text()
    first = window.inventory.proxy.index(0, 0).data()
    assert first == min((w.name for w in doc.workloads.values()), key=str.casefold)


def test_click_header_sorts_numbers(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    view = window.inventory
    qtbot.mouseClick(
        view.table.viewport(), Qt.MouseButton.LeftButton, pos=cell_center(window, 7, "name")
    )
    selected = view.selected_ids()
    assert len(selected) == 1
    header = view.table.horizontalHeader()
    col = view.column_index("vcpu")
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )
    values = [view.proxy.index(r, col).data() for r in range(view.proxy.rowCount())]
    assert values == sorted(values)
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )
    values = [view.proxy.index(r, col).data() for r in range(view.proxy.rowCount())]
    assert values == sorted(values, reverse=True)
    assert values[0] == 32  # the GPU training workers of the AI lab
    assert view.selected_ids() == selected, "the selection follows its workload when sorting"


def test_typing_a_filter_narrows_the_rows(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    view = window.inventory
    qtbot.keyClicks(view.filter_edit, "train")
    shown = view.proxy.rowCount()
    expected = [w for w in window.session.doc.workloads.values() if "train" in w.name]
    assert shown == len(expected) > 0
    assert view.count_label.text() == f"{shown} of 123 workloads"
    names = {view.proxy.index(r, 0).data() for r in range(shown)}
    assert names == {w.name for w in expected}
    view.filter_edit.clear()
    assert view.proxy.rowCount() == 123
    # Any column, any case, typed characters taken as written (no pattern).
    qtbot.keyClicks(view.filter_edit, "TRAIN")
    assert view.proxy.rowCount() == shown
    view.filter_edit.setText("(.*")
    assert view.proxy.rowCount() == 0


def test_edit_environment_then_undo_redo(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    view = window.inventory
    wid = view.proxy.index(5, 0).data(ID_ROLE)
    before = window.session.doc.workloads[wid].environment
    target = Environment.TEST if before is not Environment.TEST else Environment.DEVELOPMENT
    edit_cell_with_combo(qtbot, window, 5, "environment", target.value)
    qtbot.waitUntil(lambda: window.session.doc.workloads[wid].environment is target)
    assert (
        view.proxy.index(view.proxy_row_of(wid), view.column_index("environment")).data()
        == target.value
    )
    assert "*" in window.title_text
    assert window.undo_action.isEnabled()
    assert window.undo_action.text().startswith("&Undo Set environment of ")
    press_shortcut(qtbot, window, Qt.Key.Key_Z)
    assert window.session.doc.workloads[wid].environment is before
    assert "*" not in window.title_text
    window.redo_action.trigger()
    assert window.session.doc.workloads[wid].environment is target


def test_edit_criticality_and_disposition(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    view = window.inventory
    wid = view.proxy.index(2, 0).data(ID_ROLE)
    edit_cell_with_combo(qtbot, window, 2, "criticality", "mission-critical")
    qtbot.waitUntil(
        lambda: window.session.doc.workloads[wid].criticality is Criticality.MISSION_CRITICAL
    )
    edit_cell_with_combo(
        qtbot, window, view.proxy_row_of(wid), "disposition", DispositionKind.RETIRE.label
    )
    qtbot.waitUntil(lambda: window.session.doc.workloads[wid].disposition is not None)
    disposition = window.session.doc.workloads[wid].disposition
    assert disposition is not None
    assert disposition.kind is DispositionKind.RETIRE and disposition.by_user
    cell = view.proxy.index(view.proxy_row_of(wid), view.column_index("disposition"))
    assert cell.data() == "Retire"
    assert window.session.undo_stack.count() == 2
    window.undo_action.trigger()
    window.undo_action.trigger()
    restored = window.session.doc.workloads[wid]
    assert restored == load_plan(example_copy).workloads[wid]


def test_bulk_move_to_wave_is_one_undo_step(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    view = window.inventory
    table = view.table
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=cell_center(window, 0, "name")
    )
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        pos=cell_center(window, 3, "name"),
    )
    ids = view.selected_ids()
    assert len(ids) == 4
    menu = view.build_bulk_menu()
    assert menu is not None
    wave_menu = menu.findChild(QMenu, "bulk-wave")
    doc = window.session.doc
    last_wave = next(
        w
        for w in reversed(doc.waves_in_order())
        if all(doc.workloads[i].wave_id != w.id for i in ids)
    )
    action = next(a for a in wave_menu.actions() if a.text() == last_wave.name)
    action.trigger()
    assert all(window.session.doc.workloads[i].wave_id == last_wave.id for i in ids)
    assert window.session.undo_stack.count() == 1
    assert window.undo_action.text() == "&Undo Set wave of 4 workloads"
    window.undo_action.trigger()
    original = load_plan(example_copy)
    assert all(window.session.doc.workloads[i] == original.workloads[i] for i in ids)


def test_save_as_then_save(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path, tmp_path: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    edit_cell_with_combo(qtbot, window, 0, "environment", "staging")
    answers.save_path = tmp_path / "copy.migplan"
    window.save_as_action.trigger()
    assert window.session.path == answers.save_path
    assert "copy.migplan" in window.title_text and "*" not in window.title_text
    assert load_plan(answers.save_path) == window.session.doc
    edit_cell_with_combo(qtbot, window, 1, "environment", "staging")
    assert "*" in window.title_text
    press_shortcut(qtbot, window, Qt.Key.Key_S)
    assert "*" not in window.title_text
    assert load_plan(answers.save_path) == window.session.doc
    assert (tmp_path / "copy.migplan.bak").exists()


def test_recent_files_reopen(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    window.new_action.trigger()
    assert window.inventory.model.rowCount() == 0
    window.recent_menu.aboutToShow.emit()
    entries = [a for a in window.recent_menu.actions() if a.data()]
    assert [Path(a.data()) for a in entries] == [example_copy.resolve()]
    entries[0].trigger()
    assert window.inventory.model.rowCount() == 123


def test_corrupt_file_is_refused_and_nothing_is_lost(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path, tmp_path: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    edit_cell_with_combo(qtbot, window, 0, "environment", "dr")
    doc_before = load_plan(example_copy)  # what is on disk
    broken = tmp_path / "broken.migplan"
    broken.write_bytes(example_copy.read_bytes()[:5000])
    answers.unsaved = SaveChoice.DISCARD
    answers.open_path = broken
    window.open_action.trigger()
    assert len(answers.errors) == 1
    title, message = answers.errors[0]
    assert title == "Cannot open plan"
    assert str(broken) in message and "truncated" in message
    assert window.session.path == example_copy
    assert window.inventory.model.rowCount() == 123
    assert load_plan(example_copy) == doc_before


def test_unsaved_changes_cancel_keeps_the_document(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    edit_cell_with_combo(qtbot, window, 0, "criticality", "low")
    answers.unsaved = SaveChoice.CANCEL
    window.new_action.trigger()
    assert answers.unsaved_asked == 1
    assert window.inventory.model.rowCount() == 123
    assert window.session.modified


def test_details_panel_shows_fields_attributes_and_follows_edits(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path
) -> None:
    open_via_menu(qtbot, window, answers, example_copy)
    qtbot.mouseClick(
        window.inventory.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=cell_center(window, 4, "name"),
    )
    wid = window.inventory.selected_ids()[0]
    wl = window.session.doc.workloads[wid]
    assert window.details.title.text() == wl.name
    rows = window.details.rows()
    assert rows["vCPU"] == str(wl.vcpu)
    assert rows["Role"] == wl.attributes["Role"]
    edit_cell_with_combo(qtbot, window, window.inventory.proxy_row_of(wid), "environment", "dr")
    assert window.details.rows()["Environment"] == "dr"


def test_dropping_a_plan_file_opens_it(qtbot: Any, window: MainWindow, example_copy: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(example_copy))])
    event = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert window.session.path == example_copy
    assert window.inventory.model.rowCount() == 123


def test_an_unexpected_error_opening_a_plan_is_a_message_and_a_log(
    qtbot: Any,
    window: MainWindow,
    answers: Any,
    example_copy: Path,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    """Issue 11, point 1 (GUI): the document stays as it was, the person reads one message
    with the log's path, the log has the traceback."""
    import migplan.io.planfile as planfile

    def broken(path: Path, *args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("half a plan")

    monkeypatch.setenv("MIGPLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(planfile, "load_plan", broken)
    before = window.session.doc
    answers.open_path = example_copy
    window.open_action.trigger()
    assert window.session.doc is before
    [(title, message)] = answers.errors
    assert title == "Cannot open plan"
    assert message.startswith(f"Opening {example_copy.name} failed unexpectedly")
    assert "Traceback" not in message and str(tmp_path / "data" / "migplan.log") in message
    assert "ZeroDivisionError: half a plan" in (tmp_path / "data" / "migplan.log").read_text()


def test_an_error_nobody_foresaw_anywhere_in_the_window_is_a_message_and_a_log(
    qtbot: Any, window: MainWindow, answers: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The window's last line of defence (``sys.excepthook`` once the app starts): a slot,
    a menu action or a save that fails in a way nobody foresaw shows one message with the
    log's path; the log has the traceback."""
    from migplan.gui.app import excepthook

    monkeypatch.setenv("MIGPLAN_DATA_DIR", str(tmp_path / "data"))
    try:
        {}["no such key"]
    except KeyError as exc:
        excepthook(KeyError, exc, exc.__traceback__)
    [(title, message)] = answers.errors
    assert title == "Something went wrong"
    assert message.startswith("MigPlan failed unexpectedly (KeyError: 'no such key')")
    assert str(tmp_path / "data" / "migplan.log") in message
    log = (tmp_path / "data" / "migplan.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and '{}["no such key"]' in log


def test_opening_runs_on_a_worker_with_progress_and_cancel_changes_nothing(
    qtbot: Any, window: MainWindow, example_copy: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    """Issue 11, point 5: open and save ran on the window's thread (2.4 s and 0.97 s at
    10,000 workloads). They run on a worker while the window turns, with progress and
    Cancel; a cancelled open leaves the plan that was open as it was."""
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from migplan.io import planfile

    assert window.open_path(example_copy, ask=False)
    doc = window.session.doc
    other = tmp_path / "other.migplan"
    other.write_bytes(example_copy.read_bytes())
    real_load, real_save = planfile.load_plan, planfile.save_plan
    on_main: list[bool] = []

    def held_load(path: Path, *args: Any, progress: Any = None, **kwargs: Any) -> Any:
        on_main.append(threading.current_thread() is threading.main_thread())
        while not progress.cancelled:  # until the user presses Cancel
            threading.Event().wait(0.01)
        return real_load(path, *args, progress=progress, **kwargs)

    def press_cancel() -> None:
        dialog = window.findChild(QProgressDialog, "wait-progress")
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(50, press_cancel)
            return
        assert dialog.labelText() == "Reading other.migplan"
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)

    monkeypatch.setattr(planfile, "load_plan", held_load)
    QTimer.singleShot(0, press_cancel)
    assert window.open_path(other, ask=False) is False
    assert on_main == [False]
    assert window.session.doc is doc and window.session.path == example_copy
    assert window.statusBar().currentMessage() == "Opening other.migplan cancelled; nothing changed"

    def saving(*args: Any, **kwargs: Any) -> None:
        on_main.append(threading.current_thread() is threading.main_thread())
        real_save(*args, **kwargs)

    monkeypatch.setattr(planfile, "save_plan", saving)
    target = tmp_path / "saved.migplan"
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda *a: target))
    assert window.save_as()
    assert on_main == [False, False]
    assert real_load(target) == doc and window.session.path == target
