"""Assessment of a plan: workload class, fit and disposition, validation, bridges, phase risk.

Everything here is a pure function of a ``PlanDocument``; ``Assessment`` caches the results
and recomputes only what an edit touched (``Assessment.refresh(summary)``).
"""

from migplan.core.assess.assessment import Assessment
from migplan.core.assess.bridges import Bridge, PhaseBridges, effective_dispositions, phase_bridges
from migplan.core.assess.classify import ClassFinding, classify_workloads, shared_service_ids
from migplan.core.assess.fit import (
    Finding,
    FitResult,
    assess_all,
    assess_fit,
    effective_disposition,
)
from migplan.core.assess.fit_rules import RULES, FitLevel
from migplan.core.assess.index import Platform
from migplan.core.assess.risk import Confidence, PhaseRisk, RiskBand, score_plan
from migplan.core.assess.simulate import WaveSimulation, simulate_wave
from migplan.core.assess.validate import Violation, validate_plan
from migplan.core.rules import Severity

__all__ = [
    "RULES",
    "Assessment",
    "Bridge",
    "ClassFinding",
    "Confidence",
    "Finding",
    "FitLevel",
    "FitResult",
    "PhaseBridges",
    "PhaseRisk",
    "Platform",
    "RiskBand",
    "Severity",
    "Violation",
    "WaveSimulation",
    "assess_all",
    "assess_fit",
    "classify_workloads",
    "effective_disposition",
    "effective_dispositions",
    "phase_bridges",
    "score_plan",
    "shared_service_ids",
    "simulate_wave",
    "validate_plan",
]
