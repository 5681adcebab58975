"""Plan > Settings as a user works it: type a value, see it refused or applied, see the risk
change, undo it by name; add GPU pools and freezes; save a preset and load it elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from migplan.gui.dialogs import Ask
from migplan.gui.main_window import MainWindow
from migplan.gui.settings_dialog import SettingsDialog
from migplan.gui.wave_model import COLUMNS


def open_settings(qtbot: Any, window: MainWindow) -> SettingsDialog:
    """Plan > Settings… from the menu bar."""
    window.plan_menu.popup(window.mapToGlobal(window.rect().topLeft()))
    qtbot.waitExposed(window.plan_menu)
    menu_titles = [a.text() for a in window.plan_menu.actions()]
    assert "Se&ttings…" in menu_titles
    window.plan_menu.hide()
    window.settings_action.trigger()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def show_tab(qtbot: Any, dialog: SettingsDialog, title: str) -> None:
    """Click the tab with this title."""
    bar = dialog.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i).startswith(title))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert dialog.tabs.currentIndex() == index


def type_into(qtbot: Any, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def risks(window: MainWindow) -> list[str]:
    model = window.waves.model
    col = COLUMNS.index("Risk")
    return [str(model.index(r, col).data()) for r in range(model.rowCount())]


def press_ok(qtbot: Any, dialog: SettingsDialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_link_bandwidth_changes_the_risk_and_undo_brings_it_back(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    window.tabs.setCurrentWidget(window.waves)
    before = risks(window)
    assert before and all(r.isdigit() for r in before)

    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Network link")
    row = dialog.rows["network.link_mbps"]
    assert row.edit.text() == "1000"
    assert row.unit.text() == "Mbit/s"
    assert "Default: 1000 Mbit/s." in row.help.text()
    type_into(qtbot, row.edit, "20")
    press_ok(qtbot, dialog)

    assert window.session.doc.settings.network.link_mbps == 20.0
    # everything else is kept to the last digit (the usable share is shown rounded)
    assert window.session.doc.settings.network.usable_fraction == 1 / 3
    qtbot.waitUntil(lambda: risks(window) != before)
    assert sum(map(int, risks(window))) > sum(map(int, before))  # a slower link: more risk
    assert window.undo_action.text() == "&Undo Change link bandwidth"
    window.edit_menu.aboutToShow.emit()
    assert "Undo Change link bandwidth" in window.undo_action.text().replace("&", "")

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc.settings.network.link_mbps == 1000.0
    qtbot.waitUntil(lambda: risks(window) == before)


def test_a_value_out_of_range_is_explained_next_to_its_field(
    qtbot: Any, window: MainWindow
) -> None:
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Network link")
    link = dialog.rows["network.link_mbps"]
    type_into(qtbot, link.edit, "-5")
    assert link.error.isVisible()
    assert link.error.text() == "Must be more than 0 Mbit/s."
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(link.edit, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter does not apply a refused value

    type_into(qtbot, link.edit, "fast")
    assert link.error.text() == "Link bandwidth is not a number."

    share = dialog.rows["network.usable_fraction"]
    assert share.edit.text() == "33.33" and share.unit.text() == "%"
    type_into(qtbot, link.edit, "500")
    type_into(qtbot, share.edit, "150")
    assert not link.error.isVisible()
    assert share.error.text() == "Must be at most 100 %."
    assert not dialog.ok_button.isEnabled()

    # a rule across two fields is shown on the first of them
    type_into(qtbot, share.edit, "50")
    show_tab(qtbot, dialog, "Ramp")
    ramp = dialog.tabs.currentIndex()
    start = dialog.rows["capacity.workloads.start"]
    type_into(qtbot, start.edit, "80")
    assert "larger than the maximum (50)" in start.error.text()
    assert dialog.tabs.tabText(ramp).endswith("⚠")  # the tab says where to look
    assert not dialog.ok_button.isEnabled()
    type_into(qtbot, start.edit, "20")
    assert dialog.ok_button.isEnabled() and not dialog.tabs.tabText(ramp).endswith("⚠")
    press_ok(qtbot, dialog)
    settings = window.session.doc.settings
    assert (settings.network.link_mbps, settings.network.usable_fraction) == (500.0, 0.5)
    assert settings.capacity.workloads.start == 20
    assert window.undo_action.text() == "&Undo Change 3 settings"


def editor_of(table: Any, row: int, col: int) -> QLineEdit:
    """The line edit open on a cell (Qt keeps it as the cell's index widget while editing)."""
    editor = table.indexWidget(table.model().index(row, col))
    assert isinstance(editor, QLineEdit)
    return editor


def type_in_cell(qtbot: Any, table: Any, row: int, col: int, text: str) -> None:
    """Double-click the cell, type over it, press Enter."""
    rect = table.visualRect(table.model().index(row, col))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    type_over(qtbot, table, row, col, text)


def type_over(qtbot: Any, table: Any, row: int, col: int, text: str) -> None:
    """Type into the cell's open editor and press Enter (the table takes the value once the
    event loop runs: Qt commits it by a queued call)."""
    editor = editor_of(table, row, col)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(row, col).text() == text)


def test_add_a_gpu_pool_and_a_freeze_period(qtbot: Any, window: MainWindow) -> None:
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "GPU pools")
    pools = dialog.gpu_pools
    qtbot.mouseClick(pools.add_button, Qt.MouseButton.LeftButton)
    assert pools.table.rowCount() == 1
    type_over(qtbot, pools.table, 0, 0, "h100-pool")  # the new row's name is open for typing
    type_in_cell(qtbot, pools.table, 0, 2, "-1")
    assert "Row 1, GPUs: Must be at least 0." in pools.error.text()
    assert not dialog.ok_button.isEnabled()
    type_in_cell(qtbot, pools.table, 0, 2, "16")
    mode = pools.table.cellWidget(0, 1)
    assert isinstance(mode, QComboBox)
    mode.setCurrentIndex(mode.findText("VMs, passthrough"))
    assert dialog.ok_button.isEnabled()

    show_tab(qtbot, dialog, "Freeze periods")
    freezes = dialog.freezes
    qtbot.mouseClick(freezes.add_button, Qt.MouseButton.LeftButton)
    type_over(qtbot, freezes.table, 0, 0, "Year-end close")
    type_in_cell(qtbot, freezes.table, 0, 1, "2027-12-20")
    type_in_cell(qtbot, freezes.table, 0, 2, "2027-12-01")
    assert "ends (2027-12-01) before it starts (2027-12-20)" in freezes.error.text()
    assert not dialog.ok_button.isEnabled()
    type_in_cell(qtbot, freezes.table, 0, 2, "2028-01-03")
    assert not freezes.error.isVisible()
    press_ok(qtbot, dialog)

    settings = window.session.doc.settings
    assert [(p.name, p.gpus, p.mode.value) for p in settings.gpu_pools] == [
        ("h100-pool", 16, "passthrough")
    ]
    assert [(f.name, str(f.start), str(f.end)) for f in settings.freeze_periods] == [
        ("Year-end close", "2027-12-20", "2028-01-03")
    ]
    assert window.undo_action.text() == "&Undo Change GPU pools and freeze periods"
    window.undo_action.trigger()
    assert window.session.doc.settings.gpu_pools == ()
    assert window.session.doc.settings.freeze_periods == ()


def test_remove_a_gpu_pool(qtbot: Any, window: MainWindow, example_copy: Path) -> None:
    assert window.open_path(example_copy, ask=False)
    names = [p.name for p in window.session.doc.settings.gpu_pools]
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "GPU pools")
    dialog.gpu_pools.table.selectRow(1)
    qtbot.mouseClick(dialog.gpu_pools.remove_button, Qt.MouseButton.LeftButton)
    press_ok(qtbot, dialog)
    kept = [p.name for p in window.session.doc.settings.gpu_pools]
    assert kept == [names[0], *names[2:]]
    assert window.undo_action.text() == "&Undo Change GPU pools"


def test_a_vgpu_profile_names_the_devices_the_target_counts(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    """Issue 14, point 2: a GPU pool's mode includes its vGPU profile."""
    from migplan.core.target import phase_capacity

    assert window.open_path(example_copy, ask=False)
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "GPU pools")
    pools = dialog.gpu_pools
    row = next(r for r in range(pools.table.rowCount()) if pools.texts(r)[0] == "gpu-vms")
    column = next(c for c, (key, _h, _t) in enumerate(pools.columns) if key == "vgpu_profile")
    type_in_cell(qtbot, pools.table, row, column, "A100-10C")
    press_ok(qtbot, dialog)
    vms = next(p for p in window.session.doc.settings.gpu_pools if p.name == "gpu-vms")
    assert vms.vgpu_profile == "A100-10C"
    last = phase_capacity(window.session.doc)[-1]
    unit = next(p.gpu_unit for p in last.pools if p.pool == "dc-new/gpu-vgpu")
    assert unit == "vGPU A100-10C devices"
    assert window.undo_action.text() == "&Undo Change GPU pools"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("MIGPLAN_DATA_DIR", str(folder))
    return folder


def test_a_preset_saved_in_one_plan_loads_into_a_new_plan(
    qtbot: Any,
    window: MainWindow,
    example_copy: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Ask, "text", classmethod(lambda cls, parent, title, label: "Slow link"))
    assert window.open_path(example_copy, ask=False)
    dialog = open_settings(qtbot, window)
    type_into(qtbot, dialog.rows["network.link_mbps"].edit, "100")
    type_into(qtbot, dialog.rows["planner.wave_length_days"].edit, "21")
    qtbot.mouseClick(dialog.save_preset_button, Qt.MouseButton.LeftButton)
    assert (data_dir / "presets" / "settings" / "Slow link.json").is_file()
    assert dialog.preset_note.text() == "Saved as preset “Slow link”"
    dialog.reject()
    assert window.session.doc.settings.network.link_mbps == 1000.0  # Cancel changed nothing

    window.new_plan()
    dialog = open_settings(qtbot, window)
    dialog.preset_menu.aboutToShow.emit()
    action = next(a for a in dialog.preset_menu.actions() if a.text() == "Slow link")
    action.trigger()
    assert dialog.rows["network.link_mbps"].edit.text() == "100"
    assert dialog.gpu_pools.table.rowCount() == 3  # the example's pools came along
    press_ok(qtbot, dialog)
    settings = window.session.doc.settings
    assert settings.network.link_mbps == 100.0
    assert settings.planner.wave_length_days == 21
    assert settings.name == "Untitled plan"  # the new plan keeps its own name
    # the two typed, and the example's ramp (3), first date, GPU pools, licence renewal,
    # legacy host and copying prices, and target node pools
    assert window.undo_action.text() == "&Undo Change 11 settings"
    assert settings.licences.renewal_date is not None


def test_a_broken_preset_is_named_and_changes_nothing(
    qtbot: Any, window: MainWindow, data_dir: Path, answers: Any
) -> None:
    folder = data_dir / "presets" / "settings"
    folder.mkdir(parents=True)
    (folder / "Broken.json").write_text('{"migplan_settings_preset": 1, "settings": [', "utf-8")
    dialog = open_settings(qtbot, window)
    dialog.preset_menu.aboutToShow.emit()
    next(a for a in dialog.preset_menu.actions() if a.text() == "Broken").trigger()
    assert len(answers.errors) == 1
    title, message = answers.errors[0]
    assert title == "Cannot load preset"
    assert str(folder / "Broken.json") in message and "not valid JSON" in message
    assert dialog.rows["network.link_mbps"].edit.text() == "1000"
    assert dialog.isVisible() and dialog.ok_button.isEnabled()


def test_every_field_says_its_unit_meaning_and_default(qtbot: Any, window: MainWindow) -> None:
    dialog = open_settings(qtbot, window)
    units = {row.unit.text() for row in dialog.rows.values()}
    assert {"Mbit/s", "GiB", "h", "%", "days"} <= units
    for row in dialog.rows.values():
        assert "Default:" in row.help.text() and row.field.meaning in row.help.text()
        assert "Default:" in row.edit.toolTip()
        assert not row.help.isHidden()
    labels = {w.text() for w in dialog.findChildren(QWidget) if hasattr(w, "buddy") and w.buddy()}
    assert "Cutover window:" in labels and "Rollback window:" in labels


def test_the_vcpu_limit_ramps_up_from_pilot_waves(qtbot: Any, window: MainWindow) -> None:
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Capacity")
    type_into(qtbot, dialog.rows["capacity.vcpu"].edit, "400")
    show_tab(qtbot, dialog, "Ramp")
    first = dialog.rows["capacity.vcpu_ramp.start"]
    assert first.edit.text() == "100" and first.unit.text() == "% of the limit"
    type_into(qtbot, first.edit, "0")
    assert first.error.text() == "Must be more than 0 %."
    type_into(qtbot, first.edit, "25")
    type_into(qtbot, dialog.rows["capacity.vcpu_ramp.step"].edit, "25")
    press_ok(qtbot, dialog)
    capacity = window.session.doc.settings.capacity
    assert capacity.vcpu == 400
    assert (capacity.vcpu_ramp.start, capacity.vcpu_ramp.step) == (0.25, 0.25)
    assert window.undo_action.text() == "&Undo Change 3 settings"


def test_a_choice_is_a_drop_down(qtbot: Any, window: MainWindow) -> None:
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Calendar and rules")
    row = dialog.rows["planner.shared_services"]
    assert row.choice is not None and row.choice.isVisible() and not row.edit.isVisible()
    assert "Default: Move first, in a Foundation wave." in row.help.text()
    row.choice.setFocus()
    qtbot.keyClick(row.choice, Qt.Key.Key_Down)
    assert row.choice.currentText() == "Stay, reached over the link"
    press_ok(qtbot, dialog)
    assert window.session.doc.settings.planner.shared_services == "bridge"
    assert window.undo_action.text() == "&Undo Change shared services"


def test_emptying_hosts_early_is_a_planner_choice_with_its_undo_step(
    qtbot: Any, window: MainWindow
) -> None:
    """Issue 14, point 5: the option is shown with the planner's rules, off by default."""
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Calendar and rules")
    row = dialog.rows["planner.empty_hosts_early"]
    assert row.choice is not None and row.choice.isVisible()
    assert row.choice.currentText() == "No, the usual order"
    assert "fewer licensed cores" in row.help.text()
    assert "Default: No, the usual order." in row.help.text()
    row.choice.setFocus()
    qtbot.keyClick(row.choice, Qt.Key.Key_Down)
    assert row.choice.currentText() == "Yes, when it frees cores sooner"
    press_ok(qtbot, dialog)
    assert window.session.doc.settings.planner.empty_hosts_early is True
    assert window.undo_action.text() == "&Undo Change empty legacy hosts early"
    window.undo_action.trigger()
    assert window.session.doc.settings.planner.empty_hosts_early is False
    choice = open_settings(qtbot, window).rows["planner.empty_hosts_early"].choice
    assert choice is not None and choice.currentText() == "No, the usual order"


def test_a_risk_weight_is_a_setting_like_any_other(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    """Issue 12, point 1: every assumption risk uses, the factors' weights included."""
    assert window.open_path(example_copy, ask=False)
    window.tabs.setCurrentWidget(window.waves)
    before = risks(window)
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Risk")
    row = dialog.rows["risk.phase_weights.C2"]
    assert row.edit.text() == "20"
    assert row.help.text().endswith("Default: 20.")
    type_into(qtbot, row.edit, "-1")
    assert row.error.isVisible() and not dialog.ok_button.isEnabled()
    type_into(qtbot, row.edit, "400")
    assert not row.error.isVisible() and dialog.ok_button.isEnabled()
    press_ok(qtbot, dialog)
    assert window.session.doc.settings.risk.phase_weights["C2"] == 400.0
    assert window.session.doc.settings.risk.phase_weights["C1"] == 25.0
    qtbot.waitUntil(lambda: risks(window) != before)
    assert window.undo_action.text() == "&Undo Change peak hybrid-link utilisation (C2)"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: risks(window) == before)


def test_the_licence_price_and_renewal_are_settings_with_their_sources(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    """Issue 14: every price is a setting with the source of its default shown."""
    import datetime as dt

    assert window.open_path(example_copy, ask=False)
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Licences and costs")
    price = dialog.rows["licences.price_per_core_year"]
    assert price.edit.text() == "350" and price.unit.text() == "per core-year"
    assert "Broadcom publishes none" in price.help.text()
    assert price.help.text().endswith("Default: 350 per core-year.")
    type_into(qtbot, price.edit, "135")
    renewal = dialog.rows["licences.renewal_date"]
    type_into(qtbot, renewal.edit, "2028-01-01")
    press_ok(qtbot, dialog)
    licences = window.session.doc.settings.licences
    assert licences.price_per_core_year == 135.0 and licences.renewal_date == dt.date(2028, 1, 1)
    assert window.undo_action.text() == "&Undo Change price per core and year and next renewal"


def test_the_copying_and_legacy_host_prices_are_settings_with_their_sources(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    """Issue 14, point 4: all prices are settings with the source of each default shown; a
    change reaches the costs at once and is one undo step."""
    from migplan.core.economics.costs import plan_costs

    assert window.open_path(example_copy, ask=False)
    before = plan_costs(window.session.doc)
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Licences and costs")
    copying = dialog.rows["costs.transfer_per_gib"]
    assert copying.edit.text() == "0.02" and copying.unit.text() == "per GiB"
    assert "AWS quotes 0.09 per GB" in copying.help.text()
    assert copying.help.text().endswith("Default: 0 per GiB.")
    hosts = dialog.rows["costs.legacy_host_per_month"]
    assert "stops the day the host empties" in hosts.help.text()
    type_into(qtbot, copying.edit, "-1")
    assert copying.error.isVisible() and not dialog.ok_button.isEnabled()
    type_into(qtbot, copying.edit, "0.09")
    type_into(qtbot, hosts.edit, "0")
    press_ok(qtbot, dialog)
    after = plan_costs(window.session.doc)
    assert after.transfer == pytest.approx(before.transfer * 0.09 / 0.02)
    assert after.legacy_hosts == 0 and before.legacy_hosts > 0
    assert window.undo_action.text() == (
        "&Undo Change running cost of a legacy host and price per GiB copied"
    )
    window.undo_action.trigger()
    assert plan_costs(window.session.doc).transfer == pytest.approx(before.transfer)


def test_headroom_and_the_vm_overhead_are_settings_that_resize_the_target(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    """Issue 14, point 2: the headroom and KubeVirt's per-VM overhead are adjustable in the
    dialog, with their sources; the nodes needed follow, and one undo brings them back."""
    from migplan.core.target import phase_capacity

    def general_nodes() -> int:
        last = phase_capacity(window.session.doc)[-1]
        return next(p.nodes for p in last.pools if p.pool == "dc-new/general")

    assert window.open_path(example_copy, ask=False)
    before = general_nodes()
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Target sizing")
    headroom = dialog.rows["target.headroom"]
    assert headroom.edit.text() == "20" and headroom.unit.text() == "%"
    assert "Red Hat's migration planner" in headroom.help.text()
    fixed = dialog.rows["target.vm_overhead.fixed_mib"]
    assert fixed.edit.text() == "260" and "GetMemoryOverhead" in fixed.help.text()
    type_into(qtbot, headroom.edit, "100")
    assert headroom.error.isVisible() and not dialog.ok_button.isEnabled()
    type_into(qtbot, headroom.edit, "60")
    type_into(qtbot, fixed.edit, "300")
    press_ok(qtbot, dialog)
    target = window.session.doc.settings.target
    assert target.headroom == 0.6 and target.vm_overhead.fixed_mib == 300
    # Half the usable share (40 % of a node instead of 80 %): about twice the nodes.
    assert general_nodes() >= 2 * before - 1
    assert window.undo_action.text() == (
        "&Undo Change headroom kept free on each node and fixed memory per VM"
    )
    window.undo_action.trigger()
    assert general_nodes() == before


def test_a_target_node_pool_is_sized_per_phase_and_undone_in_one_step(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    """Issue 14, point 2: the target side is edited in the settings dialog, undoable, and the
    Capacity & cost tab counts the nodes it needs after each wave."""
    assert window.open_path(example_copy, ask=False)
    dialog = open_settings(qtbot, window)
    show_tab(qtbot, dialog, "Target")
    pools = dialog.node_pools
    example = window.session.doc.settings.target.clusters
    assert pools.table.rowCount() == 4  # the example's cluster: general and three GPU pools
    qtbot.mouseClick(pools.add_button, Qt.MouseButton.LeftButton)
    row = pools.table.rowCount() - 1
    type_over(qtbot, pools.table, row, 0, "main")  # the new row's cluster is open for typing
    type_in_cell(qtbot, pools.table, row, 1, "general")
    type_in_cell(qtbot, pools.table, row, 2, "0")
    assert "Row 5, Cores:" in pools.error.text()
    assert not dialog.ok_button.isEnabled()
    type_in_cell(qtbot, pools.table, row, 2, "64")
    type_in_cell(qtbot, pools.table, row, 9, "2500")
    assert not pools.error.isVisible() and dialog.ok_button.isEnabled()
    press_ok(qtbot, dialog)
    cluster = window.session.doc.settings.target.clusters[-1]
    assert cluster.name == "main" and [p.name for p in cluster.pools] == ["general"]
    assert cluster.pools[0].cores == 64 and cluster.pools[0].price_per_node_month == 2500
    assert window.undo_action.text() == "&Undo Change target node pools"
    window.tabs.setCurrentWidget(window.capacity)

    def last_nodes() -> str:
        column = window.capacity.columns.index("Target nodes")
        item = window.capacity.table.item(window.capacity.table.rowCount() - 1, column)
        # The cell leaves out pools that need no node; its tooltip lists every pool.
        return item.toolTip() if item is not None else ""

    qtbot.waitUntil(lambda: "main/general: " in last_nodes())
    # Every workload without GPUs lands on the first pool without GPUs: the new pool,
    # described after the example's, holds none.
    assert "main/general: 0 nodes" in last_nodes()
    window.undo_action.trigger()
    assert window.session.doc.settings.target.clusters == example
    qtbot.waitUntil(lambda: "main/general" not in last_nodes())
