"""Assessment of a plan: workload class, fit and disposition, validation, bridges, phase risk.

Everything here is a pure function of a ``PlanDocument``; ``Assessment`` caches the results
and recomputes only what an edit touched.
"""

from migplan.core.assess.classify import ClassFinding, classify_workloads, shared_service_ids
from migplan.core.assess.fit import (
    Finding,
    FitResult,
    assess_all,
    assess_fit,
    effective_disposition,
)
from migplan.core.assess.fit_rules import RULES, FitLevel

__all__ = [
    "RULES",
    "ClassFinding",
    "Finding",
    "FitLevel",
    "FitResult",
    "assess_all",
    "assess_fit",
    "classify_workloads",
    "effective_disposition",
    "shared_service_ids",
]
