"""The Excel export says which workloads a migration blocker keeps out of the waves, under the
blocker's rule id and title, with what to fix first."""

from __future__ import annotations

from pathlib import Path

from migplan.core.document import PlanDocument
from migplan.io.importers.inventory import import_inventory
from migplan.io.importers.merge import plan_import
from migplan.io.reports.xlsx import write_xlsx

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "rvtools_blockers.xlsx"


def test_not_planned_sheet_names_the_blocker(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    doc = PlanDocument()
    command, _ = plan_import(doc, import_inventory([FIXTURE]))
    assert command is not None
    doc.apply(command)
    out = tmp_path / "plan.xlsx"
    write_xlsx(doc, out)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Not planned").to_python()
    by_name = {r[0]: r for r in rows[1:]}
    _, _, title, rule_id, why = by_name["vm0001"]
    assert (title, rule_id) == ("Raw device mapping (RDM) disk", "vmware.disk.rdm.detected")
    assert why.startswith("cannot move as a KubeVirt VM until it is fixed: ")
    assert "Convert the RDM to a VMDK" in why
