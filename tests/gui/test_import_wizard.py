"""File > Import driven end to end: add files, check the mapping, review, read the report,
import, undo; plus a failing file and a cancelled import. The review's decisions are in
test_import_review.py."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton, QWizard

from migplan.core.progress import Progress
from migplan.gui.dialogs import Ask
from migplan.gui.import_wizard import ImportWizard
from migplan.gui.main_window import MainWindow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AZURE_INVENTORY = FIXTURES / "imports" / "azure_import.csv"
RVTOOLS = FIXTURES / "imports" / "rvtools_4.7_mib.xlsx"
EDGES = FIXTURES / "deps" / "edges.csv"


def start_wizard(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, files: list[Path]
) -> ImportWizard:
    monkeypatch.setattr(
        Ask, "import_paths", classmethod(lambda cls, parent, start=None: list(files))
    )
    window.import_action.trigger()
    wizard = window.import_wizard
    assert wizard is not None
    qtbot.waitExposed(wizard)
    add = wizard.files_page.findChild(QPushButton, "import-add")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    return wizard


def click(qtbot: Any, wizard: ImportWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def through_review(qtbot: Any, wizard: ImportWizard) -> None:
    """On the review page: wait until the files are read, then Next."""
    assert wizard.currentPage() is wizard.review_page
    qtbot.waitUntil(wizard.review_page.isComplete, timeout=30000)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)


def test_import_inventory_and_dependencies_as_one_undo_step(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    wizard = start_wizard(qtbot, window, monkeypatch, [AZURE_INVENTORY, EDGES])
    kinds = wizard.files_page.kinds()
    assert kinds == {AZURE_INVENTORY: "inventory (column mapping)", EDGES: "dependency export"}
    click(qtbot, wizard, QWizard.WizardButton.NextButton)

    page = wizard.mapping_page
    assert page.preview.rowCount() > 0
    assert page.preview.horizontalHeaderItem(0).text() == "*Server name"
    name_combo = page.fields.findChild(QComboBox, "map-name")
    assert name_combo.currentText() == "*Server name"
    vcpu_combo = page.fields.findChild(QComboBox, "map-vcpu")
    assert vcpu_combo.currentText() == "*Cores"
    # The user decides the owner comes from the "OS architecture" column (odd, but theirs).
    owner_combo = page.fields.findChild(QComboBox, "map-owner")
    owner_combo.setCurrentText("OS architecture")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)

    review = wizard.review_page
    qtbot.waitUntil(review.isComplete, timeout=20000)
    assert review.status.text() == (
        "Nothing to review: 10 new workloads, no match with workloads already in the plan "
        "and no conflict with values you set."
    )
    assert not review.matches_view.isVisible() and not review.conflicts_view.isVisible()
    through_review(qtbot, wizard)

    report = wizard.report_page
    qtbot.waitUntil(lambda: report.command is not None, timeout=20000)
    text = report.report_view.toPlainText()
    assert text.startswith("Read 10 row(s) from 1 file(s): 10 added, 0 merged")
    assert "Dependencies:" in text
    assert window.session.doc.workloads == {}, "nothing changes before Import is pressed"
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: len(window.session.doc.workloads) > 0)

    doc = window.session.doc
    names = {w.name for w in doc.workloads.values()}
    assert "vm0000" in names
    vm0 = next(w for w in doc.workloads.values() if w.name == "vm0000")
    assert vm0.vcpu == 8 and vm0.memory_mib == 8192
    assert vm0.owner == "x64", "the overridden mapping was used"
    assert doc.dependencies, "the edge list was imported in the same step"
    assert window.session.undo_stack.count() == 1
    assert window.inventory.model.rowCount() == len(doc.workloads)
    window.undo_action.trigger()
    assert window.session.doc.workloads == {} and window.session.doc.dependencies == {}


def test_rvtools_file_and_application_column(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard = start_wizard(qtbot, window, monkeypatch, [RVTOOLS])
    assert wizard.files_page.kinds()[RVTOOLS] == "RVTools inventory"
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert "vInfo" in wizard.mapping_page.info.text()
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    through_review(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.report_page.command is not None, timeout=20000)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: len(window.session.doc.workloads) > 0)
    assert all(w.source_system for w in window.session.doc.workloads.values())


def test_unreadable_file_is_reported_and_nothing_changes(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "inventory.xlsx"
    broken.write_bytes(RVTOOLS.read_bytes()[:3000])
    wizard = start_wizard(qtbot, window, monkeypatch, [broken])
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    review = wizard.review_page
    qtbot.waitUntil(lambda: "unchanged" in review.status.text(), timeout=20000)
    assert str(broken) in review.status.text()
    assert "Traceback" not in review.status.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.reject()
    assert window.session.doc.workloads == {}
    assert window.session.undo_stack.count() == 0


def test_cancel_stops_the_background_reading(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()

    def slow_read(doc: Any, request: Any, progress: Progress) -> Any:
        started.set()
        for step in range(10_000):
            progress.step(step, 10_000, f"row {step}")
            threading.Event().wait(0.01)
        raise AssertionError("the import was not cancelled")

    monkeypatch.setattr("migplan.gui.import_review.read_import", slow_read)
    wizard = start_wizard(qtbot, window, monkeypatch, [AZURE_INVENTORY])
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    review = wizard.review_page
    assert started.wait(10)
    qtbot.waitUntil(lambda: review.progress.maximum() == 10_000)
    qtbot.mouseClick(review.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cancelled" in review.status.text(), timeout=10000)
    assert review.task is not None and not review.task.running
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert window.session.doc.workloads == {}


def test_big_workbook_previews_its_first_rows_and_imports_in_chunks(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, gen: Any
) -> None:
    """A workbook big enough to be read in chunks: the mapping page shows its first rows at
    once (an estimated count, the rest not read yet), and the import brings every VM."""
    from migplan.io import xlsxsplit

    monkeypatch.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(xlsxsplit, "CHUNK_BYTES", 20_000)
    vms = gen.make_vms(600, seed=11)
    path = gen.write_rvtools_xlsx(tmp_path / "big-rvtools.xlsx", vms)
    wizard = start_wizard(qtbot, window, monkeypatch, [path])
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.mapping_page
    assert page.preview.rowCount() == 12
    assert page.preview.item(0, page.headers.index("VM")).text() == vms[0].name
    info = page.info.text()
    assert info.startswith("Preview of big-rvtools.xlsx, sheet vInfo: about ")
    shown = int(info.split("about ")[1].split(" rows")[0].replace(",", ""))
    assert abs(shown - len(vms)) <= len(vms) // 10
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    through_review(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.report_page.command is not None, timeout=30000)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: len(window.session.doc.workloads) > 0)
    names = {w.name for w in window.session.doc.workloads.values()}
    assert names == {vm.name for vm in vms if not vm.template}


def test_big_csv_previews_its_first_rows_without_reading_it_all(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "servers.csv"
    rows = [f"srv{i:05d},{i % 8 + 1},{2048 * (i % 4 + 1)}" for i in range(20_000)]
    path.write_text("Server name,Cores,Memory (MB)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    wizard = start_wizard(qtbot, window, monkeypatch, [path])
    assert wizard.files_page.kinds()[path] == "inventory (column mapping)"
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.mapping_page
    assert page.preview.rowCount() == 12 and page.preview.item(11, 0).text() == "srv00011"
    info = page.info.text()
    assert info.startswith("Preview of servers.csv: about ")
    shown = int(info.split("about ")[1].split(" rows")[0].replace(",", ""))
    assert abs(shown - 20_000) <= 1_000
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    through_review(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.report_page.command is not None, timeout=30000)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: len(window.session.doc.workloads) == 20_000, timeout=30000)


def test_a_file_that_holds_no_machines_is_flagged_with_why(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    software = tmp_path / "inventory.csv"
    software.write_text(
        "Computer,Product,Version,Publisher,Install date\n"
        "web01,7-Zip,23.01,Igor Pavlov,2026-03-01\n"
        "web01,OpenSSL,3.0.13,OpenSSL Project,2026-03-02\n",
        encoding="utf-8",
    )
    wizard = start_wizard(qtbot, window, monkeypatch, [AZURE_INVENTORY, software])
    page = wizard.files_page
    assert page.kinds()[software] == "not importable"
    assert page.problems.isVisible()
    assert page.problems.text() == (
        "inventory.csv looks like an installed-software inventory (columns Product, Version, "
        "Publisher): MigPlan imports inventories of machines with at least a name and CPU, "
        "memory or storage (RVTools, Azure Migrate, AWS Migration Hub, Google Migration "
        "Center, Live Optics, CMDB sheets with sizing) and dependency exports.\n"
        "Remove these files to go on."
    )
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    flagged = page.list.findItems("inventory.csv", Qt.MatchFlag.MatchStartsWith)[0]
    assert "installed-software inventory" in flagged.toolTip()
    page.list.setCurrentItem(flagged)
    remove = next(b for b in page.findChildren(QPushButton) if b.text() == "Remove")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert not page.problems.isVisible()
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.mapping_page.preview.horizontalHeaderItem(0).text() == "*Server name"
