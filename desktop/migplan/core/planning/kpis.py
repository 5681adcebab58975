"""Plan KPIs for ``migplan stats`` and reports: metrics, per-wave risk, wave of each workload.

``metrics`` carries the plan metrics of ``metrics.plan_metrics`` (shared services replicated
when the plan moves them to a foundation), except ``hard_violations``, which counts the hard
rules the validator finds (``assess.validate``: application split, environments mixed, hard
dependency split, capacity, GPU mode, link, freeze): the number a person acts on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from migplan.core.document import PlanDocument
from migplan.core.ids import WaveId
from migplan.core.planning.metrics import plan_metrics

if TYPE_CHECKING:
    from migplan.core.assess.assessment import Assessment


def plan_kpis(doc: PlanDocument, assessment: Assessment | None = None) -> dict[str, Any]:
    """``{"metrics": {...}, "waves": {wave id: {"risk_score", "risk_band", "confidence",
    "blocked"}}, "unplaced": [{"name", "rule", "reason"}]}`` (workloads in no wave and why).
    ``assessment``: one already made of ``doc``, shared with other figures."""
    from migplan.core.assess.assessment import Assessment
    from migplan.core.rules import Severity

    assessment = assessment or Assessment(doc)
    # The assessment's shared services, rather than plan_metrics classifying every workload
    # again to find them (they are replicated only in "foundation" mode).
    foundation = doc.settings.planner.shared_services == "foundation"
    metrics = plan_metrics(doc, assessment.shared_ids() if foundation else None)
    hard = sum(1 for v in assessment.violations if v.severity is Severity.HARD)
    out = {
        "weighted_wave_distance": round(metrics.weighted_wave_distance, 3),
        "peak_cut": round(metrics.peak_cut, 3),
        "precedence_violations": metrics.precedence_violations,
        "precedence_weight": round(metrics.precedence_weight, 3),
        "capacity_overflow": metrics.capacity_overflow,
        "hard_violations": hard,
        "cuts": [round(c, 3) for c in metrics.cuts],
    }
    waves: dict[WaveId, dict[str, Any]] = {}
    for wave_id, risk in assessment.risks.items():
        waves[wave_id] = {
            "risk_score": round(risk.score, 1),
            "risk_band": risk.band.value,
            "confidence": risk.confidence.value,
            "blocked": risk.blocked,
        }
    from migplan.core.planning.unplaced import explain_assessed

    unplaced = explain_assessed(assessment)
    return {
        "metrics": out,
        "waves": waves,
        "unplaced": [{"name": u.name, "rule": u.rule_id, "reason": u.reason} for u in unplaced],
    }


def wave_positions(doc: PlanDocument) -> dict[str, int | None]:
    """Workload name -> 1-based position of its wave in wave order (None when in no wave).

    Positions equal ``Wave.order`` when orders run 1, 2, 3 ...; a name used twice is
    disambiguated with the workload id.
    """
    rank = {w.id: k + 1 for k, w in enumerate(doc.waves_in_order())}
    names: dict[str, int] = {}
    for wl in doc.workloads.values():
        names[wl.name] = names.get(wl.name, 0) + 1
    out: dict[str, int | None] = {}
    for wid in sorted(doc.workloads):
        wl = doc.workloads[wid]
        key = wl.name if names[wl.name] == 1 else f"{wl.name} ({wid})"
        out[key] = rank.get(wl.wave_id) if wl.wave_id is not None else None
    return dict(sorted(out.items()))
