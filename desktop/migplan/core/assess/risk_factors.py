"""Scoring the workload factors F1..F9 of the phase-risk model.

A factor either depends on the workload alone (criticality, fit, rollback, compliance, its GPU
set-up) or on where the plan puts it (data vs its wave's window, first of a kind, data left
behind, the team's experience, GPU capacity of its wave). The first kind is computed once per
workload object (``WorkloadStatic``; entities are immutable, so an unchanged object needs no
rescoring); the second kind is computed for all workloads at once from the ``PlanIndex``
arrays, which is what lets a whole plan rescore in milliseconds after an edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from migplan.core.assess.classify import ClassFinding
from migplan.core.assess.fit import FitResult
from migplan.core.assess.index import BoolArray, FloatArray, IntArray, PlanIndex, Platform
from migplan.core.assess.risk_rubrics import WORKLOAD_IDS, RiskModel
from migplan.core.assess.text import all_text
from migplan.core.assess.validate import gpu_conflict, gpu_pool_shortfalls
from migplan.core.enums import Criticality, DispositionKind, GpuMode, OsFamily, WorkloadClass
from migplan.core.models import Workload
from migplan.core.rules import counts_as_production
from migplan.core.settings import PlanSettings

#: Column of each workload factor in the score matrix.
COL = {f: i for i, f in enumerate(WORKLOAD_IDS)}

_IRREVERSIBLE = re.compile(r"irreversible|no[- ]rollback|one[- ]way cutover")
_RESIDENCY_OPEN = re.compile(r"residency (unresolved|open|unknown)|unresolved residency")
_SCOPE_PENDING = re.compile(r"compliance (scope )?(change )?pending|scope change pending")
_REGULATED = re.compile(r"\bpci\b|hipaa|gdpr|\bsox\b|fedramp|regulated|\bphi\b|\bpii\b")
_CONFIDENTIAL = re.compile(r"confidential|restricted")
_NEEDS_HA = re.compile(r"\bha\b|high availability|live[- ]migrat")
_DB = ("DB-1", "DB-2", "DB-3")


@dataclass(frozen=True)
class WorkloadStatic:
    """The factors of one workload that do not depend on the plan, and inputs of the others."""

    #: Scores for F1, F2, F4, F6, F7 (the rest are filled in per plan).
    f1: int
    f2: int
    f4: int
    f6: int
    f7: int
    #: Unknown factor inputs (criticality, fit, size).
    unknown: int
    #: GiB to copy at cutover (0 when nothing moves).
    gib: float
    #: Data others depend on (data-heavy class or a database).
    is_data: bool
    #: First-of-a-kind pattern (platform, OS family, GPU mode) and its score when new.
    pattern: str
    novelty: int
    #: Inputs this workload lacks (confidence), in ``INPUTS`` order up to the owner: the
    #: owner counts as missing only when its application has none either.
    unknown_criticality: bool = False
    unknown_os: bool = False
    missing_owner: bool = False
    missing_size: bool = False
    missing_app: bool = False

    @property
    def missing(self) -> tuple[bool, bool, bool, bool, bool]:
        return (
            self.unknown_criticality,
            self.unknown_os,
            self.missing_owner,
            self.missing_size,
            self.missing_app,
        )


def _f1(wl: Workload) -> int:
    crit = wl.criticality
    score = {
        Criticality.UNKNOWN: 2,
        Criticality.LOW: 1,
        Criticality.MEDIUM: 2,
        Criticality.HIGH: 3,
        Criticality.MISSION_CRITICAL: 4,
    }[crit]
    if not counts_as_production(wl):
        score = 0 if crit in (Criticality.LOW, Criticality.UNKNOWN) else min(score, 1)
    return score


def _kubev2v(wl: Workload, fit: FitResult) -> int:
    """kubev2v OS x disk complexity (1 easy .. 4 white glove) for the VM path."""
    fired = {f.rule_id for f in fit.findings}
    if "DB-1" in fired or wl.os_family in (OsFamily.UNIX, OsFamily.OTHER):
        os_score = 4
    elif wl.os_distro in ("rhel", "centos", "rocky", "oracle-linux"):
        os_score = 1 if "OS-3" not in fired else 2
    elif wl.os_distro == "sles" or "WIN-2" in fired:
        os_score = 2
    else:
        os_score = 3
    tib = wl.storage_gib / 1024
    disk = 1 if tib <= 10 else 2 if tib <= 20 else 3 if tib <= 50 else 4
    if disk >= 3:
        os_score = max(os_score, 3)
    return max(os_score, 4 if disk == 4 else 0)


def static_factors(
    wl: Workload,
    fit: FitResult,
    disposition: DispositionKind,
    found: ClassFinding,
    settings: PlanSettings,
) -> WorkloadStatic:
    """The plan-independent factor scores of ``wl`` planned with ``disposition``."""
    text = all_text(wl)
    fired = {f.rule_id for f in fit.findings}
    moves = disposition in (DispositionKind.CONTAINERIZE, DispositionKind.REHOST_KUBEVIRT)
    unknown = int(wl.criticality is Criticality.UNKNOWN)
    if not moves:
        f2 = 0
    elif disposition is DispositionKind.CONTAINERIZE:
        f2 = fit.score if fit.score >= 0 else 2
        unknown += fit.score < 0
    else:
        unknown += wl.os_family is OsFamily.UNKNOWN
        f2 = 2 if wl.os_family is OsFamily.UNKNOWN else _kubev2v(wl, fit)
    is_db = bool(fired & set(_DB))
    stateful = is_db or found.workload_class is WorkloadClass.DATA_HEAVY or wl.storage_gib > 100
    if _IRREVERSIBLE.search(text):
        f4 = 4
    elif not moves:
        f4 = 0
    elif is_db:
        f4 = 3 if disposition is DispositionKind.CONTAINERIZE else 2
    else:
        f4 = 1 if stateful else 0
    f6 = (
        4
        if _RESIDENCY_OPEN.search(text)
        else 3
        if _SCOPE_PENDING.search(text)
        else 2
        if _REGULATED.search(text)
        else 1
        if _CONFIDENTIAL.search(text)
        else 0
    )
    f7, mode = _f7(wl, disposition, settings)
    gib = wl.storage_gib if moves else 0.0
    unknown += moves and gib == 0
    platform = "vm" if disposition is DispositionKind.REHOST_KUBEVIRT else disposition.value
    pattern = f"{platform}/{wl.os_family.value}/{mode.value}"
    novelty = 2
    if mode in (GpuMode.PASSTHROUGH, GpuMode.VGPU) or (
        disposition is DispositionKind.CONTAINERIZE and wl.os_family is OsFamily.WINDOWS
    ):
        novelty = 3
    if disposition is DispositionKind.CONTAINERIZE and "WIN-1" in fired:
        novelty = 4  # a pre-2016 Windows app forced into a container: no supported image
    return WorkloadStatic(
        f1=_f1(wl),
        f2=f2,
        f4=f4,
        f6=f6,
        f7=f7,
        unknown=int(unknown),
        gib=gib,
        is_data=is_db or found.workload_class is WorkloadClass.DATA_HEAVY,
        pattern=pattern,
        novelty=novelty if moves else 0,
        unknown_criticality=wl.criticality is Criticality.UNKNOWN,
        unknown_os=wl.os_family is OsFamily.UNKNOWN,
        missing_owner=not wl.owner.strip(),
        missing_size=not (wl.vcpu and wl.memory_mib and wl.storage_gib),
        missing_app=wl.application_id is None,
    )


def _f7(wl: Workload, disposition: DispositionKind, settings: PlanSettings) -> tuple[int, GpuMode]:
    if wl.gpu is None or wl.gpu.count == 0:
        return 0, GpuMode.NONE
    mode = wl.gpu.mode
    if gpu_conflict(mode, wl.gpu.mig_profile, disposition, settings.gpu_pools):
        return 3, mode
    if mode is GpuMode.PASSTHROUGH and (
        wl.criticality is Criticality.MISSION_CRITICAL or _NEEDS_HA.search(all_text(wl))
    ):
        return 4, mode
    return (1 if mode in (GpuMode.CONTAINER, GpuMode.SHARED) else 2), mode


@dataclass
class StaticArrays:
    """``WorkloadStatic`` of every workload as columns, in ``PlanIndex`` order."""

    scores: IntArray  # n x 9, with F3, F5, F8, F9 left at 0
    unknown: IntArray
    gib: FloatArray
    is_data: BoolArray
    pattern: IntArray
    novelty: IntArray
    patterns: dict[str, int]
    #: n x 5: unknown criticality, unknown OS, no owner of its own, no sizes, no application.
    missing: BoolArray

    @classmethod
    def empty(cls, n: int) -> StaticArrays:
        return cls(
            scores=np.zeros((n, len(WORKLOAD_IDS)), dtype=np.int64),
            unknown=np.zeros(n, dtype=np.int64),
            gib=np.zeros(n, dtype=np.float64),
            is_data=np.zeros(n, dtype=np.bool_),
            pattern=np.zeros(n, dtype=np.int64),
            novelty=np.zeros(n, dtype=np.int64),
            patterns={},
            missing=np.zeros((n, 5), dtype=np.bool_),
        )

    @classmethod
    def build(cls, statics: list[WorkloadStatic]) -> StaticArrays:
        """All columns at once (much faster than ``set`` row by row)."""
        out = cls.empty(len(statics))
        if not statics:
            return out
        for f in ("f1", "f2", "f4", "f6", "f7"):
            out.scores[:, COL[f.upper()]] = [getattr(s, f) for s in statics]
        out.unknown[:] = [s.unknown for s in statics]
        out.gib[:] = [s.gib for s in statics]
        out.is_data[:] = [s.is_data for s in statics]
        out.pattern[:] = [out.patterns.setdefault(s.pattern, len(out.patterns)) for s in statics]
        out.novelty[:] = [s.novelty for s in statics]
        out.missing[:] = [s.missing for s in statics]
        return out

    def set(self, i: int, s: WorkloadStatic) -> None:
        row = self.scores[i]
        row[COL["F1"]], row[COL["F2"]], row[COL["F4"]] = s.f1, s.f2, s.f4
        row[COL["F6"]], row[COL["F7"]] = s.f6, s.f7
        self.unknown[i] = s.unknown
        self.gib[i] = s.gib
        self.is_data[i] = s.is_data
        self.pattern[i] = self.patterns.setdefault(s.pattern, len(self.patterns))
        self.novelty[i] = s.novelty
        self.missing[i] = s.missing


def window_hours(index: PlanIndex, settings: PlanSettings) -> FloatArray:
    """Cutover window (hours) per rank 0..K+1; the transfer window when a wave sets none."""
    fallback = settings.capacity.transfer_window_hours
    hours = [fallback] * (index.k + 2)
    for r, wave in enumerate(index.waves, start=1):
        if wave.cutover_window is not None:
            hours[r] = wave.cutover_window.hours
    return np.array(hours, dtype=np.float64)


def plan_scores(
    index: PlanIndex, st: StaticArrays, model: RiskModel, settings: PlanSettings
) -> IntArray:
    """The full n x 9 factor matrix for the current plan (F3, F5, F8, F9 and F7 capacity)."""
    k = index.k
    rank = index.rank
    planned = rank <= k
    scores = st.scores.copy()
    usable = settings.network.usable_mbps
    # F3: hours to copy the data at the usable link rate, over the wave's cutover window.
    copy_h = st.gib * 8.0 * 2**30 / 1e6 / usable / 3600.0
    ratio = copy_h / window_hours(index, settings)[rank]
    scores[:, COL["F3"]] = np.where(planned, model.bucket("F3", ratio), 0)
    # F5: workloads of the same pattern in earlier waves.
    keys = st.pattern * (k + 2) + rank
    ordered = np.sort(keys)
    before = np.searchsorted(ordered, keys, side="left") - np.searchsorted(
        ordered, st.pattern * (k + 2), side="left"
    )
    f5 = np.where(before >= 3, 0, np.where(before >= 1, 1, st.novelty))
    scores[:, COL["F5"]] = np.where(planned & (st.novelty > 0), f5, 0)
    # F8: traffic to data that stays behind when the workload lands.
    ra, rb = index.edge_ranks()
    ta, _ = index.edge_targets()
    data_dst = np.where(index.ext_dst, False, st.is_data[np.where(index.ext_dst, 0, index.dst)])
    tb_legacy = np.where(index.ext_dst, True, index.target[np.where(index.ext_dst, 0, index.dst)])
    behind = data_dst & ((rb > ra) | (tb_legacy == Platform.LEGACY)) & (ra <= k)
    behind &= (ta == Platform.KUBEVIRT) | (ta == Platform.CONTAINER)
    src = index.src[behind]
    gravity = np.bincount(src, weights=index.mbps[behind], minlength=len(rank)) / usable
    scores[:, COL["F8"]] = np.where(planned, model.bucket("F8", gravity), 0)
    # F9: waves with workloads before this one.
    nonempty = np.bincount(rank, minlength=k + 2)[: k + 2] > 0
    nonempty[0] = False
    done = np.concatenate([[0], np.cumsum(nonempty)[:-1]])
    f9 = np.where(done[rank] >= 2, 0, np.where(done[rank] == 1, 1, 2))
    scores[:, COL["F9"]] = np.where(planned, f9, 0)
    # F7: a GPU workload whose pool has no GPUs left when its wave lands (GPU-POOL).
    f7 = scores[:, COL["F7"]]
    short = [i for s in gpu_pool_shortfalls(index) for i in s.workloads]
    if short:
        f7[short] = np.maximum(f7[short], 3)
    return scores
