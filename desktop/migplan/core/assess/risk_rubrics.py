"""The factors of the phase-risk model (planning.md 3.3), each a named rule with its rubric.

Every factor has an id (F1..F9 for workloads, C1..C6 for the phase as a whole), a name, a
one-line plain statement of what it measures, and what its levels 0 (none) .. 4 (critical or
blocked) mean: ``rubric`` is the short detail a settings table shows, ``says`` the sentence
the risk panel shows a project manager. Workload sentences name the workloads through
``{who}`` and agree with it through ``{s}``, ``{are}``, ``{have}`` and ``{its}``; phase
sentences are filled with the measured values (``PhaseRisk`` explains which).

Where each factor is computed: F1, F2, F4, F6 and F7 per workload in
``risk_factors.static_factors``; F3, F5, F7 (capacity), F8 and F9 for all workloads at once in
``risk_factors.plan_scores``; C1..C6 for all waves at once in ``risk_arrays`` (one function
per factor, named after it). Weights and bucket thresholds are plan settings
(``RiskSettings``); ``RiskModel`` merges them with the documented defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from migplan.core.assess.index import FloatArray, IntArray
from migplan.core.settings import (
    DEFAULT_PHASE_WEIGHTS,
    DEFAULT_RISK_THRESHOLDS,
    DEFAULT_WORKLOAD_WEIGHTS,
    RiskSettings,
)

Levels = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class Factor:
    factor_id: str
    name: str
    #: What the factor measures, in one plain sentence.
    statement: str
    #: What levels 0, 1, 2, 3 and 4 mean (short detail).
    rubric: Levels
    #: The sentence a risk explanation gives at each level (a template; see the module doc).
    says: Levels

    def describe(self, score: int) -> str:
        """The rubric of ``score`` as detail, e.g. "Data vs downtime window: level 3 of 4 (...)"."""
        return f"{self.name}: level {score} of 4 ({self.rubric[score]})"


# fmt: off
WORKLOAD_FACTORS: tuple[Factor, ...] = (
    Factor(
        "F1", "Business criticality",
        "How much the business suffers if the workload is down.",
        ("sandbox or non-production, low criticality", "internal, low criticality",
         "internal, important", "customer-facing (high)", "mission-critical / SLA"),
        ("{who} {are} sandbox or non-production", "{who} {are} of low business criticality",
         "{who} {are} important to the business", "{who} {are} customer-facing",
         "{who} {are} mission-critical"),
    ),
    Factor(
        "F2", "Fit / technical complexity",
        "How much work it takes to make the workload run on its target platform.",
        ("excellent fit", "good fit with findings", "minimal work",
         "major work (or kubev2v hard OS/disk)", "no fit / white glove"),
        ("{who} fit{s} the target well", "{who} fit{s} the target with minor findings",
         "{who} need{s} some rework to fit the target",
         "{who} need{s} major rework, or {are} hard to rehost as a VM",
         "{who} {have} no ready fit and need{s} a hands-on migration"),
    ),
    Factor(
        "F3", "Data vs downtime window",
        "How long copying the data takes compared with the cutover window.",
        ("copy takes < 25% of the cutover window", "< 50% of the window", "< 100% of the window",
         "up to twice the window (warm migration needed)", "cannot fit the window"),
        ("{who} copy{s} {its} data in a fraction of the cutover window",
         "{who} need{s} up to half of the cutover window to copy {its} data",
         "{who} need{s} most of the cutover window to copy {its} data",
         "{who} need{s} up to twice the cutover window to copy {its} data, so a warm "
         "migration is needed",
         "{who} cannot copy {its} data within the cutover window"),
    ),
    Factor(
        "F4", "Rollback difficulty",
        "How hard it is to go back to the old system if the cutover fails.",
        ("stateless: blue/green", "source kept read-only, re-sync to roll back",
         "one-way database replication", "schema or format change on the way", "irreversible"),
        ("{who} can roll back by switching traffic back",
         "{who} can roll back only by re-syncing from the source kept read-only",
         "{who} can roll back only through one-way database replication",
         "{who} change{s} schema or data format on the way, so rolling back is hard",
         "{who} cannot be rolled back"),
    ),
    Factor(
        "F5", "First of a kind",
        "Whether the team has moved this kind of workload (platform, OS, GPU mode) before.",
        ("pattern done 3 or more times before", "pattern done once or twice",
         "first time, vendor-documented path",
         "needs a new platform capability (Windows nodes, GPU passthrough, vGPU)",
         "preview or unsupported path"),
        ("{who} follow{s} a pattern done three or more times before",
         "{who} follow{s} a pattern done only once or twice before",
         "{who} {are} the first of {its} kind, on a vendor-documented path",
         "{who} need{s} a platform capability not used yet (Windows nodes, GPU passthrough "
         "or vGPU)",
         "{who} take{s} a preview or unsupported path"),
    ),
    Factor(
        "F6", "Compliance / residency",
        "What regulated data the workload holds and whether its compliance is settled.",
        ("no regulated data", "low: internal confidential data",
         "regulated data with approved controls", "compliance scope change pending",
         "unresolved residency"),
        ("{who} hold{s} no regulated data", "{who} hold{s} internal confidential data",
         "{who} hold{s} regulated data under approved controls",
         "{who} {have} a compliance scope change pending",
         "{who} {have} unresolved data residency"),
    ),
    Factor(
        "F7", "Accelerator readiness",
        "Whether the GPUs the workload needs are ready for it on the target.",
        ("no GPU", "GPU pool available in the same mode", "MIG/vGPU/passthrough set-up needed",
         "GPU capacity below demand or mode conflict",
         "passthrough VM that needs HA / live migration"),
        ("{who} need{s} no GPU", "{who} need{s} GPUs from a pool already in {its} mode",
         "{who} need{s} a GPU pool set up for MIG, vGPU or passthrough",
         "{who} need{s} more GPUs than the pools offer, or a mode they do not serve",
         "{who} need{s} high availability but use{s} GPU passthrough, which cannot "
         "live-migrate"),
    ),
    Factor(
        "F8", "Data gravity / east-west",
        "How much traffic the workload sends to data that stays behind on the old side.",
        ("< 10% of the usable link to data left behind", "< 25%", "< 50%", "< 100%",
         "more than the usable link"),
        ("{who} send{s} little traffic to data left behind",
         "{who} send{s} up to a quarter of what the hybrid link can spare to data left behind",
         "{who} send{s} up to half of what the hybrid link can spare to data left behind",
         "{who} send{s} nearly all that the hybrid link can spare to data left behind",
         "{who} would need more than the hybrid link can spare to reach data left behind"),
    ),
    Factor(
        "F9", "Team experience",
        "How many waves the team has done before this one.",
        ("2 or more waves done", "1 wave done", "trained, no wave done yet", "partly trained",
         "no experience"),
        ("The team has done two or more waves before this one",
         "The team has done only one wave before this one", "This is the team's first wave",
         "The team is only partly trained", "The team has no migration experience"),
    ),
)
PHASE_FACTORS: tuple[Factor, ...] = (
    Factor(
        "C1", "Cross-boundary dependencies",
        "How many dependencies of the wave cross the hybrid link when it lands (two-way or "
        "hard ones count double).",
        ("none", "1-2 (weighted)", "3-5", "6-10", "more than 10, or a critical two-way one"),
        ("No dependency of this wave crosses the hybrid link when it lands",
         *(("When this wave lands, {count} of its dependencies would run across the hybrid "
            "link{extra}",) * 4)),
    ),
    Factor(
        "C2", "Peak hybrid-link utilisation",
        "The heaviest traffic the hybrid link carries while the phase runs, against what it "
        "can spare.",
        ("< 25% of the usable link", "< 50%", "< 75%", "< 100%", "over the usable link"),
        (*(("The hybrid link would carry {peak:,.0f} Mbit/s while this phase runs, {pct:.0f}% "
            "of the {usable:,.0f} Mbit/s it can spare",) * 4),
         "The hybrid link would carry {peak:,.0f} Mbit/s while this phase runs, more than the "
         "{usable:,.0f} Mbit/s it can spare"),
    ),
    Factor(
        "C3", "Latency-sensitive crossings",
        "Whether latency-sensitive dependencies are left across the hybrid link, and the "
        "delay that adds against its budget.",
        ("no latency-sensitive dependency of the wave left across the link",
         "added RTT < 25% of the budget", "< 50% of the budget", "< 100% of the budget",
         "over the budget"),
        ("No latency-sensitive dependency of this wave is left across the hybrid link",
         *(("When this wave lands, {count} of its latency-sensitive dependencies would run "
            "across the hybrid link, adding {rtt:g} ms against a budget of {budget:g} ms",)
           * 4)),
    ),
    Factor(
        "C4", "Size vs team capacity and calendar",
        "The engineer-hours the wave needs against the hours the team has outside change "
        "freezes.",
        ("< 50% of the engineer-hours available", "< 75%", "< 90%", "< 100%",
         "more work than hours available"),
        (*(("The wave needs {hours:,.0f} engineer-hours, {pct:.0f}% of the {avail:,.0f} the "
            "team has outside change freezes",) * 4),
         "The wave needs {hours:,.0f} engineer-hours, more than the {avail:,.0f} the team has "
         "outside change freezes"),
    ),
    Factor(
        "C5", "Blast radius",
        "How many workloads of the whole estate, outside the wave, depend directly on "
        "something the wave moves.",
        ("< 5% of the estate depends on the wave", "5-15%", "15-30%", "30-50%",
         "half the estate or more"),
        ("Few workloads outside this wave depend on it ({count:,} of {total:,})",
         *(("This wave moves what {count:,} of the estate's {total:,} workloads ({pct:.0f}%) "
            "depend on directly; {top} alone serves {top_count:,} of them",) * 4)),
    ),
    Factor(
        "C6", "Moves before what it depends on",
        "How many dependencies of the wave's workloads move in a later wave (hard or two-way "
        "ones count double); a workload in no wave is not later.",
        ("none", "1-2 (weighted)", "3-5", "6-10", "more than 10"),
        ("No workload of this wave depends on one that moves later",
         *(("{count} of this wave's dependencies would be on workloads still waiting for a "
            "later wave{extra}, such as {example}",) * 4)),
    ),
)
# fmt: on
FACTORS: dict[str, Factor] = {f.factor_id: f for f in (*WORKLOAD_FACTORS, *PHASE_FACTORS)}
WORKLOAD_IDS = tuple(f.factor_id for f in WORKLOAD_FACTORS)
PHASE_IDS = tuple(f.factor_id for f in PHASE_FACTORS)


class RiskModel:
    """Weights and thresholds from the plan's ``RiskSettings``, completed with the defaults."""

    def __init__(self, settings: RiskSettings) -> None:
        self.settings = settings
        ww = {**DEFAULT_WORKLOAD_WEIGHTS, **settings.workload_weights}
        pw = {**DEFAULT_PHASE_WEIGHTS, **settings.phase_weights}
        self.thresholds = {**DEFAULT_RISK_THRESHOLDS, **settings.thresholds}
        self.workload_weights: FloatArray = np.array([ww[f] for f in WORKLOAD_IDS], dtype=float)
        self.phase_weights: FloatArray = np.array([pw[f] for f in PHASE_IDS], dtype=float)
        self.band_medium = settings.band_medium
        self.band_high = settings.band_high
        self.band_critical = settings.band_critical
        parts = ("max", "mean", "coupling", "impact")
        total = sum(self.thresholds[f"mix.{p}"] for p in parts) or 1.0
        self._mix = {p: self.thresholds[f"mix.{p}"] / total for p in parts}

    def edges(self, factor_id: str) -> FloatArray:
        """Thresholds from which ``factor_id`` scores 1, 2, 3 and 4."""
        t = self.thresholds
        return np.array([t[f"{factor_id}.{n}"] for n in range(1, 5)], dtype=float)

    def bucket(self, factor_id: str, values: FloatArray) -> IntArray:
        """Scores 0..4: how many thresholds of ``factor_id`` each value reaches."""
        out: IntArray = np.searchsorted(self.edges(factor_id), values, side="right").astype(
            np.int64
        )
        return out

    def bucket_one(self, factor_id: str, value: float) -> int:
        return int(self.bucket(factor_id, np.array([value], dtype=float))[0])

    def mix(self, name: str) -> float:
        """Share of the phase score taken by ``name`` (max, mean, coupling, impact)."""
        return self._mix[name]
