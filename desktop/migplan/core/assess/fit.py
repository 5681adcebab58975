"""Fit of a workload for containers, and the disposition that follows from it.

``assess_fit`` runs every rule of ``fit_rules.RULES`` and keeps the findings; the level is the
worst finding (``no fit`` beats ``unknown``, which beats the rest, as Konveyor carries unknown
separately instead of scoring it as fine). The suggested disposition follows the AWS 7R
decision tree of planning.md 2.4: retire what is unused, retain what is bound to hardware or
has no target, rehost as a KubeVirt VM when the container fit is poor or unknown, containerize
when it is good. The user's own disposition (``by_user``) always wins: see
``effective_disposition``.

Migration blockers (``core.blockers``, read from the import) take part: one that also stops a
container (an RDM or shared disk, a USB device) is a ``no fit`` finding under its own rule id,
so such a workload is suggested as a KubeVirt VM; one that stops the suggested move is named
in the reason with what to fix first (``FitResult.fix_first``), and the planner keeps the
workload out of the waves until it is fixed (``planning.problem``). The suggestion itself
stays the target the workload should reach: a blocker is work before the move, not a reason
to keep the VM on VMware. Warnings are named in the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from migplan.core.assess.fit_rules import RULES, THRESHOLDS, FitLevel, FitRule, FitThresholds
from migplan.core.blockers import blocker_rule, blocking, fix_first, of_severity
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, GpuMode, OsFamily
from migplan.core.ids import WorkloadId
from migplan.core.models import Workload
from migplan.core.rules import Severity


@dataclass(frozen=True)
class Finding:
    rule_id: str
    level: FitLevel
    reason: str


@dataclass(frozen=True)
class FitResult:
    level: FitLevel
    findings: tuple[Finding, ...]
    suggested: DispositionKind
    suggested_reason: str
    #: Rule ids of the migration blockers to fix before the suggested move can happen.
    fix_first: tuple[str, ...] = ()

    @property
    def score(self) -> int:
        """0..4 as in planning.md 2.6; -1 when unknown."""
        return self.level.score


def _level(findings: list[Finding]) -> FitLevel:
    levels = {f.level for f in findings}
    if FitLevel.NO_FIT in levels:
        return FitLevel.NO_FIT
    if FitLevel.UNKNOWN in levels:
        return FitLevel.UNKNOWN
    known = [f.level for f in findings]
    return max(known, key=lambda lv: lv.score, default=FitLevel.EXCELLENT)


def _suggest(
    workload: Workload, level: FitLevel, fired: list[FitRule]
) -> tuple[DispositionKind, str]:
    for kind in (DispositionKind.RETIRE, DispositionKind.RETAIN):
        for rule in fired:
            if rule.suggests is kind:
                return kind, f"{rule.rule_id}: {rule.reason}"
    if level in (FitLevel.EXCELLENT, FitLevel.GOOD, FitLevel.MINIMAL_WORK):
        return DispositionKind.CONTAINERIZE, f"container fit is {level.value}"
    gpu = workload.gpu
    if (
        gpu is not None
        and gpu.count
        and gpu.mode in (GpuMode.CONTAINER, GpuMode.MIG, GpuMode.SHARED)
        and level in (FitLevel.MAJOR_WORK, FitLevel.UNKNOWN)
    ):
        # A VM cannot use a container GPU or a MIG slice: suggesting one would break the
        # GPU-MODE rule by our own hand. The work the fit found is done in the container.
        return DispositionKind.CONTAINERIZE, (
            f"its GPU is requested as a {gpu.mode.value} resource, which only a container "
            f"can use; container fit is {level.value}"
        )
    if workload.os_family in (OsFamily.LINUX, OsFamily.WINDOWS, OsFamily.UNKNOWN):
        why = {
            FitLevel.MAJOR_WORK: "container fit needs major work: move it as a VM now",
            FitLevel.NO_FIT: "no container fit: it keeps running as a VM",
            FitLevel.UNKNOWN: "container fit unknown: a VM is the safe default",
        }[level]
        return DispositionKind.REHOST_KUBEVIRT, why
    return DispositionKind.RETAIN, "no container or KubeVirt target for this OS"


def assess_fit(workload: Workload, thresholds: FitThresholds = THRESHOLDS) -> FitResult:
    """Every fit finding for ``workload``, its level and the suggested disposition."""
    fired = [rule for rule in RULES if rule.predicate(workload, thresholds)]
    findings = [Finding(r.rule_id, r.level, r.reason) for r in fired]
    if workload.blockers:
        findings += _container_blockers(workload)
    level = _level(findings)
    suggested, reason = _suggest(workload, level, fired)
    if not workload.blockers:
        return FitResult(level, tuple(findings), suggested, reason)
    gate = blocking(workload, suggested)
    if gate:
        reason = f"{reason}; fix first: {fix_first(gate)}"
    warned = list(dict.fromkeys(b.rule_id for b in of_severity(workload, Severity.SOFT)))
    if warned and suggested in (DispositionKind.REHOST_KUBEVIRT, DispositionKind.CONTAINERIZE):
        reason = f"{reason}; warnings: {', '.join(warned)}"
    fix = tuple(dict.fromkeys(b.rule_id for b in gate))
    return FitResult(level, tuple(findings), suggested, reason, fix)


def _container_blockers(workload: Workload) -> list[Finding]:
    """A ``no fit`` finding per migration-blocker rule that also stops a container."""
    out: dict[str, Finding] = {}
    for b in blocking(workload, DispositionKind.CONTAINERIZE):
        if b.rule_id not in out:
            rule = blocker_rule(b.rule_id)
            what = f" ({b.detail})" if b.detail else ""
            out[b.rule_id] = Finding(
                b.rule_id, FitLevel.NO_FIT, f"{rule.title.lower()}{what}: {rule.why}"
            )
    return list(out.values())


def effective_disposition(workload: Workload, fit: FitResult) -> DispositionKind:
    """The user's disposition when they chose one; otherwise the stored or suggested one.

    A disposition with ``by_user=False`` was written by a tool (e.g. an earlier planner run)
    and is only a cached suggestion, so a fresh fit result replaces it.
    """
    if workload.disposition is not None and workload.disposition.by_user:
        return workload.disposition.kind
    return fit.suggested


def assess_all(doc: PlanDocument) -> dict[WorkloadId, FitResult]:
    """``assess_fit`` for every workload of ``doc``."""
    return {wid: assess_fit(wl) for wid, wl in doc.workloads.items()}
