"""The plan as an Excel workbook a project manager filters and edits: a summary, the waves
(order and name apart, risk bands coloured), the workloads (disposition and whether it was
chosen or suggested), dependencies with the waves of both ends, the bridges each phase needs,
the rules broken and the workloads in no wave with why. Each list is a real Excel table
(written by ``xlsxwrite``: 1.6 million cells in seconds). Edits to waves and dispositions come back through
``workbook_edits``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migplan.core.document import PlanDocument
from migplan.core.models import Workload
from migplan.core.rules import rule
from migplan.io.atomic import write_atomically
from migplan.io.reports.capacity import CapacityFigures
from migplan.io.reports.data import WORKLOAD_COLUMNS, PlanReport, WaveTables, build_report
from migplan.io.reports.xlsxwrite import Sheet, write_workbook

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


#: The workbook's sheets a person may edit and read back (``workbook_edits``), by the
#: headers written here. Everything else is computed and is written again at each export.
EDITABLE: dict[str, tuple[str, ...]] = {
    "Workloads": ("Wave", "Wave order", "Disposition", "Disposition is"),
    "Waves": ("Wave", "Start", "End"),
}
WORKLOAD_ID, WAVE_ID = "Workload ID", "Wave ID"
CHOSEN, SUGGESTED = "chosen", "suggested"

#: Cell colours of the risk bands (the window's colours, lightened for print).
BAND_FILLS = {"low": "D8EFD9", "medium": "FCE8B2", "high": "F6C6C0", "critical": "E59A93"}


def _sheet(
    wb: list[Sheet],
    title: str,
    header: list[str],
    rows: list[list[Any]],
    widths: list[int],
    *,
    table: str = "",
    band_column: str = "",
) -> None:
    """A sheet with a bold frozen header; as an Excel table named ``table`` when given
    (filters, stripes, a name formulas can use), with the risk band coloured in
    ``band_column``."""
    wb.append(
        Sheet(
            title,
            header,
            [[safe_cell(v) for v in row] for row in rows],
            widths,
            table=table,
            fills=(band_column, BAND_FILLS) if band_column else None,
        )
    )


def disposition_cells(doc: PlanDocument, report: WaveTables, wl: Workload) -> tuple[str, str]:
    """The workload's disposition for a table cell and whether a person chose it."""
    if wl.disposition is not None:
        return wl.disposition.kind.short, CHOSEN if wl.disposition.by_user else SUGGESTED
    fit = report.assessment.fits.get(wl.id)
    return (fit.suggested.short, SUGGESTED) if fit is not None else ("", "")


def workload_rows(doc: PlanDocument, report: WaveTables) -> tuple[list[str], list[list[Any]]]:
    """The Workloads sheet: header and rows (also what ``workbook_edits`` compares with)."""
    header = [
        WORKLOAD_ID,
        *WORKLOAD_COLUMNS[:4],
        "Disposition",
        "Disposition is",
        *WORKLOAD_COLUMNS[5:],
        "Wave order",
        "Wave",
        "OS",
        "Owner",
        "Source system",
        "IP addresses",
    ]
    disposition_at = WORKLOAD_COLUMNS.index("Disposition")
    rows = []
    for w in [*report.waves, report.unassigned]:
        for wl, row in zip(w.workloads, w.rows, strict=True):
            wave = doc.waves.get(wl.wave_id) if wl.wave_id else None
            rows.append(
                [
                    wl.id,
                    *row[:disposition_at],
                    *disposition_cells(doc, report, wl),
                    *row[disposition_at + 1 :],
                    wave.order if wave else None,
                    wave.name if wave else "",
                    wl.os_reported,
                    wl.owner,
                    wl.source_system,
                    ", ".join(wl.ips),
                ]
            )
    return header, rows


def wave_rows(report: WaveTables) -> tuple[list[str], list[list[Any]]]:
    header = [
        WAVE_ID,
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
    ]
    rows = []
    for w in report.waves:
        wave, risk = w.wave, w.risk
        assert wave is not None
        rows.append(
            [
                wave.id,
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
    return header, rows


def _summary(doc: PlanDocument, report: PlanReport) -> list[list[Any]]:
    risky = [w for w in report.waves if w.risk is not None]
    worst = max(risky, key=lambda w: w.risk.score if w.risk else 0.0, default=None)
    errors = sum(1 for v in report.violations if v.severity.value == "error")
    first, last = report.period or (None, None)
    # Text throughout, so the column reads as one list (numbers would sit on the right).
    rows: list[list[Any]] = [
        ["Plan", report.name],
        ["Exported", report.generated],
        ["Workloads", f"{report.counts.get('workloads', 0):,}"],
        ["In a wave", f"{report.planned:,}"],
        ["Not planned", f"{len(report.unassigned.workloads):,} (see the Not planned sheet)"],
        ["Waves", f"{len(report.waves):,}"],
        ["First wave starts", f"{first:%d %b %Y}" if first else "not dated"],
        ["Last wave ends", f"{last:%d %b %Y}" if last else "not dated"],
    ]
    if worst is not None and worst.risk is not None and worst.wave is not None:
        rows.append(
            [
                "Riskiest wave",
                f"{worst.wave.order}. {worst.wave.name}: {worst.risk.band.value} "
                f"({worst.risk.score:.0f} of 100)",
            ]
        )
    rows += [
        [
            "Rules broken",
            f"{len(report.violations):,} ({errors:,} that block the plan)"
            if report.violations
            else "none",
        ],
        [],
        ["How to edit", "Change a workload's Wave (name or order number) or its Disposition on"],
        ["", "the Workloads sheet (set 'Disposition is' to 'suggested' to drop a choice),"],
        ["", "and a wave's name and dates on the Waves sheet. In MigPlan, File > Update from"],
        ["", "workbook reads the changes back as one step you can undo. Other columns are"],
        ["", "computed: edits to them are ignored, and the update says so."],
    ]
    return rows


def _capacity_sheets(wb: list[Sheet], figures: CapacityFigures) -> None:
    """Capacity and cost: one row per wave, then one per month, the figures of ``migplan
    stats --json`` (one column per node pool, so a budget sheet can take them as they are)."""
    money = f"({figures.currency})"
    pools = list(figures.phases[0]["nodes"]) if figures.phases else []
    pool_heads, pool_widths = [f"Nodes {pool}" for pool in pools], [12] * len(pools)
    per_wave = []
    for p in figures.phases:
        cost = p["cost"]
        gpus = ", ".join(
            f"{pool}: {g['used']:g} of {g['total']:g} {g['unit']}" for pool, g in p["gpus"].items()
        )
        per_wave.append(
            [
                p["order"],
                p["wave"],
                p["data_gib"],
                p["transfer_hours"],
                cost["transfer"],
                *[p["nodes"][pool] for pool in pools],
                cost["target_per_month"],
                cost["dual_running"],
                cost["dual_running_days"],
                gpus,
                len(p["hosts_emptied"]) if p["hosts_emptied"] is not None else None,
                ", ".join(p["hosts_emptied"] or []),
                p["licensed_cores"],
                p["licensed_cores_freed"],
                p["saving_per_year"],
                p["saving_from"],
            ]
        )
    _sheet(
        wb,
        "Capacity by wave",
        [
            "Wave order", "Wave", "Data to copy GiB", "Transfer h", f"Copy cost {money}",
            *pool_heads,
            f"Target a month {money}", f"Dual running {money}", "Dual running days",
            "GPUs in use", "Hosts emptied", "Hosts emptied (names)", "Licensed cores",
            "Cores freed", f"Saving a year {money}", "Saving from",
        ],
        per_wave,
        [9, 22, 12, 10, 12, *pool_widths, 14, 14, 10, 40, 10, 40, 11, 10, 14, 12],
        table="CapacityByWave",
    )  # fmt: skip
    months = (figures.costs or {}).get("months", [])
    _sheet(
        wb,
        "Cost by month",
        [
            "Month", f"Legacy licences {money}", f"Legacy hosts {money}", f"Target {money}",
            f"Copying {money}", f"Total {money}", "Licensed cores",
            *pool_heads,
        ],
        [
            [m["month"], m["licences"], m["legacy_hosts"], m["target"], m["transfer"],
             m["total"], m["licensed_cores"], *[m["nodes"].get(pool, 0) for pool in pools]]
            for m in months
        ],
        [9, 14, 14, 14, 12, 14, 11, *pool_widths],
        table="CostByMonth",
    )  # fmt: skip


def _build(doc: PlanDocument, report: PlanReport, path: Path) -> None:
    wb: list[Sheet] = []
    _sheet(wb, "Summary", ["Item", "Value"], _summary(doc, report), [20, 80])
    header, rows = wave_rows(report)
    _sheet(
        wb,
        "Waves",
        header,
        rows,
        [14, 7, 22, 12, 12, 10, 8, 12, 12, 7, 7, 9, 11, 8, 12, 8, 80],
        table="Waves",
        band_column="Band",
    )
    header, rows = workload_rows(doc, report)
    _sheet(
        wb,
        "Workloads",
        header,
        rows,
        [14, 26, 24, 12, 14, 18, 12, 12, 7, 11, 11, 6, 8, 16, 34, 16, 24, 24],
        table="Workloads",
    )

    def wave_of(node: str) -> Any:
        wl = doc.workloads.get(node)  # type: ignore[call-overload]
        return doc.waves.get(wl.wave_id) if wl is not None and wl.wave_id else None

    deps = []
    for d in sorted(
        doc.dependencies.values(), key=lambda d: (doc.node_name(d.source), doc.node_name(d.target))
    ):
        src, dst = wave_of(d.source), wave_of(d.target)
        deps.append(
            [
                doc.node_name(d.source),
                doc.node_name(d.target),
                src.order if src else None,
                src.name if src else "",
                dst.order if dst else None,
                dst.name if dst else "",
                "yes" if src and dst and src.id != dst.id else "",
                "yes" if src and dst and dst.order > src.order else "",
                d.port,
                d.protocol.value,
                d.process,
                d.count,
                round(d.traffic_mbps, 3),
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
            "Its wave order",
            "Its wave",
            "On wave order",
            "On wave",
            "Crosses waves",
            "Backward",
            "Port",
            "Protocol",
            "Process",
            "Seen",
            "Traffic Mbit/s",
            "Hard",
            "Latency-sensitive",
            "Origin",
        ],
        deps,
        [26, 26, 9, 18, 9, 18, 9, 9, 7, 9, 18, 7, 10, 6, 9, 40],
        table="Dependencies",
    )
    bridges = []
    for w in report.waves:
        assert w.wave is not None
        phase = report.assessment.bridges_of(w.wave.id)
        for b in phase.bridges:
            bridges.append(
                [
                    w.wave.order,
                    w.wave.name,
                    doc.node_name(b.source),
                    doc.node_name(b.target),
                    b.source_platform.label,
                    b.target_platform.label,
                    "yes" if b.over_link else "",
                    b.port,
                    b.protocol.value,
                    round(b.mbps, 3),
                    "yes" if b.latency_sensitive else "",
                    "yes" if b.hard else "",
                ]
            )
    _sheet(
        wb,
        "Bridges",
        [
            "Wave order",
            "During wave",
            "Depends",
            "On",
            "Runs on",
            "On runs on",
            "Over the hybrid link",
            "Port",
            "Protocol",
            "Traffic Mbit/s",
            "Latency-sensitive",
            "Hard",
        ],
        bridges,
        [9, 22, 26, 26, 18, 18, 10, 7, 9, 10, 9, 6],
        table="Bridges",
    )
    if report.capacity is not None:
        _capacity_sheets(wb, report.capacity)
    wave_name = {w.id: w.name for w in doc.waves.values()}
    rules = [
        [
            v.severity.value,
            rule(v.rule_id).title,
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
        ["Severity", "Rule", "Rule id", "Waves", "Workloads", "What is wrong"],
        rules,
        [9, 28, 14, 22, 10, 100],
        table="RulesBroken",
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
        table="NotPlanned",
    )
    write_workbook(path, wb)
