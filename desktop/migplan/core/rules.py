"""The planning rules, by name: one id, one plain sentence, one home each.

Every rule the validator checks is defined here once, with where its code lives; the
planner, the local search, the CP-SAT optimiser and the validator all use that same code,
so what the planner promises is what the validator finds. A reader looking for a rule
starts here (STYLE.md rule 13, after Forklift's validation policies).

| id | kept by the planner in | checked by the validator in |
|---|---|---|
| APP-SPLIT | ``planning.atoms`` (an application is one move group) | ``assess.validate.app_split`` |
| ENV-MIX | ``planning.pack`` (a slot holds one environment) | ``assess.validate.env_mix`` |
| PRECEDENCE | ``planning.pack.Packer.earliest``, ``planning.improve`` | ``assess.validate.edge_rules`` |
| HARD-SPLIT | ``planning.atoms`` (hard partners are one move group) | ``assess.validate.edge_rules`` |
| DATA-GRAVITY | ``planning.problem`` (the pairs), ``planning.atoms``, ``planning.pack.Packer.set_gravity``, ``planning.improve``, ``planning.window`` | ``assess.validate.data_gravity`` |
| CAPACITY | ``planning.capacity`` (limits and loads), ``planning.timeline`` | ``assess.validate.capacity`` |
| GPU-MODE | ``assess.validate.gpu_conflict`` (shared) | ``assess.validate.gpu_mode`` |
| GPU-POOL | ``planning.gpupools`` (shared), ``planning.reserve`` | ``assess.validate.gpu_pool`` |
| LINK | ``planning.link`` (shared), ``planning.reserve``, ``planning.pack`` | ``assess.bridges.phase_loads`` + ``assess.validate.link`` |
| FREEZE | ``planning.timeline.schedule`` | ``assess.validate.freeze`` |
| PILOT | ``planning.pack`` (pilot slots refuse critical atoms) | ``assess.validate.pilot`` |

Three findings size the target side rather than check a wave; ``core.target.phase_capacity``
is their one home and raises them phase by phase: TARGET-GPU-SHORT (a node pool's GPUs or
slices run out), TARGET-GPU-MIX (a GPU workload would make one node run two GPU modes) and
TARGET-FEED (storage cannot feed the GPUs that moved). The legacy side's licence findings
(LIC-*: cores per CPU, hosts emptied, savings at renewal, hosts unknown...) are raised by
``core.economics.licences.legacy_costs``, their one home; the cost rules (COST-*: target
nodes, dual running, data transfer) by ``core.economics.costs.plan_costs``.

Three more ids only explain why a workload is in no wave: STAYS (retained or retired),
PLATFORM-VM (a VM the source platform runs for itself, ``assess.platform``, kept out by
``planning.problem``) and NOT-PLANNED (nothing keeps it out; no proposal has placed it yet). A
workload with a migration blocker for the way it moves (``core.blockers``: RDM, shared or
independent disk, ...) is kept out of the waves by the planner (``planning.problem``) under
that blocker's rule id.

Two rules are not broken by a plan but refused by the commands that would break them:
WAVE-LOCKED and WORKLOAD-PINNED (``core.locks``, whose ``fixed_wave`` the planner reads too).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migplan.core.enums import DispositionKind, WorkloadClass
    from migplan.core.models import Workload


class Severity(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    #: Not a broken rule: why a workload is in no wave.
    INFO = "info"


@dataclass(frozen=True)
class Rule:
    rule_id: str
    severity: Severity
    title: str
    #: What the rule asks, in one plain sentence.
    statement: str


RULES: dict[str, Rule] = {
    r.rule_id: r
    for r in (
        Rule(
            "APP-SPLIT",
            Severity.HARD,
            "Application kept together",
            "All workloads of an application move in the same wave.",
        ),
        Rule(
            "ENV-MIX",
            Severity.HARD,
            "Environments kept apart",
            "A wave moves production or non-production workloads, never both.",
        ),
        Rule(
            "PRECEDENCE",
            Severity.SOFT,
            "Dependencies first",
            "What a workload depends on moves in the same wave or an earlier one.",
        ),
        Rule(
            "HARD-SPLIT",
            Severity.HARD,
            "Hard dependencies kept together",
            "Workloads bound by a hard dependency (shared disk, a training job and its "
            "data) move in the same wave.",
        ),
        Rule(
            "DATA-GRAVITY",
            Severity.HARD,
            "Data before the AI that reads it",
            "An AI workload and the data-heavy workload it exchanges data with, both planned "
            "to move, move in the same wave or the data first; never the AI workload first, "
            "nor while its data is in no wave.",
        ),
        Rule(
            "CAPACITY",
            Severity.HARD,
            "Wave capacity",
            "A wave holds no more workloads, vCPU, memory, data to copy in its transfer "
            "window and engineer-hours than the plan allows.",
        ),
        Rule(
            "GPU-MODE",
            Severity.HARD,
            "GPU mode served",
            "A GPU workload lands on a pool running the GPU mode it needs (a VM cannot use a "
            "container GPU, a container cannot use vGPU).",
        ),
        Rule(
            "GPU-POOL",
            Severity.HARD,
            "GPU pools not overdrawn",
            "The GPUs taken by workloads that have landed, wave after wave, fit the pools "
            "that serve them.",
        ),
        Rule(
            "LINK",
            Severity.HARD,
            "Hybrid link within its usable share",
            "While each wave runs, traffic between the legacy side and the new platform "
            "stays within the share of the link the migration may use.",
        ),
        Rule(
            "FREEZE",
            Severity.HARD,
            "Change freezes respected",
            "No wave, and no cutover, falls in a change freeze.",
        ),
        Rule(
            "PILOT",
            Severity.SOFT,
            "Pilot waves first",
            "The first waves hold no high or mission-critical workload.",
        ),
        Rule(
            "TARGET-GPU-SHORT",
            Severity.SOFT,
            "Target GPUs suffice",
            "After each phase, the GPU devices or MIG slices taken by what has moved fit the "
            "node pool that serves them.",
        ),
        Rule(
            "TARGET-GPU-MIX",
            Severity.SOFT,
            "One GPU mode per node",
            "A GPU workload lands on a node pool running the GPU mode it needs; a node runs "
            "one mode only (container, passthrough, vGPU), so a mismatch would mix modes.",
        ),
        Rule(
            "TARGET-FEED",
            Severity.SOFT,
            "Storage can feed the GPUs",
            "The storage tier of a GPU node pool reads at least as fast as the GPUs that "
            "moved onto it need, per GPU and workload class.",
        ),
        Rule(
            "STAYS",
            Severity.INFO,
            "Stays on the legacy side",
            "A workload retained or retired is not planned into a wave.",
        ),
        Rule(
            "PLATFORM-VM",
            Severity.INFO,
            "Platform VMs stay with the platform",
            "A VM the source platform runs for itself (vSphere Cluster Services, Horizon "
            "instant-clone internals) is kept in the plan but not planned into a wave.",
        ),
        Rule(
            "NOT-PLANNED",
            Severity.INFO,
            "Not planned yet",
            "Nothing keeps the workload out of the waves; no proposal has placed it yet.",
        ),
        Rule(
            "LIC-CORES-PER-CPU",
            Severity.INFO,
            "Licensed cores per host",
            "Each physical CPU of a host is licensed for its cores, and at least for the "
            "minimum per CPU (16 in Broadcom KB 313548); a host's licensed cores are the sum "
            "over its CPUs.",
        ),
        Rule(
            "LIC-HOST-EMPTIED",
            Severity.INFO,
            "Host emptied",
            "A host empties after the wave that moves or retires the last VM it runs; a "
            "retained VM, or one in no wave yet, keeps its host running to the end unless it "
            "is consolidated onto another (LIC-RETAINED-CONSOLIDATED); a retired VM in no "
            "wave and a platform VM (vCLS...) hold no host.",
        ),
        Rule(
            "LIC-SAVING-AT-RENEWAL",
            Severity.INFO,
            "Savings start at renewal",
            "The licences of an emptied host stop costing from the first renewal on or after "
            "the day its wave ends (the renewal date, or a term after it), never mid-term.",
        ),
        Rule(
            "LIC-RETAINED-CONSOLIDATED",
            Severity.INFO,
            "Retained VMs consolidated",
            "VMs that stay on the legacy side are moved onto as few hosts as their memory "
            "needs (up to the fill share of each host's memory), so the other hosts can "
            "empty; a host whose VMs all stay empties after the last wave.",
        ),
        Rule(
            "LIC-HOSTS-UNKNOWN",
            Severity.INFO,
            "Hosts unknown",
            "The inventory gave no hosts (an RVTools export with its vHost sheet does): "
            "licensed cores and their savings are not computed.",
        ),
        Rule(
            "LIC-HOST-CORES-UNKNOWN",
            Severity.INFO,
            "Host cores unknown",
            "A host whose CPUs or cores per CPU the inventory does not give has no "
            "licensed-core figure; it is left out of the sums.",
        ),
        Rule(
            "LIC-WORKLOAD-NO-HOST",
            Severity.INFO,
            "Workload on no known host",
            "A workload linked to no host of the plan holds no host empty or full.",
        ),
        Rule(
            "LIC-RENEWAL-UNSET",
            Severity.INFO,
            "Renewal date not set",
            "Without the licence renewal date, savings per year are known but not the day "
            "they start.",
        ),
        Rule(
            "LIC-UNDATED",
            Severity.INFO,
            "Wave without dates",
            "A wave without dates empties hosts on no known day: their savings and the "
            "licensed-core-months are not dated.",
        ),
        Rule(
            "COST-TARGET-NODES",
            Severity.INFO,
            "Target cost from the nodes",
            "The new platform costs, each month, the nodes its pools need times each pool's "
            "price per node and month; a phase's nodes are paid from the day its wave starts.",
        ),
        Rule(
            "COST-DUAL-RUNNING",
            Severity.INFO,
            "Dual running",
            "From a wave's first day to its last, both sides carry its applications: the nodes "
            "the wave adds are paid while the legacy copies still run.",
        ),
        Rule(
            "COST-TRANSFER",
            Severity.INFO,
            "Cost of copying data",
            "The data a wave copies times the price per GiB copied (egress), counted in the "
            "month the wave starts.",
        ),
        Rule(
            "COST-TARGET-UNPRICED",
            Severity.INFO,
            "Node pool without a price",
            "A node pool with no price per node and month adds nothing to the target cost.",
        ),
        Rule(
            "COST-UNDATED",
            Severity.INFO,
            "Costs not dated",
            "Waves without dates give each phase's costs, but no month-by-month figures.",
        ),
    )
}


def counts_as_production(wl: Workload) -> bool:
    """ENV-MIX and PILOT read production so: production, or unknown (as Azure Migrate does,
    the stricter rules apply to what nobody labelled)."""
    return wl.environment.is_production or wl.environment.value == "unknown"


def moves(disposition: DispositionKind) -> bool:
    """DATA-GRAVITY binds workloads planned to move to the new platform (containerised or
    rehosted as a VM); data retained or retired stays behind, and risk factor F8 weighs the
    traffic that then crosses the link."""
    from migplan.core.enums import DispositionKind

    return disposition in (DispositionKind.CONTAINERIZE, DispositionKind.REHOST_KUBEVIRT)


def data_gravity_pair(class_a: WorkloadClass, class_b: WorkloadClass) -> bool:
    """DATA-GRAVITY binds the two ends of a dependency (either direction) when one is an
    AI-GPU workload and the other data-heavy (the class a person set, else the classifier's)."""
    from migplan.core.enums import WorkloadClass

    return {class_a, class_b} == {WorkloadClass.AI_GPU, WorkloadClass.DATA_HEAVY}


def data_gravity_broken(ai_rank: int, data_rank: int, k: int) -> bool:
    """DATA-GRAVITY for one pair, by wave rank (waves ranked 1..``k`` in order, ``k + 1`` for
    no wave): broken when the AI workload is in a wave and its data moves in a later one, or
    in none. Same wave, or the data first, keeps it."""
    return ai_rank <= k and data_rank > ai_rank


def pilot_excluded(wl: Workload) -> bool:
    """PILOT keeps high and mission-critical workloads out of the first waves."""
    from migplan.core.enums import Criticality

    return wl.criticality.rank >= Criticality.HIGH.rank


def rule(rule_id: str) -> Rule:
    """The rule with ``rule_id``, a planning rule or a migration-blocker rule (a plain
    stand-in for ids this version does not know)."""
    found = RULES.get(rule_id)
    if found is not None:
        return found
    from migplan.core.blockers import blocker_rule

    return blocker_rule(rule_id)
