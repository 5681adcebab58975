"""PDF and Excel exports: what a reader sees in them, hostile text, and failed writes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migplan.core.commands import UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.estate import EstateSpec, generate_estate
from migplan.io.atomic import ExportError
from migplan.io.reports.data import build_report
from migplan.io.reports.pdf import write_pdf
from migplan.io.reports.xlsx import write_xlsx


def pdf_text(path: Path) -> str:
    """The text of a PDF (poppler's pdftotext, which scripts/setup.sh installs: a missing
    tool fails the test rather than skipping it)."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: run scripts/setup.sh (it installs poppler-utils)"
    return subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def doc() -> PlanDocument:
    d = generate_estate(EstateSpec(workloads=60, waves=3, seed=17, name="Łódź – źródło plan"))
    first = sorted(d.workloads)[0]
    d.apply(UpdateEntities(((first, {"name": "<b>évil</b> & =cmd|'/c calc'!A1"}),)))
    return d


def test_pdf_has_cover_waves_and_every_workload(doc: PlanDocument, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    write_pdf(doc, out)
    text = pdf_text(out)
    assert "Łódź – źródło plan" in text, "a shipped TTF draws the Polish glyphs"
    assert "Executive summary" in text and "What moves when" in text
    report = build_report(doc)
    for wave in report.waves:
        assert wave.title in text
        risk = wave.risk
        assert risk is not None
        assert f"Risk {risk.score:.0f} of 100: {risk.band.value.upper()}" in text
    flat = " ".join(text.split())
    for wl in doc.workloads.values():
        assert wl.name.split()[0] in flat
    assert "<b>évil</b> & =cmd" in flat, "markup in plan text is shown, not interpreted"
    pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Pages:" in pages and int(pages.split("Pages:")[1].split()[0]) >= 1 + len(report.waves)


def test_xlsx_sheets_rows_and_no_formula_injection(doc: PlanDocument, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    out = tmp_path / "plan.xlsx"
    write_xlsx(doc, out)
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == [
        "Summary", "Waves", "Workloads", "Dependencies", "Bridges", "Capacity by wave",
        "Cost by month", "Rules broken", "Not planned",
    ]  # fmt: skip
    waves = wb.get_sheet_by_name("Waves").to_python()
    assert [r[2] for r in waves[1:]] == [w.name for w in doc.waves_in_order()]
    workloads = wb.get_sheet_by_name("Workloads").to_python()
    assert len(workloads) == 1 + len(doc.workloads)
    names = {r[1] for r in workloads[1:]}
    assert "'<b>évil</b> & =cmd|'/c calc'!A1" not in names
    assert any(str(n).startswith("<b>évil") for n in names)
    deps = wb.get_sheet_by_name("Dependencies").to_python()
    assert len(deps) == 1 + len(doc.dependencies)
    import zipfile

    with zipfile.ZipFile(out) as zf:
        sheet_xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheet_xml, "no cell is written as a formula"


def test_pdf_says_what_is_not_planned_and_why(
    four_reasons_plan: PlanDocument, tmp_path: Path
) -> None:
    out = tmp_path / "plan.pdf"
    write_pdf(four_reasons_plan, out)
    text = pdf_text(out)
    section = text[text.index("Not planned, and why") :]
    flat = " ".join(section.split())
    assert "4 workloads in no wave" in flat
    # One row per rule: its name, how many it keeps out, and what the rule means.
    for title, statement in (
        ("Wave capacity", "A wave holds no more workloads"),
        ("GPU mode served", "A GPU workload lands on a pool"),
        ("Stays on the legacy side", "A workload retained or retired"),
        ("Not planned yet", "Nothing keeps the workload out"),
    ):
        assert re.search(rf"{title}\s+1\s+{statement}", section), title
        assert f"{title} — 1 workload" in flat
    # Then the workloads by reason, names as typed (markup is not interpreted).
    assert "No wave can take it: needs 128 vCPU, a wave takes 64 big-db" in flat
    assert "no GPU pool runs in passthrough mode trainer" in flat
    assert "<b>report</b>-02" in flat


def test_reports_explain_the_same_workloads_as_the_planner(
    four_reasons_plan: PlanDocument, tmp_path: Path
) -> None:
    from python_calamine import CalamineWorkbook

    from migplan.core.planning.unplaced import explain_unplaced

    report = build_report(four_reasons_plan)
    assert report.unplaced == explain_unplaced(four_reasons_plan)
    groups = report.unplaced_groups()
    assert [(g.rule.rule_id, g.count) for g in groups] == [
        ("CAPACITY", 1),
        ("GPU-MODE", 1),
        ("NOT-PLANNED", 1),
        ("STAYS", 1),
    ]
    out = tmp_path / "plan.xlsx"
    write_xlsx(four_reasons_plan, out, report)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Not planned").to_python()
    assert rows[0] == ["Workload", "Application", "Reason", "Rule", "Why it is in no wave"]
    assert {(r[0], r[3], r[4]) for r in rows[1:]} == {
        (u.name, u.rule_id, u.reason) for u in report.unplaced
    }
    assert len(rows) == 1 + 4


def test_formula_like_text_is_quoted() -> None:
    from migplan.io.reports.xlsx import safe_cell

    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("web01") == "web01"
    assert safe_cell(42) == 42


def test_failed_export_leaves_the_old_file(
    doc: PlanDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"previous export")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", broken)
    with pytest.raises(ExportError, match="No space left on device"):
        write_xlsx(doc, out)
    assert out.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_report_command(tmp_path: Path, root: Path) -> None:
    pdf, xlsx = tmp_path / "p.pdf", tmp_path / "p.xlsx"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "migplan.cli",
            "report",
            str(root / "plans" / "ai-lab-small.migplan"),
            "-o",
            str(pdf),
            "-o",
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.read_bytes().startswith(b"PK")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "migplan.cli",
            "report",
            str(root / "plans" / "ai-lab-small.migplan"),
            "-o",
            str(tmp_path / "p.docx"),
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "must end in .pdf or .xlsx" in bad.stderr
