"""Migration blockers as a user sees them: the inventory's Blockers column (sorted by a click on
its header) and the details panel listing each blocker with its rule id, why it matters, what
to fix first and the cell it was read from; file text shown as typed, never as markup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt

from migplan.core.blockers import BLOCKER_RULES
from migplan.core.document import PlanDocument
from migplan.core.models import Blocker, SourceRef, Workload
from migplan.gui.main_window import MainWindow
from migplan.io.importers.inventory import import_inventory
from migplan.io.importers.merge import plan_import
from migplan.io.planfile import save_plan

from .test_main_window import cell_center, open_via_menu

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "rvtools_blockers.xlsx"


def _imported_plan(tmp_path: Path) -> Path:
    doc = PlanDocument()
    command, _ = plan_import(doc, import_inventory([FIXTURE]))
    assert command is not None
    doc.apply(command)
    path = tmp_path / "blocked.migplan"
    save_plan(doc, path)
    return path


def _header_click(qtbot: Any, window: MainWindow, key: str) -> None:
    view = window.inventory
    section = view.column_index(key)
    view.table.scrollTo(view.proxy.index(0, section))
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def _select(qtbot: Any, window: MainWindow, row: int) -> None:
    qtbot.mouseClick(
        window.inventory.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=cell_center(window, row, "name"),
    )


def _cell(window: MainWindow, row: int, key: str) -> str:
    view = window.inventory
    return str(view.proxy.index(row, view.column_index(key)).data())


def test_blockers_column_sorts_and_the_details_say_what_to_fix(
    qtbot: Any, window: MainWindow, answers: Any, tmp_path: Path
) -> None:
    open_via_menu(qtbot, window, answers, _imported_plan(tmp_path))
    view = window.inventory
    col = view.column_index("blockers")
    assert view.proxy.headerData(col, Qt.Orientation.Horizontal) == "Blockers"
    # Two clicks on the header: descending, the workload with the most blockers first.
    for _ in range(2):
        _header_click(qtbot, window, "blockers")
    assert view.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert _cell(window, 0, "name") == "vm0004"
    assert _cell(window, 0, "blockers") == "Blocker: Disk shared with another VM (multi-writer) +1"
    shown = [_cell(window, r, "blockers") for r in range(view.proxy.rowCount())]
    assert "Warning: VM has snapshots" in shown
    assert "Info: EFI with Secure Boot" in shown
    assert shown[-1] == ""  # workloads with nothing found come last
    tip = view.proxy.index(0, col).data(Qt.ItemDataRole.ToolTipRole)
    assert "BLOCKER migplan.vmware.disk.bus_sharing: SCSI bus sharing (guest cluster)" in tip

    _select(qtbot, window, 0)
    assert window.details.title.text() == "vm0004"
    # In sentences that wrap, above the tree: what blocks the move and what to fix first.
    summary = window.details.blockers
    assert summary.isVisible()
    assert summary.text().startswith("Blocked as a KubeVirt VM until fixed (2):")
    assert "Disk shared with another VM (multi-writer)" in summary.text()
    assert "Fix first: " in summary.text()
    rows = window.details.blocker_rows()
    assert [r[0] for r in rows] == [
        "vmware.disk.shared.detected",
        "migplan.vmware.disk.bus_sharing",
    ]
    rule_id, summary, facts = rows[1]
    rule = BLOCKER_RULES[rule_id]
    assert summary == "Blocker - SCSI bus sharing (guest cluster): Hard disk 1, physicalSharing"
    assert facts == {
        "Why it matters": rule.why,
        "Fix first": rule.fix,
        "Found in": "rvtools_blockers.xlsx, sheet vDisk, row 9, column 'Shared Bus', "
        "value 'physicalSharing'",
        "Rule": "MigPlan's own check (Forklift has none)",
    }
    assert rows[0][2]["Rule"] == "Forklift concern, category Warning"
    top = window.details.tree.topLevelItem(0)
    assert (
        top.text(0) == "Migration blockers and warnings (2, 2 blocking the move as a KubeVirt VM)"
    )

    # The suggested disposition and the fit say the same: a VM, once the disks are fixed.
    qtbot.waitUntil(lambda: window.analysis.assessment is not None)
    fit_tip = view.proxy.index(0, view.column_index("fit")).data(Qt.ItemDataRole.ToolTipRole)
    assert "vmware.disk.shared.detected [no fit]" in fit_tip
    assert "fix first: vmware.disk.shared.detected" in fit_tip


def test_file_text_in_a_blocker_shows_as_typed(
    qtbot: Any, window: MainWindow, answers: Any, tmp_path: Path
) -> None:
    markup = "<b>HASP</b> & <i>dongle</i>"
    wl = Workload(
        id="w-a",
        name="<i>app01</i>",
        blockers=(
            Blocker(
                rule_id="vmware.usb_controller.detected",
                detail=markup,
                source=SourceRef(file="<x>.xlsx", sheet="vUSB", row=2),
                column="Device Type",
                value=markup,
            ),
        ),
    )
    path = tmp_path / "markup.migplan"
    save_plan(PlanDocument.from_entities([wl]), path)
    open_via_menu(qtbot, window, answers, path)
    _select(qtbot, window, 0)
    ((_, summary, facts),) = window.details.blocker_rows()
    assert summary == f"Warning - USB device attached: {markup}"
    assert (
        facts["Found in"] == f"<x>.xlsx, sheet vUSB, row 2, column 'Device Type', value '{markup}'"
    )
    tip = window.inventory.proxy.index(0, window.inventory.column_index("blockers")).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "&lt;b&gt;HASP&lt;/b&gt;" in tip  # escaped: the tooltip shows the tags as typed


def test_the_model_with_blockers_passes_qtmodeltester(qtmodeltester: Any, tmp_path: Path) -> None:
    from migplan.gui.session import DocumentSession
    from migplan.gui.workload_model import SORT_ROLE, WorkloadTableModel
    from migplan.io.planfile import load_plan

    path = _imported_plan(tmp_path)
    session = DocumentSession()
    session.replace(load_plan(path), path)
    model = WorkloadTableModel(session)
    qtmodeltester.check(model, force_py=True)
    col = next(i for i, c in enumerate(model.columns) if c.key == "blockers")
    keys = {model.index(r, 0).data(): model.index(r, col).data(SORT_ROLE) for r in range(22)}
    assert keys["vm0004"] == (2, 0, 0)  # two blocker rules
    assert keys["vm0008"] == (0, 1, 0)  # snapshots: one warning rule
    assert keys["vm0000"] == (0, 0, 0)


def test_not_in_a_wave_names_the_blocker_and_what_to_fix(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    from migplan.io.planfile import load_plan

    from .test_unplaced_panel import open_doc, row_item

    panel = open_doc(qtbot, window, load_plan(_imported_plan(tmp_path)))
    groups = panel.groups()
    assert "Raw device mapping (RDM) disk (vmware.disk.rdm.detected) — 1" in groups
    assert "Disk shared with another VM (multi-writer) (vmware.disk.shared.detected) — 2" in groups
    rdm = row_item(panel, "vm0001")
    assert rdm.text(1).startswith(
        "cannot move as a KubeVirt VM until it is fixed: vmware.disk.rdm.detected: "
        "Raw device mapping (RDM) disk (Hard disk 1, physicalMode): Convert the RDM to a VMDK"
    )
    # A warning does not keep a workload out (vm0008, snapshots), nor does a blocker of the
    # VM move when the suggested move is a container (vm0002, an independent disk).
    for name in ("vm0008", "vm0002"):
        assert row_item(panel, name).text(1).startswith("not in a wave yet")
