"""Each dependency format read from its committed fixture, against the small fixture plan."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from migplan.core.document import PlanDocument
from migplan.core.enums import EntityKind, Protocol
from migplan.core.models import Dependency
from migplan.io.importers.deps import import_dependencies
from migplan.io.importers.deps_types import DependencyReport

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "deps"


def _generator() -> ModuleType:
    name = "make_dependency_fixtures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _import(*names: str) -> tuple[PlanDocument, DependencyReport]:
    doc = _generator().fixture_plan()
    command, report = import_dependencies([FIXTURES / n for n in names], doc)
    doc.apply(command)
    return doc, report


def _edges(doc: PlanDocument) -> dict[tuple[str, str, int | None], Dependency]:
    return {
        (doc.node_name(d.source), doc.node_name(d.target), d.port): d
        for d in doc.dependencies.values()
    }


def test_fixtures_are_what_the_script_writes(tmp_path: Path) -> None:
    gen = _generator()
    for name, text in gen.FILES.items():
        assert (FIXTURES / name).read_text(encoding="utf-8") == text, name


def test_azure_rows_across_time_slots_fold_into_counts() -> None:
    doc, report = _import("azure_dependencies.csv")
    edges = _edges(doc)
    assert report.formats == {"azure_dependencies.csv": "Azure Migrate dependency export"}
    assert report.rows_read == 13
    assert (
        "azure_dependencies.csv: observations from 3 time slot(s), 2026-12-15 to 2026-12-16."
        in report.notes
    )
    # Two slots, destination matched by its second IP; "Unknown process" falls back to java.
    db = edges[("app01", "db01", 1433)]
    assert (db.count, db.process, db.protocol) == (2, "java", Protocol.UNKNOWN)
    assert db.origin.label == "Azure Migrate dependency export"
    assert db.origin.source is not None and db.origin.source.row == 5
    # Three slots to an address outside the plan: an external node, kept and counted.
    ext = edges[("app01", "198.51.100.7", 443)]
    assert ext.count == 3 and doc.kind_of_id(ext.target) is EntityKind.EXTERNAL
    assert report.created["external nodes"] == 1
    assert "198.51.100.7" in report.unresolved
    # An FQDN in upper case matches the short workload name.
    assert edges[("web02", "app01", 8080)].count == 1
    # dup01 exists in two vCenters; the source IP decides.
    dup = edges[("dup01", "db01", 1433)]
    assert doc.workloads[dup.source].source_system == "vc-b"  # type: ignore[index]
    assert report.skip_reasons == {
        "loopback connection (stays inside one host)": 1,
        "self-edge (both ends resolve to the same node)": 1,
        "no destination server name or IP": 1,
    }


def test_azure_counted_variant_reads_connection_count() -> None:
    doc, report = _import("azure_dependencies_counted.csv")
    edges = _edges(doc)
    assert edges[("batch01", "WIN-FS01", 445)].count == 1500  # "1,200" + 300
    assert edges[("cache01", "203.0.113.20", 6379)].count == 7
    assert any("2 time slot(s), 2026-07-16 to 2026-07-17" in n for n in report.notes)


def test_edge_list_synonyms_ports_and_weights() -> None:
    doc, report = _import("edges.csv")
    edges = _edges(doc)
    cache = edges[("app01", "cache01", 6379)]
    assert (cache.count, cache.weight, cache.protocol) == (2, 0.75, Protocol.TCP)
    fs = edges[("batch01", "WIN-FS01", 445)]  # "fs01" is the short DNS name; 445/tcp
    assert (fs.protocol, fs.weight) == (Protocol.TCP, 12.0)
    nas = edges[("batch01", "nas.example.test", 2049)]
    assert nas.protocol is Protocol.UDP
    assert doc.kind_of_id(nas.target) is EntityKind.EXTERNAL
    assert report.skip_reasons == {"no source name or address": 1}


def test_netstat_and_ss_from_two_hosts_infer_direction() -> None:
    doc, report = _import("netstat-app01.txt", "ss-db01.txt")
    edges = _edges(doc)
    assert set(report.formats.values()) == {"netstat/ss connection list"}
    # Inbound to app01's listening 8080 (web02; web01 merges into the hand-drawn edge).
    assert edges[("web02", "app01", 8080)].protocol is Protocol.TCP
    # app01 -> db01:1433: the ESTABLISHED socket is seen from both ends and counted once,
    # plus the TIME_WAIT one.
    assert edges[("app01", "db01", 1433)].count == 2
    assert "1 connection(s) were seen from both ends and counted once." in report.notes
    # db01 listens on 1433 and 22: the other ends are the clients.
    assert ("dup01", "db01", 1433) in edges
    assert ("10.20.9.9", "db01", 22) in edges
    assert edges[("10.20.9.9", "db01", 22)].process == "sshd"
    # Only the external 443 had to be guessed.
    guesses = [i for i in report.issues if "guessed" in i.reason]
    assert len(guesses) == 1 and "direction of 1 connection" in guesses[0].reason
    assert report.skip_reasons == {"loopback connection (stays inside one host)": 1}


def test_get_nettcpconnection_with_type_line() -> None:
    doc, report = _import("nettcp-fs01.csv")
    edges = _edges(doc)
    assert report.formats == {"nettcp-fs01.csv": "Get-NetTCPConnection export"}
    # fs01 listens on 445: batch01 is the client.
    assert edges[("batch01", "WIN-FS01", 445)].count == 1
    assert ("WIN-FS01", "db01", 1433) in edges
    assert ("WIN-FS01", "203.0.113.20", 443) in edges
    assert report.skip_reasons == {
        "loopback connection (stays inside one host)": 1,
        "socket not connected (state BOUND)": 1,
    }


def test_servicenow_direction_rule() -> None:
    doc, report = _import("cmdb_rel_ci.csv")
    edges = _edges(doc)
    # "Runs on::Runs": the parent (an application CI) depends on the child (a server).
    shop = edges[("Shop Frontend", "web01", None)]
    assert doc.kind_of_id(shop.source) is EntityKind.APPLICATION
    # "Depends on::Used by" parent->child and "Used by::Depends on" child->parent agree.
    assert edges[("app01", "db01", None)].count == 2
    assert ("db01", "app01", None) not in edges
    assert ("web01", "app01", None) in edges
    assert doc.kind_of_id(edges[("app01", "legacy-mq01", None)].target) is EntityKind.EXTERNAL
    # Unknown type read as parent -> child, with a warning; structural type skipped.
    assert ("batch01", "WIN-FS01", None) in edges
    assert any("Mounts::Mounted by" in i.reason for i in report.issues if i.action == "warning")
    assert report.skip_reasons == {
        "structural relationship 'Contains::Contained by', not a dependency": 1
    }


def test_konveyor_applications_and_app_dependencies() -> None:
    doc, report = _import("konveyor_applications.csv")
    apps = {a.name: a for a in doc.applications.values()}
    assert set(apps) == {"Shop Frontend", "Shop Backend", "Shop Reports"}
    backend = apps["Shop Backend"]
    assert backend.description == "Order API, payments"
    assert backend.owner == "Jo Doe <jo@example.test>"
    assert backend.tags == ("Language: Java", "Runtime: Quarkus")
    assert backend.attributes["Repository URL"] == "https://git.example.test/shop/backend.git"
    edges = _edges(doc)
    # northbound: the dependency depends on the application; southbound: the other way.
    assert ("Shop Frontend", "Shop Backend", None) in edges
    assert ("Shop Reports", "Shop Backend", None) in edges
    pay = edges[("Shop Backend", "Payments Gateway", None)]
    assert doc.kind_of_id(pay.target) is EntityKind.EXTERNAL
    assert report.created["applications"] == 2
    assert report.skip_reasons == {"dependency direction must be northbound or southbound": 1}


@pytest.mark.parametrize(
    "name",
    [
        "azure_dependencies.csv",
        "azure_dependencies_counted.csv",
        "edges.csv",
        "netstat-app01.txt",
        "ss-db01.txt",
        "nettcp-fs01.csv",
        "cmdb_rel_ci.csv",
        "konveyor_applications.csv",
        "device42_servicecommunication.csv",
        "aws_ads_connections.csv",
    ],
)
def test_every_fixture_imports_and_undoes_cleanly(name: str) -> None:
    doc = _generator().fixture_plan()
    before = doc.to_data()
    command, report = import_dependencies([FIXTURES / name], doc)
    assert doc.to_data() == before, "importing must not touch the document"
    inverse, summary = doc.apply(command)
    assert summary.touches(EntityKind.DEPENDENCY)
    assert report.rows_read > 0 and report.files == [name]
    doc.apply(inverse)
    assert doc.to_data() == before


def test_device42_service_communication() -> None:
    doc, report = _import("device42_servicecommunication.csv")
    edges = _edges(doc)
    assert report.formats == {"device42_servicecommunication.csv": "Device42 service communication"}
    # The client depends on the listener; /32 and ::ffff: forms match the plan's addresses.
    db = edges[("app01", "db01", 1433)]
    assert (db.count, db.process) == (12, "java")
    assert edges[("batch01", "db01", 1433)].count == 3
    assert doc.kind_of_id(edges[("app01", "198.51.100.7", 443)].target) is EntityKind.EXTERNAL


def test_aws_application_discovery_connections() -> None:
    doc, report = _import("aws_ads_connections.csv")
    edges = _edges(doc)
    assert report.formats == {"aws_ads_connections.csv": "AWS Application Discovery connections"}
    web = edges[("web01", "app01", 8080)]  # merges into the hand-drawn edge
    assert web.origin_label == "" and web.count == 2
    assert edges[("cache01", "db01", 1433)].protocol is Protocol.TCP


def test_dependency_format_of_routes_files(tmp_path: Path) -> None:
    from migplan.io.importers.deps import dependency_format_of

    assert dependency_format_of(FIXTURES / "ss-db01.txt") == "netstat/ss connection list"
    assert dependency_format_of(FIXTURES / "cmdb_rel_ci.csv") == "ServiceNow CMDB relationship"
    inventory = tmp_path / "vms.csv"
    inventory.write_text("VM,CPUs\nvm1,2\n")
    assert dependency_format_of(inventory) is None
    assert dependency_format_of(tmp_path / "missing.csv") is None


def test_report_summary_survives_extend_and_serialises() -> None:
    import json

    from migplan.io.importers.report import ImportReport

    _, report = _import("azure_dependencies.csv")
    assert report.notes[0].startswith("Dependencies: 4 added, 1 grown")
    assert any(
        n.startswith("1 unresolved endpoint(s)") and "198.51.100.7" in n for n in report.notes
    )
    combined = ImportReport().extend(report)
    assert combined.notes == report.notes and combined.skipped == 3
    data = json.loads(report.to_json())
    assert data["formats"] == {"azure_dependencies.csv": "Azure Migrate dependency export"}
    assert data["skip_reasons"]["loopback connection (stays inside one host)"] == 1
