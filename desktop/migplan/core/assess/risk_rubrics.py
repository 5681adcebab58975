"""The factors of the phase-risk model (planning.md 3.3), each with its 0-4 rubric.

Every factor scores 0 (none) .. 4 (critical or blocked); the rubric text of each level is
what the risk panel shows next to a score, so a user can check it against the plan. Weights
and bucket thresholds are plan settings (``RiskSettings``); ``RiskModel`` merges them with the
documented defaults.
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


@dataclass(frozen=True)
class Factor:
    factor_id: str
    name: str
    #: What levels 0, 1, 2, 3 and 4 mean.
    rubric: tuple[str, str, str, str, str]

    def describe(self, score: int) -> str:
        return f"{self.factor_id} {self.name}: {score} - {self.rubric[score]}"


# fmt: off
WORKLOAD_FACTORS: tuple[Factor, ...] = (
    Factor("F1", "Business criticality", (
        "sandbox or non-production, low criticality", "internal, low criticality",
        "internal, important", "customer-facing (high)", "mission-critical / SLA")),
    Factor("F2", "Fit / technical complexity", (
        "excellent fit", "good fit with findings", "minimal work",
        "major work (or kubev2v hard OS/disk)", "no fit / white glove")),
    Factor("F3", "Data vs downtime window", (
        "copy takes < 25% of the cutover window", "< 50% of the window", "< 100% of the window",
        "up to twice the window (warm migration needed)", "cannot fit the window")),
    Factor("F4", "Rollback difficulty", (
        "stateless: blue/green", "source kept read-only, re-sync to roll back",
        "one-way database replication", "schema or format change on the way",
        "irreversible")),
    Factor("F5", "First of a kind", (
        "pattern done 3 or more times before", "pattern done once or twice",
        "first time, vendor-documented path",
        "needs a new platform capability (Windows nodes, GPU passthrough, vGPU)",
        "preview or unsupported path")),
    Factor("F6", "Compliance / residency", (
        "no regulated data", "low: internal confidential data",
        "regulated data with approved controls", "compliance scope change pending",
        "unresolved residency")),
    Factor("F7", "Accelerator readiness", (
        "no GPU", "GPU pool available in the same mode", "MIG/vGPU/passthrough set-up needed",
        "GPU capacity below demand or mode conflict",
        "passthrough VM that needs HA / live migration")),
    Factor("F8", "Data gravity / east-west", (
        "< 10% of the usable link to data left behind", "< 25%", "< 50%", "< 100%",
        "more than the usable link")),
    Factor("F9", "Team experience", (
        "2 or more waves done", "1 wave done", "trained, no wave done yet", "partly trained",
        "no experience")),
)
PHASE_FACTORS: tuple[Factor, ...] = (
    Factor("C1", "Cross-boundary dependencies", (
        "none", "1-2 (weighted)", "3-5", "6-10", "more than 10, or a critical two-way one")),
    Factor("C2", "Peak hybrid-link utilisation", (
        "< 25% of the usable link", "< 50%", "< 75%", "< 100%", "over the usable link")),
    Factor("C3", "Latency-sensitive crossings", (
        "no latency-sensitive dependency of the wave left across the link", "added RTT < 25% of the budget", "< 50% of the budget", "< 100% of the budget",
        "over the budget")),
    Factor("C4", "Size vs team capacity and calendar", (
        "< 50% of the engineer-hours available", "< 75%", "< 90%", "< 100%",
        "more work than hours available")),
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
        return self.thresholds[f"mix.{name}"]
