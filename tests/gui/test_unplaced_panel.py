"""Not in a wave, and why: the list beside the waves (grouped by rule, refreshed in the
background after edits and undo, double-click to see a workload), the planner's notes after
Propose waves, and the workload class with its evidence and the user's override."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from migplan.core.document import PlanDocument
from migplan.core.enums import WorkloadClass
from migplan.core.planning.unplaced import explain_unplaced
from migplan.core.rules import RULES
from migplan.gui.main_window import MainWindow
from migplan.gui.unplaced_panel import UnplacedPanel
from migplan.gui.waves_view import plain_note


def settled(qtbot: Any, panel: UnplacedPanel) -> None:
    """Wait until the list has caught up with the plan ("updating…" gone)."""
    qtbot.waitUntil(lambda: panel.status.text() != "updating…", timeout=10000)


def open_doc(qtbot: Any, window: MainWindow, doc: PlanDocument) -> UnplacedPanel:
    window.session.replace(doc, None)
    window.tabs.setCurrentWidget(window.waves)
    panel = window.waves.unplaced
    settled(qtbot, panel)
    return panel


def expected_groups(doc: PlanDocument) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for u in explain_unplaced(doc):
        out.setdefault(u.rule_id, set()).add((u.name, u.reason))
    return {f"{RULES[rule].title} ({rule}) — {len(rows)}": rows for rule, rows in out.items()}


def shown_groups(panel: UnplacedPanel) -> dict[str, set[tuple[str, str]]]:
    return {header: set(rows) for header, rows in panel.groups().items()}


def row_item(panel: UnplacedPanel, name: str) -> Any:
    tree = panel.tree
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        for j in range(group.childCount()):
            if group.child(j).text(0) == name:
                return group.child(j)
    raise AssertionError(f"{name} is not listed")


def test_lists_every_workload_in_no_wave_grouped_by_rule(
    qtbot: Any, window: MainWindow, four_reasons_plan: PlanDocument
) -> None:
    panel = open_doc(qtbot, window, four_reasons_plan)
    assert panel.isVisible() and panel.title.text() == "Not in a wave"
    assert shown_groups(panel) == expected_groups(four_reasons_plan)
    assert set(panel.groups()) == {
        "Wave capacity (CAPACITY) — 1",
        "GPU mode served (GPU-MODE) — 1",
        "Stays on the legacy side (STAYS) — 1",
        "Not planned yet (NOT-PLANNED) — 1",
    }
    assert panel.status.text().startswith("4 workloads")
    assert panel.empty.isHidden()
    big = row_item(panel, "big-db")
    assert big.text(1) == "no wave can take it: needs 128 vCPU, a wave takes 64"
    # Names come from files: the tooltip shows markup as typed, never as formatting.
    loose = row_item(panel, "<b>report</b>-02")
    assert "&lt;b&gt;report&lt;/b&gt;-02" in loose.toolTip(1)
    assert "<b>report</b>" not in loose.toolTip(1)


def test_refreshes_after_a_move_into_a_wave_and_after_undo(
    qtbot: Any, window: MainWindow, four_reasons_plan: PlanDocument
) -> None:
    panel = open_doc(qtbot, window, four_reasons_plan)
    doc = window.session.doc
    assert window.waves.move_workloads(["w-loose", "w-gpu"], "v-1")
    assert panel.status.text() == "updating…"
    settled(qtbot, panel)
    names = {name for rows in panel.groups().values() for name, _ in rows}
    assert names == {"big-db", "mainframe-gw"}
    assert shown_groups(panel) == expected_groups(doc)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.workloads["w-loose"].wave_id is None  # type: ignore[index]
    settled(qtbot, panel)
    assert "Not planned yet (NOT-PLANNED) — 1" in panel.groups()
    assert shown_groups(panel) == expected_groups(doc)
    # Everything in a wave: the list says so in words.
    assert window.waves.move_workloads(["w-loose", "w-gpu", "w-big", "w-keep"], "v-1")
    settled(qtbot, panel)
    assert panel.groups() == {}
    assert panel.empty.isVisible() and panel.empty.text() == "Every workload is in a wave."


def test_double_click_a_row_selects_the_workload_in_the_inventory(
    qtbot: Any, window: MainWindow, four_reasons_plan: PlanDocument
) -> None:
    panel = open_doc(qtbot, window, four_reasons_plan)
    item = row_item(panel, "trainer")
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentWidget() is window.inventory
    assert window.inventory.selected_ids() == ["w-gpu"]
    table = window.inventory.table
    row = window.inventory.proxy_row_of("w-gpu")
    assert (
        table.viewport().rect().intersects(table.visualRect(window.inventory.proxy.index(row, 0)))
    )


def test_propose_says_the_planners_notes_in_a_bar_the_user_dismisses(
    qtbot: Any, window: MainWindow, four_reasons_plan: PlanDocument
) -> None:
    panel = open_doc(qtbot, window, four_reasons_plan)
    bar = window.waves.notes_bar
    assert bar.isHidden()
    for attempt in range(2):
        window.propose_action.trigger()
        # The preview says the same notes before anything is applied.
        qtbot.waitUntil(lambda: window.preview_dialog is not None, timeout=30000)
        preview = window.preview_dialog
        assert preview is not None
        qtbot.waitUntil(preview.isVisible)
        assert "• New waves have no dates" in preview.notes.text()
        qtbot.mouseClick(preview.apply_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.session.undo_stack.count() == 1, timeout=30000)
        assert bar.isVisible()
        text = window.waves.notes_label.text()
        assert text.startswith("The proposed waves come with 4 warnings:")
        assert (
            "• New waves have no dates" in text and "freeze periods could not be applied." in text
        )
        # said up front: what no wave could take, and why
        assert "• Too big for any wave" in text and "1 workload in no wave (CAPACITY)" in text
        settled(qtbot, panel)
        assert shown_groups(panel) == expected_groups(window.session.doc)
        if attempt == 0:
            qtbot.mouseClick(window.waves.notes_dismiss, Qt.MouseButton.LeftButton)
            assert bar.isHidden()
            window.undo_action.trigger()
            window.session.undo_stack.clear()
    # Undoing the proposal takes its notes away with it.
    window.undo_action.trigger()
    assert bar.isHidden()


def test_planner_notes_name_rules_in_words() -> None:
    assert plain_note("LINK cannot be kept by this plan: the link would carry 193 Mbit/s") == (
        "The rule “Hybrid link within its usable share” cannot be kept by this plan: the "
        "link would carry 193 Mbit/s."
    )
    assert plain_note("new waves have no dates.") == "New waves have no dates."


def click_row(qtbot: Any, window: MainWindow, wid: str) -> int:
    view = window.inventory
    row = view.proxy_row_of(wid)
    view.table.scrollTo(view.proxy.index(row, 0))
    rect = view.table.visualRect(view.proxy.index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return row


def test_class_override_from_the_context_menu_is_one_undo_step(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    window.tabs.setCurrentWidget(window.inventory)
    doc = window.session.doc
    classes = window.analysis.assessment.classes  # type: ignore[union-attr]
    wid = next(
        w
        for w in sorted(doc.workloads)
        if classes[w].workload_class is WorkloadClass.SHARED_SERVICE
    )
    name = doc.workloads[wid].name
    row = click_row(qtbot, window, wid)
    view = window.inventory
    class_cell = view.proxy.index(row, view.column_index("class"))
    details = window.details.workload_class
    assert window.details.title.text() == name
    assert details.text().startswith(
        "Workload class: Shared service — automatic, from the evidence"
    )
    assert "• " in details.text()
    assert class_cell.data() == "Shared service"

    menu = view.build_bulk_menu()
    assert menu is not None
    sub = next(a.menu() for a in menu.actions() if a.text() == "Workload class")
    labels = [a.text() for a in sub.actions()]
    assert labels == [
        "Automatic (from evidence)",
        "Legacy",
        "AI-GPU",
        "Data-heavy",
        "Shared service",
        "Platform VM",
    ]
    assert sub.actions()[0].isChecked()
    next(a for a in sub.actions() if a.text() == "Legacy").trigger()

    assert doc.workloads[wid].workload_class is WorkloadClass.LEGACY
    assert details.text().startswith("Workload class: Legacy — set by you")
    assert "From the evidence it would be Shared service:" in details.text()
    assert view.proxy.index(row, view.column_index("class")).data() == "Legacy (set)"
    assert window.analysis.assessment.classes[wid].workload_class is WorkloadClass.LEGACY  # type: ignore[union-attr]
    assert window.undo_action.text() == f"&Undo Set the class of {name} to Legacy"

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.workloads[wid].workload_class is None
    assert details.text().startswith(
        "Workload class: Shared service — automatic, from the evidence"
    )
    assert view.proxy.index(row, view.column_index("class")).data() == "Shared service"


def test_a_rule_with_thousands_of_workloads_lists_the_first_and_selects_the_rest(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11, point 5: 10,000 rows took most of a second to build on the window's
    thread. The first rows are listed; one line stands for the rest and selects them."""
    from migplan.core.models import Workload
    from migplan.gui import unplaced_panel

    monkeypatch.setattr(unplaced_panel, "ROWS_PER_RULE", 5)
    doc = PlanDocument()
    for i in range(12):
        doc.put(Workload(id=f"w-{i:02d}", name=f"app{i:02d}"))  # type: ignore[arg-type]
    panel = open_doc(qtbot, window, doc)
    [(header, rows)] = panel.groups().items()
    assert header == "Not planned yet (NOT-PLANNED) — 12"
    assert [name for name, _ in rows] == [
        "app00", "app01", "app02", "app03", "app04",
        "… and 7 more: double-click to select them in the inventory",
    ]  # fmt: skip
    group = panel.tree.topLevelItem(0)
    more = group.child(group.childCount() - 1)
    panel.tree.scrollToItem(more)
    rect = panel.tree.visualItemRect(more)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentWidget() is window.inventory
    assert sorted(window.inventory.selected_ids()) == [f"w-{i:02d}" for i in range(5, 12)]


def test_data_gravity_is_named_in_the_list_and_among_the_broken_rules(
    qtbot: Any, window: MainWindow
) -> None:
    """An AI job waits for data no wave can take (the list names the rule by its title);
    another that moved anyway breaks DATA-GRAVITY, listed with the rules broken."""
    from migplan.core.enums import DispositionKind, GpuMode
    from migplan.core.models import Dependency, Disposition, GpuNeeds, Wave, Workload
    from migplan.core.settings import PlanSettings, WaveCapacity

    moves = Disposition(kind=DispositionKind.CONTAINERIZE)
    gpu = GpuNeeds(count=1, mode=GpuMode.CONTAINER)
    tib = 5 * 1024 * 1024
    doc = PlanDocument.from_entities(
        [
            Wave(id="v-1", name="Wave 1", order=1),
            Workload(id="w-train", name="train-07", gpu=gpu, disposition=moves),
            Workload(id="w-score", name="score-01", gpu=gpu, disposition=moves, wave_id="v-1"),
            Workload(id="w-lake", name="lake-01", storage_used_mib=tib, disposition=moves),
            Dependency(id="d-1", source="w-train", target="w-lake"),
            Dependency(id="d-2", source="w-score", target="w-lake"),
        ],
        PlanSettings(capacity=WaveCapacity(storage_gib=1000.0)),
    )
    panel = open_doc(qtbot, window, doc)
    assert RULES["DATA-GRAVITY"].title == "Data before the AI that reads it"
    groups = panel.groups()
    assert set(groups) == {
        "Wave capacity (CAPACITY) — 1",
        "Data before the AI that reads it (DATA-GRAVITY) — 1",
    }
    [(name, reason)] = groups["Data before the AI that reads it (DATA-GRAVITY) — 1"]
    assert name == "train-07" and reason.startswith("reads lake-01 (data-heavy)")
    broken = window.waves.violations
    rows = [
        [broken.topLevelItem(i).text(c) for c in range(3)]
        for i in range(broken.topLevelItemCount())
    ]
    assert [
        "hard",
        "DATA-GRAVITY",
        "score-01 (AI) moves in Wave 1 but reads lake-01 (data-heavy), which is in no wave: "
        "move the data first or in the same wave",
    ] in rows
