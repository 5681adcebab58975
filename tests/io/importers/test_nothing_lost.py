"""Nothing the user gave is lost: every non-empty cell of every used sheet of a generated
RVTools export (with custom attribute columns) is reachable in the plan, as a field value or
an attribute."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from migplan.core.commands import History
from migplan.core.document import PlanDocument
from migplan.core.models import Workload
from migplan.io.importers.merge import plan_import
from migplan.io.importers.rows import attribute_value, power_state
from migplan.io.importers.rvtools import import_rvtools
from migplan.io.tables import read_tables

#: Sheets whose every cell must be reachable. vHost and vCluster are summarised instead: only
#: their HOST_ATTRIBUTES / CLUSTER_ATTRIBUTES columns are copied onto workloads (the model has
#: no host entity), which test_host_facts checks.
PER_VM = ("vInfo", "vNetwork", "vDisk", "vPartition")


def reachable(wl: Workload, app_names: dict[str, str]) -> set[str]:
    out: set[str] = set()
    for name, value in wl:
        if name in ("attributes", "sources", "id"):
            continue
        if isinstance(value, tuple):
            out |= {str(v) for v in value}
        elif value is not None:
            out.add(str(value.value if hasattr(value, "value") else value))
    if wl.application_id:
        out.add(app_names[wl.application_id])
    for value in wl.attributes.values():
        out.add(str(value))
        if isinstance(value, str):
            out |= set(value.split("; "))
    return out


def test_every_cell_reachable(tmp_path: Path, gen: ModuleType) -> None:
    vms = gen.make_vms(30, seed=21, vcenters=("vc-a.example.test", "vc-b.example.test"))
    path = gen.write_rvtools_xlsx(
        tmp_path / "custom.xlsx",
        vms,
        "4.7",
        extra_custom=("Cost Center", "Patch Group", "Ümlaut ß"),
    )
    result = import_rvtools([path], include_templates=True)
    doc = PlanDocument()
    command, _ = plan_import(doc, result)
    assert command is not None
    History(doc).do(command)
    apps = {a.id: a.name for a in doc.applications.values()}
    by_vm = {(w.source_system, w.name): w for w in doc.workloads.values()}
    assert len(by_vm) == len(vms)
    sets = {k: reachable(w, apps) for k, w in by_vm.items()}
    checked = 0
    for table in read_tables(path):
        if table.sheet not in (*PER_VM, "vMetaData", "vSource"):
            continue
        vm_col, vc_col = table.column("VM"), table.column("VI SDK Server", "Server")
        for i, row in enumerate(table.rows):
            if table.sheet in ("vMetaData", "vSource"):
                # One row per export / vCenter: it must reach every workload it describes.
                owners = [
                    k
                    for k in sets
                    if table.sheet == "vMetaData" or k[0] == row[vc_col]  # type: ignore[index]
                ]
            else:
                owners = [(str(row[vc_col]), str(row[vm_col]))]  # type: ignore[index]
            assert owners
            for j, cell in enumerate(row):
                if cell in ("", None):
                    continue
                header = table.headers[j]
                shown = str(attribute_value(cell))
                for key in owners:
                    wl = by_vm[key]
                    ok = shown in sets[key]
                    if not ok and header == "Powerstate":
                        ok = power_state(cell) is wl.power_state
                    assert ok, (
                        f"{table.sheet} row {table.row_number(i)} column {header!r}: {shown!r} "
                        f"is not reachable from workload {wl.name} ({wl.source_system})"
                    )
                    checked += 1
    assert checked > 30 * 100
    # The check is not vacuous: a value never written is not reachable.
    assert all("never-written-value" not in s for s in sets.values())


def test_host_facts(tmp_path: Path, gen: ModuleType) -> None:
    vms = gen.make_vms(6, seed=5)
    path = gen.write_rvtools_xlsx(tmp_path / "h.xlsx", vms, "4.7")
    result = import_rvtools([path], include_templates=True)
    for wl in result.workloads:
        assert wl.attributes["vHost.CPU Model"] == "Intel Xeon Gold 6338"
        assert wl.attributes["vHost.# Cores"] == 64
        assert wl.attributes["vCluster.HA enabled"] == "True"
