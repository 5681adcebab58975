"""The workbook a project manager filters, edits and gives back (issue 13, point 2)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from migplan.core.commands import History, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind
from migplan.io.errors import ImportFormatError
from migplan.io.planfile import load_plan
from migplan.io.reports.workbook_edits import read_workbook_edits
from migplan.io.reports.xlsx import write_xlsx

PLAN = Path(__file__).resolve().parents[3] / "plans" / "northwind-plan.migplan"


@pytest.fixture
def doc() -> PlanDocument:
    return load_plan(PLAN)


def rows_of(ws: Any) -> tuple[list[str], list[list[Any]]]:
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    return [str(h) for h in values[0]], values[1:]


def edit(path: Path, *changes: tuple[str, str, str, Any]) -> None:
    """For each (sheet, key, column, value), set ``column`` of the row whose first cell is
    ``key``, as a person would in Excel; the workbook is opened and saved once."""
    wb = load_workbook(path)
    for sheet, key, column, value in changes:
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == key:
                row[header.index(column)].value = value
                break
        else:
            raise AssertionError(f"{key} not in {sheet}")
    wb.save(path)


def test_the_workbook_reads_as_a_project_manager_expects(doc: PlanDocument, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    write_xlsx(doc, out)
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "Summary", "Waves", "Workloads", "Dependencies", "Bridges", "Capacity by wave",
        "Cost by month", "Rules broken", "Not planned",
    ]  # fmt: skip
    for sheet, table in [("Waves", "Waves"), ("Workloads", "Workloads"), ("Bridges", "Bridges")]:
        assert list(wb[sheet].tables) == [table]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True)}
    assert summary["Workloads"] == f"{len(doc.workloads):,}"
    assert summary["Waves"] == str(len(doc.waves))
    # Waves: the order a number (sorts 2 before 10), the name apart; bands coloured.
    header, waves = rows_of(wb["Waves"])
    orders = [r[header.index("Order")] for r in waves]
    assert orders == sorted(orders) and all(isinstance(o, int) for o in orders)
    assert [r[header.index("Wave")] for r in waves] == [w.name for w in doc.waves_in_order()]
    rules = wb["Waves"].conditional_formatting
    assert {str(r.sqref) for r in rules} == {f"L2:L{len(waves) + 1}"}
    # Workloads: the disposition in one column, chosen or suggested in the next, no brackets.
    header, workloads = rows_of(wb["Workloads"])
    dispositions = {r[header.index("Disposition")] for r in workloads}
    assert not any(str(d).startswith("(") for d in dispositions)
    assert {r[header.index("Disposition is")] for r in workloads} <= {"chosen", "suggested", None}
    chosen = next(w for w in doc.workloads.values() if w.disposition is not None)
    row = next(r for r in workloads if r[0] == chosen.id)
    assert row[header.index("Disposition is")] == "chosen"
    # Dependencies: both ends' waves, crossing and backward flags computed from them.
    header, deps = rows_of(wb["Dependencies"])
    for r in deps:
        a, b = r[header.index("Its wave order")], r[header.index("On wave order")]
        crosses = "yes" if a is not None and b is not None and a != b else None
        assert r[header.index("Crosses waves")] == crosses
        backward = "yes" if a is not None and b is not None and b > a else None
        assert r[header.index("Backward")] == backward
    assert any(r[header.index("Crosses waves")] == "yes" for r in deps)
    header, bridges = rows_of(wb["Bridges"])
    assert bridges and all(r[header.index("Traffic Mbit/s")] is not None for r in bridges)
    # Both ends by name, as the Dependencies sheet and the PDF show them, never by id.
    names = {w.name for w in doc.workloads.values()} | {
        n.name for n in (*doc.applications.values(), *doc.externals.values())
    }
    assert all(r[header.index("Depends")] in names for r in bridges)
    assert all(r[header.index("On")] in names for r in bridges)


def test_edits_in_the_workbook_come_back_as_one_undoable_change(
    doc: PlanDocument, tmp_path: Path
) -> None:
    out = tmp_path / "plan.xlsx"
    write_xlsx(doc, out)
    ordered = doc.waves_in_order()
    first, last = ordered[0], ordered[-1]
    a, b, c, d = sorted(doc.workloads_in_wave(first.id), key=lambda w: w.id)[:4]
    edit(
        out,
        ("Workloads", a.id, "Wave", last.name),  # by name
        ("Workloads", b.id, "Wave order", ordered[1].order),  # by number
        ("Workloads", c.id, "Disposition", "Retire"),
        ("Workloads", d.id, "vCPU", 999),  # computed: ignored
        ("Waves", last.id, "Wave", "Final cutover"),
        ("Waves", last.id, "End", dt.datetime(2028, 1, 31)),
    )
    before = doc.to_data()
    edits = read_workbook_edits(doc, out)
    assert doc.to_data() == before, "reading changes nothing"
    assert edits.command is not None
    history = History(doc)
    history.do(edits.command)
    assert doc.workloads[a.id].wave_id == last.id
    assert doc.workloads[b.id].wave_id == ordered[1].id
    disposition = doc.workloads[c.id].disposition
    assert disposition is not None and disposition.kind is DispositionKind.RETIRE
    assert disposition.by_user
    assert doc.workloads[d.id].vcpu == d.vcpu
    assert doc.waves[last.id].name == "Final cutover"
    assert doc.waves[last.id].end_date == dt.date(2028, 1, 31)
    assert f"{a.name}: {first.order}. {first.name} → {last.order}. {last.name}" in edits.changes
    assert f"{c.name}: disposition Retire (chosen)" in edits.changes
    assert edits.notes == [
        "Workloads: 1 edited cell in 'vCPU' ignored: the column is computed from the plan"
    ]
    assert edits.command.label == "Update from plan.xlsx"
    history.undo()
    assert doc.to_data() == before


def test_a_move_a_locked_wave_refuses_is_left_out_with_why(
    doc: PlanDocument, tmp_path: Path
) -> None:
    ordered = doc.waves_in_order()
    first, last = ordered[0], ordered[-1]
    History(doc).do(UpdateEntities(((last.id, {"locked": True}),), "Lock"))
    out = tmp_path / "plan.xlsx"
    write_xlsx(doc, out)
    a, c = sorted(doc.workloads_in_wave(first.id), key=lambda w: w.id)[:2]
    edit(
        out,
        ("Workloads", a.id, "Wave", last.name),
        ("Workloads", c.id, "Disposition is", "chosen"),
    )
    edits = read_workbook_edits(doc, out)
    assert len(edits.notes) == 1 and "is locked: unlock it to move" in edits.notes[0]
    assert edits.notes[0].startswith("Workloads, row ")
    assert edits.command is not None
    History(doc).do(edits.command)
    assert doc.workloads[a.id].wave_id == first.id
    assert doc.workloads[c.id].disposition is not None


def test_a_workbook_that_is_not_ours_or_a_bad_date_is_named(
    doc: PlanDocument, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active.title = "Waves"
    wb.active.append(["Wave ID", "Wave"])
    wb.save(other)
    with pytest.raises(ImportFormatError, match="no 'Workloads' sheet"):
        read_workbook_edits(doc, other)
    out = tmp_path / "plan.xlsx"
    write_xlsx(doc, out)
    wave = doc.waves_in_order()[0]
    edit(out, ("Waves", wave.id, "Start", "next Tuesday"))
    with pytest.raises(ImportFormatError) as caught:
        read_workbook_edits(doc, out)
    message = str(caught.value)
    assert (
        "plan.xlsx" in message and "Waves" in message and "'next Tuesday' is not a date" in message
    )
    assert "row 2" in message and "Start" in message


def test_libreoffice_opens_the_workbook_and_reads_the_same_cells(
    doc: PlanDocument, tmp_path: Path
) -> None:
    """A real spreadsheet program, headless (scripts/setup.sh installs it for the tests)."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed: scripts/setup.sh test installs it"
    out = tmp_path / "plan.xlsx"
    write_xlsx(doc, out)
    # Every sheet to its own CSV (the filter's last field, -1); UTF-8 (76).
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(tmp_path / "csv"), str(out)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    converted = tmp_path / "csv" / "plan-Workloads.csv"
    with converted.open(encoding="utf-8") as f:
        seen = list(csv.reader(f))
    header, rows = rows_of(load_workbook(out)["Workloads"])
    assert seen[0] == header
    assert len(seen) == len(rows) + 1
    by_id = {r[0]: r for r in seen[1:]}
    for row in rows:
        name = str(row[header.index("Workload")])
        assert by_id[row[0]][header.index("Workload")] == name.removeprefix("'")
        assert by_id[row[0]][header.index("Wave")] == (row[header.index("Wave")] or "")


def test_migplan_update_takes_the_edits_back_and_keeps_the_old_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from migplan.cli import main

    plan = tmp_path / "plan.migplan"
    plan.write_bytes(PLAN.read_bytes())
    book = tmp_path / "plan.xlsx"
    assert main(["report", str(plan), "-o", str(book)]) == 0
    doc = load_plan(plan)
    first, last = doc.waves_in_order()[0], doc.waves_in_order()[-1]
    moved = sorted(doc.workloads_in_wave(first.id), key=lambda w: w.id)[0]
    edit(
        book,
        ("Workloads", moved.id, "Wave", last.name),
        ("Workloads", moved.id, "Fit", "perfect"),
    )
    capsys.readouterr()
    assert main(["update", str(plan), str(book), "--dry-run"]) == 0
    assert load_plan(plan).workloads[moved.id].wave_id == first.id
    assert main(["update", str(plan), str(book)]) == 0
    out = capsys.readouterr().out
    assert "plan.xlsx: 1 change(s)" in out and f"{moved.name}: " in out
    assert "1 edited cell in 'Fit' ignored" in out and f"wrote {plan}" in out
    assert load_plan(plan).workloads[moved.id].wave_id == last.id
    assert load_plan(plan.with_name("plan.migplan.bak")).workloads[moved.id].wave_id == first.id
    assert main(["update", str(plan), str(tmp_path / "missing.xlsx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing.xlsx" in err[0]
