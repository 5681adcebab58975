"""Sources reconciled (issue 10, point 2), curated values kept (point 1) and reports that add
up (point 7), on generated exports of the same VMs."""

from __future__ import annotations

import csv
from pathlib import Path
from types import ModuleType

import pytest

from migplan.core.commands import History, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.models import SourceRef, Workload
from migplan.core.provenance import field_origin
from migplan.io.importers.inventory import import_inventory
from migplan.io.importers.merge import TAKE_ALL, plan_import
from migplan.io.importers.pipeline import ImportRequest, run_import
from migplan.io.importers.reconcile import strong_keys
from migplan.io.importers.report import ImportReport


def _csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _adds_up(report: ImportReport) -> None:
    assert report.rows_read == len(report.added) + report.merged + report.skipped
    assert sum(report.skipped_by_reason().values()) == report.skipped


def _vms(gen: ModuleType, n: int = 24) -> list:  # type: ignore[type-arg]
    return [v for v in gen.make_vms(n, seed=5) if not v.template]


def _by_name(doc: PlanDocument) -> dict[str, Workload]:
    return {w.name: w for w in doc.workloads.values()}


def test_rvtools_and_azure_of_the_same_vms_give_one_workload_each(
    tmp_path: Path, gen: ModuleType
) -> None:
    vms = _vms(gen)
    rv = gen.write_rvtools_xlsx(tmp_path / "rv.xlsx", vms, "4.7")
    az = gen.write_azure(tmp_path / "az.csv", vms)
    doc = PlanDocument()
    command, report = run_import(doc, ImportRequest(files=[rv, az]))
    assert command is not None
    doc.apply(command)
    assert len(doc.workloads) == len(vms)
    assert report.merged_across == len(vms) and report.rows_read == 2 * len(vms)
    _adds_up(report)
    for wl in doc.workloads.values():
        assert {s.file for s in wl.sources} == {"rv.xlsx", "az.csv"}
    # The evidence is said: names with a shared IP.
    assert all(m.evidence.startswith("same name and IP address 10.") for m in report.matches)


def test_second_source_in_a_later_import_and_again(tmp_path: Path, gen: ModuleType) -> None:
    vms = _vms(gen)
    doc = PlanDocument()
    history = History(doc)
    rv = gen.write_rvtools_xlsx(tmp_path / "rv.xlsx", vms, "4.7")
    az = gen.write_azure(tmp_path / "az.csv", vms)
    for path in (rv, az):
        command, report = run_import(doc, ImportRequest(files=[path]))
        assert command is not None
        history.do(command)
        _adds_up(report)
    assert len(doc.workloads) == len(vms)
    vm = _by_name(doc)["vm0001"]
    # The Azure file gave what RVTools lacked (its boot type, as an attribute).
    assert vm.attributes.get("Boot type") == "UEFI"
    # The Azure file again: found by the key recorded on its source, nothing new.
    command, report = run_import(doc, ImportRequest(files=[az]))
    assert report.added == [] and report.merged == len(vms)
    _adds_up(report)
    assert len(doc.workloads) == len(vms)
    # One undo takes the second source away again.
    history.undo()
    assert {s.file for s in _by_name(doc)["vm0001"].sources} == {"rv.xlsx"}


def test_a_uuid_matches_across_byte_orders_and_vendors(tmp_path: Path, gen: ModuleType) -> None:
    vms = _vms(gen, 8)
    rv = gen.write_rvtools_xlsx(tmp_path / "rv.xlsx", vms, "4.7")
    # Google's MachineId is the VM's UUID; here the names differ (renamed since) and the IPs
    # are gone: only the UUID can tell.
    for vm in vms:
        vm.name = vm.name.upper() + "-renamed"
        vm.ips = ["192.0.2.1"]
    google = gen.write_google(tmp_path / "vmInfo.csv", vms)
    doc = PlanDocument()
    command, report = run_import(doc, ImportRequest(files=[rv, google]))
    assert command is not None
    doc.apply(command)
    assert len(doc.workloads) == len(vms)
    assert all(m.evidence.startswith("same UUID") for m in report.matches)
    # Windows and Azure show a VMware BIOS UUID with its first three groups byte-swapped.
    wl = next(iter(doc.workloads.values()))
    hexed = wl.source_key.replace("-", "")
    swapped = bytes.fromhex(hexed)
    swapped = (swapped[3::-1] + swapped[5:3:-1] + swapped[7:5:-1] + swapped[8:]).hex()
    other = wl.model_copy(update={"source_key": "", "attributes": {"BIOS UUID": swapped}})
    assert strong_keys(wl) & strong_keys(other)


def test_same_name_without_ip_is_ambiguous_until_decided(tmp_path: Path) -> None:
    first = _csv(tmp_path / "cmdb.csv", [
        {"Name": "db01.corp.example", "CPUs": 4, "Memory MB": 8192, "IP": "10.0.0.5"},
        {"Name": "web01", "CPUs": 2, "Memory MB": 4096, "IP": "10.0.0.6"},
    ])  # fmt: skip
    second = _csv(tmp_path / "lo.csv", [
        {"VM Name": "DB01", "vCPU": 4, "Memory (MiB)": 8192, "Host": "esx1"},
        {"VM Name": "web01", "vCPU": 2, "Memory (MiB)": 4096, "Host": "esx2"},
    ])  # fmt: skip
    doc = PlanDocument()
    command, _ = run_import(doc, ImportRequest(files=[first]))
    assert command is not None
    doc.apply(command)
    result = import_inventory([second])
    new_ids = {w.name: w.id for w in result.workloads}
    command, report = plan_import(doc, result)
    ambiguous = {m.name: m for m in report.matches if m.status == "ambiguous"}
    # web01 is the same key (the same name in files that name no source system): merged.
    assert set(ambiguous) == {"DB01"}
    assert "no IP address to confirm" in ambiguous["DB01"].evidence
    db01 = next(w.id for w in doc.workloads.values() if w.name == "db01.corp.example")
    assert ambiguous["DB01"].candidates == (db01,)
    assert report.added == [new_ids["DB01"]]  # nothing guessed, nothing lost
    assert any("Ambiguous: 1 workload(s)" in line for line in report.summary_lines())
    # The person merges DB01 into db01.
    result = import_inventory([second])
    command, report = plan_import(doc, result, decisions={new_ids["DB01"]: db01})
    assert command is not None
    doc.apply(command)
    assert len(doc.workloads) == 2
    merged = doc.workloads[db01]
    assert merged.host == "esx1" and {s.file for s in merged.sources} == {"cmdb.csv", "lo.csv"}
    _adds_up(report)


def test_different_macs_keep_same_named_machines_apart(tmp_path: Path) -> None:
    a = _csv(tmp_path / "a.csv", [{"Name": "app01", "CPUs": 2, "IP": "10.0.0.5",
                                   "MAC address": "00:50:56:aa:bb:01"}])  # fmt: skip
    b = _csv(tmp_path / "b.xlsx.csv", [{"Server": "app01", "Cores": 2, "IP addresses": "10.0.0.5",
                                        "MAC": "00-50-56-AA-BB-02"}])  # fmt: skip
    doc = PlanDocument()
    command, report = run_import(doc, ImportRequest(files=[a, b]))
    assert command is not None
    doc.apply(command)
    assert len(doc.workloads) == 2 and not report.matches
    # ...and a shared MAC merges machines whatever their names.
    c = _csv(tmp_path / "c.csv", [{"Hostname": "renamed", "CPUs": 2, "IP": "10.9.9.9",
                                   "MAC Address": "0050.56aa.bb02"}])  # fmt: skip
    command, report = run_import(doc, ImportRequest(files=[c]))
    assert [m.evidence for m in report.matches] == ["same MAC address 00:50:56:aa:bb:02"]
    assert report.added == []


def test_two_vcenters_reusing_names_stay_apart(tmp_path: Path, gen: ModuleType) -> None:
    vms = [v for v in gen.make_vms(12, vcenters=("vc01.test", "vc02.test")) if not v.template]
    path = gen.write_rvtools_xlsx(tmp_path / "two.xlsx", vms, "4.7")
    doc = PlanDocument()
    command, report = run_import(doc, ImportRequest(files=[path]))
    assert command is not None
    doc.apply(command)
    assert len(doc.workloads) == len(vms) and report.merged == 0


def test_duplicate_across_two_files_is_one_workload(tmp_path: Path) -> None:
    a = _csv(tmp_path / "a.csv", [{"Name": "app01", "CPUs": 2, "IP": "10.0.0.5"},
                                  {"Name": "app02", "CPUs": 2, "IP": "10.0.0.6"}])  # fmt: skip
    b = _csv(tmp_path / "b.csv", [{"Name": "app01", "CPUs": 2, "IP": "10.0.0.5",
                                   "Owner": "Team Blue"}])  # fmt: skip
    doc = PlanDocument()
    command, report = run_import(doc, ImportRequest(files=[a, b]))
    assert command is not None
    doc.apply(command)
    assert sorted(w.name for w in doc.workloads.values()) == ["app01", "app02"]
    assert _by_name(doc)["app01"].owner == "Team Blue"
    _adds_up(report)


@pytest.fixture
def curated(tmp_path: Path) -> tuple[PlanDocument, History, Path]:
    first = _csv(tmp_path / "inv1.csv", [
        {"Name": "app01", "CPUs": 2, "Owner": "Ops", "Notes": "from vCenter", "Tags": "a"},
        {"Name": "app02", "CPUs": 4, "Owner": "Ops", "Notes": "", "Tags": ""},
    ])  # fmt: skip
    doc = PlanDocument()
    history = History(doc)
    command, _ = run_import(doc, ImportRequest(files=[first]))
    assert command is not None
    history.do(command)
    app01 = _by_name(doc)["app01"].id
    history.do(UpdateEntities.same([app01], owner="Alice Smith", tags=("payments", "pci"),
                                   notes="Cut over with the payments team only"))  # fmt: skip
    return doc, history, tmp_path


def test_curated_values_survive_a_reimport_without_those_columns(
    curated: tuple[PlanDocument, History, Path],
) -> None:
    doc, history, tmp = curated
    wl = _by_name(doc)["app01"]
    assert set(wl.curated) == {"owner", "tags", "notes"}
    # A newer export with no owner or tags column, and a different annotation.
    newer = _csv(tmp / "inv2.csv", [
        {"Name": "app01", "CPUs": 8, "Notes": "vCenter annotation v2"},
        {"Name": "app02", "CPUs": 4, "Notes": ""},
    ])  # fmt: skip
    command, report = run_import(doc, ImportRequest(files=[newer]))
    assert command is not None
    history.do(command)
    wl = _by_name(doc)["app01"]
    assert wl.owner == "Alice Smith" and wl.tags == ("payments", "pci")
    assert wl.notes == "Cut over with the payments team only" and wl.vcpu == 8
    assert _by_name(doc)["app02"].owner == "Ops"  # no column: not blanked either
    [conflict] = report.conflicts
    assert (conflict.name, conflict.field, conflict.offered) == (
        "app01",
        "notes",
        "vCenter annotation v2",
    )
    assert not conflict.taken
    assert any(line.strip().startswith("Conflicts: 1 value(s)") for line in report.summary_lines())
    # Where each value came from.
    assert field_origin(wl, "owner").describe() == "set by a person"
    assert field_origin(wl, "vcpu").describe() == "inv2.csv, row 2, column 'CPUs'"
    _adds_up(report)


def test_conflicts_taken_from_the_file_on_request(
    curated: tuple[PlanDocument, History, Path],
) -> None:
    doc, history, tmp = curated
    newer = _csv(tmp / "inv2.csv", [{"Name": "app01", "CPUs": 2, "Owner": "Bob",
                                     "Notes": "v2"}])  # fmt: skip
    app01 = _by_name(doc)["app01"].id
    result = import_inventory([newer])
    command, report = plan_import(doc, result, take_file={(app01, "owner")})
    assert command is not None
    history.do(command)
    wl = doc.workloads[app01]
    assert wl.owner == "Bob" and wl.notes == "Cut over with the payments team only"
    assert "owner" not in wl.curated and "notes" in wl.curated
    assert [c.taken for c in report.conflicts] == [True, False]
    command, report = plan_import(doc, import_inventory([newer]), take_file=TAKE_ALL)
    assert command is not None
    history.do(command)
    assert doc.workloads[app01].notes == "v2" and doc.workloads[app01].curated == ("tags",)


def test_undo_of_an_edit_takes_the_curated_mark_away(
    curated: tuple[PlanDocument, History, Path],
) -> None:
    doc, history, _ = curated
    history.undo()
    wl = _by_name(doc)["app01"]
    assert wl.owner == "Ops" and wl.curated == ()


def test_provenance_survives_a_save(
    curated: tuple[PlanDocument, History, Path], tmp_path: Path
) -> None:
    from migplan.io.planfile import load_plan, save_plan

    doc, _, _ = curated
    save_plan(doc, tmp_path / "p.migplan")
    wl = _by_name(load_plan(tmp_path / "p.migplan"))["app01"]
    assert wl.curated == ("notes", "owner", "tags")
    assert field_origin(wl, "vcpu").describe() == "inv1.csv, row 2, column 'CPUs'"
    # A plan saved before columns were recorded still says the file and row.
    old = wl.model_copy(update={"sources": (SourceRef(file="old.xlsx", sheet="vInfo", row=7),)})
    assert field_origin(old, "vcpu").describe() == "old.xlsx, sheet vInfo, row 7"
