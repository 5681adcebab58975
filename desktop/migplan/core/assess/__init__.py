"""Assessment of a plan: workload class, fit and disposition, validation, bridges, phase risk.

Everything here is a pure function of a ``PlanDocument``; ``Assessment`` caches the results
and recomputes only what an edit touched.
"""

from migplan.core.assess.classify import ClassFinding, classify_workloads, shared_service_ids

__all__ = ["ClassFinding", "classify_workloads", "shared_service_ids"]
