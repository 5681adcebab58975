"""RVTools exports of every era: 4.7 (MiB), 4.0.7 (MB), 3.x CSV-per-tab, trimmed workbooks."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from migplan.core.enums import OsFamily, PowerState
from migplan.core.ids import app_id
from migplan.core.osnorm import normalize_os
from migplan.io.errors import ImportFormatError
from migplan.io.importers.inventory import import_inventory
from migplan.io.importers.rvtools import import_rvtools


def by_key(result, vcenter: str, name: str):  # type: ignore[no-untyped-def]
    found = [w for w in result.workloads if w.name == name and w.source_system == vcenter]
    assert len(found) == 1, (vcenter, name, [(w.name, w.source_system) for w in result.workloads])
    return found[0]


def test_rvtools_47_two_vcenters_templates_and_sheets(fixtures: Path, gen: ModuleType) -> None:
    result = import_inventory([fixtures / "rvtools_4.7_mib.xlsx"])
    vms = gen.make_vms(24, seed=7, vcenters=("vc01.example.test", "vc02.example.test"))
    templates = [vm for vm in vms if vm.template]
    assert len(result.workloads) == len(vms) - len(templates)
    assert result.report.skipped == len(templates)
    assert sum("template" in i.reason for i in result.report.issues) == len(templates)
    # The same VM name in two vCenters stays two workloads with different ids.
    a = by_key(result, "vc01.example.test", "vm0000")
    b = by_key(result, "vc02.example.test", "vm0000")
    assert a.id != b.id
    for vm in vms:
        if vm.template:
            continue
        wl = by_key(result, vm.vcenter, vm.name)
        assert wl.source_key == vm.uuid
        assert wl.vcpu == vm.cpus and wl.memory_mib == vm.memory
        assert wl.storage_provisioned_mib == vm.provisioned and wl.storage_used_mib == vm.used
        assert list(wl.ips) == vm.ips  # primary IP plus every vNetwork address, no duplicates
        assert wl.power_state is {"poweredOn": PowerState.ON, "poweredOff": PowerState.OFF,
                                  "suspended": PowerState.SUSPENDED}[vm.power]  # fmt: skip
        # the configured OS, unless VMware Tools reports one that says more (a version)
        tools_says_more = (
            bool(normalize_os(vm.os_tools).version) and not normalize_os(vm.os_cfg).version
        )
        assert wl.os_reported == (vm.os_tools if tools_says_more else vm.os_cfg)
        assert vm.os_cfg in (wl.os_reported, *wl.attributes.values())
        assert wl.os_family in (OsFamily.WINDOWS, OsFamily.LINUX)
        assert (wl.datacenter, wl.cluster, wl.host) == (vm.datacenter, vm.cluster, vm.host)
        assert wl.notes == vm.annotation
        assert wl.application_id == (app_id(vm.app.casefold()) if vm.app else None)
        assert wl.attributes["vHost.ESX Version"].startswith("VMware ESXi 8.0.2")
        assert wl.attributes["vMetaData.RVTools version"] == "4.7.1.4"
        assert wl.attributes["SMBIOS UUID"] == vm.smbios
        assert wl.attributes["vDisk.Capacity MiB"] == "; ".join(str(d) for d in vm.disks)
        assert wl.attributes["vNetwork.Mac Address"].startswith("00:50:56:00:")
    assert (
        sum("Cost Center" in w.attributes for w in result.workloads) >= len(result.workloads) // 2
    )
    assert any("4.7.1.4" in note for note in result.report.notes)
    capacity = [n for n in result.report.notes if n.startswith("Capacity of CL0 (vc01")]
    assert capacity and "256 cores, 4096 GiB memory" in capacity[0]
    assert {c.unit for c in result.report.conversions} == {"MiB"}


def test_include_templates_keeps_them_flagged(fixtures: Path) -> None:
    result = import_rvtools([fixtures / "rvtools_4.7_mib.xlsx"], include_templates=True)
    flagged = [w for w in result.workloads if w.is_template]
    assert len(result.workloads) == 24 and len(flagged) == 2


def test_rvtools_407_mb_headers_same_numbers(fixtures: Path, gen: ModuleType) -> None:
    result = import_inventory([fixtures / "rvtools_4.0.7_mb.xlsx"])
    vms = {vm.name: vm for vm in gen.make_vms(12, seed=8)}
    assert result.workloads
    for wl in result.workloads:
        vm = vms[wl.name]
        # "MB" in RVTools was always mebibytes: no 1.048576 factor.
        assert wl.storage_provisioned_mib == vm.provisioned and wl.memory_mib == vm.memory
        assert wl.source_key == vm.smbios  # pre-4.3.1 VM UUID held the BIOS UUID
    assert any("Data Mover (IBM Spectrum Protect)" in w.attributes for w in result.workloads)
    units = {(c.column, c.unit) for c in result.report.conversions}
    assert ("Provisioned MB", "MB") in units and ("In Use MB", "MB") in units


def test_rvtools_3x_csv_per_tab(fixtures: Path, gen: ModuleType) -> None:
    # Only vInfo is named: the sibling vNetwork tab file is picked up.
    result = import_inventory([fixtures / "rvtools3x_csv" / "RVTools_tabvInfo.csv"])
    vms = {vm.name: vm for vm in gen.make_vms(8, seed=10)}
    assert len(result.workloads) == 8
    assert len(result.report.files) == 2
    for wl in result.workloads:
        vm = vms[wl.name]
        assert wl.memory_mib == vm.memory  # written as "16,384"
        assert wl.storage_provisioned_mib == vm.provisioned
        assert wl.notes == vm.annotation  # multi-line, with quotes
        assert list(wl.ips) == vm.ips  # vInfo primary IP, then vNetwork addresses
    assert sum("NB_LAST_BACKUP" in w.attributes for w in result.workloads) >= 4
    assert all(w.sources[0].sheet == "vInfo" for w in result.workloads)


def test_trimmed_workbook(fixtures: Path, gen: ModuleType) -> None:
    result = import_inventory([fixtures / "rvtools_trimmed.xlsx"])
    assert len(result.workloads) == 10
    vms = {vm.name: vm for vm in gen.make_vms(10, seed=9)}
    for wl in result.workloads:
        assert wl.vcpu == vms[wl.name].cpus
        assert wl.attributes["vDisk.Disk"].startswith("Hard disk 1")


def test_missing_vinfo_is_one_clear_error(tmp_path: Path, gen: ModuleType) -> None:
    path = gen.write_xlsx(tmp_path / "RVTools_export.xlsx", {"vHost": [["Host"], ["esx1"]]})
    with pytest.raises(ImportFormatError) as err:
        import_rvtools([path])
    assert "RVTools_export.xlsx" in str(err.value) and "vInfo is missing" in str(err.value)
    assert "vHost" in str(err.value)


def test_cloned_bios_uuid_falls_back_to_vm_id(tmp_path: Path, gen: ModuleType) -> None:
    vms = gen.make_vms(4, seed=3)
    vms[1].smbios = vms[0].smbios  # a clone before 4.3.1 copies the BIOS UUID
    path = gen.write_rvtools_xlsx(tmp_path / "clones.xlsx", vms, "4.0.7")
    result = import_rvtools([path])
    keys = sorted(w.source_key for w in result.workloads)
    assert vms[0].moref in keys and vms[1].moref in keys and vms[2].smbios in keys


def test_true_duplicate_rows_imported_once_and_reported(tmp_path: Path, gen: ModuleType) -> None:
    vms = gen.make_vms(3, seed=3)
    sheets = gen.rvtools_sheets(vms, "4.7")
    sheets["vInfo"].append(list(sheets["vInfo"][1]))
    path = gen.write_xlsx(tmp_path / "dup.xlsx", sheets)
    result = import_rvtools([path])
    assert len(result.workloads) == 3
    (issue,) = [i for i in result.report.issues if i.row == 5]
    assert issue.action == "skipped" and issue.file == "dup.xlsx"
    assert "the same as row 2: a duplicate row" in issue.reason


def test_prefixed_csv_headers(tmp_path: Path) -> None:
    """The CSV flavour third-party parsers describe (vInfoVMName, ...); no real sample seen."""
    path = tmp_path / "RVTools_tabvInfo.csv"
    path.write_text(
        "vInfoVMName,vInfoPowerstate,vInfoTemplate,vInfoCPUs,vInfoMemory,vInfoProvisioned,"
        "vInfoInUse,vInfoOS,vInfoPrimaryIPAddress,vInfoUUID,vInfoVISDKServer,vInfoNICs\n"
        "app1,poweredOn,False,4,8192,102400,51200,Ubuntu Linux (64-bit),10.1.1.1,50aa,vc9,1\n",
        encoding="utf-8",
    )
    (wl,) = import_rvtools([path]).workloads
    assert (wl.name, wl.vcpu, wl.memory_mib, wl.storage_used_mib) == ("app1", 4, 8192, 51200)
    assert (wl.source_system, wl.source_key, wl.ips) == ("vc9", "50aa", ("10.1.1.1",))
    assert wl.power_state is PowerState.ON and wl.os_distro == "ubuntu"
    assert wl.attributes == {"vInfoNICs": "1"}  # CSV text is kept as written


def test_summary_counts_alike_issues_on_one_line(fixtures: Path, gen: ModuleType) -> None:
    """Thousands of templates read as one line a kind, then each one up to the limit."""
    result = import_inventory([fixtures / "rvtools_4.7_mib.xlsx"])
    issues = result.report.issues
    templates = [i for i in issues if "template" in i.reason]
    assert len(templates) >= 2
    lines = result.report.summary_lines(max_issues=1)
    kind = next(line for line in lines if "template" in line and " x rvtools" in line)
    assert kind.strip().startswith(
        f"{len(templates):,} x rvtools_4.7_mib.xlsx, sheet vInfo: skipped:"
    )
    each = lines.index("  Each one:")
    assert lines.index(kind) < each
    assert lines[each + 1].strip() == issues[0].describe()
    assert lines[each + 2].strip() == f"... and {len(issues) - 1} more (see the JSON report)"
