"""Importing into a plan: idempotent re-import, merging into existing edges, bad input,
cancel, and aggregation properties."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migplan.core.document import PlanDocument
from migplan.core.enums import EntityKind
from migplan.core.ids import workload_id
from migplan.core.models import Workload
from migplan.core.progress import CallbackProgress, Cancelled
from migplan.io.errors import ImportFormatError
from migplan.io.importers.deps import DependencyImportOptions, import_dependencies

AZURE_HEADER = (
    "Time slot,Source server name,Source IP,Source application,Source process,"
    "Destination server name,Destination IP,Destination application,Destination process,"
    "Destination port"
)


def _plan(n: int = 6) -> PlanDocument:
    return PlanDocument.from_entities(
        Workload(id=workload_id(f"vm{i}"), name=f"vm{i}", ips=(f"10.1.0.{i + 1}",))
        for i in range(n)
    )


def _azure(path: Path, rows: list[tuple[str, str, int | str]]) -> Path:
    """Rows of (source ip, destination ip, port), one time slot each."""
    lines = [AZURE_HEADER]
    for n, (src, dst, port) in enumerate(rows):
        lines.append(f"1/{n % 28 + 1}/2026 0:00-6:00,,{src},,,,{dst},,,{port}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reimport_of_the_same_file_changes_nothing(tmp_path: Path) -> None:
    doc = _plan()
    path = _azure(tmp_path / "deps.csv", [("10.1.0.1", "10.1.0.2", 443)] * 3)
    command, first = import_dependencies([path], doc)
    doc.apply(command)
    before = doc.to_data()
    (dep,) = doc.dependencies.values()
    assert dep.count == 3 and first.imported == 1
    command, again = import_dependencies([path], doc)
    doc.apply(command)
    assert doc.to_data() == before
    assert (again.imported, again.merged, again.unchanged) == (0, 0, 1)
    assert again.created == {}


def test_a_fuller_export_grows_existing_edges_without_touching_hand_edits(tmp_path: Path) -> None:
    doc = _plan()
    small = _azure(tmp_path / "week1.csv", [("10.1.0.1", "10.1.0.2", 443)] * 2)
    doc.apply(import_dependencies([small], doc)[0])
    (dep,) = doc.dependencies.values()
    from migplan.core.commands import UpdateEntities

    doc.apply(UpdateEntities(((dep.id, {"hard": True, "notes": "keep me"}),)))
    big = _azure(tmp_path / "month.csv", [("10.1.0.1", "10.1.0.2", 443)] * 5)
    command, report = import_dependencies([big], doc)
    doc.apply(command)
    (grown,) = doc.dependencies.values()
    assert grown.id == dep.id and report.merged == 1
    assert (grown.count, grown.weight, grown.hard, grown.notes) == (5, 5.0, True, "keep me")
    # The origin stays the file that first showed the edge.
    assert grown.origin_file == "week1.csv"


def test_two_files_in_one_import_add_up_and_ports_split_edges(tmp_path: Path) -> None:
    doc = _plan()
    a = _azure(tmp_path / "a.csv", [("10.1.0.1", "10.1.0.2", 443)] * 2)
    b = _azure(tmp_path / "b.csv", [("10.1.0.1", "10.1.0.2", 443), ("10.1.0.1", "10.1.0.2", 80)])
    command, report = import_dependencies([a, b], doc)
    doc.apply(command)
    counts = {d.port: d.count for d in doc.dependencies.values()}
    assert counts == {443: 3, 80: 1}
    assert report.files == ["a.csv", "b.csv"]


def test_bad_port_names_file_row_and_column(tmp_path: Path) -> None:
    doc = _plan()
    path = _azure(
        tmp_path / "bad.csv", [("10.1.0.1", "10.1.0.2", 443), ("10.1.0.1", "10.1.0.2", "https")]
    )
    with pytest.raises(ImportFormatError) as err:
        import_dependencies([path], doc)
    assert (err.value.path.name, err.value.row, err.value.column) == (
        "bad.csv",
        3,
        "Destination port",
    )
    assert "'https' is not a port number" in str(err.value)
    assert not doc.dependencies


def test_skip_bad_rows_reports_them_instead(tmp_path: Path) -> None:
    doc = _plan()
    path = _azure(
        tmp_path / "bad.csv", [("10.1.0.1", "10.1.0.2", 443), ("10.1.0.1", "10.1.0.2", 70000)]
    )
    command, report = import_dependencies(
        [path], doc, options=DependencyImportOptions(skip_bad_rows=True)
    )
    doc.apply(command)
    assert len(doc.dependencies) == 1
    (issue,) = report.issues
    assert (issue.row, issue.column, issue.action) == (3, "Destination port", "skipped")


def test_missing_required_column_says_which_and_lists_headers(tmp_path: Path) -> None:
    path = tmp_path / "deps.csv"
    path.write_text(
        "Time slot,Source server name,Source IP,Destination IP\nx,a,10.1.0.1,10.1.0.2\n"
    )
    # Azure's columns without the port: refused, naming the column and the headers found.
    with pytest.raises(ImportFormatError, match="'Destination port' are missing; the head"):
        import_dependencies([path], _plan())
    path.write_text("LocalAddress,LocalPort,RemoteAddress,RemotePort\n1,2,3,4\n")
    with pytest.raises(ImportFormatError, match="'State' are missing; the headers found"):
        import_dependencies([path], _plan())


def test_not_a_dependency_file(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text("VM,CPUs,Memory\nvm1,2,4096\n")
    with pytest.raises(ImportFormatError) as err:
        import_dependencies([path], _plan())
    assert "not a recognised dependency export" in str(err.value)
    assert err.value.path.name == "inventory.csv"
    garbage = tmp_path / "dump.txt"
    garbage.write_bytes(b"\x00\x01\x02binary\xff" * 100)
    with pytest.raises(ImportFormatError):
        import_dependencies([garbage], _plan())


def test_windows_netstat_ano_and_host_option(tmp_path: Path) -> None:
    path = tmp_path / "capture.txt"
    path.write_text(
        "\nActive Connections\n\n  Proto  Local Address          Foreign Address        State           PID\n"
        "  TCP    0.0.0.0:1433           0.0.0.0:0              LISTENING       700\n"
        "  TCP    10.1.0.9:1433          10.1.0.2:50100         ESTABLISHED     700\n"
        "  TCP    10.1.0.9:50500         10.1.0.3:443           ESTABLISHED     900\n",
        encoding="utf-16",
    )
    doc = _plan()
    options = DependencyImportOptions(host_for_file={"capture.txt": "vm5"})
    command, report = import_dependencies([path], doc, options=options)
    doc.apply(command)
    names = {
        (doc.node_name(d.source), doc.node_name(d.target), d.port)
        for d in doc.dependencies.values()
    }
    # 10.1.0.9 is nobody's address; the host is named by the option.
    assert names == {("vm1", "vm5", 1433), ("vm5", "vm2", 443)}
    assert report.formats == {"capture.txt": "netstat/ss connection list"}


def test_edge_list_from_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Flows"
    ws.append(["Client", "Server", "Destination Port", "Proto", "Traffic"])
    ws.append(["vm0", "vm1", 5432, "tcp", 1.5])
    ws.append(["vm0", "vm1", 5432.0, "tcp", 0.5])
    ws.append(["vm2", "203.0.113.9", 53, "udp", None])
    path = tmp_path / "flows.xlsx"
    wb.save(path)
    doc = _plan()
    command, report = import_dependencies([path], doc)
    doc.apply(command)
    by_port = {d.port: d for d in doc.dependencies.values()}
    assert (by_port[5432].count, by_port[5432].weight) == (2, 2.0)
    assert doc.kind_of_id(by_port[53].target) is EntityKind.EXTERNAL
    assert report.issues == [] or all(i.action != "skipped" for i in report.issues)


def test_cancel_stops_the_import(tmp_path: Path) -> None:
    path = _azure(tmp_path / "deps.csv", [("10.1.0.1", "10.1.0.2", 443)] * 10)
    progress = CallbackProgress()
    progress.cancel()
    with pytest.raises(Cancelled):
        import_dependencies([path], _plan(), progress)


ROW = st.tuples(
    st.integers(min_value=0, max_value=7),  # 6 and 7 are not in the plan -> external
    st.integers(min_value=0, max_value=7),
    st.sampled_from([22, 443, 1433]),
)


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=40))
def test_every_row_is_counted_once_somewhere(tmp_path_factory: pytest.TempPathFactory,
                                             rows: list[tuple[int, int, int]]) -> None:  # fmt: skip
    path = tmp_path_factory.mktemp("deps") / "deps.csv"
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(AZURE_HEADER.split(","))
        for s, t, port in rows:
            out.writerow(
                [
                    "1/1/2026 0:00-6:00",
                    "",
                    f"10.1.0.{s + 1}",
                    "",
                    "",
                    "",
                    f"10.1.0.{t + 1}",
                    "",
                    "",
                    port,
                ]
            )
    doc = _plan()
    command, report = import_dependencies([path], doc)
    doc.apply(command)
    self_edges = sum(1 for s, t, _ in rows if s == t)
    assert report.rows_read == len(rows)
    assert sum(d.count for d in doc.dependencies.values()) == len(rows) - self_edges
    assert report.skipped == self_edges
    distinct = {(s, t, p) for s, t, p in rows if s != t}
    assert len(doc.dependencies) == len(distinct)
    externals = {f"10.1.0.{n + 1}" for s, t, _ in rows if s != t for n in (s, t) if n >= 6}
    assert {x.address for x in doc.externals.values()} == externals
    # Importing again is a no-op.
    again, _ = import_dependencies([path], doc)
    before = doc.to_data()
    doc.apply(again)
    assert doc.to_data() == before


def test_azure_from_xlsx_with_numbers_and_a_ragged_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(AZURE_HEADER.split(","))
    for slot in ("1/1/2026 0:00-6:00", "1/1/2026 6:00-12:00"):
        ws.append([slot, "vm0", "10.1.0.1", "", "", "", "10.1.0.2", "", "", 443])
    path = tmp_path / "deps.xlsx"
    wb.save(path)
    doc = _plan()
    command, report = import_dependencies([path], doc)
    doc.apply(command)
    ((port, count),) = {(d.port, d.count) for d in doc.dependencies.values()}
    assert (port, count, report.rows_read) == (443, 2, 2)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(AZURE_HEADER + "\nx,vm0,10.1.0.1,,,,10.1.0.3,,,22\nx,vm0,10.1.0.1\n")
    command, report = import_dependencies([ragged], doc)
    assert report.skip_reasons == {"no destination server name or IP": 1}
    assert report.imported == 1


def test_the_same_file_twice_in_one_import_is_read_once(tmp_path: Path) -> None:
    doc = _plan()
    path = _azure(tmp_path / "deps.csv", [("10.1.0.1", "10.1.0.2", 443)] * 2)
    command, report = import_dependencies([path, tmp_path / "." / "deps.csv"], doc)
    doc.apply(command)
    assert [d.count for d in doc.dependencies.values()] == [2]
    assert "A file given more than once was read once." in report.notes


def test_overlong_cells_do_not_break_entities(tmp_path: Path) -> None:
    path = tmp_path / "cmdb.csv"
    long_type = "Depends on::" + "x" * 5000
    path.write_text(f"parent,child,type\nvm0,{'y' * 900},{long_type}\n")
    doc = _plan()
    command, report = import_dependencies([path], doc)
    doc.apply(command)
    (dep,) = doc.dependencies.values()
    assert len(dep.origin_label) == 1000
    assert report.created["external nodes"] == 1


def test_long_utf8_netstat_with_bom_is_detected(tmp_path: Path) -> None:
    lines = [
        f"tcp 0 0 10.1.0.1:{50000 + n} 10.1.0.2:443 TIME_WAIT 1/prozeß-größe-ßßß"
        for n in range(1500)
    ]
    pad = ""
    while True:  # make the 64 KiB head end inside a two-byte character
        raw = ("\ufeff# host: vm0" + pad + "\n" + "\n".join(lines) + "\n").encode("utf-8")
        try:
            raw[: 64 * 1024].decode("utf-8")
        except UnicodeDecodeError:
            break
        pad += " "
    path = tmp_path / "vm0.txt"
    path.write_bytes(raw)
    doc = _plan()
    _, report = import_dependencies([path], doc)
    assert report.formats == {"vm0.txt": "netstat/ss connection list"}
    assert report.imported == 1 and report.rows_read == 1500


def test_servicenow_dot_walked_columns_and_sys_ids(tmp_path: Path) -> None:
    path = tmp_path / "rel.csv"
    sys_a, sys_b = "a" * 32, "b" * 32
    path.write_text(
        "sys_id,parent,parent.name,parent.sys_class_name,child,child.name,child.sys_class_name,"
        "type.name\n"
        f"{'c' * 32},{sys_a},vm0,cmdb_ci_linux_server,{sys_b},vm1,cmdb_ci_linux_server,"
        "Depends on::Used by\n"
    )
    doc = _plan()
    command, report = import_dependencies([path], doc)
    doc.apply(command)
    ((src, dst),) = {
        (doc.node_name(d.source), doc.node_name(d.target)) for d in doc.dependencies.values()
    }
    assert (src, dst) == ("vm0", "vm1")
    assert not [i for i in report.issues if "sys_id" in i.reason]
    only_ids = tmp_path / "ids.csv"
    only_ids.write_text(f"parent,child,type\n{sys_a},{sys_b},Depends on::Used by\n")
    _, report = import_dependencies([only_ids], _plan())
    assert any("sys_ids" in i.reason for i in report.issues)
    assert report.created["external nodes"] == 2


def test_nettcp_rows_from_several_computers(tmp_path: Path) -> None:
    path = tmp_path / "fleet.csv"
    path.write_text(
        '"PSComputerName","LocalAddress","LocalPort","RemoteAddress","RemotePort","State"\n'
        '"vm1","0.0.0.0","5432","0.0.0.0","0","Listen"\n'
        '"vm1","10.1.0.2","5432","10.1.0.1","50000","Established"\n'
        '"vm0","10.1.0.1","50000","10.1.0.2","5432","Established"\n'
        '"vm0","10.1.0.1","50001","10.1.0.2","5432","2"\n'
    )
    doc = _plan()
    command, report = import_dependencies([path], doc)
    doc.apply(command)
    ((src, dst, port, count),) = {
        (doc.node_name(d.source), doc.node_name(d.target), d.port, d.count)
        for d in doc.dependencies.values()
    }
    # Seen from both ends: counted once; state "2" is Listen (not a connection).
    assert (src, dst, port, count) == ("vm0", "vm1", 5432, 1)
    assert report.formats == {"fleet.csv": "Get-NetTCPConnection export"}


def test_unicode_digits_are_not_ports(tmp_path: Path) -> None:
    path = _azure(tmp_path / "bad.csv", [("10.1.0.1", "10.1.0.2", "4\u00b2")])
    with pytest.raises(ImportFormatError, match="is not a port number"):
        import_dependencies([path], _plan())


def test_servicenow_docs_example_managed_by(tmp_path: Path) -> None:
    """ServiceNow's own example: in "[Server1] [Managed by] [Server2]" Server1 is the child
    and Server2 the parent; the managed server depends on its manager."""
    from migplan.io.importers.deps_servicenow import direction

    path = tmp_path / "rel.csv"
    path.write_text("parent,child,type\nvm2,vm1,Manages::Managed by\n")
    doc = _plan()
    doc.apply(import_dependencies([path], doc)[0])
    ((src, dst),) = {
        (doc.node_name(d.source), doc.node_name(d.target)) for d in doc.dependencies.values()
    }
    assert (src, dst) == ("vm1", "vm2")
    assert direction("Depends on::Used by") == "forward"
    assert direction("Used by::Depends on") == "reverse"
    assert direction("Contains::Contained by") == "structural"
    assert direction("Frobnicates::Frobnicated by") == "unknown"
