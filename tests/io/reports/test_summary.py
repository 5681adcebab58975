"""The executive summary, the runbook table and edge cases of the phase plan PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

from migplan.core.commands import UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind
from migplan.core.estate import EstateSpec, generate_estate
from migplan.io.reports.data import build_report, gpu_pool_use, phase_app_links
from migplan.io.reports.pdf import write_pdf
from migplan.io.reports.runbook import RUNBOOK
from migplan.io.reports.summary import MITIGATIONS, executive_summary


def test_every_disposition_has_named_runbook_and_backout_steps() -> None:
    assert set(RUNBOOK) == set(DispositionKind)
    ids = [t.template_id for t in RUNBOOK.values()]
    assert len(set(ids)) == len(ids)
    assert all(t.runbook and t.backout for t in RUNBOOK.values())


def test_summary_counts_are_the_reports_and_risks_say_what_is_done() -> None:
    doc = generate_estate(EstateSpec(workloads=150, waves=5, seed=3))
    report = build_report(doc)
    summary = executive_summary(report)
    assert [m.workloads for m in summary.moves] == [len(w.workloads) for w in report.waves]
    for m, w in zip(summary.moves, report.waves, strict=True):
        assert sum(m.by_disposition.values()) == len(w.workloads)
        assert m.band == (w.risk.band.value if w.risk else "")
    assert 0 < len(summary.risks) <= 3
    for risk in summary.risks:
        assert risk.action in MITIGATIONS.values()
        assert risk.title and risk.sentence
    blocking = [r.blocking for r in summary.risks]
    assert blocking == sorted(blocking, reverse=True), "what blocks a wave comes first"
    links = phase_app_links(report.assessment)
    assert set(links) <= set(range(1, len(report.waves) + 1))


def test_a_plan_without_dates_or_waves_still_reads(tmp_path: Path) -> None:
    doc = generate_estate(EstateSpec(workloads=40, waves=2, seed=9))
    doc.apply(
        UpdateEntities(
            tuple(
                (
                    w.id,
                    {
                        "start_date": None,
                        "end_date": None,
                        "cutover_window": None,
                        "rollback_window": None,
                    },
                )
                for w in doc.waves_in_order()
            )
        )
    )
    out = tmp_path / "undated.pdf"
    write_pdf(doc, out)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "No wave has dates yet" in " ".join(text.split())
    empty = tmp_path / "empty.pdf"
    write_pdf(PlanDocument(), empty)
    text = subprocess.run(
        ["pdftotext", str(empty), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Executive summary" in text
    assert gpu_pool_use(build_report(PlanDocument()).assessment) == {}


def test_plan_meta_reads_author_dates_and_saved_versions_when_the_plan_has_them() -> None:
    import datetime as dt
    from types import SimpleNamespace

    from migplan.io.reports.data import plan_meta

    saved = [
        SimpleNamespace(
            when=dt.datetime(2027, 1, 5, 9, 30), author="Zoë Łukasiewicz", summary="first waves"
        ),
        SimpleNamespace(
            when=dt.datetime(2027, 1, 9, 17, 0), author="Ann", summary="moved the <b> app"
        ),
    ]
    meta = SimpleNamespace(
        author="Zoë Łukasiewicz",
        created=dt.datetime(2027, 1, 5, 9, 30),
        modified=dt.datetime(2027, 1, 9, 17, 0),
        changes=saved,
    )
    doc = SimpleNamespace(settings=SimpleNamespace(metadata=meta))
    got = plan_meta(doc)  # type: ignore[arg-type]
    assert got.author == "Zoë Łukasiewicz"
    assert got.modified == "09 Jan 2027 17:00"
    assert got.version.startswith("2 ")
    assert got.change_log == (
        ("05 Jan 2027 09:30", "Zoë Łukasiewicz", "first waves"),
        ("09 Jan 2027 17:00", "Ann", "moved the <b> app"),
    )
    assert plan_meta(PlanDocument()).author == "", "a plan without metadata has no author line"
