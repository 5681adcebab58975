"""Progress and cancel, duplicate keys in generic sheets, odd CSVs (property-based)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migplan.core.document import PlanDocument
from migplan.core.progress import CallbackProgress, Cancelled
from migplan.io.errors import ImportFormatError
from migplan.io.importers.inventory import import_inventory
from migplan.io.importers.pipeline import ImportRequest, run_import
from migplan.io.tables import read_tables


def test_progress_reported_and_cancel_stops(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("VM,CPUs\n" + "".join(f"vm{i},2\n" for i in range(4100)), encoding="utf-8")
    seen: list[tuple[int, int, str]] = []
    import_inventory([path], progress=CallbackProgress(lambda d, t, m: seen.append((d, t, m)), 0))
    reading = [d for d, t, m in seen if m == "Reading p.csv:p"]
    assert reading == [0, 2000, 4000]
    assert seen[-1][0] == seen[-1][1]

    progress = CallbackProgress(None)
    calls = 0

    def cancel_later(done: int, total: int, message: str) -> None:
        nonlocal calls
        calls += 1
        if done >= 2000:
            progress.cancel()

    progress._callback = cancel_later  # the test drives the callback
    progress._interval = 0
    with pytest.raises(Cancelled):
        import_inventory([path], progress=progress)
    assert calls > 1


def test_a_name_twice_never_refuses_the_file(tmp_path: Path) -> None:
    """Nothing tells the two web1 rows apart: the first is imported, the second is left
    out and the report says so, naming both rows; the rest of the file imports."""
    path = tmp_path / "servers.csv"
    path.write_text("Server,CPUs\nweb1,2\ndb1,4\nWEB1,8\n", encoding="utf-8")
    result = import_inventory([path])
    assert sorted((w.name, w.vcpu) for w in result.workloads) == [("db1", 4), ("web1", 2)]
    (issue,) = [i for i in result.report.issues if i.row == 4]
    assert issue.action == "skipped" and "shares its name with row 2" in issue.reason
    assert result.report.imported == 2 and result.report.skipped == 1


def test_same_name_different_mac_are_two_workloads_and_true_duplicates_one(
    tmp_path: Path,
) -> None:
    """An Azure Migrate assessment where two machines share a name but not a MAC address:
    two workloads, each keyed by its MAC (stable in the next export); a row repeated as
    is imports once and is reported once."""
    path = tmp_path / "assessment.csv"
    path.write_text(
        "Machine,Cores,MAC address\n"
        "app01,4,00:15:5d:00:01:01\n"
        "app01,8,00:15:5d:00:02:02\n"
        "db01,4,00:15:5d:00:03:03\n"
        "db01,4,00:15:5d:00:03:03\n",
        encoding="utf-8",
    )
    result = import_inventory([path])
    apps = sorted((w.vcpu, w.source_key) for w in result.workloads if w.name == "app01")
    assert apps == [(4, ""), (8, "00:15:5d:00:02:02")]
    assert len({w.id for w in result.workloads}) == 3
    kinds = sorted((i.row, i.action) for i in result.report.issues)
    assert kinds == [(3, "corrected"), (5, "skipped")]
    assert result.report.imported == 3 and result.report.skipped == 1
    again = import_inventory([path])
    assert sorted(w.id for w in again.workloads) == sorted(w.id for w in result.workloads)


def test_same_vm_in_two_files_is_one_workload(tmp_path: Path, fixtures: Path) -> None:
    copy = tmp_path / "again.csv"
    copy.write_bytes((fixtures / "azure_import.csv").read_bytes())
    doc = PlanDocument()
    once, _ = run_import(doc, ImportRequest(files=[fixtures / "azure_import.csv"]))
    twice, report = run_import(doc, ImportRequest(files=[fixtures / "azure_import.csv", copy]))
    assert once is not None and twice is not None
    doc.apply(twice)
    assert len(doc.workloads) == len(report.added) == report.merged
    assert report.rows_read == 2 * len(report.added)
    assert all({s.file for s in w.sources} == {"azure_import.csv", "again.csv"}
               for w in doc.workloads.values())  # fmt: skip


def test_unusable_values_are_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        "Name,CPUs,Memory (GB),IP address,Provisioned MB,In use MB\n"
        "a,lots,Not applicable,10.0.0.1; fe80::1; bogus,100,500000\n",
        encoding="utf-8",
    )
    (wl,) = import_inventory([path]).workloads
    assert wl.vcpu == 0 and wl.attributes["CPUs"] == "lots"
    assert wl.memory_mib == 0 and wl.attributes["Memory (GB)"] == "Not applicable"
    assert wl.ips == ("10.0.0.1",) and "bogus" in str(wl.attributes["IP address"])
    # used > provisioned: the used value is set aside, reported, and kept.
    assert wl.storage_used_mib == 0 and wl.attributes["In use MB"] == 500000
    report = import_inventory([path]).report
    columns = {(i.column, i.action) for i in report.issues}
    assert ("CPUs", "corrected") in columns and ("In use MB", "corrected") in columns
    assert all(i.row == 2 and i.file == "odd.csv" for i in report.issues)


_cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from(['"', ",", ";", "\t", "\n", "\r", " "]),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_csv_round_trip(
    tmp_path: Path, rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    """Whatever Excel-style CSV writer produced the file, cells come back as written."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["Alpha", "Beta", "Gamma"])
    writer.writerows(rows)
    path = tmp_path / "r.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    (table,) = read_tables(path)
    assert table.headers == ["Alpha", "Beta", "Gamma"]
    expected = list(rows)
    while expected and not any(expected[-1]):
        expected.pop()
    # skipinitialspace drops spaces before a cell, which quoted cells do not have.
    assert [[c.replace("\r\n", "\n") for c in r] for r in table.rows] == [
        [c.replace("\r\n", "\n") for c in r] for r in expected
    ]


def test_repeated_headers_keep_every_cell(tmp_path: Path) -> None:
    path = tmp_path / "rep.csv"
    path.write_text("Name,Network,Network,,\nsrv,VLAN10,VLAN20,x,y\n", encoding="utf-8")
    (wl,) = import_inventory([path]).workloads
    assert wl.attributes == {"Network": "VLAN10", "Network (2)": "VLAN20", "Column 4": "x",
                             "Column 5": "y"}  # fmt: skip


def test_workbook_saved_as_csv_is_read_as_workbook(tmp_path: Path, fixtures: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_bytes((fixtures / "liveoptics.xlsx").read_bytes())
    tables = read_tables(path)
    assert "VMs" in [t.sheet for t in tables]


@pytest.mark.parametrize("column", ["Name", "Notes", "Extra"])
def test_huge_cell_named_in_any_column(tmp_path: Path, column: str) -> None:
    path = tmp_path / "big.csv"
    cells = {"Name": "srv", "Notes": "n", "Extra": "e"}
    cells[column] = "q" * 200_000
    path.write_text(
        "Name,Notes,Extra\nok,1,2\n" + ",".join(cells.values()) + "\n", encoding="utf-8"
    )
    with pytest.raises(ImportFormatError) as err:
        import_inventory([path])
    assert f"big.csv, row 3, column '{column}': a cell holds 200,000 characters" in str(err.value)


def test_overlong_short_field_kept_as_attribute(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("Name,CPUs,Datacenter\nsrv,2," + "d" * 1500 + "\n", encoding="utf-8")
    result = import_inventory([path])
    (wl,) = result.workloads
    assert wl.datacenter == "" and wl.attributes["Datacenter"] == "d" * 1500
    assert [(i.action, i.column) for i in result.report.issues] == [("corrected", "Datacenter")]


def test_fast_path_odd_cells(tmp_path: Path, gen: ModuleType) -> None:
    path = gen.write_xlsx(
        tmp_path / "odd.xlsx",
        {
            "Servers": [
                ["Name", "CPUs", "Memory", "Datacenter", "Owner"],
                [12345, 4.0, 2048, "  DC-1  ", True],
                ["web", "8", -1, "", None],
                ["db", True, 4096.7, "x" * 1001, "ops"],
            ]
        },
    )
    result = import_inventory([path])
    by_name = {w.name: w for w in result.workloads}
    first = by_name["12345"]
    assert (first.vcpu, first.memory_mib, first.datacenter) == (4, 2048, "DC-1")
    assert first.owner == "True"
    web = by_name["web"]
    assert web.vcpu == 8 and web.memory_mib == 0 and web.attributes["Memory"] == -1
    db = by_name["db"]
    assert db.vcpu == 0 and db.attributes["CPUs"] is True and db.memory_mib == 4097
    assert db.datacenter == "" and db.attributes["Datacenter"] == "x" * 1001 and db.owner == "ops"
    kinds = {(i.row, i.column, i.action) for i in result.report.issues}
    assert {
        (3, "Memory", "corrected"),
        (4, "CPUs", "corrected"),
        (4, "Datacenter", "corrected"),
    } <= kinds
