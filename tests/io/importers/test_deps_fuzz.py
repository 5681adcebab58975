"""Hostile cells: whatever text a dependency file holds, the import either works or raises one
``ImportFormatError`` naming the file; never another exception, never a changed plan."""

from __future__ import annotations

import csv

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzzing import fuzz_examples

from migplan.core.document import PlanDocument
from migplan.core.ids import workload_id
from migplan.core.models import Workload
from migplan.io.errors import ImportFormatError
from migplan.io.importers.deps import import_dependencies

HEADERS = {
    "azure.csv": [
        "Time slot", "Source server name", "Source IP", "Source application", "Source process",
        "Destination server name", "Destination IP", "Destination application",
        "Destination process", "Destination port",
    ],
    "edges.csv": ["source", "target", "port", "protocol", "weight", "count"],
    "cmdb.csv": ["parent", "child", "type"],
    "konveyor.csv": ["Record Type 1", "Application Name", "Dependency", "Dependency Direction"],
    "nettcp.csv": ["LocalAddress", "LocalPort", "RemoteAddress", "RemotePort", "State"],
}  # fmt: skip

CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["10.1.0.1", "10.1.0.2", "vm0", "VM1.example.test", "443", "-1", "1e9",
                     "nan", "::1", "127.0.0.1", "2", "southbound", "Depends on::Used by",
                     "Established", "Listen", "0.0.0.0", ""]),
)  # fmt: skip


def _plan() -> PlanDocument:
    return PlanDocument.from_entities(
        Workload(id=workload_id(f"vm{i}"), name=f"vm{i}", ips=(f"10.1.0.{i + 1}",))
        for i in range(3)
    )


@settings(
    max_examples=fuzz_examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    name=st.sampled_from(sorted(HEADERS)),
    rows=st.lists(st.lists(CELL, min_size=0, max_size=11), min_size=1, max_size=6),
)
def test_any_cells_import_or_fail_cleanly(
    tmp_path_factory: pytest.TempPathFactory, name: str, rows: list[list[str]]
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS[name])
        writer.writerows(rows)
    doc = _plan()
    before = doc.to_data()
    try:
        command, _ = import_dependencies([path], doc)
    except ImportFormatError as exc:
        assert exc.path.name == name
        assert doc.to_data() == before
        return
    assert doc.to_data() == before
    doc.apply(command)


@settings(max_examples=fuzz_examples(30), deadline=None)
@given(lines=st.lists(st.text(max_size=80), max_size=8))
def test_any_text_next_to_netstat_lines(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "host.txt"
    good = "tcp 0 0 10.1.0.1:50000 10.1.0.2:443 ESTABLISHED 1/curl"
    path.write_text("\n".join([good, *lines, good]) + "\n", encoding="utf-8")
    doc = _plan()
    try:
        command, _ = import_dependencies([path], doc)
    except ImportFormatError:
        return
    doc.apply(command)
