"""Azure Migrate's inventory and assessment exports (issue 10): bracketed IP lists, the VM
host, and every column either a field or an attribute."""

from __future__ import annotations

from pathlib import Path

import pytest

from migplan.io.importers.inventory import import_inventory
from migplan.io.importers.rows import split_ips

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


@pytest.mark.parametrize(
    ("cell", "good", "bad"),
    [
        ("[10.0.0.4,fe80::1];", ["10.0.0.4"], ["fe80::1"]),  # link-local: noise, reported
        ("[10.0.0.4];[10.1.0.5]", ["10.0.0.4", "10.1.0.5"], []),
        ("[10.0.0.4, 2001:db8::5]; [10.1.0.5]", ["10.0.0.4", "2001:db8::5", "10.1.0.5"], []),
        ("[2001:DB8:0:0::7]", ["2001:db8::7"], []),
        ("[10.20.6.8,ftp-old]", ["10.20.6.8"], ["ftp-old"]),
        ("10.0.0.4;;", ["10.0.0.4"], []),
        ("[]", [], []),
    ],
)
def test_azure_ip_lists(cell: str, good: list[str], bad: list[str]) -> None:
    assert split_ips(cell) == (good, bad)


def test_assessment_workbook_maps_fields_and_keeps_the_rest() -> None:
    result = import_inventory([FIXTURES / "azure_assessment.xlsx"])
    by_name = {w.name: w for w in result.workloads}
    assert sorted(by_name) == ["legacy-ftp-01", "shop-batch-01", "shop-db-01", "shop-web-01"]
    db = by_name["shop-db-01"]
    assert db.host == "esx-a02.lab.example.test"
    assert (db.vcpu, db.memory_mib, db.storage_provisioned_mib) == (8, 65536, 1024 * 1024)
    assert db.ips == ("10.20.1.21", "10.20.9.21")
    assert db.os_reported == "Red Hat Enterprise Linux 8"
    assert db.attributes["Azure VM readiness"] == "Ready with conditions"
    assert db.attributes["Recommended size"] == "Standard_E8s_v3"
    assert db.attributes["Boot type"] == "UEFI"
    assert db.attributes["MAC address"] == "[02:00:5e:10:01:21];[02:00:5e:10:09:21]"
    assert db.attributes["Group name"] == "grp-shop"
    batch = by_name["shop-batch-01"]
    assert batch.ips == ("10.20.5.71", "2001:db8:20:5::71")
    assert batch.attributes["Recommended size"] == "Not applicable"
    # 'Not applicable' in a numeric column is no value, not an error.
    assert "CPU usage(%)" not in batch.attributes or batch.attributes["CPU usage(%)"] in (
        "Not applicable",
        None,
    )
    web = by_name["shop-web-01"]
    assert web.ips == ("10.20.0.11",)
    bad = {(i.row, i.column): i.reason for i in result.report.issues}
    assert bad[(5, "IP address")].startswith("not a usable IP address: ftp-old")
    assert bad[(2, "IP address")].startswith("link-local or unspecified, left out: fe80::")
    assert by_name["legacy-ftp-01"].ips == ("10.20.6.8",)
    assert result.report.mappings["azure_assessment.xlsx:All_Assessed_Machines"] == {
        "name": "Machine",
        "os_reported": "Operating system",
        "vcpu": "Cores",
        "memory_mib": "Memory(MB)",
        "storage_provisioned_mib": "Storage(GB)",
        "ips": "IP address",
        "host": "VM host",
    }


def test_discovered_servers_export(tmp_path: Path) -> None:
    """The inventory (discovered servers) columns, as the portal's export names them."""
    path = tmp_path / "discovered.csv"
    path.write_text(
        "Server name,FQDN,Operating system,Operating system version,Cores,Memory (MB),"
        "Storage (GB),IP addresses,MAC addresses,VM host,vCenter Server,Data center,Boot type\n"
        "crm-app-01,crm-app-01.corp.example.test,Windows Server 2022,10.0.20348,4,16384,200,"
        '"[10.30.0.5,fe80::5];[10.31.0.5]","[02:00:5e:30:00:05];[02:00:5e:31:00:05]",'
        "esx-b07.corp.example.test,vc-b.corp.example.test,DC-West,UEFI\n",
        encoding="utf-8",
    )
    (wl,) = import_inventory([path]).workloads
    assert wl.name == "crm-app-01"
    assert wl.dns_name == "crm-app-01.corp.example.test"
    # (the version column joins the OS name, the version is read from both)
    assert wl.os_reported == "Windows Server 2022 10.0.20348"
    assert wl.os_version == "2022"
    assert (wl.vcpu, wl.memory_mib, wl.storage_provisioned_mib) == (4, 16384, 200 * 1024)
    assert wl.ips == ("10.30.0.5", "10.31.0.5")
    assert wl.host == "esx-b07.corp.example.test"
    assert wl.source_system == "vc-b.corp.example.test"
    assert wl.datacenter == "DC-West"
    assert wl.attributes["MAC addresses"] == "[02:00:5e:30:00:05];[02:00:5e:31:00:05]"
    assert wl.attributes["Boot type"] == "UEFI"


def test_discovery_report_of_azure_migrate_export(tmp_path: Path) -> None:
    """Azure Migrate Export's Discovery_Report sheet (Machine Name, Memory (in MB), IP
    Addresses, Power Stats, Machine ID...)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Properties"
    book.active.append(["Tenant ID", "00000000-0000-0000-0000-000000000000"])
    ws = book.create_sheet("Discovery_Report")
    ws.append(["Machine Name", "Environment", "Operating System", "Cores", "Memory (in MB)",
               "Total Disks", "IP Addresses", "MAC Addresses", "Total Network Adapters",
               "Boot Type", "Power Stats", "Support Status", "Machine ID"])  # fmt: skip
    ws.append(["erp-db-02", "VMware", "Red Hat Enterprise Linux 9", 16, 131072, 3,
               "[10.40.2.12];[10.41.2.12]", "[02:00:5e:40:02:12]", 2, "UEFI", "ON",
               "Mainstream", "m-2f6b0c1e"])  # fmt: skip
    path = tmp_path / "AzureMigrate_Discovery_Report.xlsx"
    book.save(path)
    (wl,) = import_inventory([path]).workloads
    assert (wl.name, wl.vcpu, wl.memory_mib) == ("erp-db-02", 16, 131072)
    assert wl.ips == ("10.40.2.12", "10.41.2.12")
    assert wl.power_state.value == "on"
    assert wl.source_key == "m-2f6b0c1e"
    assert wl.attributes["Boot Type"] == "UEFI"
