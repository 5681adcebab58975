"""Every import's report adds up, and the text says what the JSON says (issue 10, point 7):
rows read = added + merged + skipped, skipped rows by reason sum to the skipped count, and
the names of added, changed and missing workloads are all in the JSON. Run over every
inventory fixture, imported into an empty plan, then again into the plan it made, then
together with another export of other machines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from migplan.core.document import PlanDocument
from migplan.io.importers.pipeline import ImportRequest, classify_file, run_import
from migplan.io.importers.report import ImportReport

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
#: Every inventory fixture (hostile files are refused, and an application map or a file that
#: holds no machines is named as such by ``test_sniff``).
INVENTORIES = [
    p
    for p in [*sorted(FIXTURES.iterdir()), FIXTURES / "rvtools3x_csv"]
    if not p.name.startswith("hostile")
    and (p.is_dir() or classify_file(p) in ("rvtools", "inventory"))
]
_FIRST = re.compile(
    r"^Read (?P<rows>[\d,]+) row\(s\) from (?P<files>\d+) file\(s\): (?P<added>[\d,]+) added, "
    r"(?P<merged>[\d,]+) merged into workloads already there, (?P<skipped>[\d,]+) skipped\.$"
)


def _files(path: Path) -> list[Path]:
    return sorted(path.iterdir()) if path.is_dir() else [path]


def _check(report: ImportReport) -> None:
    data = json.loads(report.to_json())
    assert data["rows_read"] == len(data["added"]) + data["merged"] + data["skipped"]
    assert sum(data["skipped_by_reason"].values()) == data["skipped"]
    skipped_issues = [i for i in data["issues"] if i["action"] == "skipped"]
    assert len(skipped_issues) == data["skipped"]
    first = _FIRST.match(report.summary_lines()[0])
    assert first is not None, report.summary_lines()[0]
    numbers = {k: int(v.replace(",", "")) for k, v in first.groupdict().items()}
    assert numbers == {
        "rows": data["rows_read"],
        "files": len(data["files"]),
        "added": len(data["added"]),
        "merged": data["merged"],
        "skipped": data["skipped"],
    }
    # Every workload named in the lists is named in the JSON (ids -> names).
    for wid in data["added"] + data["missing"]:
        assert wid in data["names"]


@pytest.mark.parametrize("path", INVENTORIES, ids=lambda p: p.name)
def test_reports_add_up_on_every_fixture(path: Path) -> None:
    files = _files(path)
    doc = PlanDocument()
    command, report = run_import(doc, ImportRequest(files=files))
    _check(report)
    assert command is not None and report.added
    doc.apply(command)
    assert len(doc.workloads) == len(report.added)
    # The same files again: everything merges, nothing is added or skipped anew.
    _, again = run_import(doc, ImportRequest(files=files))
    _check(again)
    assert again.added == [] and again.merged == len(report.added)
    assert again.missing == []


def test_reports_add_up_across_sources(tmp_path: Path) -> None:
    files = [FIXTURES / "rvtools_4.7_mib.xlsx", FIXTURES / "azure_import.csv",
             FIXTURES / "google_vmInfo.csv"]  # fmt: skip
    doc = PlanDocument()
    command, report = run_import(doc, ImportRequest(files=files))
    _check(report)
    assert command is not None
    doc.apply(command)
    assert len(doc.workloads) == len(report.added)
