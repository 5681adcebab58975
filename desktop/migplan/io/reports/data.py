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
from migplan.core.planning.proposal import Unplaceable
from migplan.core.rules import Rule, rule
from migplan.core.stats import totals
from migplan.io.reports.capacity import CapacityFigures, capacity_figures

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


@dataclass(frozen=True)
class UnplacedGroup:
    """The workloads one rule keeps out of the waves, with the same reason listed once."""

    rule: Rule
    count: int
    #: (reason, names of the workloads it keeps out), in the order of first appearance.
    reasons: list[tuple[str, list[str]]]


@dataclass
class WaveTables:
    """Each wave's workloads, rows and risk, and the workloads in no wave: what the
    workbook's Waves and Workloads sheets list (and ``workbook_edits`` compares with)."""

    waves: list[WaveReport]
    unassigned: WaveReport
    assessment: Assessment

    @property
    def planned(self) -> int:
        """How many workloads are in a wave."""
        return sum(len(w.workloads) for w in self.waves)

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """The first start and the last end of the waves with both dates (None: none has)."""
        dated = [
            (w.wave.start_date, w.wave.end_date)
            for w in self.waves
            if w.wave and w.wave.start_date and w.wave.end_date
        ]
        if not dated:
            return None
        return min(start for start, _ in dated), max(end for _, end in dated)

    @property
    def peak_link_mbps(self) -> float:
        """The hybrid link's load in its busiest phase (Mbit/s; 0 without waves)."""
        link = self.assessment.loads.link_mbps
        return max((float(link[r]) for r in range(1, len(self.waves) + 1)), default=0.0)


@dataclass
class PlanReport(WaveTables):
    name: str
    generated: str
    counts: dict[str, int]
    totals: dict[str, float]
    metrics: dict[str, Any]
    violations: list[Violation]
    #: Every workload in no wave and why (``explain_unplaced``), by name.
    unplaced: tuple[Unplaceable, ...] = ()
    #: Capacity and cost per phase and month (``core.stats``), as ``migplan stats`` prints.
    capacity: CapacityFigures | None = None

    def unplaced_groups(self) -> list[UnplacedGroup]:
        """``unplaced`` grouped by rule (most workloads first), then by reason."""
        by_rule: dict[str, dict[str, list[str]]] = {}
        for item in sorted(self.unplaced, key=lambda u: (u.name.casefold(), u.workload_id)):
            by_rule.setdefault(item.rule_id, {}).setdefault(item.reason, []).append(item.name)
        groups = [
            UnplacedGroup(
                rule=rule(rule_id),
                count=sum(len(names) for names in reasons.values()),
                reasons=sorted(reasons.items(), key=lambda kv: (-len(kv[1]), kv[0])),
            )
            for rule_id, reasons in by_rule.items()
        ]
        return sorted(groups, key=lambda g: (-g.count, g.rule.rule_id))


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


def build_report(
    doc: PlanDocument,
    assessment: Assessment | None = None,
    *,
    unplaced: tuple[Unplaceable, ...] | None = None,
) -> PlanReport:
    """Everything an export shows. Pass the window's ``assessment`` (and its current
    ``unplaced`` list, when it has one) to reuse them."""
    from migplan.core.planning.metrics import plan_metrics
    from migplan.core.planning.unplaced import explain_assessed

    a = assessment or Assessment(doc)
    if unplaced is None:
        unplaced = explain_assessed(a)
    tables = wave_tables(doc, a)
    # The shared services the assessment already classed (plan_metrics would classify
    # every workload again: most of an export's time at 10,000 workloads).
    foundation = doc.settings.planner.shared_services == "foundation"
    metrics = (
        plan_metrics(doc, a.shared_ids() if foundation else None).as_dict() if doc.waves else {}
    )
    return PlanReport(
        waves=tables.waves,
        unassigned=tables.unassigned,
        assessment=a,
        name=doc.settings.name,
        generated=dt.datetime.now().strftime("%d %b %Y %H:%M"),
        counts=doc.counts(),
        totals=_size(list(doc.workloads.values())),
        metrics=metrics,
        violations=list(a.violations),
        unplaced=unplaced,
        capacity=capacity_figures(doc, a.target_phases(), a.dispositions),
    )


def wave_tables(doc: PlanDocument, a: Assessment) -> WaveTables:
    """The waves' and the unplaced workloads' rows, from ``a`` (``doc``'s assessment)."""
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
    return WaveTables(waves=waves, unassigned=unassigned, assessment=a)


# -- added for the phase plan PDF (issue 13): what each phase section and the cover show --


@dataclass(frozen=True)
class PlanMeta:
    """Who wrote the plan and which version it is, when the plan records it."""

    author: str = ""
    created: str = ""
    modified: str = ""
    version: str = ""
    #: (when, who, what) of each saved version, oldest first.
    change_log: tuple[tuple[str, str, str], ...] = ()


def _when(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d %b %Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y")
    return str(value or "")


def plan_meta(doc: PlanDocument) -> PlanMeta:
    """The plan's author, dates and log of saved versions (``settings.metadata``); its
    version is the number of saved versions, when the log has any."""
    meta = doc.settings.metadata
    log = tuple((_when(e.when), e.author, e.summary) for e in meta.changes)
    return PlanMeta(
        author=meta.author,
        created=_when(meta.created),
        modified=_when(meta.modified),
        version=f"{len(log)} (saved versions in the plan's log)" if log else "",
        change_log=log,
    )


@dataclass(frozen=True)
class AppLink:
    """Traffic between an application of a phase and another application (Mbit/s)."""

    source: str
    target: str
    #: Wave rank of each end (``k + 1``: in no wave).
    source_rank: int
    target_rank: int
    mbps: float
    count: int


def phase_app_links(a: Assessment) -> dict[int, list[AppLink]]:
    """Per wave rank, the application-level links touching the phase's applications,
    heaviest first: the dependency picture of each phase. An application's rank is the
    wave of its workloads in that phase (workloads without an application stand alone)."""
    index = a.index
    doc = a.doc
    label: list[str] = []
    for wid in index.ids:
        wl = doc.workloads[wid]
        app = doc.applications.get(wl.application_id) if wl.application_id else None
        label.append(app.name if app else wl.name)
    ra, rb = index.edge_ranks()
    agg: dict[tuple[str, int, str, int], list[float]] = {}
    src, dst, mbps = index.src.tolist(), index.dst.tolist(), index.mbps.tolist()
    for e, (s, t) in enumerate(zip(src, dst, strict=True)):
        if s < 0 or t < 0:
            continue
        key = (label[s], int(ra[e]), label[t], int(rb[e]))
        if key[0] == key[2] and key[1] == key[3]:
            continue
        slot = agg.setdefault(key, [0.0, 0.0])
        slot[0] += mbps[e]
        slot[1] += 1
    out: dict[int, list[AppLink]] = {}
    for (sa, sr, ta, tr), (m, n) in agg.items():
        link = AppLink(sa, ta, sr, tr, m, int(n))
        for r in {sr, tr}:
            if 1 <= r <= index.k:
                out.setdefault(r, []).append(link)
    for links in out.values():
        links.sort(key=lambda x: (-x.mbps, x.source, x.target))
    return out


@dataclass(frozen=True)
class PoolUse:
    """GPUs of one pool group in use once a phase has run, against what it holds."""

    label: str
    names: tuple[str, ...]
    capacity: float
    in_use: float
    added: float


def gpu_pool_use(a: Assessment) -> dict[int, list[PoolUse]]:
    """Per wave rank, the GPUs of each pool group in use after it (pools are consumed
    wave after wave: the GPU-POOL rule's own ``cumulative_use``); empty without pools."""
    from migplan.core.planning.gpupools import GpuPools, cumulative_use

    index = a.index
    pools = GpuPools.for_plan(a.doc.settings)
    if not pools.modelled:
        return {}
    needs = [
        (int(index.rank[i]), i, need)
        for i, need in enumerate(index.gpu)
        if need is not None and index.rank[i] <= index.k
    ]
    use, _short = cumulative_use(pools, needs)
    out: dict[int, list[PoolUse]] = {}
    for rank in range(1, index.k + 1):
        now = use[rank] if rank < len(use) else (use[-1] if use else [0.0] * len(pools.groups))
        before = use[rank - 1] if rank - 1 < len(use) else now
        out[rank] = [
            PoolUse(g.label, g.names, g.capacity, now[i], now[i] - before[i])
            for i, g in enumerate(pools.groups)
        ]
    return out
