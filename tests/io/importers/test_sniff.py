"""Saying what a file is (issue 10, point 6): IPAM exports, performance counter series,
installed-software inventories and CMDB extracts without sizing are named and refused, never
imported as workloads of nothing; real inventories and dependency exports are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from migplan.core.document import PlanDocument
from migplan.io.errors import ImportFormatError
from migplan.io.importers.pipeline import ImportRequest, classify_file, file_verdict, run_import

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
EXPECTED = (
    "MigPlan imports inventories of machines with at least a name and CPU, memory or storage "
    "(RVTools, Azure Migrate, AWS Migration Hub, Google Migration Center, Live Optics, CMDB "
    "sheets with sizing) and dependency exports."
)


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def software(tmp_path: Path) -> Path:
    return _csv(
        tmp_path / "inventory.csv",
        "Computer,Product,Version,Publisher,Install date",
        [
            f"{vm},{p},{v},{pub},2026-03-0{i % 9 + 1}"
            for i, (vm, (p, v, pub)) in enumerate(
                (vm, sw)
                for vm in ("web01", "web02", "db01")
                for sw in (
                    ("7-Zip", "23.01", "Igor Pavlov"),
                    ("Notepad++", "8.6", "Notepad++ Team"),
                    ("OpenSSL", "3.0.13", "OpenSSL Project"),
                )
            )
        ],
    )


def ipam(tmp_path: Path) -> Path:
    return _csv(
        tmp_path / "ipam.csv",
        "IP Address,Subnet,MAC Address,Hostname,Status,VLAN",
        [
            f"10.20.{i // 250}.{i % 250 + 1},10.20.{i // 250}.0/24,02:00:00:00:{i // 256:02x}:"
            f"{i % 256:02x},host{i:03d},Used,{100 + i // 250}"
            for i in range(12)
        ],
    )


def perf_series(tmp_path: Path) -> Path:
    rows = [
        f"2026-11-0{day} {hour:02d}:00,{vm},{(day * hour) % 97},{2048 + hour},{hour * 11}"
        for day in (1, 2)
        for hour in range(0, 24, 6)
        for vm in ("web01", "db01", "app01")
    ]
    return _csv(tmp_path / "perf.csv", "Timestamp,VM,CPU usage %,Memory usage (MB),IOPS", rows)


def vrops(tmp_path: Path) -> Path:
    rows = [
        f'"web0{i % 3}",{h}:00 AM 21 July 2026,"1,2{i}0",0.{i}' for i in range(9) for h in (1, 2)
    ]
    return _csv(
        tmp_path / "vrops.csv",
        "Name,Interval Breakdown,VM|CPU|Demand (MHz)|Avg,VM|CPU|Ready (%)|Max",
        rows,
    )


def cmdb(tmp_path: Path) -> Path:
    return _csv(
        tmp_path / "cmdb.csv",
        "Name,sys_class_name,Operational status,Support group,Owned by,Environment",
        [
            f"srv{i:02d},cmdb_ci_linux_server,Operational,Unix Ops,J. Doe,Production"
            for i in range(6)
        ],
    )


CASES = {
    "software": (
        software,
        "inventory.csv looks like an installed-software inventory (columns Product, Version, "
        "Publisher): " + EXPECTED,
    ),
    "ipam": (
        ipam,
        "ipam.csv looks like an IP address management (IPAM) export (columns IP Address, "
        "Subnet, MAC Address, Status): " + EXPECTED,
    ),
    "perf": (
        perf_series,
        "perf.csv looks like a time series of performance counters (about 8 rows per "
        "machine) (columns Timestamp, CPU usage %, Memory usage (MB), IOPS): " + EXPECTED,
    ),
    "vrops": (
        vrops,
        "vrops.csv looks like a time series of performance counters (about 6 rows per "
        "machine) (columns Interval Breakdown, VM|CPU|Demand (MHz)|Avg, VM|CPU|Ready (%)|Max): "
        + EXPECTED,
    ),
    "cmdb": (
        cmdb,
        "cmdb.csv looks like a CMDB extract without sizing (columns Name, sys_class_name, "
        "Operational status, Support group): " + EXPECTED,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_files_that_hold_no_machines_are_named_and_refused(tmp_path: Path, case: str) -> None:
    make, sentence = CASES[case]
    path = make(tmp_path)
    assert file_verdict(path) == ("unsupported", sentence)
    doc = PlanDocument()
    with pytest.raises(ImportFormatError) as err:
        run_import(doc, ImportRequest([path]))
    assert str(err.value) == f"{path}: {sentence.removeprefix(path.name + ' ')}"
    assert doc.workloads == {}


def test_azure_software_inventory_workbook_is_named(tmp_path: Path) -> None:
    """Azure Migrate's software inventory export: four sheets, none of machines."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    sheets = {
        "ApplicationInventory": (["MachineName", "Application", "Version", "Provider"],
                                 ["web01", "Microsoft Edge", "120.0", "Microsoft Corporation"]),
        "FeaturesAndRoles": (["MachineName", "Feature", "Type", "Parent"],
                             ["web01", "Web Server (IIS)", "Role", ""]),
        "SQLServer": (["MachineName", "Instance Name", "Edition", "Service Pack", "Version"],
                      ["db01", "MSSQLSERVER", "Standard", "", "15.0"]),
    }  # fmt: skip
    for name, (header, row) in sheets.items():
        ws = book.create_sheet(name)
        ws.append(header)
        ws.append(row)
    path = tmp_path / "software.xlsx"
    book.save(path)
    kind, why = file_verdict(path)
    assert kind == "unsupported"
    assert why.startswith(
        "software.xlsx looks like an installed-software inventory (columns Application, "
        "Version, Provider)"
    )


def test_a_plain_list_of_machines_imports_with_a_warning(tmp_path: Path) -> None:
    path = _csv(tmp_path / "names.csv", "Name,Owner", ["web01,J. Doe", "db01,A. N. Other"])
    assert classify_file(path) == "inventory"
    command, report = run_import(PlanDocument(), ImportRequest([path]))
    assert command is not None
    (warning,) = [i for i in report.issues if i.action == "warning"]
    assert warning.file == "names.csv"
    assert warning.reason.startswith("no CPU, memory or storage column")


def test_a_time_series_is_refused_even_with_a_cpu_column(tmp_path: Path) -> None:
    """``CPU`` is a vCPU synonym, but machines on many rows with a timestamp are samples."""
    rows = [f"2026-11-01 0{h}:00,vm{n},{h * 10}" for h in range(4) for n in range(3)]
    path = _csv(tmp_path / "cpu.csv", "Time,Server,CPU", rows)
    assert classify_file(path) == "unsupported"


ALL_FIXTURES = sorted(
    p.relative_to(FIXTURES).as_posix()
    for folder in ("imports", "deps")
    for p in (FIXTURES / folder).rglob("*")
    if p.is_file() and not p.name.startswith("hostile_")
)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_no_fixture_is_taken_for_something_else(name: str) -> None:
    """Every real-shaped inventory and dependency fixture keeps its kind."""
    kind = classify_file(FIXTURES / name)
    if name == "imports/app_map.csv":
        assert kind == "unsupported"  # it is an application map, not an inventory
        assert "a workload-to-application map" in file_verdict(FIXTURES / name)[1]
    else:
        assert kind != "unsupported", file_verdict(FIXTURES / name)[1]
    expected = "dependencies" if name.startswith("deps/") else {"inventory", "rvtools"}
    if name.startswith("deps/"):
        assert kind == expected
    elif name != "imports/app_map.csv":
        assert kind in expected
