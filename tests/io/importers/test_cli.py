"""``migplan import``: exit codes, one-line errors, --into, --report-json, --app-column."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from migplan.cli import main
from migplan.io.planfile import load_plan


def test_import_then_reimport(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.migplan"
    report = tmp_path / "r.json"
    code = main(["import", str(fixtures / "rvtools_4.7_mib.xlsx"), "-o", str(out),
                 "--report-json", str(report)])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "Read 24 row(s) from 1 file(s): 22 added, 0 merged" in printed
    assert "2 skipped" in printed
    doc = load_plan(out)
    assert len(doc.workloads) == 22 and len(doc.applications) == 4
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["imported"] == 22 and data["skipped"] == 2
    assert any(i["reason"].startswith("a template") for i in data["issues"])

    out2 = tmp_path / "plan2.migplan"
    code = main(["import", str(fixtures / "rvtools_4.7_mib.xlsx"), "--into", str(out), "-o",
                 str(out2), "--app-column", "Backup status"])  # fmt: skip
    assert code == 0
    doc2 = load_plan(out2)
    assert set(doc2.workloads) == set(doc.workloads)
    assert "OK" in {a.name for a in doc2.applications.values()}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("hostile_truncated.xlsx", "truncated or corrupt"),
        ("hostile_password.xlsx", "password-protected"),
        ("hostile_entities.xlsx", "entit"),
        ("hostile_not_a_sheet.xlsx", "not a spreadsheet"),
    ],
)
def test_hostile_files_exit_2_with_one_line(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str], name: str, expected: str
) -> None:
    out = tmp_path / "never.migplan"
    code = main(["import", str(fixtures / name), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and expected in lines[0]
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_into_plan_left_unchanged_on_failure(tmp_path: Path, fixtures: Path) -> None:
    plan = tmp_path / "p.migplan"
    assert main(["import", str(fixtures / "azure_import.csv"), "-o", str(plan)]) == 0
    before = plan.read_bytes()
    code = main(["import", str(fixtures / "hostile_truncated.xlsx"), "--into", str(plan),
                 "-o", str(plan)])  # fmt: skip
    assert code == 2 and plan.read_bytes() == before


def test_missing_file_and_bad_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "x.migplan")]) == 2
    assert "nope.csv: no such file" in capsys.readouterr().err
    good = tmp_path / "a.csv"
    good.write_text("VM\na\n", encoding="utf-8")
    assert main(["import", str(good), "-o", str(tmp_path / "x.json")]) == 2


def test_generated_bomb_and_huge_cell_refused(
    tmp_path: Path, gen: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = gen.write_bomb_xlsx(tmp_path / "bomb.xlsx", megabytes=40)
    assert bomb.stat().st_size < 1024 * 1024
    assert main(["import", str(bomb), "-o", str(tmp_path / "a.migplan")]) == 2
    err = capsys.readouterr().err.strip()
    assert "bomb.xlsx" in err and "decompression bomb" in err and "bound" in err
    huge = tmp_path / "huge.csv"
    huge.write_text(
        "VM,Annotation\nweb1,ok\nweb2," + "z" * (10 * 1024 * 1024) + "\n", encoding="utf-8"
    )
    assert main(["import", str(huge), "-o", str(tmp_path / "b.migplan")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "huge.csv, row 3, column 'Annotation'" in err and "100,000" in err


def test_conflicts_and_matches_decided_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from migplan.core.commands import UpdateEntities
    from migplan.io.planfile import save_plan

    first = tmp_path / "inv.csv"
    first.write_text("Name,CPUs,Owner,IP\napp01,2,Ops,10.0.0.5\ndb01,4,Ops,10.0.0.6\n")
    plan = tmp_path / "p.migplan"
    assert main(["import", str(first), "-o", str(plan)]) == 0
    doc = load_plan(plan)
    app01 = next(w.id for w in doc.workloads.values() if w.name == "app01")
    doc.apply(UpdateEntities.same([app01], owner="Alice Smith"))
    save_plan(doc, plan)
    newer = tmp_path / "other.csv"
    newer.write_text("Server,Cores,Owner\napp01,2,Bob\nDB01.corp.example,4,\n")
    capsys.readouterr()

    out = tmp_path / "kept.migplan"
    assert main(["import", str(newer), "--into", str(plan), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Conflicts: 1 value(s) set by a person differ from the file; 1 kept" in printed
    assert "app01 owner: person 'Alice Smith', file 'Bob'" in printed
    assert "Ambiguous: 1 workload(s)" in printed and "DB01.corp.example" in printed
    kept = load_plan(out)
    assert {w.name: w.owner for w in kept.workloads.values()}["app01"] == "Alice Smith"
    assert len(kept.workloads) == 3

    out = tmp_path / "taken.migplan"
    assert main(["import", str(newer), "--into", str(plan), "-o", str(out),
                 "--take-file-value", "app01:owner",
                 "--merge", "DB01.corp.example=db01"]) == 0  # fmt: skip
    taken = load_plan(out)
    assert {w.name: w.owner for w in taken.workloads.values()}["app01"] == "Bob"
    assert len(taken.workloads) == 2

    assert main(["import", str(newer), "--into", str(plan), "-o", str(out),
                 "--merge", "nobody=db01"]) == 2  # fmt: skip
    assert "'nobody': no workload of that name in the files" in capsys.readouterr().err
