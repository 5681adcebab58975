"""What the PDF and the Excel export show, computed once from the document and the same
``Assessment`` the window uses, so a printed plan never disagrees with the screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from migplan.core.assess.assessment import Assessment
from migplan.core.assess.risk import PhaseRisk
from migplan.core.assess.validate import Violation
from migplan.core.document import PlanDocument
from migplan.core.models import Wave, Workload
from migplan.core.stats import totals

WORKLOAD_COLUMNS = (
    "Workload",
    "Application",
    "Environment",
    "Criticality",
    "Disposition",
    "Fit",
    "vCPU",
    "Memory GiB",
    "Storage GiB",
    "GPUs",
)


@dataclass
class WaveReport:
    wave: Wave | None
    title: str
    dates: str
    workloads: list[Workload]
    rows: list[list[Any]]
    risk: PhaseRisk | None
    violations: list[Violation]
    totals: dict[str, float]
    windows: list[str] = field(default_factory=list)


@dataclass
class PlanReport:
    name: str
    generated: str
    counts: dict[str, int]
    totals: dict[str, float]
    metrics: dict[str, Any]
    waves: list[WaveReport]
    unassigned: WaveReport
    violations: list[Violation]
    assessment: Assessment


def _dates(wave: Wave) -> str:
    if wave.start_date and wave.end_date:
        return f"{wave.start_date:%d %b %Y} – {wave.end_date:%d %b %Y}"
    return "dates not set"


def _window(label: str, window: Any) -> str:
    if window is None:
        return ""
    return f"{label}: {window.start:%a %d %b %Y %H:%M} – {window.end:%a %d %b %H:%M} ({window.hours:g} h)"


def _row(doc: PlanDocument, a: Assessment, wl: Workload) -> list[Any]:
    app = doc.applications.get(wl.application_id) if wl.application_id else None
    fit = a.fits.get(wl.id)
    if wl.disposition is not None:
        disposition = wl.disposition.kind.short
    elif fit is not None:
        disposition = f"({fit.suggested.short})"
    else:
        disposition = ""
    return [
        wl.name,
        app.name if app else "",
        wl.environment.value,
        wl.criticality.value,
        disposition,
        fit.level.value if fit else "",
        wl.vcpu,
        round(wl.memory_mib / 1024, 1),
        round(wl.storage_gib, 1),
        wl.gpu_count,
    ]


def _size(workloads: list[Workload]) -> dict[str, float]:
    return dict(asdict(totals(workloads)))


def build_report(doc: PlanDocument, assessment: Assessment | None = None) -> PlanReport:
    """Everything an export shows. Pass the window's ``assessment`` to reuse it."""
    from migplan.core.planning.metrics import plan_metrics

    a = assessment or Assessment(doc)
    by_wave: dict[Any, list[Workload]] = {}
    for wl in sorted(doc.workloads.values(), key=lambda w: (w.name.casefold(), w.id)):
        by_wave.setdefault(wl.wave_id, []).append(wl)
    waves = []
    for wave in doc.waves_in_order():
        members = by_wave.get(wave.id, [])
        waves.append(
            WaveReport(
                wave=wave,
                title=f"{wave.order}. {wave.name}",
                dates=_dates(wave),
                workloads=members,
                rows=[_row(doc, a, w) for w in members],
                risk=a.risks.get(wave.id),
                violations=a.violations_of(wave.id),
                totals=_size(members),
                windows=[
                    w
                    for w in (
                        _window("Cutover", wave.cutover_window),
                        _window("Rollback", wave.rollback_window),
                        "Locked: the planner keeps this wave as it is" if wave.locked else "",
                    )
                    if w
                ],
            )
        )
    loose = by_wave.get(None, [])
    unassigned = WaveReport(
        wave=None,
        title="Not in any wave",
        dates="",
        workloads=loose,
        rows=[_row(doc, a, w) for w in loose],
        risk=None,
        violations=[],
        totals=_size(loose),
    )
    metrics = plan_metrics(doc).as_dict() if doc.waves else {}
    return PlanReport(
        name=doc.settings.name,
        generated=dt.datetime.now().strftime("%d %b %Y %H:%M"),
        counts=doc.counts(),
        totals=_size(list(doc.workloads.values())),
        metrics=metrics,
        waves=waves,
        unassigned=unassigned,
        violations=list(a.violations),
        assessment=a,
    )
