"""The workbook's Capacity and cost sheets carry the figures of ``migplan stats --json``,
one column per node pool, so a project manager can take them into a budget as they are."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from migplan.clicmd.stats import collect
from migplan.io.planfile import load_plan
from migplan.io.reports.xlsx import write_xlsx

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[openpyxl.Workbook, dict]:  # type: ignore[type-arg]
    import argparse

    doc = load_plan(ROOT / "plans" / "northwind-plan.migplan")
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    write_xlsx(doc, path)
    stats = collect(argparse.Namespace(assignments=False), doc)
    return openpyxl.load_workbook(path), stats


def rows(sheet) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    header, *body = sheet.iter_rows(values_only=True)
    return [dict(zip(header, r, strict=True)) for r in body]


def test_capacity_by_wave_is_the_phases_of_stats(book) -> None:  # type: ignore[no-untyped-def]
    wb, stats = book
    sheet = wb["Capacity by wave"]
    assert "CapacityByWave" in sheet.tables
    got = rows(sheet)
    phases = stats["phases"]
    assert len(got) == len(phases) == 11
    for row, phase in zip(got, phases, strict=True):
        assert row["Wave"] == phase["wave"] and row["Wave order"] == phase["order"]
        for pool, nodes in phase["nodes"].items():
            assert row[f"Nodes {pool}"] == nodes
        assert row["Target a month (USD)"] == pytest.approx(phase["cost"]["target_per_month"])
        assert row["Dual running (USD)"] == pytest.approx(phase["cost"]["dual_running"])
        assert row["Copy cost (USD)"] == pytest.approx(phase["cost"]["transfer"])
        assert row["Licensed cores"] == phase["licensed_cores"]
        assert row["Hosts emptied"] == len(phase["hosts_emptied"])
    assert got[-1]["Nodes dc-new/general"] > got[0]["Nodes dc-new/general"] > 0


def test_cost_by_month_adds_up_to_the_plans_total(book) -> None:  # type: ignore[no-untyped-def]
    wb, stats = book
    got = rows(wb["Cost by month"])
    months = stats["costs"]["months"]
    assert [r["Month"] for r in got] == [m["month"] for m in months]
    assert sum(r["Total (USD)"] for r in got) == pytest.approx(
        stats["costs"]["totals"]["total"], abs=0.05
    )
    assert got[0]["Legacy licences (USD)"] == pytest.approx(months[0]["licences"])
    assert got[-1]["Licensed cores"] < got[0]["Licensed cores"]
