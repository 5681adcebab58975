"""Selection and reading (issue 12, point 6): the details panel follows the selection (one
workload, or a summary of several), a jump scrolls to what it selects, the Name column stays
in view while the table scrolls sideways, counts show 0, and the columns shown and their
widths are remembered across sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTreeWidgetItem

from migplan.gui.main_window import MainWindow
from migplan.gui.wave_model import COLUMNS


def open_plan(qtbot: Any, window: MainWindow, path: Path) -> None:
    assert window.open_path(path, ask=False)
    qtbot.waitUntil(lambda: window.analysis.assessment is not None, timeout=30_000)
    window.tabs.setCurrentWidget(window.inventory)


def click_row(qtbot: Any, window: MainWindow, row: int, modifier: Any = None) -> None:
    table = window.inventory.table
    index = window.inventory.proxy.index(row, window.inventory.column_index("application"))
    table.scrollTo(index)
    pos = table.visualRect(index).center()
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        modifier or Qt.KeyboardModifier.NoModifier,
        QPoint(pos),
    )


def test_the_details_follow_the_selection_one_or_a_summary_of_several(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    doc = window.session.doc
    view, details = window.inventory, window.details
    click_row(qtbot, window, 0)
    first = doc.workloads[view.selected_ids()[0]]
    assert details.title.text() == first.name
    click_row(qtbot, window, 3, Qt.KeyboardModifier.ControlModifier)
    click_row(qtbot, window, 7, Qt.KeyboardModifier.ControlModifier)
    ids = view.selected_ids()
    assert len(ids) == 3
    picked = [doc.workloads[i] for i in ids]
    assert details.title.text() == "3 workloads selected"
    rows = details.rows()
    assert rows["Workloads"] == "3"
    assert rows["vCPU"] == f"{sum(w.vcpu for w in picked):,} vCPU"
    memory = sum(w.memory_mib for w in picked) / 1024
    assert rows["Memory"] == f"{round(memory, 1):,.1f} GiB"
    assert rows["Storage to move"].endswith(("GiB", "TiB"))
    waves = {doc.waves[w.wave_id].name if w.wave_id else "(in no wave)" for w in picked}
    groups = [details.tree.topLevelItem(i).text(0) for i in range(details.tree.topLevelItemCount())]
    assert f"Waves they span ({len(waves)})" in groups
    assert waves <= set(rows)
    apps = {doc.applications[w.application_id].name for w in picked if w.application_id}
    assert apps <= set(rows)
    # Back to one: its own details again.
    click_row(qtbot, window, 3)
    assert details.title.text() == doc.workloads[view.selected_ids()[0]].name


def test_a_rule_double_click_scrolls_the_inventory_to_its_workloads(
    qtbot: Any, window: MainWindow, naive_copy: Path
) -> None:
    open_plan(qtbot, window, naive_copy)
    view = window.inventory
    view.table.scrollToTop()
    window.tabs.setCurrentWidget(window.waves)
    tree = window.waves.violations
    items: list[QTreeWidgetItem] = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]

    def top_row(item: QTreeWidgetItem) -> int:
        return min(view.proxy_row_of(i) for i in item.data(0, Qt.ItemDataRole.UserRole + 20))

    # A rule whose workloads sit mid-table: out of view at the top, and not at the very end
    # (where scrolling to the end would show them whatever the jump did).
    middle = view.proxy.rowCount() // 2
    item = min(
        (i for i in items if i.data(0, Qt.ItemDataRole.UserRole + 20)),
        key=lambda i: abs(top_row(i) - middle),
    )
    row = top_row(item)
    table = view.table
    assert not table.viewport().rect().intersects(table.visualRect(view.proxy.index(row, 2)))
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
    assert window.tabs.currentWidget() is view
    expected = set(item.data(0, Qt.ItemDataRole.UserRole + 20))
    assert set(view.selected_ids()) == expected
    qtbot.waitUntil(
        lambda: table.viewport().rect().intersects(table.visualRect(view.proxy.index(row, 2)))
    )
    assert table.currentIndex().row() == row


def test_the_name_column_stays_in_view_when_scrolling_right(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    table = window.inventory.table
    frozen = table.frozen
    assert frozen is not None
    bar = table.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    proxy = window.inventory.proxy
    # The table's own Name cells have scrolled away to the left...
    assert table.visualRect(proxy.index(0, 0)).right() < table.columnWidth(0)
    # ...and the frozen column shows them, at the left edge, as wide as the Name column.
    assert frozen.isVisible()
    assert frozen.geometry().left() <= table.frameWidth() + 1
    assert frozen.width() == table.columnWidth(0)
    assert frozen.horizontalHeader().isVisible()
    name = proxy.index(0, 0).data()
    assert frozen.visualRect(proxy.index(0, 0)).isValid()
    assert frozen.indexAt(frozen.visualRect(proxy.index(0, 0)).center()).data() == name
    # Scrolling down moves both together.
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    assert frozen.verticalScrollBar().value() == table.verticalScrollBar().value()
    last = proxy.index(proxy.rowCount() - 1, 0)
    assert frozen.viewport().rect().intersects(frozen.visualRect(last))
    # Clicking a name in the frozen column selects its row in the table.
    qtbot.mouseClick(
        frozen.viewport(), Qt.MouseButton.LeftButton, pos=frozen.visualRect(last).center()
    )
    assert window.inventory.selected_ids() == [last.data(Qt.ItemDataRole.UserRole + 2)]
    assert window.details.title.text() == last.data()


def test_hidden_columns_and_widths_survive_a_new_window(
    qtbot: Any, window: MainWindow, example_copy: Path, tmp_path: Path
) -> None:
    open_plan(qtbot, window, example_copy)
    view = window.inventory
    menu = view.column_menu()
    owner = menu.findChild(QAction, "column-owner")
    assert owner.isChecked()
    assert not menu.findChild(QAction, "column-name").isEnabled()  # Name is always shown
    owner.trigger()
    assert view.table.isColumnHidden(view.column_index("owner"))
    os_column = view.column_index("os")
    view.table.horizontalHeader().resizeSection(os_column, 321)
    qtbot.waitUntil(lambda: not view._save_timer.isActive(), timeout=3000)

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    again = MainWindow(settings, autosave_dir=tmp_path / "autosave2")
    qtbot.addWidget(again)
    open_plan(qtbot, again, example_copy)
    table = again.inventory.table
    assert table.isColumnHidden(again.inventory.column_index("owner"))
    assert table.columnWidth(again.inventory.column_index("os")) == 321
    assert not again.inventory.column_menu().findChild(QAction, "column-owner").isChecked()
    # Shown again from the same menu, at a usable width.
    again.inventory.column_menu().findChild(QAction, "column-owner").trigger()
    assert not table.isColumnHidden(again.inventory.column_index("owner"))
    assert table.columnWidth(again.inventory.column_index("owner")) >= 20
    again.session.undo_stack.setClean()


def test_counts_show_zero_not_blank(qtbot: Any, window: MainWindow, example_copy: Path) -> None:
    open_plan(qtbot, window, example_copy)
    model = window.waves.model
    assert model.rowCount() > 0
    issues, gpus = COLUMNS.index("Issues"), COLUMNS.index("GPUs")
    # The example plan breaks no rule: every wave's Issues reads 0.
    assert {model.index(r, issues).data() for r in range(model.rowCount())} == {"0"}
    assert all(model.index(r, gpus).data().isdigit() for r in range(model.rowCount()))
