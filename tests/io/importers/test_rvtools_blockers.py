"""Migration blockers read from RVTools: every kind found with its rule id and source cell,
absent sheets said in the report, values outside RVTools' vocabulary ignored, and a
re-import of the fixed export dropping what was fixed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from migplan.core.blockers import BLOCKER_RULES
from migplan.core.document import PlanDocument
from migplan.core.models import Workload
from migplan.io.importers.inventory import import_inventory
from migplan.io.importers.merge import plan_import

ROOT = Path(__file__).resolve().parents[3]

#: VM -> (rule id, sheet, row, column, value) of the cell each finding was read from.
EXPECTED = {
    "vm0001": ("vmware.disk.rdm.detected", "vDisk", 3, "Raw Comp. Mode", "physicalMode"),
    "vm0002": ("vmware.disk_mode.independent", "vDisk", 5, "Disk Mode", "independent_persistent"),
    "vm0003": ("vmware.disk.shared.detected", "vDisk", 8, "Sharing mode", "sharingMultiWriter"),
    "vm0004": ("migplan.vmware.disk.bus_sharing", "vDisk", 9, "Shared Bus", "physicalSharing"),
    "vm0005": ("vmware.disk.capacity.invalid", "vDisk", 12, "Capacity MiB", "0"),
    "vm0006": ("vmware.guestDisks.freespace", "vPartition", 14, "Free MiB", "42"),
    "vm0007": ("vmware.changed_block_tracking.disabled", "vInfo", 9, "CBT", "False"),
    "vm0008": ("vmware.snapshot.detected", "vSnapshot", 2, "Name", "before patch 0"),
    "vm0009": ("vmware.fault_tolerance.enabled", "vInfo", 11, "FT State", "running"),
    "vm0011": ("vmware.consolidation_needed", "vInfo", 13, "Consolidation Needed", "True"),
    "vm0012": ("vmware.usb_controller.detected", "vUSB", 2, "Device Type", "HASP HL licence dongle"),
    "vm0013": ("migplan.vmware.cdrom.connected", "vCD", 2, "Connected", "True"),
    "vm0015": ("migplan.vmware.tools.outdated", "vTools", 16, "Tools", "toolsOld"),
    "vm0016": ("migplan.vmware.tools.not_running", "vTools", 17, "Tools", "toolsNotRunning"),
    "vm0017": ("migplan.rvtools.health", "vHealth", 2, "Message",
               "VM has a CD-ROM connected to an unavailable ISO"),
    "vm0018": ("vmware.cpu_memory.hotplug.enabled", "vCPU", 19, "Hot Add", "True"),
    "vm0019": ("vmware.cpu_memory.hotplug.enabled", "vMemory", 20, "Hot Add", "True"),
    "vm0020": ("migplan.vmware.secure_boot", "vInfo", 22, "EFI Secure boot", "True"),
}  # fmt: skip


@pytest.fixture(scope="module")
def blockers_gen(script: Callable[[str], ModuleType]) -> ModuleType:
    return script("make_blocker_fixtures")


@pytest.fixture(scope="module")
def imported(fixtures: Path) -> dict[str, Workload]:
    result = import_inventory([fixtures / "rvtools_blockers.xlsx"])
    return {w.name: w for w in result.workloads}


def test_the_committed_fixture_is_what_the_script_writes(
    fixtures: Path, blockers_gen: ModuleType, tmp_path: Path
) -> None:
    made = blockers_gen.write_blockers(tmp_path / "b.xlsx")
    assert made.read_bytes() == (fixtures / "rvtools_blockers.xlsx").read_bytes()


@pytest.mark.parametrize("vm", sorted(EXPECTED))
def test_each_blocker_kind_with_its_rule_and_source_cell(
    imported: dict[str, Workload], vm: str
) -> None:
    rule_id, sheet, row, column, value = EXPECTED[vm]
    assert rule_id in BLOCKER_RULES
    found = [b for b in imported[vm].blockers if b.rule_id == rule_id]
    assert found, (vm, imported[vm].blockers)
    first = found[0]
    assert first.source is not None
    assert (first.source.file, first.source.sheet, first.source.row) == (
        "rvtools_blockers.xlsx", sheet, row,
    )  # fmt: skip
    assert (first.column, first.value) == (column, value)
    assert first.where() == (
        f"rvtools_blockers.xlsx, sheet {sheet}, row {row}, column {column!r}, value {value!r}"
    )


def test_only_the_vms_that_carry_one_have_findings(imported: dict[str, Workload]) -> None:
    with_findings = {name for name, wl in imported.items() if wl.blockers}
    assert with_findings == set(EXPECTED)
    # vm0014's CD drive is not connected, and it is powered off so its Tools do not run:
    # neither is a finding.
    assert imported["vm0014"].blockers == ()
    # Two multi-writer/bus-shared VMs attach one disk file: both are shared by path too.
    for vm, other in (("vm0003", "vm0004"), ("vm0004", "vm0003")):
        by_path = [b for b in imported[vm].blockers if b.column == "Path"]
        assert [b.rule_id for b in by_path] == ["vmware.disk.shared.detected"]
        assert by_path[0].detail == f"[ds01] cluster/quorum.vmdk is also attached to {other}"
    # Every empty disk is named; the detail says which.
    assert [b.detail for b in imported["vm0005"].blockers] == [
        "Hard disk 2, 0 MiB", "Hard disk 3, 0 MiB",
    ]  # fmt: skip
    assert imported["vm0006"].blockers[0].detail == "C:\\: 42 MiB free, 100 needed"
    assert len(imported["vm0008"].blockers) == 2  # one per snapshot


def test_absent_sheets_are_noted_and_foreign_values_are_no_finding(fixtures: Path) -> None:
    # The plain 4.7 fixture has no vSnapshot/vUSB/vCD/vTools/vHealth/vCPU/vMemory, and its
    # vDisk and vInfo blocker columns hold placeholder tokens ("Raw:5", "CBT:3").
    result = import_inventory([fixtures / "rvtools_4.7_mib.xlsx"])
    notes = result.report.notes
    for line in (
        "vUSB not in the file: USB devices not checked",
        "vSnapshot not in the file: snapshots not checked",
        "vCD not in the file: connected CD/DVD drives not checked",
        "vTools not in the file: VMware Tools status not checked",
        "vHealth not in the file: RVTools health messages not read",
        "vCPU not in the file: CPU hot-plug not checked",
        "vMemory not in the file: memory hot-plug not checked",
    ):
        assert line in notes
    assert (
        "vDisk not in the file: RDM, shared, independent and empty disks not checked" not in notes
    )
    assert all(not w.blockers for w in result.workloads)
    assert not [i for i in result.report.issues if i.action != "skipped"]
    assert any(
        n.startswith("Migration blockers (") and "0 workload(s) with a blocker" in n for n in notes
    )


def test_a_reimport_with_blockers_fixed_drops_them(
    fixtures: Path, blockers_gen: ModuleType, tmp_path: Path
) -> None:
    doc = PlanDocument()
    command, _ = plan_import(doc, import_inventory([fixtures / "rvtools_blockers.xlsx"]))
    assert command is not None
    doc.apply(command)
    by_name = {w.name: w.id for w in doc.workloads.values()}
    fixed = {"vmware.disk.rdm.detected", "vmware.snapshot.detected"}
    again = blockers_gen.write_blockers(tmp_path / "rvtools_blockers.xlsx", fixed=fixed)
    command, report = plan_import(doc, import_inventory([again]))
    assert command is not None
    doc.apply(command)
    assert doc.workloads[by_name["vm0001"]].blockers == ()
    assert doc.workloads[by_name["vm0008"]].blockers == ()
    assert {c.field for c in report.changed if c.name in ("vm0001", "vm0008")} >= {"blockers"}
    kept = doc.workloads[by_name["vm0002"]].blockers
    assert [b.rule_id for b in kept] == ["vmware.disk_mode.independent"]


def test_odd_cells_give_no_traceback_and_no_invented_finding(
    gen: ModuleType, tmp_path: Path
) -> None:
    vinfo = ["VM", "VM UUID", "VI SDK Server", "CBT", "FT State"]
    disk = ["VM", "VM UUID", "VI SDK Server", "Disk", "Raw", "Capacity MiB", "Disk Mode"]
    part = ["VM", "VI SDK Server", "Disk", "Free MiB"]
    path = gen.write_xlsx(
        tmp_path / "odd.xlsx",
        {
            "vInfo": [vinfo, ["a", "u1", "vc", "maybe", "FT State:3"], ["b", "u2", "vc", "", ""]],
            "vDisk": [disk, ["a", "u1", "vc", "Hard disk 1", "True", "lots", "Persistent"],
                      ["b", "u2", "vc", "Hard disk 1", "Raw:4", -5, "INDEPENDENT_PERSISTENT"]],
            "vPartition": [part, ["a", "vc", "/", "n/a"], ["b", "vc", "/boot", 12]],
        },
    )  # fmt: skip
    found = {w.name: w.blockers for w in import_inventory([path]).workloads}
    # An RDM with no compatibility mode still says RDM; "lots" and "n/a" are no sizes.
    assert [(b.rule_id, b.detail, b.column) for b in found["a"]] == [
        ("vmware.disk.rdm.detected", "Hard disk 1, RDM", "Raw"),
    ]
    assert sorted(b.rule_id for b in found["b"]) == [
        "vmware.disk.capacity.invalid",
        "vmware.disk_mode.independent",
        "vmware.guestDisks.freespace",
    ]
    boot = next(b for b in found["b"] if b.rule_id == "vmware.guestDisks.freespace")
    assert boot.detail == "/boot: 12 MiB free, 50 needed"
    assert boot.source is not None and (boot.source.sheet, boot.source.row) == ("vPartition", 3)


def test_the_csv_per_tab_export_gives_the_same_findings(
    blockers_gen: ModuleType, imported: dict[str, Workload], tmp_path: Path
) -> None:
    import csv

    for name, rows in blockers_gen.blocker_sheets(blockers_gen.blocker_vms()).items():
        with (tmp_path / f"RVTools_tab{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    # Only the vInfo file is named: its sibling tab files are picked up.
    result = import_inventory([tmp_path / "RVTools_tabvInfo.csv"])
    from_csv = {w.name: w for w in result.workloads}
    for name, wl in imported.items():
        assert [(b.rule_id, b.detail) for b in from_csv[name].blockers] == [
            (b.rule_id, b.detail) for b in wl.blockers
        ], name
    usb = from_csv["vm0012"].blockers[0]
    assert usb.source is not None
    assert (usb.source.file, usb.source.sheet, usb.source.row) == ("RVTools_tabvUSB.csv", "vUSB", 2)


def test_vhealth_without_a_vcenter_column_matches_by_name(gen: ModuleType, tmp_path: Path) -> None:
    path = gen.write_xlsx(
        tmp_path / "health.xlsx",
        {
            "vInfo": [["VM", "VM UUID", "VI SDK Server"], ["app01", "u1", "vc"], ["app02", "u2", "vc"]],
            "vHealth": [["Name", "Message", "Message type"],
                        ["app01", "VMware tools are out of date", "Tools"],
                        ["[ds1] orphan.vmdk", "Possibly a Zombie vmdk file!", "Zombie"]],
        },
    )  # fmt: skip
    found = {w.name: w.blockers for w in import_inventory([path]).workloads}
    assert [(b.rule_id, b.detail) for b in found["app01"]] == [
        ("migplan.rvtools.health", "Tools: VMware tools are out of date")
    ]
    assert found["app02"] == ()


def test_a_source_that_checks_no_blockers_keeps_them(fixtures: Path, tmp_path: Path) -> None:
    """An Azure Migrate inventory of the same VMs, or an RVTools export without vDisk,
    neither finds nor clears what it could not check."""
    import openpyxl

    doc = PlanDocument()
    command, _ = plan_import(doc, import_inventory([fixtures / "rvtools_blockers.xlsx"]))
    assert command is not None
    doc.apply(command)
    before = {w.name: w.blockers for w in doc.workloads.values()}
    assert before["vm0001"] and before["vm0002"]
    # A CSV of the same machines with nothing about disks or snapshots.
    rows = ["Name,CPUs,IP"] + [
        f"{w.name},{w.vcpu},{w.ips[0]}" for w in doc.workloads.values() if w.ips
    ]
    other = tmp_path / "cmdb.csv"
    other.write_text("\n".join(rows) + "\n", encoding="utf-8")
    command, _ = plan_import(doc, import_inventory([other]))
    assert command is not None
    doc.apply(command)
    assert {w.name: w.blockers for w in doc.workloads.values()} == before
    # The same export without its vDisk sheet: the disk findings stay, the rest is re-read.
    book = openpyxl.load_workbook(fixtures / "rvtools_blockers.xlsx")
    del book["vDisk"]
    trimmed = tmp_path / "no-vdisk.xlsx"
    book.save(trimmed)
    command, _ = plan_import(doc, import_inventory([trimmed]))
    after = dict(doc.workloads)
    if command is not None:
        doc.apply(command)
        after = dict(doc.workloads)
    rdm = "vmware.disk.rdm.detected"
    vm1 = next(w for w in after.values() if w.name == "vm0001")
    assert rdm in {b.rule_id for b in before["vm0001"]}
    assert rdm in {b.rule_id for b in vm1.blockers}
