"""The executive summary of a phase plan, in plain language, from ``PlanReport``.

What moves when and to what, the three biggest risks with what is done about them, and
what is not planned and why. Every number is read from the report (the window's assessment),
never recomputed; sentences name rules and risk factors by their titles, never their ids.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from migplan.core.assess.risk_rubrics import FACTORS
from migplan.core.enums import DispositionKind
from migplan.core.rules import RULES
from migplan.io.reports.data import PlanReport

#: What the team does about each risk factor (F1..F9, C1..C6) and each gate.
MITIGATIONS: dict[str, str] = {
    "F1": "Move it in a cutover window agreed with the business, with its owner on call and "
    "the back-out steps rehearsed.",
    "F2": "Run a trial conversion first and fix what the fit assessment found before the wave.",
    "F3": "Copy the data ahead with a warm migration, or book a longer cutover window.",
    "F4": "Keep the source read-only and intact until the rollback window closes, and "
    "rehearse the switch back.",
    "F5": "Do a pilot of this kind of workload in an earlier, smaller wave.",
    "F6": "Settle compliance and data residency with the data owner before the wave starts.",
    "F7": "Make the GPU pool and its drivers ready on the target and test one workload first.",
    "F8": "Move the data it uses in the same wave, or plan for the traffic on the hybrid link.",
    "F9": "Pair the team with people who have run a wave, and keep the first waves small.",
    "C1": "Open and test every connection that crosses the hybrid link before the cutover.",
    "C2": "Raise the link's bandwidth or move the heavy talkers together in one wave.",
    "C3": "Move latency-sensitive partners together, or test the delay across the link first.",
    "C4": "Add engineers or spread the wave over more days, away from change freezes.",
    "C5": "Warn the owners of everything that depends on this wave and agree a test plan.",
    "C6": "Move what these workloads depend on first, or keep a bridge open for it.",
    "APP-SPLIT": "Move the application's workloads in one wave.",
    "ENV-MIX": "Split the wave so production and non-production move apart.",
    "CRIT-BIDIR": "Move both ends of the critical two-way dependencies in the same wave.",
    "DATA-GRAVITY": "Move the data the AI workload reads in the same wave or an earlier one.",
}

DISPOSITION_WORDS: dict[DispositionKind, str] = {
    DispositionKind.CONTAINERIZE: "become containers",
    DispositionKind.REHOST_KUBEVIRT: "run as virtual machines on Kubernetes",
    DispositionKind.RETAIN: "stay on the legacy hypervisor",
    DispositionKind.RETIRE: "are retired",
}


@dataclass(frozen=True)
class MoveRow:
    """One wave in 'what moves when'."""

    title: str
    dates: str
    applications: int
    workloads: int
    by_disposition: dict[DispositionKind, int]
    band: str


@dataclass(frozen=True)
class RiskItem:
    """One of the biggest risks: where, what (a sentence), and what is done about it."""

    wave: str
    title: str
    sentence: str
    action: str
    points: float
    blocking: bool
    also_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotPlanned:
    title: str
    count: int
    statement: str
    example: str


@dataclass(frozen=True)
class ExecutiveSummary:
    overview: list[str]
    moves: list[MoveRow]
    risks: list[RiskItem]
    not_planned: list[NotPlanned]


def plural(n: int, word: str) -> str:
    """``n`` (with thousands separators) and ``word``, with an s unless ``n`` is 1."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _factor_key(gate_id: str) -> str:
    return gate_id.split("=")[0]


def _title_of(key: str) -> str:
    if key in FACTORS:
        return FACTORS[key].name
    if key in RULES:
        return RULES[key].title
    if key == "CRIT-BIDIR":
        return "Critical two-way dependency across the link"
    return key


def biggest_risks(report: PlanReport, limit: int = 3) -> list[RiskItem]:
    """The ``limit`` biggest risks of the plan: what blocks a wave first, then the factors
    adding the most points, each factor once (the other waves it tops are listed)."""
    found: dict[str, list[RiskItem]] = {}
    for w in report.waves:
        risk = w.risk
        if risk is None:
            continue
        for gate in risk.gates:
            key = _factor_key(gate.gate_id)
            found.setdefault(key, []).append(
                RiskItem(
                    w.title,
                    _title_of(key),
                    gate.message,
                    MITIGATIONS.get(key, ""),
                    risk.points.get(key, 100.0),
                    True,
                )
            )
        for c in risk.top:
            found.setdefault(c.factor_id, []).append(
                RiskItem(w.title, c.name, c.text, MITIGATIONS.get(c.factor_id, ""), c.points, False)
            )
    items = []
    for hits in found.values():
        hits.sort(key=lambda r: (not r.blocking, -r.points))
        first = hits[0]
        others = tuple(dict.fromkeys(h.wave for h in hits[1:] if h.wave != first.wave))
        items.append(replace(first, also_in=others))
    items.sort(key=lambda r: (not r.blocking, -r.points))
    return items[:limit]


def executive_summary(report: PlanReport) -> ExecutiveSummary:
    """The summary's sentences and tables (see the module docstring)."""
    a = report.assessment
    doc = a.doc
    moves = []
    planned: Counter[DispositionKind] = Counter()
    for w in report.waves:
        kinds = Counter(a.dispositions[wl.id] for wl in w.workloads if wl.id in a.dispositions)
        planned.update(kinds)
        apps = {wl.application_id for wl in w.workloads if wl.application_id}
        moves.append(
            MoveRow(
                w.title,
                w.dates,
                len(apps),
                len(w.workloads),
                dict(kinds),
                w.risk.band.value if w.risk else "",
            )
        )
    overview = []
    span = ""
    if report.period:
        start, end = report.period
        span = f" from {start:%d %B %Y} to {end:%d %B %Y}"
    overview.append(
        f"The plan moves {plural(report.planned, 'workload')} of {len(doc.workloads):,} in "
        f"{plural(len(report.waves), 'wave')}{span}."
    )
    parts = [
        f"{planned[k]:,} {DISPOSITION_WORDS[k]}"
        for k in (
            DispositionKind.CONTAINERIZE,
            DispositionKind.REHOST_KUBEVIRT,
            DispositionKind.RETAIN,
            DispositionKind.RETIRE,
        )
        if planned[k]
    ]
    if parts:
        overview.append("Of the workloads in waves, " + "; ".join(parts) + ".")
    blocked = [w.title for w in report.waves if w.risk and w.risk.blocked]
    bands = Counter(w.risk.band.value for w in report.waves if w.risk)
    band_text = ", ".join(
        f"{bands[b]} {b}" for b in ("critical", "high", "medium", "low") if bands[b]
    )
    if band_text:
        overview.append(f"Risk of the waves: {band_text}.")
    if blocked:
        overview.append(
            f"{plural(len(blocked), 'wave')} cannot run as planned yet: "
            + ", ".join(blocked)
            + " (the reasons are in each wave's section)."
        )
    peak = report.peak_link_mbps
    usable = doc.settings.network.usable_mbps
    if report.waves:
        overview.append(
            f"At its busiest the hybrid link between the old and the new platform carries "
            f"{peak:,.0f} Mbit/s of the {usable:,.0f} Mbit/s it can spare."
        )
    loose = len(report.unassigned.workloads)
    if loose:
        overview.append(
            f"{plural(loose, 'workload')} {'is' if loose == 1 else 'are'} in no wave: the last part of this summary says why."
        )
    not_planned = [
        NotPlanned(
            g.rule.title,
            g.count,
            g.rule.statement,
            g.reasons[0][0][:1].upper() + g.reasons[0][0][1:] if g.reasons else "",
        )
        for g in report.unplaced_groups()
    ]
    return ExecutiveSummary(overview, moves, biggest_risks(report), not_planned)
