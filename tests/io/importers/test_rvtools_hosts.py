"""Legacy hosts from RVTools vHost/vCluster, VMs linked by vInfo's Host column, re-import by
host name, and "hosts unknown" for sources without hosts (issue 14, point 1)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from migplan.core.commands import History, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.economics.licences import legacy_costs
from migplan.core.ids import host_id
from migplan.io.importers.inventory import import_inventory
from migplan.io.importers.merge import plan_import
from migplan.io.importers.rvtools import import_rvtools

VC = "vc01.example.test"


def imported(*paths: Path) -> PlanDocument:
    doc = PlanDocument()
    command, _ = plan_import(doc, import_inventory(list(paths)))
    assert command is not None
    doc.apply(command)
    return doc


def test_vhost_gives_hosts_and_vinfo_links_each_vm_to_its_host(fixtures: Path) -> None:
    result = import_rvtools([fixtures / "rvtools_hosts.xlsx"])
    hosts = {h.name: h for h in result.hosts}
    assert sorted(hosts) == ["esx-a.example.test", "esx-b.example.test", "esx-c.example.test"]
    a, b, c = (hosts[f"esx-{x}.example.test"] for x in "abc")
    assert (a.cpus, a.cores_per_cpu, a.cores) == (2, 8, 16)
    assert (b.cpus, b.cores_per_cpu, b.cores) == (2, 24, 48)
    assert (c.cpus, c.cores_per_cpu, c.cores) == (1, 16, 16)
    assert (a.cluster, b.cluster, c.cluster) == ("CL-A", "CL-BC", "CL-BC")
    assert a.memory_gib == 1024.0  # '# Memory' 1,048,576 MiB
    assert a.source_system == VC and a.id == host_id("esx-a.example.test", VC)
    assert a.sources[0].sheet == "vHost" and a.sources[0].row >= 2
    assert a.attributes["vHost.CPU Model"] == "Intel Xeon Gold 6338"
    assert a.attributes["vCluster.HA enabled"] == "True"  # vCluster's facts on its hosts
    by_host: dict[str | None, list[str]] = {}
    for wl in result.workloads:
        by_host.setdefault(wl.host_id, []).append(wl.name)
    assert {k: len(v) for k, v in by_host.items()} == {a.id: 2, b.id: 3, c.id: 2, None: 1}
    lost = next(w for w in result.workloads if w.host_id is None)
    assert lost.host == "esx-gone.example.test"
    assert any("host vHost does not list" in i.reason for i in result.report.issues)


def test_imported_hosts_give_licensed_cores_by_the_16_core_minimum(fixtures: Path) -> None:
    doc = imported(fixtures / "rvtools_hosts.xlsx")
    assert len(doc.hosts) == 3
    costs = legacy_costs(doc)
    assert costs.hosts_known
    by_name = {h.name: h.licensed_cores for h in costs.hosts}
    assert by_name == {
        "esx-a.example.test": 32,  # 2 x max(8, 16)
        "esx-b.example.test": 48,  # 2 x max(24, 16)
        "esx-c.example.test": 16,  # 1 x 16
    }
    assert costs.licensed_cores_total == 96
    assert "LIC-WORKLOAD-NO-HOST" in {f.rule_id for f in costs.findings}


def test_reimport_updates_hosts_by_name_and_keeps_the_links(
    tmp_path: Path, gen: ModuleType, fixtures: Path
) -> None:
    doc = PlanDocument()
    history = History(doc)
    command, report = plan_import(doc, import_rvtools([fixtures / "rvtools_hosts.xlsx"]))
    assert command is not None and report.created["hosts"] == 3
    history.do(command)
    a = host_id("esx-a.example.test", VC)
    history.do(UpdateEntities(((a, {"notes": "rack 4, out of warranty 2027"}),)))
    linked = {w.id: w.host_id for w in doc.workloads.values()}
    # The next export: esx-a got bigger CPUs.
    gen.HOST_CPUS["esx-a.example.test"] = (2, 20)
    try:
        again = gen.write_rvtools_hosts(tmp_path / "next.xlsx")
    finally:
        gen.HOST_CPUS["esx-a.example.test"] = (2, 8)
    command, report = plan_import(doc, import_rvtools([again]))
    assert command is not None
    assert "hosts" not in report.created
    history.do(command)
    assert len(doc.hosts) == 3
    host = doc.hosts[a]
    assert (host.cpus, host.cores_per_cpu) == (2, 20)
    assert host.notes == "rack 4, out of warranty 2027"  # a person's notes are kept
    assert host.sources[0].file == "next.xlsx"
    assert {w.id: w.host_id for w in doc.workloads.values()} == linked
    assert legacy_costs(doc).licensed_cores_total == 40 + 48 + 16
    history.undo()
    assert doc.hosts[a].cores_per_cpu == 8


def test_every_vm_of_the_main_fixture_is_on_a_host_of_vhost(fixtures: Path) -> None:
    result = import_rvtools([fixtures / "rvtools_4.7_mib.xlsx"])
    names = [(h.source_system, h.name) for h in result.hosts]
    assert len(names) == len(set(names)) == 24  # 12 hosts in each of two vCenters
    assert all((h.cpus, h.cores_per_cpu) == (2, 32) for h in result.hosts)
    ids = {h.id for h in result.hosts}
    assert all(w.host_id in ids for w in result.workloads)
    assert not any("vHost" in i.sheet for i in result.report.issues)


def test_a_host_listed_twice_keeps_its_first_row(tmp_path: Path, gen: ModuleType) -> None:
    sheets = gen.rvtools_sheets(gen.make_vms(4, seed=3))
    vhost = sheets["vHost"]
    twice = list(vhost[1])
    twice[vhost[0].index("Cores per CPU")] = 99
    sheets["vHost"] = [*vhost, twice]
    result = import_rvtools([gen.write_xlsx(tmp_path / "RVTools_export_all.xlsx", sheets)])
    assert len(result.hosts) == len(vhost) - 1
    assert all(h.cores_per_cpu == 32 for h in result.hosts)
    warned = [i for i in result.report.issues if "listed twice in vHost" in i.reason]
    assert len(warned) == 1 and warned[0].row == len(vhost) + 1


def test_an_export_without_vhost_leaves_hosts_unknown(tmp_path: Path, gen: ModuleType) -> None:
    sheets = gen.rvtools_sheets(gen.make_vms(4, seed=3))
    del sheets["vHost"]
    path = gen.write_xlsx(tmp_path / "RVTools_export_all.xlsx", sheets)
    result = import_rvtools([path])
    assert result.hosts == [] and all(w.host_id is None for w in result.workloads)
    assert any("hosts unknown" in n for n in result.report.notes)


def test_a_csv_inventory_has_hosts_unknown_never_invented(fixtures: Path) -> None:
    doc = imported(fixtures / "azure_import.csv")
    assert doc.workloads and not doc.hosts
    assert all(w.host_id is None for w in doc.workloads.values())
    costs = legacy_costs(doc)
    assert not costs.hosts_known and costs.licensed_cores_total == 0 and costs.phases == ()
    assert [f.rule_id for f in costs.findings] == ["LIC-HOSTS-UNKNOWN"]


def test_the_host_link_is_explained_by_the_host_column_not_shown_as_a_field(
    fixtures: Path,
) -> None:
    from migplan.core.provenance import origins

    wl = next(w for w in import_rvtools([fixtures / "rvtools_hosts.xlsx"]).workloads if w.host_id)
    shown = {o.field: o for o in origins(wl)}
    assert "host_id" not in shown
    assert shown["host"].source is not None and shown["host"].column == "Host"


def test_a_vm_moved_to_another_host_is_linked_to_it_on_reimport(
    tmp_path: Path, gen: ModuleType
) -> None:
    vms = gen.make_vms(6, seed=5)
    for vm in vms:
        vm.template = False
    first = gen.write_xlsx(tmp_path / "a.xlsx", gen.rvtools_sheets(vms))
    doc = PlanDocument()
    command, _ = plan_import(doc, import_rvtools([first]))
    assert command is not None
    doc.apply(command)
    moved = next(w for w in doc.workloads.values() if w.name == vms[0].name)
    assert moved.host_id == host_id(vms[0].host, VC)
    vms[0].host, vms[0].cluster = vms[1].host, vms[1].cluster  # vMotion to vm0001's host
    command, report = plan_import(doc, import_rvtools([gen.write_xlsx(tmp_path / "b.xlsx",
                                                       gen.rvtools_sheets(vms))]))  # fmt: skip
    assert command is not None
    doc.apply(command)
    assert doc.workloads[moved.id].host_id == host_id(vms[1].host, VC)
    assert any(c.field == "host_id" for c in report.changed)
