"""Counts and totals of a plan, for ``migplan stats`` and the status bar."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from migplan.core.document import PlanDocument
from migplan.core.ids import WaveId
from migplan.core.models import Workload

if TYPE_CHECKING:
    from migplan.core.economics.costs import PlanCosts
    from migplan.core.economics.licences import LegacyCosts
    from migplan.core.target import Phase


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


def phase_stats(
    doc: PlanDocument,
    target: list[Phase] | None = None,
    costs: LegacyCosts | None = None,
    money: PlanCosts | None = None,
) -> list[dict[str, Any]]:
    """One JSON-ready row per wave, in order: what the plan needs after that phase.

    Each concern adds its own keys to a wave's row, here and nowhere else, so ``migplan
    stats``, the capacity view and the PDF read one list: the legacy licences
    (``core.economics.licences``: ``hosts_emptied``, ``licensed_cores``, ...) and the target
    side (``core.target``: ``nodes``, ``gpus``, ``storage_feed``, ``data_gib``,
    ``transfer_hours``, ``findings``) and the costs (``core.economics.costs``: ``cost``).
    ``target``, ``costs`` and ``money``: figures already computed (an ``Assessment``'s
    ``target_phases()``, ``legacy_costs``, ``plan_costs``), else computed here.
    """
    from migplan.core.economics.costs import plan_costs
    from migplan.core.economics.licences import legacy_costs, licence_phases
    from migplan.core.target import phase_capacity

    waves = doc.waves_in_order()
    rows: list[dict[str, Any]] = [
        {"wave": wave.name, "wave_id": wave.id, "order": rank}
        for rank, wave in enumerate(waves, start=1)
    ]
    target = phase_capacity(doc) if target is None else target
    costs = legacy_costs(doc) if costs is None else costs
    money = plan_costs(doc, target, costs) if money is None else money
    licences = licence_phases(doc, costs)
    for row, lic, phase, cost in zip(rows, licences, target, money.phases, strict=True):
        row.update(lic)
        row.update(target_phase(phase))
        row["cost"] = {
            "target_per_month": round(cost.target_per_month, 2),
            "transfer": round(cost.transfer, 2),
            "dual_running_days": cost.dual_running_days,
            "dual_running": None if cost.dual_running is None else round(cost.dual_running, 2),
        }
    return rows


def cost_stats(money: PlanCosts) -> dict[str, Any]:
    """The plan's costs, JSON-ready (``migplan stats --json`` ``costs``): totals, and month
    by month what the legacy side, the target and the copying cost (empty when the waves
    have no dates)."""
    months = [
        {
            "month": m.month.strftime("%Y-%m"),
            "licences": round(m.licences, 2),
            "legacy_hosts": round(m.legacy_hosts, 2),
            "target": round(m.target, 2),
            "transfer": round(m.transfer, 2),
            "total": round(m.total, 2),
            "licensed_cores": m.licensed_cores,
            "nodes": dict(m.nodes),
        }
        for m in money.months
    ]
    dated = bool(money.months)
    totals = {
        "licences": money.licences,
        "legacy_hosts": money.legacy_hosts,
        "target": money.target,
        "transfer": money.transfer,
        "dual_running": money.dual_running,
        "total": money.total,
        "legacy_if_nothing_moved": money.legacy_if_nothing_moved,
        "saving": money.legacy_saved,
        "net": money.net,
    }
    return {
        "currency": money.currency,
        "dated": dated,
        "first_month": months[0]["month"] if months else None,
        "last_month": months[-1]["month"] if months else None,
        "totals": {
            key: (round(value, 2) if dated or key in ("transfer", "dual_running") else None)
            for key, value in totals.items()
        },
        "months": months,
        "findings": [{"rule": f.rule_id, "message": f.message} for f in money.findings],
    }


def target_phase(phase: Phase) -> dict[str, Any]:
    """The target side of one phase row (``phase_stats``)."""
    gpu_pools = [p for p in phase.pools if p.gpus_total or p.gpus_used]
    return {
        "nodes": {p.pool: p.nodes for p in phase.pools},
        "gpus": {
            p.pool: {"used": round(p.gpus_used, 3), "total": p.gpus_total, "unit": p.gpu_unit}
            for p in gpu_pools
        },
        "storage_feed": {
            p.pool: {
                "need_gbps": round(p.feed_need_gbps, 3),
                "gbps": None if p.feed_gbps is None else round(p.feed_gbps, 3),
            }
            for p in gpu_pools
        },
        "data_gib": round(phase.data_gib, 1),
        "transfer_hours": round(phase.transfer_hours, 2),
        "findings": [
            {"rule": f.rule_id, "pool": f.pool, "message": f.message} for f in phase.findings
        ],
    }
