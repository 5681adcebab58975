"""Validation: every rule the current plan breaks, with severity, workloads, waves and reason.

The rules are named in ``migplan.core.rules`` (id, title, plain statement); this module is
where the validator checks each of them.

| rule | severity | what it catches |
|---|---|---|
| APP-SPLIT | hard | an application's workloads are in more than one wave (Azure rule 2) |
| ENV-MIX | hard (soft if the setting allows mixing) | production and non-production in one wave |
| PRECEDENCE | soft | ``a`` depends on ``b`` but ``b`` moves in a later wave than ``a`` (Azure rule 3) |
| HARD-SPLIT | hard | a hard dependency (shared LUN, all-reduce, data gravity) split across waves |
| DATA-GRAVITY | hard | an AI-GPU workload moves in an earlier wave than the data-heavy workload it exchanges data with (a dependency either way), or while that data, planned to move, is in no wave; data retained or retired is left to risk factor F8 |
| CAPACITY | hard | a wave over any capacity: workloads (ramp), vCPU, memory, storage the transfer window allows at the link speed, engineer-hours |
| GPU-MODE | hard | a GPU workload whose mode no pool serves, whose MIG profile no pool offers, or whose mode its platform cannot use (vGPU in a container, MIG in a VM) |
| GPU-POOL | hard | a GPU workload lands when its pool has no GPUs left (pools are consumed cumulatively, wave after wave) |
| LINK | hard | the hybrid link carries more than its usable share while the phase runs |
| FREEZE | hard | a wave's dates or cutover window overlap a change freeze |
| PILOT | soft | a high or mission-critical workload in the first ``pilot_waves`` waves (foundation waves of shared services not counted) |
| (a ``core.blockers`` id) | hard | a workload in a wave with a migration blocker for the way it moves (an RDM or independent disk for a KubeVirt VM, a USB device for a container): the wave cannot move it until it is fixed |

Capacity limits and loads come from ``migplan.core.planning.capacity`` (shared with the
planner, so both agree on what "over capacity" means). Rules run on the arrays of a
``PlanIndex``; per-edge violations are memoised on (edge, ranks) because a large plan can
break thousands of them and an edit changes only a few.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from migplan.core.assess.bridges import PhaseLoads
from migplan.core.assess.index import FloatArray, PlanIndex
from migplan.core.blockers import blocked_reason
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, GpuMode
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.models import Wave, Workload
from migplan.core.planning.capacity import DIMENSIONS, Load, describe_overflow, overflow
from migplan.core.planning.gpupools import GpuPools, PoolShortfall, cumulative_use
from migplan.core.rules import Rule, Severity, pilot_excluded, rule
from migplan.core.settings import GpuPool


@dataclass(frozen=True, slots=True)
class Violation:
    rule_id: str
    severity: Severity
    message: str
    workload_ids: tuple[WorkloadId, ...] = ()
    wave_ids: tuple[WaveId, ...] = ()

    @property
    def rule(self) -> Rule:
        """The named rule broken (``core.rules``): its title and plain statement."""
        return rule(self.rule_id)


#: Edge memo: edge index -> (source rank, target rank, violation at those ranks).
EdgeMemo = dict[int, tuple[int, int, Violation]]


def _names(doc: PlanDocument, ids: list[WorkloadId], limit: int = 5) -> str:
    shown = ", ".join(doc.workloads[i].name for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def app_split(doc: PlanDocument, index: PlanIndex) -> list[Violation]:
    planned = (index.app >= 0) & (index.rank <= index.k)
    pairs = np.unique(index.app[planned] * (index.k + 2) + index.rank[planned])
    if len(pairs) == 0:
        return []
    apps, counts = np.unique(pairs // (index.k + 2), return_counts=True)
    out = []
    # by application id, so the order does not depend on when an application was first seen
    for code in sorted(apps[counts > 1].tolist(), key=lambda c: index.apps[c]):
        app_id = index.apps[code]
        members = np.flatnonzero((index.app == code) & planned)
        ranks = sorted(set(index.rank[members].tolist()))
        waves = [index.waves[r - 1] for r in ranks]
        name = doc.applications[app_id].name if app_id in doc.applications else app_id
        out.append(
            Violation(
                "APP-SPLIT",
                Severity.HARD,
                f"application {name} is split across {', '.join(w.name for w in waves)}",
                tuple(index.ids[i] for i in members.tolist()),
                tuple(w.id for w in waves),
            )
        )
    return out


def env_mix(doc: PlanDocument, index: PlanIndex, members: list[list[int]]) -> list[Violation]:
    severity = Severity.HARD if doc.settings.planner.separate_environments else Severity.SOFT
    out = []
    n_prod = index.per_rank(index.prod)
    n_all = index.per_rank(np.ones(len(index.ids)))
    for rank, wave in enumerate(index.waves, start=1):
        if n_prod[rank] == 0 or n_prod[rank] == n_all[rank]:
            continue
        rows = np.array(members[rank], dtype=np.int64)
        is_prod = index.prod[rows]
        prod, nonprod = rows[is_prod].tolist(), rows[~is_prod].tolist()
        minority = [index.ids[i] for i in min(nonprod, prod, key=len)]
        out.append(
            Violation(
                "ENV-MIX",
                severity,
                f"{wave.name} mixes {len(prod)} production and {len(nonprod)} non-production "
                f"workloads (e.g. {_names(doc, minority, 3)})",
                tuple(minority),
                (wave.id,),
            )
        )
    return out


def edge_rules(doc: PlanDocument, index: PlanIndex, memo: EdgeMemo) -> list[Violation]:
    """PRECEDENCE and HARD-SPLIT, memoised per (edge, ranks)."""
    ra, rb = index.edge_ranks()
    k = index.k
    internal = ~(index.ext_src | index.ext_dst)
    late = internal & (rb > ra) & (rb <= k)
    split = internal & index.hard & (ra != rb) & ((ra <= k) | (rb <= k))
    out = []
    flagged = np.flatnonzero(late | split)
    flagged = flagged[np.argsort(np.minimum(ra, rb)[flagged], kind="stable")]
    ra_list, rb_list = ra[flagged].tolist(), rb[flagged].tolist()
    for e, a, b in zip(flagged.tolist(), ra_list, rb_list, strict=True):
        cached = memo.get(e)
        if cached is not None and cached[0] == a and cached[1] == b:
            out.append(cached[2])
            continue
        found = _edge_violation(doc, index, e, a, b, bool(split[e]))
        memo[e] = (a, b, found)
        out.append(found)
    return out


def _edge_violation(
    doc: PlanDocument, index: PlanIndex, e: int, ra: int, rb: int, split: bool
) -> Violation:
    a, b = index.ids[int(index.src[e])], index.ids[int(index.dst[e])]
    wa, wb = index.wave_of_rank(ra), index.wave_of_rank(rb)
    where_a = wa.name if wa else "no wave"
    where_b = wb.name if wb else "no wave"
    na, nb = doc.workloads[a].name, doc.workloads[b].name
    waves = tuple(w.id for w in (wa, wb) if w is not None)
    if split:
        return Violation(
            "HARD-SPLIT",
            Severity.HARD,
            f"hard dependency {na} -> {nb} is split: {where_a} and {where_b}",
            (a, b),
            waves,
        )
    return Violation(
        "PRECEDENCE",
        Severity.SOFT,
        f"{na} ({where_a}) depends on {nb}, which moves later ({where_b})",
        (a, b),
        waves,
    )


def data_gravity(doc: PlanDocument, index: PlanIndex) -> list[Violation]:
    """DATA-GRAVITY on every pair at once: ``rules.data_gravity_broken`` over the arrays of
    ``PlanIndex.gravity_pairs`` (a test holds the two equal)."""
    ai, data = index.gravity_pairs()
    ra, rd = index.rank[ai], index.rank[data]
    broken = np.flatnonzero((ra <= index.k) & (rd > ra))
    out = []
    for a, d in zip(ai[broken].tolist(), data[broken].tolist(), strict=True):
        wa, wd = index.wave_of_rank(int(index.rank[a])), index.wave_of_rank(int(index.rank[d]))
        assert wa is not None
        na, nd = doc.workloads[index.ids[a]].name, doc.workloads[index.ids[d]].name
        where = f"moves in {wd.name}" if wd is not None else "is in no wave"
        out.append(
            Violation(
                "DATA-GRAVITY",
                Severity.HARD,
                f"{na} (AI) moves in {wa.name} but reads {nd} (data-heavy), which {where}: "
                "move the data first or in the same wave",
                (index.ids[a], index.ids[d]),
                tuple(w.id for w in (wa, wd) if w is not None),
            )
        )
    return out


def capacity(doc: PlanDocument, index: PlanIndex, members: list[list[int]]) -> list[Violation]:
    out = []
    totals = index.rank_loads()
    for rank, wave in enumerate(index.waves, start=1):
        rows = members[rank]
        if not rows:
            continue
        load = _load_from_vector(totals[rank])
        over = overflow(load, index.limits(rank))
        if over:
            out.append(
                Violation(
                    "CAPACITY",
                    Severity.HARD,
                    f"{wave.name} is over capacity: {describe_overflow(over)}",
                    tuple(index.id_array[rows].tolist()),
                    (wave.id,),
                )
            )
    return out


def _load_from_vector(v: FloatArray) -> Load:
    d = dict(zip(DIMENSIONS, v.tolist(), strict=True))
    gpus = {name[4:]: int(n) for name, n in d.items() if name.startswith("gpu:") and n}
    return Load(
        workloads=int(d["workloads"]),
        vcpu=int(d["vcpu"]),
        memory_gib=d["memory_gib"],
        storage_gib=d["storage_gib"],
        engineer_hours=d["engineer_hours"],
        gpus=MappingProxyType(gpus),
    )


def gpu_problems(
    doc: PlanDocument, index: PlanIndex, dispositions: Mapping[WorkloadId, DispositionKind]
) -> dict[int, str]:
    """Workload position -> why its GPU need cannot be served (only GPU workloads with one)."""
    gpu_cols = [j for j, name in enumerate(DIMENSIONS) if name.startswith("gpu:")]
    out: dict[int, str] = {}
    for i in np.flatnonzero((index.load[:, gpu_cols] > 0).any(axis=1)).tolist():
        why = gpu_problem(doc.workloads[index.ids[i]], dispositions[index.ids[i]], doc)
        if why:
            out[i] = why
    return out


def gpu_problem(wl: Workload, disposition: DispositionKind, doc: PlanDocument) -> str:
    """``name: reason`` when ``wl``'s GPU need cannot be served as planned, else empty."""
    if wl.gpu is None or wl.gpu.count == 0:
        return ""
    why = gpu_conflict(wl.gpu.mode, wl.gpu.mig_profile, disposition, doc.settings.gpu_pools)
    return f"{wl.name}: {why}" if why else ""


def gpu_mode(index: PlanIndex, problems: Mapping[int, str]) -> list[Violation]:
    by_rank: dict[int, list[int]] = {}
    for i in sorted(problems):
        rank = int(index.rank[i])
        if rank <= index.k:
            by_rank.setdefault(rank, []).append(i)
    out = []
    for rank, rows in sorted(by_rank.items()):
        wave = index.waves[rank - 1]
        more = f"; and {len(rows) - 3} more" if len(rows) > 3 else ""
        out.append(
            Violation(
                "GPU-MODE",
                Severity.HARD,
                f"{wave.name}: GPU mode conflict - "
                + "; ".join(problems[i] for i in rows[:3])
                + more,
                tuple(index.ids[i] for i in rows),
                (wave.id,),
            )
        )
    return out


def gpu_conflict(
    mode: GpuMode, profile: str, disposition: DispositionKind, pools: tuple[GpuPool, ...]
) -> str:
    """Why a GPU need cannot be served as planned; empty when it can."""
    return _conflict(mode, profile, disposition, tuple((p.mode, p.mig_profile) for p in pools))


@lru_cache(maxsize=1024)
def _conflict(
    mode: GpuMode,
    profile: str,
    disposition: DispositionKind,
    pools: tuple[tuple[GpuMode, str], ...],
) -> str:
    if disposition is DispositionKind.CONTAINERIZE and mode in (GpuMode.VGPU, GpuMode.PASSTHROUGH):
        return f"a container cannot use a {mode.value} GPU (that mode is for VMs)"
    if disposition is DispositionKind.REHOST_KUBEVIRT and mode in (
        GpuMode.CONTAINER,
        GpuMode.MIG,
        GpuMode.SHARED,
    ):
        return f"a KubeVirt VM cannot use a {mode.value} GPU; it needs passthrough or vGPU"
    if disposition not in (DispositionKind.CONTAINERIZE, DispositionKind.REHOST_KUBEVIRT):
        return ""
    if not pools:
        return ""
    wanted = {
        GpuMode.MIG: (GpuMode.MIG, GpuMode.CONTAINER),
        GpuMode.SHARED: (GpuMode.SHARED, GpuMode.CONTAINER),
    }.get(mode, (mode,))
    fitting = [mig for pool_mode, mig in pools if pool_mode in wanted]
    if not fitting:
        return f"no GPU pool runs in {mode.value} mode"
    offered = any(not mig or mig == profile for mig in fitting)
    if mode is GpuMode.MIG and profile and not offered:
        return f"no pool offers the MIG profile {profile}"
    return ""


def gpu_pool_shortfalls(index: PlanIndex) -> list[PoolShortfall]:
    """GPU workloads that find no GPUs left in their pool group when their wave lands
    (pools are consumed cumulatively: ``planning.gpupools``)."""
    pools = GpuPools.for_plan(index.settings)
    if not pools.modelled:
        return []
    needs = [
        (int(index.rank[i]), i, need)
        for i, need in enumerate(index.gpu)
        if need is not None and index.rank[i] <= index.k
    ]
    return cumulative_use(pools, needs)[1]


def gpu_pool(doc: PlanDocument, index: PlanIndex) -> list[Violation]:
    pools = GpuPools.for_plan(doc.settings)
    out = []
    for short in gpu_pool_shortfalls(index):
        wave = index.waves[short.rank - 1]
        group = pools.groups[short.group]
        ids = [index.ids[i] for i in short.workloads]
        out.append(
            Violation(
                "GPU-POOL",
                Severity.HARD,
                f"{wave.name}: the {group.label} ({', '.join(group.names)}: "
                f"{group.capacity:g} GPUs) has {max(0.0, group.capacity - short.in_use):g} "
                f"left but {_names(doc, ids, 3)} need {short.needed:g} more",
                tuple(ids),
                (wave.id,),
            )
        )
    return out


def link(doc: PlanDocument, index: PlanIndex, loads: PhaseLoads) -> list[Violation]:
    usable = doc.settings.network.usable_mbps
    out = []
    for rank, wave in enumerate(index.waves, start=1):
        peak = loads.peak_mbps(rank)
        if peak > usable:
            out.append(
                Violation(
                    "LINK",
                    Severity.HARD,
                    f"while {wave.name} runs the hybrid link carries {peak:,.0f} Mbit/s, "
                    f"over its usable {usable:,.0f} Mbit/s",
                    (),
                    (wave.id,),
                )
            )
    return out


def _wave_dates(wave: Wave) -> tuple[dt.date, dt.date] | None:
    days = [d for d in (wave.start_date, wave.end_date) if d is not None]
    if wave.cutover_window is not None:
        days += [wave.cutover_window.start.date(), wave.cutover_window.end.date()]
    return (min(days), max(days)) if days else None


def freeze(doc: PlanDocument, index: PlanIndex) -> list[Violation]:
    out = []
    for wave in index.waves:
        span = _wave_dates(wave)
        if span is None:
            continue
        for period in doc.settings.freeze_periods:
            if period.overlaps(*span):
                out.append(
                    Violation(
                        "FREEZE",
                        Severity.HARD,
                        f"{wave.name} ({span[0]} to {span[1]}) overlaps the change freeze "
                        f"{period.name} ({period.start} to {period.end})",
                        (),
                        (wave.id,),
                    )
                )
    return out


def pilot(doc: PlanDocument, index: PlanIndex, members: list[list[int]]) -> list[Violation]:
    """Critical workloads in the first ``pilot_waves`` waves. A foundation wave (only shared
    services, replicated first by design) is not a pilot wave and is not counted."""
    n = doc.settings.planner.pilot_waves
    out = []
    counted = 0
    for rank, wave in enumerate(index.waves, start=1):
        if counted >= n:
            break
        if index.replicate and members[rank] and all(index.shared[i] for i in members[rank]):
            continue
        counted += 1
        crit = [index.ids[i] for i in members[rank] if pilot_excluded(doc.workloads[index.ids[i]])]
        if crit:
            out.append(
                Violation(
                    "PILOT",
                    Severity.SOFT,
                    f"{wave.name} is one of the first {n} (pilot) waves but holds "
                    f"{len(crit)} high or mission-critical workloads ({_names(doc, crit, 3)})",
                    tuple(crit),
                    (wave.id,),
                )
            )
    return out


def migration_blockers(
    doc: PlanDocument, index: PlanIndex, dispositions: Mapping[WorkloadId, DispositionKind]
) -> list[Violation]:
    """Workloads in a wave that a migration blocker stops (``core.blockers``); the planner
    keeps such workloads out, so this catches a hand placement or a pinned wave."""
    out = []
    for wid, wl in doc.workloads.items():
        if not wl.blockers or wl.wave_id is None:
            continue
        i = index.pos[wid]
        if index.rank[i] > index.k:
            continue
        why = blocked_reason(wl, dispositions[wid])
        if why is None:
            continue
        wave = index.waves[int(index.rank[i]) - 1]
        out.append(
            Violation(why[0], Severity.HARD, f"{wave.name}: {wl.name} {why[1]}", (wid,), (wave.id,))
        )
    return out


def validate_index(
    doc: PlanDocument,
    index: PlanIndex,
    loads: PhaseLoads,
    dispositions: Mapping[WorkloadId, DispositionKind],
    memo: EdgeMemo | None = None,
    problems: Mapping[int, str] | None = None,
) -> list[Violation]:
    """Every violation, hard ones first, then by wave order and rule.

    ``memo`` keeps per-edge violations between calls; ``problems`` are the GPU problems per
    workload position (``gpu_problems``), computed here when not given.
    """
    members = index.members()
    found = [
        *app_split(doc, index),
        *env_mix(doc, index, members),
        *data_gravity(doc, index),
        *capacity(doc, index, members),
        *gpu_mode(index, gpu_problems(doc, index, dispositions) if problems is None else problems),
        *gpu_pool(doc, index),
        *link(doc, index, loads),
        *freeze(doc, index),
        *pilot(doc, index, members),
        *migration_blockers(doc, index, dispositions),
    ]
    edges = edge_rules(doc, index, {} if memo is None else memo)
    order = {w.id: r for r, w in enumerate(index.waves)}

    def key(v: Violation) -> tuple[int, str]:
        return min((order.get(w, 0) for w in v.wave_ids), default=-1), v.rule_id

    hard = sorted((v for v in found if v.severity is Severity.HARD), key=key)
    soft = sorted((v for v in found if v.severity is Severity.SOFT), key=key)
    # edge violations come out in wave order already (see edge_rules)
    hard += [v for v in edges if v.severity is Severity.HARD]
    return hard + soft + [v for v in edges if v.severity is Severity.SOFT]


def validate_plan(doc: PlanDocument) -> list[Violation]:
    """Every rule ``doc``'s current waves break (see the module docstring for the rules)."""
    from migplan.core.assess.assessment import Assessment

    return list(Assessment(doc).violations)
