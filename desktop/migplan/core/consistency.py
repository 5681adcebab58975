"""Structural consistency of a document: references that resolve, unique wave orders.

These are facts about the document itself (a hand-edited or merged file can break them), not
planning rules; planning rules live in ``migplan.core.assess``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from migplan.core.document import PlanDocument
from migplan.core.enums import EntityKind


@dataclass(frozen=True)
class Problem:
    kind: EntityKind
    entity_id: str
    message: str
    #: What kind of problem, for a summary of many alike (``summarize``).
    rule: str = ""

    def __str__(self) -> str:
        return self.message


#: How many alike problems of a kind are said in a sentence, by rule.
_SUMMARIES = {
    "missing-application": "workloads name an application that is not in the plan",
    "missing-wave": "workloads are in a wave that is not in the plan",
    "missing-host": "workloads run on a host that is not in the plan",
    "pinned-no-wave": "workloads are pinned but in no wave",
    "dangling-end": (
        "dependency ends point to nothing in the plan (no workload, application or external "
        "node has that id: were the workloads left out of the file?)"
    ),
    "wave-order": "groups of waves share an order",
}


def summarize(problems: list[Problem], shown: int = 5) -> list[str]:
    """One line per problem while they are few; a kind with more than ``shown`` is one line
    with its count and the first few ("5,332 dependency ends point to nothing ..., e.g. ...").
    """
    by_rule: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_rule[problem.rule].append(problem)
    lines: list[str] = []
    for rule, group in by_rule.items():
        if len(group) <= shown or rule not in _SUMMARIES:
            lines += [p.message for p in group]
            continue
        examples = "; ".join(p.message for p in group[:3])
        lines.append(f"{len(group):,} {_SUMMARIES[rule]}, e.g. {examples}")
    return lines


def check_consistency(doc: PlanDocument) -> list[Problem]:
    """Every broken reference or ambiguity, one ``Problem`` each, in a stable order."""
    problems: list[Problem] = []
    for wl in sorted(doc.workloads.values(), key=lambda w: w.id):
        if wl.application_id is not None and wl.application_id not in doc.applications:
            problems.append(
                Problem(
                    EntityKind.WORKLOAD,
                    wl.id,
                    f"workload {wl.name}: application {wl.application_id} is not in the plan",
                    "missing-application",
                )
            )
        if wl.wave_id is not None and wl.wave_id not in doc.waves:
            problems.append(
                Problem(
                    EntityKind.WORKLOAD,
                    wl.id,
                    f"workload {wl.name}: wave {wl.wave_id} is not in the plan",
                    "missing-wave",
                )
            )
        if wl.host_id is not None and wl.host_id not in doc.hosts:
            problems.append(
                Problem(
                    EntityKind.WORKLOAD,
                    wl.id,
                    f"workload {wl.name}: host {wl.host_id} is not in the plan",
                    "missing-host",
                )
            )
        if wl.pinned and wl.wave_id is None:
            problems.append(
                Problem(
                    EntityKind.WORKLOAD,
                    wl.id,
                    f"workload {wl.name} is pinned but in no wave",
                    "pinned-no-wave",
                )
            )
    nodes = doc.workloads.keys() | doc.applications.keys() | doc.externals.keys()
    for dep in sorted(doc.dependencies.values(), key=lambda d: d.id):
        for end, label in ((dep.source, "source"), (dep.target, "target")):
            if end not in nodes:
                problems.append(
                    Problem(
                        EntityKind.DEPENDENCY,
                        dep.id,
                        f"dependency {dep.id}: {label} {end} is not a workload, application or external node",
                        "dangling-end",
                    )
                )
    by_order: dict[int, list[str]] = defaultdict(list)
    for wave in doc.waves.values():
        by_order[wave.order].append(wave.name)
    for order, names in sorted(by_order.items()):
        if len(names) > 1:
            problems.append(
                Problem(
                    EntityKind.WAVE,
                    "",
                    f"waves {', '.join(sorted(names))} share the order {order}",
                    "wave-order",
                )
            )
    return problems
