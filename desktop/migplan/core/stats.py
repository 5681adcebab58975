"""Counts and totals of a plan, for ``migplan stats`` and the status bar."""

from __future__ import annotations

from collections import Counter
from typing import Any

from migplan.core.document import PlanDocument


def plan_stats(doc: PlanDocument) -> dict[str, Any]:
    """A JSON-ready summary. Scripts rely on the keys ``workloads``, ``applications``,
    ``dependencies`` and ``waves`` (a list of ``{"name", "order", "workloads"}``)."""
    per_wave = Counter(w.wave_id for w in doc.workloads.values())
    waves = [
        {
            "id": wave.id,
            "name": wave.name,
            "order": wave.order,
            "workloads": per_wave.get(wave.id, 0),
            "locked": wave.locked,
            "start_date": wave.start_date.isoformat() if wave.start_date else None,
            "end_date": wave.end_date.isoformat() if wave.end_date else None,
        }
        for wave in doc.waves_in_order()
    ]
    wls = doc.workloads.values()
    return {
        "name": doc.settings.name,
        "workloads": len(doc.workloads),
        "applications": len(doc.applications),
        "dependencies": len(doc.dependencies),
        "externals": len(doc.externals),
        "unassigned_workloads": per_wave.get(None, 0),
        "vcpu": sum(w.vcpu for w in wls),
        "memory_gib": round(sum(w.memory_mib for w in wls) / 1024, 1),
        "storage_used_gib": round(sum(w.storage_gib for w in wls), 1),
        "gpus": sum(w.gpu_count for w in wls),
        "dispositions": dict(
            sorted(
                Counter(
                    w.disposition.kind.value if w.disposition else "undecided" for w in wls
                ).items()
            )
        ),
        "environments": dict(sorted(Counter(w.environment.value for w in wls).items())),
        "waves": waves,
    }
