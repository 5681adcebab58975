"""The import report names the platform VMs it kept but will not plan (PLATFORM-VM)."""

from __future__ import annotations

from pathlib import Path

from migplan.core.document import PlanDocument
from migplan.core.enums import WorkloadClass
from migplan.io.importers.pipeline import ImportRequest, run_import


def _inventory(path: Path, names: list[str]) -> Path:
    rows = ["VM,CPUs,Memory,Provisioned MiB"] + [f"{n},2,4096,40960" for n in names]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_platform_vms_are_kept_and_listed(tmp_path: Path) -> None:
    names = ["web01", "vCLS (1)", "cp-parent-4a1b2c3d", "db01", "vCLS-8f3c1a2e"]
    path = _inventory(tmp_path / "vms.csv", names)
    doc = PlanDocument()
    command, report = run_import(doc, ImportRequest([path]))
    assert command is not None
    doc.apply(command)
    assert sorted(w.name for w in doc.workloads.values()) == sorted(names)
    assert (
        "3 platform VMs (Horizon instant-clone internals, vSphere Cluster Services) kept but "
        "not planned: cp-parent-4a1b2c3d, vCLS (1), vCLS-8f3c1a2e."
    ) in report.notes


def test_no_line_without_platform_vms_nor_for_one_a_person_reclassed(tmp_path: Path) -> None:
    path = _inventory(tmp_path / "vms.csv", ["web01", "vCLS (1)"])
    doc = PlanDocument()
    command, _ = run_import(doc, ImportRequest([path]))
    assert command is not None
    doc.apply(command)
    (vcls,) = [w for w in doc.workloads.values() if w.name == "vCLS (1)"]
    doc.workloads[vcls.id] = vcls.model_copy(update={"workload_class": WorkloadClass.LEGACY})
    _, again = run_import(doc, ImportRequest([path]))
    assert not [n for n in again.notes if "platform VM" in n]
    plain = _inventory(tmp_path / "plain.csv", ["web01", "db01"])
    _, report = run_import(PlanDocument(), ImportRequest([plain]))
    assert not [n for n in report.notes if "platform VM" in n]
