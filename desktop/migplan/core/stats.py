"""Counts and totals of a plan, for ``migplan stats`` and the status bar."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from migplan.core.document import PlanDocument
from migplan.core.ids import WaveId
from migplan.core.models import Workload


@dataclass(frozen=True)
class Totals:
    """The size of a set of workloads, as tables and reports show it."""

    workloads: int = 0
    vcpu: int = 0
    memory_gib: float = 0.0
    storage_gib: float = 0.0
    gpus: int = 0


def totals(workloads: Iterable[Workload]) -> Totals:
    n = vcpu = gpus = 0
    memory_mib = 0
    storage = 0.0
    for w in workloads:
        n += 1
        vcpu += w.vcpu
        memory_mib += w.memory_mib
        storage += w.storage_gib
        gpus += w.gpu_count
    return Totals(n, vcpu, round(memory_mib / 1024, 1), round(storage, 1), gpus)


def totals_by_wave(doc: PlanDocument) -> dict[WaveId | None, Totals]:
    """``totals`` of the workloads of every wave (``None``: workloads in no wave)."""
    groups: dict[WaveId | None, list[Workload]] = {}
    for w in doc.workloads.values():
        groups.setdefault(w.wave_id, []).append(w)
    return {wave: totals(members) for wave, members in groups.items()}


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
    size = totals(wls)
    return {
        "name": doc.settings.name,
        "workloads": len(doc.workloads),
        "applications": len(doc.applications),
        "dependencies": len(doc.dependencies),
        "externals": len(doc.externals),
        "unassigned_workloads": per_wave.get(None, 0),
        "vcpu": size.vcpu,
        "memory_gib": size.memory_gib,
        "storage_used_gib": size.storage_gib,
        "gpus": size.gpus,
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
