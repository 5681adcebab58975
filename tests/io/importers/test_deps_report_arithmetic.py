"""The dependency report adds up (issue 10, point 7): unresolved endpoints are the external
nodes created plus those reused, rows skipped per reason agree with the issues listed, and a
file whose endpoints mostly match no workload is flagged."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from migplan.core.changes import ChangeSummary
from migplan.core.document import PlanDocument
from migplan.core.enums import EntityKind
from migplan.core.ids import workload_id
from migplan.core.models import Workload
from migplan.io.importers.deps import import_dependencies
from migplan.io.importers.deps_types import DependencyReport

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "deps"


@pytest.fixture(scope="module")
def deps_gen(script: Callable[[str], ModuleType]) -> ModuleType:
    return script("make_dependency_fixtures")


DEP_FIXTURES = sorted(p.name for p in FIXTURES.iterdir() if p.is_file())
_UNRESOLVED_RE = re.compile(
    r"^(\d+) unresolved endpoint\(s\) kept as external nodes = (\d+) created \+ (\d+) already "
    r"in the plan \(reused\)"
)
_SKIPPED_RE = re.compile(r"^Skipped ([\d,]+) rows?(?: \(([\d,]+) distinct, listed\))?: (.+)\.$")


def _unresolved_line(report: DependencyReport) -> tuple[int, int, int]:
    found = [m for m in map(_UNRESOLVED_RE.match, report.notes) if m]
    if not found:
        return 0, 0, 0
    (m,) = found
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def _externals_on_edges(doc: PlanDocument) -> set[str]:
    return {
        end
        for d in doc.dependencies.values()
        for end in (d.source, d.target)
        if end in doc.externals
    }


@pytest.mark.parametrize("name", DEP_FIXTURES)
def test_unresolved_endpoints_are_created_plus_reused(name: str, deps_gen: ModuleType) -> None:
    """Imported twice: the first import creates every external node its edges use, the
    second reuses exactly those; the line states both, and the sum."""
    doc = deps_gen.fixture_plan()
    command, first = import_dependencies([FIXTURES / name], doc)
    externals_before = set(doc.externals)
    doc.apply(command)
    made = set(doc.externals) - externals_before
    n, created, reused = _unresolved_line(first)
    assert (n, created, reused) == (len(made), len(made), 0)
    assert made <= _externals_on_edges(doc)

    _, again = import_dependencies([FIXTURES / name], doc)
    assert _unresolved_line(again) == (len(made), 0, len(made))


@pytest.mark.parametrize("name", DEP_FIXTURES)
def test_skipped_rows_agree_with_the_issues_listed(name: str) -> None:
    doc = PlanDocument()  # nothing resolves: every endpoint is external, self-edges appear
    _, report = import_dependencies([FIXTURES / name], doc)
    issues = Counter(i.reason for i in report.issues if i.action == "skipped")
    lines = [m for m in map(_SKIPPED_RE.match, report.notes) if m]
    assert {m.group(3) for m in lines} == set(issues)
    rows = 0
    for m in lines:
        n = int(m.group(1).replace(",", ""))
        listed = int((m.group(2) or m.group(1)).replace(",", ""))
        assert listed == issues[m.group(3)], m.group(0)
        assert n >= listed
        rows += n
    assert rows == report.skipped


def test_repeated_self_edges_state_rows_and_the_connections_listed(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    rows = ["src,dst,port"] + ["10.9.0.1,10.9.0.1,80"] * 4 + ["10.9.0.2,10.9.0.2,80"] * 3
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _, report = import_dependencies([path], PlanDocument())
    assert (
        "Skipped 7 rows (2 distinct, listed): self-edge (both ends resolve to the same node)."
        in (report.notes)
    )
    assert report.skipped == 7
    assert len(report.issues) == 2


def _plan(names: list[str]) -> PlanDocument:
    return PlanDocument.from_entities(
        Workload(id=workload_id(n), name=n, ips=(f"10.1.0.{i + 1}",)) for i, n in enumerate(names)
    )


def _edge_list(path: Path, pairs: list[tuple[str, str]]) -> Path:
    path.write_text("src,dst,port\n" + "".join(f"{a},{b},443\n" for a, b in pairs), "utf-8")
    return path


def test_an_export_of_another_estate_is_flagged(tmp_path: Path) -> None:
    doc = _plan(["web01", "app01"])
    foreign = _edge_list(
        tmp_path / "flows.csv",
        [("web01", "app01")] + [(f"10.77.0.{i}", f"10.77.1.{i}") for i in range(1, 7)],
    )
    _, report = import_dependencies([foreign], doc)
    (warning,) = [i for i in report.issues if i.action == "warning"]
    assert warning.file == "flows.csv"
    assert warning.reason == (
        "of 14 endpoints in flows.csv, 12 match no workload in the plan: this export may "
        "belong to another estate or the inventory is not imported yet"
    )


def test_an_export_of_this_estate_is_not_flagged(tmp_path: Path) -> None:
    """Clients outside the inventory are normal: most endpoints still match."""
    doc = _plan([f"vm{i}" for i in range(8)])
    own = _edge_list(
        tmp_path / "flows.csv",
        [(f"vm{i}", f"vm{(i + 1) % 8}") for i in range(8)] + [("203.0.113.9", "vm0")],
    )
    _, report = import_dependencies([own], doc)
    assert not [i for i in report.issues if i.action == "warning"]


@pytest.mark.parametrize(
    ("kind", "n", "text"),
    [
        (EntityKind.DEPENDENCY, 6, "added 6 dependencies"),
        (EntityKind.DEPENDENCY, 1, "added 1 dependency"),
        (EntityKind.EXTERNAL, 2, "added 2 external nodes"),
        (EntityKind.EXTERNAL, 1, "added 1 external node"),
        (EntityKind.WORKLOAD, 3, "added 3 workloads"),
    ],
)
def test_change_summaries_say_plurals_in_english(kind: EntityKind, n: int, text: str) -> None:
    summary = ChangeSummary()
    summary.note("added", kind, (f"x{i}" for i in range(n)))
    assert summary.describe() == text


@pytest.mark.parametrize("name", DEP_FIXTURES)
def test_the_text_says_what_the_json_says(name: str, deps_gen: ModuleType) -> None:
    """The counts of the dependency report's text are the JSON's (``--report-json``)."""
    import json

    doc = deps_gen.fixture_plan()
    _, report = import_dependencies([FIXTURES / name], doc)
    data = json.loads(report.to_json())
    assert sum(data["skip_reasons"].values()) == data["skipped"]
    if data["external_ends"]:
        n, created, reused = _unresolved_line(report)
        assert n == len(data["external_ends"]) == created + reused
        assert created == data["created"].get("external nodes", 0)
        assert reused == data["externals_reused"]
    first = next(
        line for line in report.summary_lines() if line.strip().startswith("Dependencies:")
    )
    assert f"{data['imported']} added" in first and f"{data['merged']} grown" in first
