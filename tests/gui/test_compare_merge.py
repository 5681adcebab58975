"""File > Compare with…, File > Merge… and Plan properties, driven as a user would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from migplan.core.commands import UpdateEntities
from migplan.core.document import PlanDocument
from migplan.gui.compare_dialog import CompareDialog
from migplan.gui.dialogs import Ask
from migplan.gui.main_window import MainWindow
from migplan.gui.merge_dialog import MergeDialog
from migplan.gui.plan_properties import PlanPropertiesDialog
from migplan.io.planfile import load_plan, save_plan


def version(doc: PlanDocument, path: Path, *changes: tuple[str, dict[str, object]]) -> Path:
    copy = PlanDocument.from_data(doc.to_data())
    if changes:
        copy.apply(UpdateEntities(tuple(changes)))
    save_plan(copy, path, keep_backup=False)
    return path


class Chosen(list[Path]):
    """Files the Compare and Merge file dialogs answer with, in order, and their titles."""

    titles: list[str]


@pytest.fixture
def chosen(monkeypatch: pytest.MonkeyPatch) -> Chosen:
    queue = Chosen()
    queue.titles = []

    def choose(cls: Any, parent: Any, title: str, start: Path | None = None) -> Path | None:
        queue.titles.append(title)
        return queue.pop(0) if queue else None

    monkeypatch.setattr(Ask, "choose_plan", classmethod(choose))
    return queue


def open_plan(qtbot: Any, window: MainWindow, answers: Any, path: Path) -> None:
    answers.open_path = path
    window.open_action.trigger()
    qtbot.waitUntil(lambda: window.session.path == path)


def test_compare_lists_sections_with_counts(
    qtbot: Any,
    window: MainWindow,
    answers: Any,
    chosen: Chosen,
    small_plan: PlanDocument,
    tmp_path: Path,
) -> None:
    older = version(small_plan, tmp_path / "older.migplan")
    current = version(
        small_plan,
        tmp_path / "plan.migplan",
        ("w-app", {"wave_id": "v-3"}),
        ("w-crm", {"vcpu": 16}),
    )
    open_plan(qtbot, window, answers, current)
    chosen.append(older)
    window.file_menu.setActiveAction(window.compare_action)
    window.compare_action.trigger()
    dialog = window.compare_dialog
    assert isinstance(dialog, CompareDialog)
    qtbot.waitExposed(dialog)
    assert dialog.summary.text() == "Workloads: 1 moved, 1 edited."
    headings = dialog.section_headings()
    assert headings[:2] == ["Workloads moved to another wave (1)", "Workloads edited (1)"]
    assert headings[-1].startswith("Risk per wave, before → after (")
    moved = dialog.tree.topLevelItem(0)
    assert moved is not None and moved.isExpanded()
    assert moved.child(0).text(0) == "app-01: Wave 2 (order 2) → Wave 3 (order 3)"
    # As text, to read or copy.
    qtbot.mouseClick(dialog.toggle, Qt.MouseButton.LeftButton)
    assert dialog.views.currentWidget() is dialog.text
    assert "  crm-01: vCPU: 4 → 16" in dialog.text.toPlainText()
    qtbot.mouseClick(dialog.copy, Qt.MouseButton.LeftButton)
    assert "Workloads moved to another wave (1)" in QApplication.clipboard().text()
    dialog.reject()


def test_compare_with_a_broken_file_says_so_and_shows_nothing(
    qtbot: Any,
    window: MainWindow,
    answers: Any,
    chosen: Chosen,
    small_plan: PlanDocument,
    tmp_path: Path,
) -> None:
    open_plan(qtbot, window, answers, version(small_plan, tmp_path / "plan.migplan"))
    broken = tmp_path / "broken.migplan"
    broken.write_text("{")
    chosen.append(broken)
    window.compare_action.trigger()
    qtbot.waitUntil(lambda: bool(answers.errors))
    title, message = answers.errors[0]
    assert title == "Cannot compare" and "broken.migplan" in message
    assert window.compare_dialog is None


def test_merge_choose_theirs_with_a_click_apply_and_undo(
    qtbot: Any,
    window: MainWindow,
    answers: Any,
    chosen: Chosen,
    small_plan: PlanDocument,
    tmp_path: Path,
) -> None:
    base = version(small_plan, tmp_path / "base.migplan")
    theirs = version(
        small_plan,
        tmp_path / "theirs.migplan",
        ("w-app", {"wave_id": "v-3"}),
        ("w-crm", {"vcpu": 16}),
    )
    ours_path = version(small_plan, tmp_path / "plan.migplan", ("w-app", {"wave_id": "v-1"}))
    open_plan(qtbot, window, answers, ours_path)
    window.session.execute(UpdateEntities((("w-web", {"owner": "Ada"}),), "Set owner"))
    ours = PlanDocument.from_data(window.session.doc.to_data())
    steps = window.session.undo_stack.count()
    chosen += [base, theirs]
    window.merge_action.trigger()
    dialog = window.merge_dialog
    assert isinstance(dialog, MergeDialog)
    qtbot.waitExposed(dialog)
    assert chosen.titles == [
        "Merge: the version both of you started from",
        "Merge: their version",
    ]
    table = dialog.table
    assert table.rowCount() == 1
    assert table.item(0, 0).text() == "Workload app-01: wave"
    assert table.item(0, 2).text() == "Wave 2 (order 2)"
    assert dialog.radio(0, "ours").text() == "Pilot (order 1)"
    assert dialog.radio(0, "theirs").text() == "Wave 3 (order 3)"
    assert dialog.summary.text().endswith("Their other changes: Workloads: 1 edited.")
    assert not dialog.ok.isEnabled()
    assert dialog.status.text().startswith("0 of 1 conflicts decided")
    qtbot.mouseClick(dialog.radio(0, "theirs"), Qt.MouseButton.LeftButton)
    assert dialog.radio(0, "theirs").isChecked() and dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    doc = window.session.doc
    assert doc.workloads["w-app"].wave_id == "v-3"  # theirs, chosen
    assert doc.workloads["w-crm"].vcpu == 16  # theirs, no conflict
    assert doc.workloads["w-web"].owner == "Ada"  # ours, not saved yet, kept
    stack = window.session.undo_stack
    assert stack.count() == steps + 1 and stack.undoText() == "Merge theirs.migplan"
    assert "Merged theirs.migplan" in window.statusBar().currentMessage()
    window.undo_action.trigger()
    assert window.session.doc == ours


def test_merge_all_ours_and_a_clean_merge(
    qtbot: Any,
    window: MainWindow,
    answers: Any,
    chosen: Chosen,
    small_plan: PlanDocument,
    tmp_path: Path,
) -> None:
    base = version(small_plan, tmp_path / "base.migplan")
    theirs = version(
        small_plan,
        tmp_path / "theirs.migplan",
        ("w-app", {"wave_id": "v-3"}),
        ("w-lone", {"notes": "x"}),
    )
    open_plan(
        qtbot,
        window,
        answers,
        version(small_plan, tmp_path / "plan.migplan", ("w-app", {"wave_id": "v-1"})),
    )
    chosen += [base, theirs]
    window.merge_action.trigger()
    dialog = window.merge_dialog
    assert isinstance(dialog, MergeDialog)
    qtbot.mouseClick(dialog.all_ours, Qt.MouseButton.LeftButton)
    assert dialog.radio(0, "ours").isChecked()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.session.doc.workloads["w-app"].wave_id == "v-1"
    assert window.session.doc.workloads["w-lone"].notes == "x"
    # Nothing conflicts with a version that only adds a note: the dialog says what comes in.
    theirs2 = version(small_plan, tmp_path / "theirs2.migplan", ("w-db", {"owner": "Bob"}))
    chosen += [base, theirs2]
    window.merge_action.trigger()
    dialog = window.merge_dialog
    assert isinstance(dialog, MergeDialog)
    assert not dialog.table.isVisible() and dialog.ok.isEnabled()
    assert dialog.summary.text() == "Everything combines. Their changes: Workloads: 1 edited."
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.doc.workloads["w-db"].owner == "Bob")


def test_saving_adds_a_saved_version_shown_in_plan_properties(
    qtbot: Any, window: MainWindow, answers: Any, small_plan: PlanDocument, tmp_path: Path
) -> None:
    path = version(small_plan, tmp_path / "plan.migplan")
    open_plan(qtbot, window, answers, path)
    window.settings.setValue("author", "Ada Lovelace")
    window.session.execute(UpdateEntities((("w-app", {"wave_id": "v-3"}),), "Move app-01"))
    window.save_action.trigger()
    qtbot.waitUntil(lambda: not window.session.modified)
    meta = load_plan(path).settings.metadata
    assert meta == window.session.doc.settings.metadata
    (entry,) = meta.changes
    assert (entry.author, entry.summary) == ("Ada Lovelace", "Workloads: 1 moved")
    assert meta.created == meta.modified == entry.when
    # Saved again under another name: what changed comes from the undo steps.
    window.session.execute(UpdateEntities((("w-crm", {"vcpu": 8}),), "Edit vCPU"))
    answers.save_path = tmp_path / "copy.migplan"
    window.save_as_action.trigger()
    qtbot.waitUntil(lambda: window.session.path == tmp_path / "copy.migplan")
    assert [c.summary for c in load_plan(answers.save_path).settings.metadata.changes] == [
        "Workloads: 1 moved",
        "Edit vCPU",
    ]
    window.properties_action.trigger()
    dialog = window.properties_dialog
    assert isinstance(dialog, PlanPropertiesDialog)
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(0, c).text() for c in (1, 2)] == ["Ada Lovelace", "Edit vCPU"]
    # The name saves are recorded under, typed in the dialog, is used by the next save.
    assert dialog.your_name.text() == "Ada Lovelace"
    dialog.your_name.clear()
    qtbot.keyClicks(dialog.your_name, "Grace Hopper")
    dialog.reject()
    window.session.execute(UpdateEntities((("w-crm", {"vcpu": 2}),), "Edit vCPU again"))
    window.save_action.trigger()
    qtbot.waitUntil(lambda: not window.session.modified)
    last = window.session.doc.settings.metadata.changes[-1]
    assert (last.author, last.summary) == ("Grace Hopper", "Workloads: 1 edited")
    assert window.session.doc.settings.metadata.author == "Ada Lovelace"  # who made it


def test_a_failed_save_leaves_the_log_as_it_was(
    qtbot: Any, window: MainWindow, answers: Any, small_plan: PlanDocument, tmp_path: Path
) -> None:
    path = version(small_plan, tmp_path / "plan.migplan")
    open_plan(qtbot, window, answers, path)
    answers.save_path = tmp_path / "no-such-folder" / "plan.migplan"
    window.save_as_action.trigger()
    qtbot.waitUntil(lambda: bool(answers.errors))
    assert window.session.doc.settings.metadata.changes == ()
