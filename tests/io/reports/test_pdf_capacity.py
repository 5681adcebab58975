"""The phase plan PDF's "Capacity and cost" section (issue 14, point 6) read as text: its
heading and contents line, and a wave's nodes and costs and the plan's total equal to what
``migplan stats --json`` gives for the same plan (the same core functions, computed once)."""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

import pytest
from tests.core.target.factories import priced_target
from tests.io.reports.test_pdf_reader import flat, text_of, tool

from migplan.clicmd.stats import collect
from migplan.core.commands import SetSettings
from migplan.core.document import PlanDocument
from migplan.io.planfile import load_plan
from migplan.io.reports.capacity import burn_down, nice_ticks, tick_label
from migplan.io.reports.pdf import write_pdf

EXAMPLE = Path(__file__).resolve().parents[3] / "plans" / "ai-lab-small.migplan"


@pytest.fixture(scope="module")
def doc() -> PlanDocument:
    """The example plan with a target: a general pool and a GPU pool, both priced."""
    d = load_plan(EXAMPLE)
    settings = priced_target(d.settings, 2400.0)
    costs = d.settings.costs.model_copy(update={"transfer_per_gib": 0.05})
    d.apply(SetSettings(settings.model_copy(update={"costs": costs})))
    return d


@pytest.fixture(scope="module")
def pdf(doc: PlanDocument, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("capacity") / "plan.pdf"
    write_pdf(doc, out)
    return out


def layout_text(path: Path) -> str:
    return subprocess.run(
        [tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def section(text: str, first_wave: str) -> str:
    """From the section's heading (not its contents line) to the first phase's heading."""
    start = [m.start() for m in re.finditer(r"^[\f ]*Capacity and cost *$", text, re.M)]
    assert start, "the section has a heading of its own"
    end = text.index(first_wave, start[-1])
    return text[start[-1] : end]


def test_the_section_shows_the_figures_of_migplan_stats(doc: PlanDocument, pdf: Path) -> None:
    stats = collect(argparse.Namespace(assignments=False), doc)
    phases, costs = stats["phases"], stats["costs"]
    first = doc.waves_in_order()[0]
    body = section(layout_text(pdf), f"{first.order}. {first.name}\n")
    words = flat(body)
    assert f"Amounts are in {costs['currency']}" in words
    t = costs["totals"]
    assert costs["months"] and t["total"] > 0
    for figure in (t["total"], t["legacy_if_nothing_moved"], t["saving"]):
        assert f"{figure:,.0f}" in words
    # Each wave's row: its general and GPU nodes, its cores and its costs, in that order.
    for p in phases:
        line = next(
            ln for ln in body.splitlines() if ln.strip().startswith(f"{p['order']}. {p['wave']} ")
        )
        # The figures of the row in reading order (columns may run together in the text).
        cells = re.findall(r"\d[\d,]*", line.strip().removeprefix(f"{p['order']}. {p['wave']}"))
        assert cells[:2] == [f"{p['nodes']['dc1/general']:,}", f"{p['nodes']['dc1/gpu']:,}"], line
        assert cells[-3:] == [
            f"{p['cost']['target_per_month']:,.0f}",
            f"{p['cost']['dual_running']:,.0f}",
            f"{p['cost']['transfer']:,.0f}",
        ], line
        assert f"{p['licensed_cores']:,}" in cells
    assert phases[-1]["nodes"]["dc1/general"] > 0 and phases[-1]["cost"]["target_per_month"] > 0
    for heading in (
        "Cost month by month",
        "Target nodes after each wave",
        "GPUs in use after each wave",
    ):
        assert heading in words
    assert "Per wave, once it has moved" in words
    assert not re.search(
        r"\b(COST|LIC|TARGET)-[A-Z]", " ".join(words.split("What to look at")[0:1])
    )


def test_the_section_has_its_contents_line_and_bookmark(pdf: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles.index("Capacity and cost") == titles.index("Timeline and risk per phase") + 1
    item = next(
        i for i in reader.outline if not isinstance(i, list) and i.title == "Capacity and cost"
    )
    page = reader.get_destination_page_number(item)
    assert "Capacity and cost" in (reader.pages[page].extract_text() or "")
    contents = flat(text_of(pdf)).split("Executive summary", 2)[1]
    assert f"Capacity and cost {page + 1}" in contents


def test_a_plan_without_target_pools_or_hosts_says_so_in_a_paragraph(tmp_path: Path) -> None:
    from migplan.core.estate import EstateSpec, generate_estate
    from migplan.io.reports.pdf_capacity import NO_FIGURES

    d = generate_estate(EstateSpec(workloads=40, waves=2, seed=3, name="Bare"))
    assert not d.hosts and not d.settings.target.clusters
    out = tmp_path / "bare.pdf"
    write_pdf(d, out)
    words = flat(text_of(out))
    assert flat(NO_FIGURES) in words
    assert "Per wave, once it has moved" not in words


def test_ticks_are_round_and_cover_the_values() -> None:
    assert nice_ticks(0, 2400) == [0, 500, 1000, 1500, 2000, 2500]
    assert nice_ticks(0, 33) == [0, 10, 20, 30, 40]
    assert nice_ticks(0, 0.7) == [0, 0.2, 0.4, 0.6, 0.8]
    assert [tick_label(t) for t in nice_ticks(0, 1_234_567)] == [
        "0", "250,000", "500,000", "750,000", "1,000,000", "1,250,000"
    ]  # fmt: skip


def test_the_burn_down_falls_back_to_licensed_cores_when_there_are_no_months() -> None:
    phases = [
        {"order": 1, "wave": "Pilot", "licensed_cores": 900},
        {"order": 2, "wave": "Bulk", "licensed_cores": 300},
    ]
    costs = {"currency": "EUR", "dated": False, "months": [], "totals": {}}
    chart = burn_down(phases, costs, "EUR")
    assert chart.title == "Licensed cores after each wave"
    assert chart.series[0].values == (900, 300)
    assert "dated waves" in chart.caption
    months = [
        {"month": "2027-02", "licences": 100.0, "legacy_hosts": 20.0, "target": 5.0,
         "transfer": 1.0, "total": 126.0},
    ]  # fmt: skip
    chart = burn_down(phases, {"currency": "EUR", "months": months}, "EUR")
    assert chart.unit == "EUR a month" and chart.x_long == ("February 2027",)
    assert [s.values for s in chart.series] == [(120.0,), (5.0,), (126.0,)]
