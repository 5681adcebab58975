"""The plan as an Excel workbook: waves, workloads, dependencies, the rules broken and the
workloads in no wave with why, each a filterable sheet with frozen headers (openpyxl,
write-only for speed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migplan.core.document import PlanDocument
from migplan.core.rules import rule
from migplan.io.atomic import write_atomically
from migplan.io.reports.data import WORKLOAD_COLUMNS, PlanReport, build_report

#: Excel would run a cell starting with these as a formula: a plan from someone else must
#: never smuggle one into a workbook (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_xlsx(doc: PlanDocument, path: Path, report: PlanReport | None = None) -> None:
    """Write the workbook for ``doc`` to ``path`` (atomically)."""
    report = report or build_report(doc)
    write_atomically(path, lambda tmp: _build(doc, report, tmp))


def _sheet(
    wb: Any, title: str, header: list[str], rows: list[list[Any]], widths: list[int]
) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows) + 1)}"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="ECEEF2")
    head = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill = bold, fill
        head.append(cell)
    ws.append(head)
    for row in rows:
        ws.append([safe_cell(v) for v in row])


def _build(doc: PlanDocument, report: PlanReport, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    waves = []
    for w in report.waves:
        wave, risk = w.wave, w.risk
        assert wave is not None
        waves.append(
            [
                wave.order,
                wave.name,
                wave.start_date,
                wave.end_date,
                w.totals["workloads"],
                w.totals["vcpu"],
                w.totals["memory_gib"],
                w.totals["storage_gib"],
                w.totals["gpus"],
                round(risk.score, 1) if risk else None,
                risk.band.value if risk else "",
                risk.confidence.value if risk else "",
                ("yes" if risk.blocked else "") if risk else "",
                len(w.violations),
                "yes" if wave.locked else "",
                " ".join(risk.explain()[1:]) if risk else "",
            ]
        )
    _sheet(
        wb,
        "Waves",
        [
            "Order",
            "Wave",
            "Start",
            "End",
            "Workloads",
            "vCPU",
            "Memory GiB",
            "Storage GiB",
            "GPUs",
            "Risk",
            "Band",
            "Confidence",
            "Blocked",
            "Rules broken",
            "Locked",
            "Why",
        ],
        waves,
        [7, 22, 12, 12, 10, 8, 12, 12, 7, 7, 9, 11, 8, 12, 8, 80],
    )
    wave_name = {w.id: w.name for w in doc.waves.values()}
    workloads = []
    for w in [*report.waves, report.unassigned]:
        for wl, row in zip(w.workloads, w.rows, strict=True):
            workloads.append(
                [
                    *row,
                    wave_name.get(wl.wave_id, "") if wl.wave_id else "",
                    wl.os_reported,
                    wl.owner,
                    wl.source_system,
                    ", ".join(wl.ips),
                ]
            )
    _sheet(
        wb,
        "Workloads",
        [*WORKLOAD_COLUMNS, "Wave", "OS", "Owner", "Source system", "IP addresses"],
        workloads,
        [26, 24, 12, 14, 18, 12, 7, 11, 11, 6, 14, 34, 16, 24, 24],
    )
    deps = []
    for d in sorted(
        doc.dependencies.values(), key=lambda d: (doc.node_name(d.source), doc.node_name(d.target))
    ):
        deps.append(
            [
                doc.node_name(d.source),
                doc.node_name(d.target),
                d.port,
                d.protocol.value,
                d.process,
                d.count,
                d.weight,
                "yes" if d.hard else "",
                "yes" if d.latency_sensitive else "",
                d.origin.describe(),
            ]
        )
    _sheet(
        wb,
        "Dependencies",
        [
            "Depends",
            "On",
            "Port",
            "Protocol",
            "Process",
            "Seen",
            "Traffic",
            "Hard",
            "Latency-sensitive",
            "Origin",
        ],
        deps,
        [26, 26, 7, 9, 18, 7, 9, 6, 9, 40],
    )
    rules = [
        [
            v.severity.value,
            v.rule_id,
            ", ".join(wave_name.get(w, w) for w in v.wave_ids),
            len(v.workload_ids),
            v.message,
        ]
        for v in report.violations
    ]
    _sheet(
        wb,
        "Rules broken",
        ["Severity", "Rule", "Waves", "Workloads", "What is wrong"],
        rules,
        [9, 14, 22, 10, 100],
    )
    app_name = {a.id: a.name for a in doc.applications.values()}
    not_planned = []
    for u in sorted(report.unplaced, key=lambda u: (u.rule_id, u.name.casefold())):
        found = doc.workloads.get(u.workload_id)
        app = app_name.get(found.application_id, "") if found and found.application_id else ""
        not_planned.append([u.name, app, rule(u.rule_id).title, u.rule_id, u.reason])
    _sheet(
        wb,
        "Not planned",
        ["Workload", "Application", "Reason", "Rule", "Why it is in no wave"],
        not_planned,
        [26, 24, 30, 13, 110],
    )
    wb.save(str(path))
