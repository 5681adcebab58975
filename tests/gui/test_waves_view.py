"""The Waves & risk tab: live risk after moving workloads (drag and drop from the inventory),
locked waves, rules broken with a jump to their workloads, and Propose waves from the menu."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QDropEvent

from migplan.core.commands import UpdateEntities
from migplan.gui.main_window import MainWindow
from migplan.gui.wave_model import COLUMNS


def open_plan(qtbot: Any, window: MainWindow, path: Path) -> None:
    assert window.open_path(path, ask=False)
    window.tabs.setCurrentWidget(window.waves)
    qtbot.waitUntil(lambda: window.waves.model.rowCount() == len(window.session.doc.waves))


def wave_cell(window: MainWindow, row: int, column: str) -> str:
    return str(window.waves.model.index(row, COLUMNS.index(column)).data() or "")


def drop_on_wave(window: MainWindow, ids: list[str], row: int) -> None:
    """Drop a drag from the inventory (its own mime data) onto a row of the wave table."""
    view = window.inventory
    proxy_rows = [view.proxy_row_of(i) for i in ids]
    mime = view.proxy.mimeData([view.proxy.index(r, 0) for r in proxy_rows])
    table = window.waves.table
    pos = table.visualRect(window.waves.model.index(row, 1)).center()
    event = QDropEvent(
        QPointF(pos),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    table.dropEvent(event)


def test_wave_table_shows_load_and_live_risk(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    first = doc.waves_in_order()[0]
    assert wave_cell(window, 0, "Wave") == first.name
    assert wave_cell(window, 0, "Workloads") == str(len(doc.workloads_in_wave(first.id)))
    assert wave_cell(window, 0, "Risk").isdigit()
    assert wave_cell(window, 0, "Band") in {"LOW", "MEDIUM", "HIGH", "CRITICAL"}
    window.waves.table.selectRow(0)
    assert window.waves.risk_title.text().startswith(f"{first.name}: risk ")
    groups = [
        window.waves.risk_tree.topLevelItem(i).text(0)
        for i in range(window.waves.risk_tree.topLevelItemCount())
    ]
    assert any(g.startswith("Blockers") for g in groups)
    assert any(g.startswith("Confidence is") for g in groups)
    assert any(g.startswith("Top contributors") for g in groups)


def test_drag_workloads_onto_a_wave_moves_them_and_rescores(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    waves = doc.waves_in_order()
    source, target = waves[0], waves[-1]
    ids = sorted(w.id for w in doc.workloads_in_wave(source.id))[:5]
    before = (wave_cell(window, 0, "Workloads"), wave_cell(window, len(waves) - 1, "Workloads"))
    drop_on_wave(window, ids, len(waves) - 1)
    assert all(doc.workloads[i].wave_id == target.id for i in ids)
    after = (wave_cell(window, 0, "Workloads"), wave_cell(window, len(waves) - 1, "Workloads"))
    assert int(after[0]) == int(before[0]) - 5 and int(after[1]) == int(before[1]) + 5
    risk = window.waves.model.risk(target.id)
    assert risk is not None
    # The table shows the freshly recomputed risk, the same as a full reassessment gives.
    from migplan.core.assess.assessment import Assessment

    fresh = Assessment(doc).risks[target.id]
    assert wave_cell(window, len(waves) - 1, "Risk") == f"{fresh.score:.0f}"
    assert window.session.undo_stack.count() == 1
    assert window.undo_action.text() == f"&Undo Move 5 workloads to {target.name}"
    window.undo_action.trigger()
    assert all(doc.workloads[i].wave_id == source.id for i in ids)
    assert (
        wave_cell(window, 0, "Workloads"),
        wave_cell(window, len(waves) - 1, "Workloads"),
    ) == before


def test_locked_wave_refuses_a_drop(qtbot: Any, window: MainWindow, example_copy: Path) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    waves = doc.waves_in_order()
    window.session.execute(UpdateEntities(((waves[1].id, {"locked": True}),), "Lock"))
    ids = [w.id for w in doc.workloads_in_wave(waves[0].id)][:2]
    messages: list[str] = []
    window.waves.message.connect(messages.append)
    drop_on_wave(window, ids, 1)
    assert all(doc.workloads[i].wave_id == waves[0].id for i in ids)
    first = doc.workloads[ids[0]].name
    assert messages == [f"Wave 2 is locked: unlock it to move {first} and 1 other workload into it"]
    assert window.session.undo_stack.count() == 1  # the lock only
    assert wave_cell(window, 1, "Locked") == "locked"


def test_double_click_a_broken_rule_selects_its_workloads(
    qtbot: Any, window: MainWindow, naive_copy: Path
) -> None:
    open_plan(qtbot, window, naive_copy)
    tree = window.waves.violations
    assert tree.topLevelItemCount() > 0
    assert "rules broken" in window.waves.violations_label.text()
    item = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 20)
    )
    expected = set(item.data(0, Qt.ItemDataRole.UserRole + 20))
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
    assert window.tabs.currentWidget() is window.inventory
    assert set(window.inventory.selected_ids()) == expected


def test_propose_waves_from_the_menu_is_one_undo_step(
    qtbot: Any, window: MainWindow, naive_copy: Path
) -> None:
    open_plan(qtbot, window, naive_copy)
    doc = window.session.doc
    violations_before = len(window.analysis.assessment.violations)
    before = {w.id: w.wave_id for w in doc.workloads.values()}
    window.propose_action.trigger()
    task = window.plan_task
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=60000)
    qtbot.waitUntil(lambda: window.preview_dialog is not None, timeout=10000)
    assert window.preview_dialog is not None
    qtbot.mouseClick(window.preview_dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == 1)
    # The planner's notes are said in the bar; the Not in a wave list catches up by itself.
    from migplan.core.planning.unplaced import explain_unplaced, unplaced_counts

    bar_text = window.waves.notes_label.text()
    for rule, n in unplaced_counts(explain_unplaced(doc)).items():
        assert f"{n} workload{'s' if n > 1 else ''} in no wave ({rule})" in bar_text
    panel = window.waves.unplaced
    qtbot.waitUntil(lambda: panel.status.text() != "updating…", timeout=10000)

    shown = {name for rows in panel.groups().values() for name, _why in rows}
    assert shown == {u.name for u in explain_unplaced(doc)}
    assert window.waves.model.rowCount() == len(doc.waves)
    assert {w.id: w.wave_id for w in doc.workloads.values()} != before
    assert len(window.analysis.assessment.violations) < violations_before
    window.undo_action.trigger()
    assert {w.id: w.wave_id for w in doc.workloads.values()} == before


def test_lock_from_the_wave_menu_and_pin_from_the_inventory(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    wave = doc.waves_in_order()[0]
    menu = window.waves.wave_menu(wave.id)
    lock = menu.findChild(QAction, "wave-lock")
    assert lock.text().startswith(f"Lock {wave.name} (nothing moves in or out")
    lock.trigger()
    assert doc.waves[wave.id].locked
    assert wave_cell(window, 0, "Locked") == "locked"
    menu = window.waves.wave_menu(wave.id)
    assert menu.findChild(QAction, "wave-lock").text() == f"Unlock {wave.name}"
    assert not menu.findChild(QAction, "wave-delete").isEnabled()
    ids = [w.id for w in doc.workloads_in_wave(doc.waves_in_order()[1].id)][:3]
    window.tabs.setCurrentWidget(window.inventory)
    window.inventory.select_ids(ids)
    bulk = window.inventory.build_bulk_menu()
    assert bulk is not None
    pin = next(a for a in bulk.actions() if a.objectName() == "bulk-pin")
    assert pin.text() == "Pin 3 selected to their wave (the planner keeps them)"
    pin.trigger()
    assert all(doc.workloads[i].pinned for i in ids)
    assert window.undo_action.text() == "&Undo Pin 3 workloads"


def test_large_plans_are_assessed_in_the_background(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    window.analysis.async_workloads = 50  # the 123-workload example counts as large here
    assert window.open_path(example_copy, ask=False)
    assert window.analysis.assessment is None or not window.analysis.building
    qtbot.waitUntil(lambda: window.analysis.assessment is not None, timeout=30000)
    assert window.waves.model.risk(window.session.doc.waves_in_order()[0].id) is not None
    assert wave_cell(window, 0, "Risk").isdigit()
    # An edit made while a build runs is taken in when it finishes.
    window.session.replace(window.session.doc, example_copy)
    assert window.analysis.building
    doc = window.session.doc
    first = doc.waves_in_order()[0]
    wid = doc.workloads_in_wave(first.id)[0].id
    last = doc.waves_in_order()[-1]
    window.session.execute(UpdateEntities(((wid, {"wave_id": last.id}),), "Move"))
    qtbot.waitUntil(
        lambda: not window.analysis.building and window.analysis.assessment is not None,
        timeout=30000,
    )
    from migplan.core.assess.assessment import Assessment

    fresh = Assessment(doc)
    assert {k: round(v.score, 6) for k, v in window.analysis.assessment.risks.items()} == {
        k: round(v.score, 6) for k, v in fresh.risks.items()
    }


def test_an_import_into_a_large_plan_is_assessed_off_the_window_thread(
    qtbot: Any, window: MainWindow, example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11, point 5: after an import the whole assessment was rebuilt on the window's
    thread (6 s at 9,091 workloads). A large plan is now rebuilt on a worker behind the same
    progress as opening it; a small edit is still refreshed at once."""
    import threading

    from migplan.core.assess.assessment import Assessment
    from migplan.core.commands import AddEntities
    from migplan.core.models import Workload

    assert window.open_path(example_copy, ask=False)
    qtbot.waitUntil(lambda: window.analysis.assessment is not None, timeout=30000)
    window.analysis.async_workloads = 50  # the 123-workload example counts as large here
    threads: list[str] = []
    real = Assessment._rebuild

    def spy(self: Assessment, *args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(self, *args)

    monkeypatch.setattr(Assessment, "_rebuild", spy)
    new = Workload(id="w-imported", name="imported01")  # type: ignore[arg-type]
    window.session.execute(AddEntities((new,), "Import 1 workload"))
    assert window.analysis.building
    qtbot.waitUntil(
        lambda: not window.analysis.building and window.analysis.assessment is not None,
        timeout=30000,
    )
    assert "w-imported" in window.analysis.assessment.dispositions
    assert threads and threading.main_thread().name not in threads
    # Moving one workload is a refresh of what it touches, on the window's thread, at once.
    threads.clear()
    doc = window.session.doc
    first, last = doc.waves_in_order()[0], doc.waves_in_order()[-1]
    wid = doc.workloads_in_wave(first.id)[0].id
    window.session.execute(UpdateEntities(((wid, {"wave_id": last.id}),), "Move"))
    assert not window.analysis.building and threads == []
