"""The Review step of File > Import: matches to another source, an ambiguous match the user
decides, and a value a person set that the file gives differently (issue 10, points 1-2)."""

from __future__ import annotations

import csv
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QPushButton,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QWizard,
)

from migplan.core.commands import UpdateEntities
from migplan.gui.import_review_models import KEEP_APART, ConflictsModel, MatchesModel
from migplan.gui.import_wizard import ImportWizard
from migplan.gui.main_window import MainWindow
from migplan.io.importers.pipeline import ImportRequest, run_import

from .test_import_wizard import click, start_wizard, through_review


def _csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _import(window: MainWindow, path: Path) -> None:
    """A plan that already holds ``path`` (imported as the wizard would)."""
    command, _ = run_import(window.session.doc, ImportRequest(files=[path]))
    assert command is not None
    window.session.execute(command)


def _to_review(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
               files: list[Path]) -> ImportWizard:  # fmt: skip
    wizard = start_wizard(qtbot, window, monkeypatch, files)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    qtbot.waitUntil(wizard.review_page.isComplete, timeout=30000)
    return wizard


def _finish(qtbot: Any, wizard: ImportWizard, window: MainWindow) -> None:
    before = window.session.undo_stack.count()
    through_review(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.report_page.command is not None, timeout=30000)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == before + 1)


def _cells(view: QTableView, row: int) -> list[str]:
    model = view.model()
    return [model.index(row, c).data() for c in range(model.columnCount())]


def _choose(qtbot: Any, view: QTableView, row: int, text: str) -> None:
    """Click the Decision of ``row`` and pick ``text`` in the list that opens."""
    index = view.model().index(row, MatchesModel.DECISION)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())  # fmt: skip
    combo = view.findChild(QComboBox, "review-choice")
    assert combo is not None, "a click on the Decision opens a list"
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible)
    wanted = combo.findText(text)
    assert wanted >= 0, [combo.itemText(i) for i in range(combo.count())]
    item = popup.visualRect(popup.model().index(wanted, 0))
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=item.center())
    qtbot.waitUntil(lambda: view.model().index(row, MatchesModel.DECISION).data() == text)


def _tick(qtbot: Any, view: QTableView, row: int) -> None:
    """Click the check box of ``row``."""
    index = view.model().index(row, 0)
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=box.center())


def test_rvtools_and_azure_of_the_same_vms_are_matched_and_imported_once(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    gen: ModuleType,
) -> None:  # fmt: skip
    vms = [v for v in gen.make_vms(24, seed=5) if not v.template]
    rv = gen.write_rvtools_xlsx(tmp_path / "rv.xlsx", vms, "4.7")
    az = gen.write_azure(tmp_path / "az.csv", vms)
    wizard = _to_review(qtbot, window, monkeypatch, [rv, az])
    review = wizard.review_page
    n = len(vms)
    assert f"{n} matched to a workload of another source, 0 ambiguous" in review.status.text()
    assert review.matches_view.isVisible() and not review.conflicts_view.isVisible()
    assert review.matches.rowCount() == n
    first = _cells(review.matches_view, 0)
    assert first[0] == vms[0].name and first[1].startswith("az.csv, row ")
    assert first[2] == "matched" and first[3] == vms[0].name
    assert first[4].startswith("same name and IP address 10.")
    assert first[5] == f"Merge into {vms[0].name}"
    assert window.session.doc.workloads == {}, "nothing changes before Import is pressed"
    _finish(qtbot, wizard, window)
    doc = window.session.doc
    assert sorted(w.name for w in doc.workloads.values()) == sorted(v.name for v in vms)
    assert all({s.file for s in w.sources} == {"rv.xlsx", "az.csv"} for w in doc.workloads.values())


@pytest.fixture
def ambiguous(tmp_path: Path) -> tuple[Path, Path]:
    """A CMDB export, then a second file with DB01 by name only (no IP to confirm it)."""
    cmdb = _csv(tmp_path / "cmdb.csv", [
        {"Name": "db01.corp.example", "CPUs": 4, "Memory MB": 8192, "IP": "10.0.0.5"},
        {"Name": "web01", "CPUs": 2, "Memory MB": 4096, "IP": "10.0.0.6"},
    ])  # fmt: skip
    lo = _csv(tmp_path / "lo.csv", [
        {"VM Name": "DB01", "vCPU": 4, "Memory (MiB)": 8192, "Host": "esx1"},
        {"VM Name": "web01", "vCPU": 2, "Memory (MiB)": 4096, "Host": "esx2"},
    ])  # fmt: skip
    return cmdb, lo


def _db01s(window: MainWindow) -> list[str]:
    return [
        w.name for w in window.session.doc.workloads.values() if w.name.casefold()[:4] == "db01"
    ]


def test_an_ambiguous_match_merged_by_the_user_is_one_workload(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
    ambiguous: tuple[Path, Path],
) -> None:  # fmt: skip
    cmdb, lo = ambiguous
    _import(window, cmdb)
    wizard = _to_review(qtbot, window, monkeypatch, [lo])
    review = wizard.review_page
    assert "1 ambiguous" in review.status.text()
    assert _cells(review.matches_view, 0) == [
        "DB01",
        "lo.csv, row 2",
        "ambiguous",
        "could be db01.corp.example",
        "the same name, but no IP address to confirm it",
        KEEP_APART,
    ]
    _choose(qtbot, review.matches_view, 0, "Merge into db01.corp.example")
    _finish(qtbot, wizard, window)
    assert _db01s(window) == ["db01.corp.example"]
    db01 = next(w for w in window.session.doc.workloads.values() if w.name == "db01.corp.example")
    assert db01.host == "esx1" and {s.file for s in db01.sources} == {"cmdb.csv", "lo.csv"}
    assert "Merged: 1 from the same source again, 1 matched" in (
        wizard.report_page.report_view.toPlainText()
    )


def test_an_ambiguous_match_kept_apart_is_two_workloads(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
    ambiguous: tuple[Path, Path],
) -> None:  # fmt: skip
    cmdb, lo = ambiguous
    _import(window, cmdb)
    wizard = _to_review(qtbot, window, monkeypatch, [lo])
    review = wizard.review_page
    view = review.matches_view
    _choose(qtbot, view, 0, "Merge into db01.corp.example")
    # Second thoughts: Keep all apart.
    keep = review.findChild(QPushButton, "review-keep-all")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert _cells(view, 0)[5] == KEEP_APART
    _finish(qtbot, wizard, window)
    assert sorted(_db01s(window)) == ["DB01", "db01.corp.example"]


def test_back_and_next_keep_the_read_and_the_choices_until_the_mapping_changes(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
    ambiguous: tuple[Path, Path],
) -> None:  # fmt: skip
    from migplan.gui import import_review

    reads: list[object] = []
    real = import_review.read_import

    def counted(*args: Any) -> Any:
        reads.append(args)
        return real(*args)

    monkeypatch.setattr(import_review, "read_import", counted)
    cmdb, lo = ambiguous
    _import(window, cmdb)
    wizard = _to_review(qtbot, window, monkeypatch, [lo])
    view = wizard.review_page.matches_view
    _choose(qtbot, view, 0, "Merge into db01.corp.example")
    click(qtbot, wizard, QWizard.WizardButton.BackButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.review_page.isComplete() and len(reads) == 1, "not read again"
    assert _cells(view, 0)[5] == "Merge into db01.corp.example", "the choice is kept"
    # A different column for the host: the files are read again, the choices start afresh.
    click(qtbot, wizard, QWizard.WizardButton.BackButton)
    host = wizard.mapping_page.fields.findChild(QComboBox, "map-host")
    host.setCurrentText("(not mapped)")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    qtbot.waitUntil(wizard.review_page.isComplete, timeout=20000)
    assert len(reads) == 2 and _cells(view, 0)[5] == KEEP_APART


@pytest.mark.parametrize("take", [False, True], ids=["kept", "taken"])
def test_a_value_set_by_a_person_is_kept_unless_the_file_value_is_ticked(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    take: bool,
) -> None:  # fmt: skip
    first = _csv(tmp_path / "inv1.csv", [
        {"Name": "app01", "CPUs": 2, "Owner": "Ops", "Notes": "from vCenter"},
        {"Name": "app02", "CPUs": 4, "Owner": "Ops", "Notes": ""},
    ])  # fmt: skip
    _import(window, first)
    doc = window.session.doc
    app01 = next(w.id for w in doc.workloads.values() if w.name == "app01")
    window.session.execute(
        UpdateEntities.same([app01], owner="Alice Smith", notes="Cut over with payments only")
    )
    newer = _csv(tmp_path / "inv2.csv", [
        {"Name": "app01", "CPUs": 8, "Owner": "Alice Smith", "Notes": "vCenter annotation v2"},
        {"Name": "app02", "CPUs": 4, "Owner": "Ops", "Notes": ""},
    ])  # fmt: skip
    wizard = _to_review(qtbot, window, monkeypatch, [newer])
    review = wizard.review_page
    assert "1 conflict with values you set" in review.status.text()
    assert not review.matches_view.isVisible() and review.conflicts_view.isVisible()
    view = review.conflicts_view
    assert _cells(view, 0) == [
        "keep",
        "app01",
        "Notes",
        "Cut over with payments only",
        "vCenter annotation v2",
        "inv2.csv, row 2",
    ]
    check = view.model().index(0, 0)
    assert check.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    if take:
        _tick(qtbot, view, 0)
        assert check.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        assert _cells(view, 0)[0] == "take"
    _finish(qtbot, wizard, window)
    wl = window.session.doc.workloads[app01]
    assert wl.vcpu == 8 and wl.owner == "Alice Smith"
    if take:
        assert wl.notes == "vCenter annotation v2" and "notes" not in wl.curated
    else:
        assert wl.notes == "Cut over with payments only" and "notes" in wl.curated
    verb = "took the file's" if take else "kept"
    assert f"({verb}; inv2.csv, row 2)" in wizard.report_page.report_view.toPlainText()


def test_take_all_and_keep_all(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                               tmp_path: Path) -> None:  # fmt: skip
    first = _csv(tmp_path / "a.csv", [{"Name": "app01", "Owner": "Ops", "Notes": "x"}])
    _import(window, first)
    app01 = next(iter(window.session.doc.workloads))
    window.session.execute(UpdateEntities.same([app01], owner="Alice", notes="mine"))
    newer = _csv(tmp_path / "b.csv", [{"Name": "app01", "Owner": "Bob", "Notes": "<b>theirs</b>"}])
    wizard = _to_review(qtbot, window, monkeypatch, [newer])
    review = wizard.review_page
    model = review.conflicts
    assert model.rowCount() == 2
    # File text is shown as typed: in the cell, and in its tooltip.
    offered = model.index([model.conflict(r).field for r in range(2)].index("notes"), 4)
    assert offered.data() == "<b>theirs</b>"
    assert "&lt;b&gt;theirs&lt;/b&gt;" in offered.data(Qt.ItemDataRole.ToolTipRole)
    qtbot.mouseClick(review.findChild(QPushButton, "review-take-all"), Qt.MouseButton.LeftButton)
    assert [_cells(review.conflicts_view, r)[0] for r in range(2)] == ["take", "take"]
    assert review.take_file() == {(app01, "owner"), (app01, "notes")}
    qtbot.mouseClick(review.findChild(QPushButton, "review-keep-values"), Qt.MouseButton.LeftButton)
    assert review.take_file() == set()


def test_review_models_are_well_behaved(
    qtmodeltester: Any, window: MainWindow, ambiguous: tuple[Path, Path]
) -> None:
    from migplan.io.importers.inventory import import_inventory
    from migplan.io.importers.merge import plan_import

    cmdb, lo = ambiguous
    _import(window, cmdb)
    _, report = plan_import(window.session.doc, import_inventory([lo]))
    matches = MatchesModel()
    matches.reset(report.matches, lambda wid: report.names.get(wid, wid))
    qtmodeltester.check(matches)
    assert matches.rowCount() == 1
    conflicts = ConflictsModel()
    conflicts.reset([])
    qtmodeltester.check(conflicts)


def test_back_from_the_report_to_change_a_decision_plans_it_again(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
    ambiguous: tuple[Path, Path],
) -> None:  # fmt: skip
    cmdb, lo = ambiguous
    _import(window, cmdb)
    wizard = _to_review(qtbot, window, monkeypatch, [lo])
    view = wizard.review_page.matches_view
    _choose(qtbot, view, 0, "Merge into db01.corp.example")
    through_review(qtbot, wizard)
    report = wizard.report_page
    qtbot.waitUntil(lambda: report.command is not None, timeout=20000)
    assert "0 added" in report.report_view.toPlainText()
    click(qtbot, wizard, QWizard.WizardButton.BackButton)
    assert _cells(view, 0)[5] == "Merge into db01.corp.example"
    _choose(qtbot, view, 0, KEEP_APART)
    through_review(qtbot, wizard)
    qtbot.waitUntil(lambda: report.command is not None, timeout=20000)
    assert "1 added" in report.report_view.toPlainText()
    _finish_from_report(qtbot, wizard, window)
    assert sorted(_db01s(window)) == ["DB01", "db01.corp.example"]


def _finish_from_report(qtbot: Any, wizard: ImportWizard, window: MainWindow) -> None:
    before = window.session.undo_stack.count()
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == before + 1)


def test_several_candidates_of_one_name_are_told_apart_by_their_row(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    gen: ModuleType,
) -> None:  # fmt: skip
    # Two vCenters reuse the name vm0001; then a file names VM0001 with nothing to say which.
    vms = [v for v in gen.make_vms(4, vcenters=("vc01.test", "vc02.test")) if not v.template]
    _import(window, gen.write_rvtools_xlsx(tmp_path / "two.xlsx", vms, "4.7"))
    doc = window.session.doc
    [vc01, vc02] = sorted(
        (w for w in doc.workloads.values() if w.name == "vm0001"), key=lambda w: w.source_system
    )
    rows = [w.sources[0].describe() for w in (vc01, vc02)]
    assert rows[0] != rows[1]
    other = _csv(tmp_path / "owners.csv", [{"Server": "VM0001", "Owner": "DBA team"}])
    wizard = _to_review(qtbot, window, monkeypatch, [other])
    review = wizard.review_page
    view = review.matches_view
    status, could_be, why = _cells(view, 0)[2:5]
    assert (status, why) == ("ambiguous", "several workloads have this name")
    assert could_be.startswith("could be vm0001 (two.xlsx, sheet vInfo, row ")
    assert f"vm0001 ({rows[0]})" in could_be and f"vm0001 ({rows[1]})" in could_be
    # Merge all listed cannot tell which: the row keeps its choice.
    qtbot.mouseClick(review.findChild(QPushButton, "review-merge-all"), Qt.MouseButton.LeftButton)
    assert _cells(view, 0)[5] == KEEP_APART
    _choose(qtbot, view, 0, f"Merge into vm0001 ({rows[1]})")
    _finish(qtbot, wizard, window)
    assert doc.workloads[vc02.id].owner == "DBA team" and doc.workloads[vc01.id].owner != "DBA team"
    assert not any(w.name == "VM0001" for w in doc.workloads.values())
