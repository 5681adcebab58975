"""The wave board under the inventory: each wave's capacity use and risk band as the user sees
them, drops of workloads and whole applications (one named undo step each), refusals that
say why, whichever way the user tries to move into a locked wave, and the Waves tab that
opens when a drag hovers over it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QMenu, QWidget

from migplan.core.ids import WaveId
from migplan.gui.dnd import APPLICATIONS_MIME, WORKLOADS_MIME
from migplan.gui.main_window import MainWindow
from migplan.gui.wave_board import WaveCard
from migplan.gui.wave_model import COLUMNS


def open_plan(qtbot: Any, window: MainWindow, path: Path) -> None:
    assert window.open_path(path, ask=False)
    window.tabs.setCurrentWidget(window.inventory)
    qtbot.waitUntil(lambda: len(window.board.cards) == len(window.session.doc.waves))


def cell_center(window: MainWindow, row: int, key: str) -> QPoint:
    view = window.inventory
    index = view.proxy.index(row, view.column_index(key))
    view.table.scrollTo(index)
    return view.table.visualRect(index).center()


def select_rows(qtbot: Any, window: MainWindow, ids: list[str], key: str = "name") -> None:
    """Click the first row's ``key`` cell, ctrl-click the others: as a user picks rows."""
    table = window.inventory.table
    for n, wid in enumerate(ids):
        pos = cell_center(window, window.inventory.proxy_row_of(wid), key)
        modifier = Qt.KeyboardModifier.ControlModifier if n else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, pos)
    assert sorted(window.inventory.selected_ids()) == sorted(ids)


def drag_onto(widget: QWidget, mime: QMimeData, at: QPoint | None = None) -> bool:
    """Enter, move over and drop on ``widget`` as Qt delivers a drag: True when it took it."""
    pos = at or widget.rect().center()
    action, button = Qt.DropAction.MoveAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, action, mime, button, none)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(pos, action, mime, button, none)
    QApplication.sendEvent(widget, move)
    drop = QDropEvent(QPointF(pos), action, mime, button, none)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def card_line(card: WaveCard, starts: str) -> str:
    return next(t for t in card.texts() if t.startswith(starts))


def test_the_board_shows_each_waves_capacity_use_and_the_tables_risk(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    assert window.board_dock.isVisible()
    doc = window.session.doc
    settings = doc.settings
    model = window.waves.model
    assert window.board.card_order() == [w.id for w in doc.waves_in_order()]
    for position, wave in enumerate(doc.waves_in_order(), start=1):
        card = window.board.card(wave.id)
        members = doc.workloads_in_wave(wave.id)
        ramp = settings.capacity.workloads.capacity(position)
        assert card.texts()[0] == f"{position}  {wave.name}"
        assert card_line(card, "Workloads") == f"Workloads {len(members)} / {ramp}"
        vcpu = sum(w.vcpu for w in members)
        assert card_line(card, "vCPU").startswith(f"vCPU {vcpu:,}")
        hours = len(members) * settings.capacity.engineer_hours_per_workload
        assert card_line(card, "Engineer-hours") == (
            f"Engineer-hours {hours:,.0f} / {settings.capacity.engineer_hours:,.0f}"
        )
        assert card_line(card, "Storage").endswith(" GiB")
        bars = {bar.use.dimension: bar for bar in card.bars if bar.use is not None}
        assert bars["vcpu"].toolTip() == f"vCPU: {vcpu:,}; the plan sets no limit for it"
        share = len(members) / ramp
        assert bars["workloads"].toolTip() == (
            f"Workloads: {len(members)} / {ramp}, {share:.0%} of its limit"
        )
        # The risk band is the wave table's, computed once.
        row = model.row_of(wave.id)
        band = model.index(row, COLUMNS.index("Band")).data()
        score = model.index(row, COLUMNS.index("Risk")).data()
        assert card.band.text() == f"{band} {score}"
    # The board belongs with the inventory; the Waves tab has its table.
    window.tabs.setCurrentWidget(window.waves)
    assert not window.board_dock.isVisible()
    window.tabs.setCurrentWidget(window.inventory)
    assert window.board_dock.isVisible()


def test_drag_selected_workloads_onto_a_wave_and_undo(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    first, target = doc.waves_in_order()[0], doc.waves_in_order()[-1]
    ids = sorted(w.id for w in doc.workloads_in_wave(first.id))[:3]
    select_rows(qtbot, window, ids)
    mime = window.inventory.table.drag_mime()
    assert mime is not None and mime.hasFormat(WORKLOADS_MIME)
    assert not mime.hasFormat(APPLICATIONS_MIME)
    card = window.board.card(target.id)
    was = card_line(card, "Workloads")
    n = len(doc.workloads_in_wave(target.id))
    assert drag_onto(card, mime)
    assert all(doc.workloads[i].wave_id == target.id for i in ids)
    assert card_line(card, "Workloads").startswith(f"Workloads {n + 3} / ")
    assert window.undo_action.text() == f"&Undo Move 3 workloads to {target.name}"
    assert (
        window.statusBar().currentMessage().startswith(f"Moved 3 workloads to {target.name}: risk ")
    )
    window.undo_action.trigger()
    assert all(doc.workloads[i].wave_id == first.id for i in ids)
    assert card_line(card, "Workloads") == was


def test_drag_an_application_cell_moves_the_whole_application_and_undo(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    app = max(doc.applications.values(), key=lambda a: len(doc.workloads_of_app(a.id)))
    members = {w.id: w.wave_id for w in doc.workloads_of_app(app.id)}
    assert len(members) > 1
    target = next(w for w in doc.waves_in_order() if w.id not in set(members.values()))
    # One row picked, dragged by its Application cell: the whole application goes.
    select_rows(qtbot, window, [next(iter(members))], key="application")
    mime = window.inventory.table.drag_mime()
    assert mime is not None and mime.hasFormat(APPLICATIONS_MIME)
    assert drag_onto(window.board.card(target.id), mime)
    assert all(doc.workloads[m].wave_id == target.id for m in members)
    assert window.undo_action.text() == f"&Undo Move application {app.name} to {target.name}"
    window.undo_action.trigger()
    assert {m: doc.workloads[m].wave_id for m in members} == members


def lock_from_the_board(window: MainWindow, wave_id: WaveId) -> None:
    card = window.board.card(wave_id)
    menu = window.board.wave_actions.menu(wave_id, card)
    action = menu.findChild(QAction, "wave-lock")
    assert action.text().startswith("Lock ")
    action.trigger()
    assert "Locked" in card.texts()


def test_moving_into_a_locked_wave_from_the_inventory_is_refused_with_the_reason(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    source, locked = doc.waves_in_order()[0], doc.waves_in_order()[2]
    lock_from_the_board(window, locked.id)
    steps = window.session.undo_stack.count()
    ids = sorted(w.id for w in doc.workloads_in_wave(source.id))[:2]
    names = [doc.workloads[i].name for i in ids]
    status = window.statusBar()

    # 1. The inventory's Wave cell: the combo marks the wave locked; choosing it is refused.
    table = window.inventory.table
    pos = cell_center(window, window.inventory.proxy_row_of(ids[0]), "wave")
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    combo = table.findChild(QComboBox, "editor-wave")
    assert combo is not None
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert f"{locked.name} (locked)" in labels
    combo.showPopup()
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible)
    item = popup.visualRect(popup.model().index(labels.index(f"{locked.name} (locked)"), 0))
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=item.center())
    qtbot.waitUntil(lambda: table.findChild(QComboBox, "editor-wave") is None)
    assert status.currentMessage() == (
        f"{locked.name} is locked: unlock it to move {names[0]} into it"
    )
    assert doc.workloads[ids[0]].wave_id == source.id
    shown = window.inventory.proxy.index(
        window.inventory.proxy_row_of(ids[0]), window.inventory.column_index("wave")
    )
    assert shown.data() == source.name

    # 2. "Set wave of 2 selected" from the right-click menu.
    status.clearMessage()
    select_rows(qtbot, window, ids)
    menu = window.inventory.build_bulk_menu()
    assert menu is not None
    sub = menu.findChild(QMenu, "bulk-wave")
    assert sub.title() == "Set wave of 2 selected"
    next(a for a in sub.actions() if a.text() == f"{locked.name} (locked)").trigger()
    assert status.currentMessage() == (
        f"{locked.name} is locked: unlock it to move {names[0]} and 1 other workload into it"
    )

    # 3. A drop on its card: taken (so the reason can be said), refused by the core.
    status.clearMessage()
    card = window.board.card(locked.id)
    mime = window.inventory.table.drag_mime()
    assert mime is not None
    enter = QDragEnterEvent(
        card.rect().center(),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(card, enter)
    assert card.property("drop") == "refused"  # drawn red while hovering
    drag_onto(card, mime)
    assert status.currentMessage().startswith(f"{locked.name} is locked: unlock it to move ")
    assert all(doc.workloads[i].wave_id == source.id for i in ids)
    assert window.session.undo_stack.count() == steps  # nothing was done


def test_a_pinned_workload_refuses_a_drop_saying_so(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    source, target = doc.waves_in_order()[0], doc.waves_in_order()[1]
    wid = sorted(w.id for w in doc.workloads_in_wave(source.id))[0]
    select_rows(qtbot, window, [wid])
    menu = window.inventory.build_bulk_menu()
    assert menu is not None
    next(a for a in menu.actions() if a.objectName() == "bulk-pin").trigger()
    mime = window.inventory.table.drag_mime()
    assert mime is not None
    drag_onto(window.board.card(target.id), mime)
    assert window.statusBar().currentMessage() == (
        f"{doc.workloads[wid].name} is pinned to Wave 1 '{source.name}': unpin it to move it"
    )
    assert doc.workloads[wid].wave_id == source.id


def test_hovering_the_waves_tab_during_a_drag_opens_it_to_drop_on_a_wave(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    first, target = doc.waves_in_order()[0], doc.waves_in_order()[-1]
    ids = sorted(w.id for w in doc.workloads_in_wave(first.id))[:2]
    select_rows(qtbot, window, ids)
    mime = window.inventory.table.drag_mime()
    assert mime is not None
    bar = window.tabs.tabBar()
    pos = bar.tabRect(window.tabs.indexOf(window.waves)).center()
    args = (Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton)
    enter = QDragEnterEvent(pos, *args, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(bar, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(bar, QDragMoveEvent(pos, *args, Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.waves, timeout=3000)
    table = window.waves.table
    row = window.waves.model.row_of(target.id)
    at = table.visualRect(window.waves.model.index(row, 1)).center()
    assert drag_onto(table.viewport(), mime, at)
    assert all(doc.workloads[i].wave_id == target.id for i in ids)
    assert window.undo_action.text() == f"&Undo Move 2 workloads to {target.name}"


def test_an_empty_plan_says_so_and_the_board_adds_a_wave(qtbot: Any, window: MainWindow) -> None:
    board = window.board
    assert not board.cards and board.empty.isVisible()
    assert board.empty.text() == "No waves yet: add one, or use Plan ▸ Propose waves."
    qtbot.mouseClick(board.add_button, Qt.MouseButton.LeftButton)
    assert not board.empty.isVisible()
    (card,) = board.cards.values()
    assert card.texts()[:2] == ["1  Wave 1", "no dates"]
    first = window.session.doc.settings.capacity.workloads.capacity(1)
    assert card_line(card, "Workloads") == f"Workloads 0 / {first}"
    assert window.undo_action.text() == "&Undo Add wave 'Wave 1'"
    window.undo_action.trigger()
    assert not board.cards and board.empty.isVisible()
