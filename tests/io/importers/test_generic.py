"""Known layouts with no mapping (Azure, AWS, Google, Live Optics), mappings and presets."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from migplan.core.enums import OsFamily
from migplan.io.errors import ImportFormatError
from migplan.io.importers.inventory import import_inventory, is_dependency_file
from migplan.io.importers.mapping import (
    ColumnMapping,
    auto_match,
    list_presets,
    load_mapping_arg,
    load_preset,
    save_preset,
)


@pytest.fixture(scope="module")
def vms(gen: ModuleType) -> dict[str, object]:
    return {vm.name: vm for vm in gen.make_vms(10, seed=12)}


def test_azure_import_csv(fixtures: Path, vms: dict) -> None:  # type: ignore[type-arg]
    result = import_inventory([fixtures / "azure_import.csv"])
    assert len(result.workloads) == 10
    for wl in result.workloads:
        vm = vms[wl.name]
        assert wl.vcpu == vm.cpus and wl.memory_mib == vm.memory
        assert list(wl.ips) == vm.ips
        # No total column: the Disk N size (In GB) columns are summed.
        assert wl.storage_provisioned_mib == sum(vm.disks[:2])
        assert wl.os_family in (OsFamily.WINDOWS, OsFamily.LINUX)
        assert wl.attributes["Boot type"] == "UEFI"


def test_aws_import_template(fixtures: Path, vms: dict) -> None:  # type: ignore[type-arg]
    result = import_inventory([fixtures / "aws_import.csv"])
    assert len(result.workloads) == 10
    for wl in result.workloads:
        vm = vms[wl.name]  # VMware.VMName wins over HostName for the name
        assert wl.dns_name == f"{vm.name}.corp.example.test"
        assert wl.memory_mib == vm.memory and list(wl.ips) == vm.ips
        assert wl.source_key.startswith("CMDB")
        assert wl.tags == ("zone:1", "critical:yes")
    apps = {a.name for a in result.applications}
    assert apps == {"Payroll", "Webshop", "CRM", "Data Lake"}


def test_google_vminfo(fixtures: Path, vms: dict) -> None:  # type: ignore[type-arg]
    result = import_inventory([fixtures / "google_vmInfo.csv"])
    for wl in result.workloads:
        vm = vms[wl.name]
        assert wl.memory_mib == vm.memory  # MemoryGiB x 1024
        assert wl.storage_provisioned_mib == (vm.provisioned // 1024) * 1024
        assert list(wl.ips) == vm.ips  # primary plus the ;-separated list, deduplicated
    assert any(c.factor == 1024 for c in result.report.conversions)


def test_live_optics_vms_sheet(fixtures: Path, vms: dict) -> None:  # type: ignore[type-arg]
    result = import_inventory([fixtures / "liveoptics.xlsx"])
    assert len(result.workloads) == 10
    for wl in result.workloads:
        vm = vms[wl.name]
        assert wl.vcpu == vm.cpus and wl.memory_mib == vm.memory
        # The guest's figure, not "Virtual Disk Used" (the datastore's: equal to provisioned).
        assert wl.storage_used_mib == vm.used != vm.provisioned
        assert wl.source_system == vm.vcenter and wl.sources[0].sheet == "VMs"
        if vm.app:  # from the long-format Custom Attributes sheet
            assert wl.attributes["Application"] == vm.app


def test_semicolon_csv_with_decimal_comma_and_override(tmp_path: Path) -> None:
    path = tmp_path / "cmdb.csv"
    path.write_text(
        "Servername;Kerne;RAM (GB);Umgebung;Betriebssystem\n"
        "srv1;4;15,5;Produktion;Windows Server 2019\n"
        "srv2;2;8;dev;RHEL 8\n",
        encoding="cp1252",
    )
    with pytest.raises(ImportFormatError) as err:
        import_inventory([path])
    assert "required column missing" in str(err.value) and "Servername" in str(err.value)
    mapping = ColumnMapping().with_overrides({"name": "Servername", "vcpu": "Kerne",
                                              "memory_mib": "RAM (GB)"})  # fmt: skip
    result = import_inventory([path], mapping)
    first = next(w for w in result.workloads if w.name == "srv1")
    assert first.vcpu == 4 and first.memory_mib == round(15.5 * 1024)
    assert first.environment.value == "production" and first.os_distro == "windows-server"


def test_presets_round_trip(tmp_path: Path) -> None:
    mapping = ColumnMapping({"name": ["Hostname"], "memory_mib": ["Mem"]}, {"memory_mib": "GB"})
    save_preset(tmp_path, "Acme CMDB", mapping)
    assert list_presets(tmp_path) == ["Acme CMDB"]
    loaded = load_preset(tmp_path, "Acme CMDB")
    assert loaded == mapping
    assert load_mapping_arg("Acme CMDB", tmp_path) == mapping
    with pytest.raises(ValueError):
        save_preset(tmp_path, "../escape", mapping)
    with pytest.raises(ImportFormatError, match="no mapping preset named 'nope'"):
        load_preset(tmp_path, "nope")
    csv = tmp_path / "inv.csv"
    csv.write_text("Hostname,Mem\nh1,2\n", encoding="utf-8")
    (wl,) = import_inventory([csv], loaded).workloads
    assert wl.memory_mib == 2048  # the preset forces GB


def test_auto_match_strips_markers_and_units() -> None:
    found = auto_match(["*Server Name", "*Memory (In MB)", "PrimaryIPAddress(optional)", "CPUs"])
    assert found.columns["name"] == ["*Server Name"]
    assert found.columns["memory_mib"] == ["*Memory (In MB)"]
    assert found.columns["ips"] == ["PrimaryIPAddress(optional)"]


def test_dependency_files_told_apart(tmp_path: Path, fixtures: Path) -> None:
    deps = tmp_path / "deps.csv"
    deps.write_text(
        "Time slot,Source server name,Source IP,Source application,Source process,"
        "Destination server name,Destination IP,Destination application,Destination process,"
        "Destination port\n",
        encoding="utf-8",
    )
    assert is_dependency_file(deps)
    assert not is_dependency_file(fixtures / "azure_import.csv")
    assert not is_dependency_file(fixtures / "rvtools_4.7_mib.xlsx")


def test_app_map_file(fixtures: Path) -> None:
    result = import_inventory([fixtures / "azure_import.csv"], app_map=fixtures / "app_map.csv")
    names = {a.name for a in result.applications}
    assert names == {"App 0", "App 1", "App 2"}
    assert all(w.application_id for w in result.workloads)


def test_chosen_app_column_must_exist(fixtures: Path) -> None:
    with pytest.raises(ImportFormatError, match="application column 'Team' is not in the sheet"):
        import_inventory([fixtures / "azure_import.csv"], app_column="Team")


@pytest.mark.parametrize(
    "name",
    [
        "rvtools_4.7_mib.xlsx",
        "rvtools_4.0.7_mb.xlsx",
        "rvtools_trimmed.xlsx",
        "rvtools3x_csv/RVTools_tabvInfo.csv",
        "liveoptics.xlsx",
        "azure_import.csv",
        "aws_import.csv",
        "google_vmInfo.csv",
    ],
)
def test_fast_path_records_pass_full_validation(fixtures: Path, name: str) -> None:
    """Workloads built without re-validation must equal what full validation makes of them."""
    from migplan.core.models import Workload

    result = import_inventory([fixtures / name], include_templates=True)
    assert result.workloads
    for wl in result.workloads:
        again = Workload.model_validate(wl.model_dump())
        assert again == wl
        assert again.model_dump_json() == wl.model_dump_json()


def test_azure_assessment_sheet_with_placeholders(tmp_path: Path, gen: ModuleType) -> None:
    path = gen.write_xlsx(
        tmp_path / "assessment.xlsx",
        {
            "Assessment_Summary": [["Name", "Value"], ["Machines", 2]],
            "All_Assessed_Machines": [
                [
                    "Machine",
                    "Group",
                    "Cores",
                    "Memory(MB)",
                    "Storage(GB)",
                    "Operating system",
                    "Monthly compute cost estimate",
                ],
                ["app01", "g1", 4, 16384, 200, "Windows Server 2019", "Not applicable"],
                ["db01", "g1", 8, 32768, 1024, "Red Hat Enterprise Linux 8", 412.5],
            ],
        },
    )
    result = import_inventory([path])
    by_name = {w.name: w for w in result.workloads}
    assert by_name["db01"].storage_provisioned_mib == 1024 * 1024
    assert by_name["app01"].memory_mib == 16384 and by_name["app01"].vcpu == 4
    assert by_name["app01"].attributes["Monthly compute cost estimate"] == "Not applicable"
    assert by_name["db01"].os_distro == "rhel"
    assert all(w.sources[0].sheet == "All_Assessed_Machines" for w in result.workloads)
