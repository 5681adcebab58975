"""What colours the dependency graph: a category per node for the chosen reading (wave,
workload class, disposition or risk), and the legend of the categories shown.

The GUI maps each category key to a colour; which node falls in which category, and what
the legend says, is decided here (Qt-free, tested without a display).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from migplan.core.appgraph import NO_WAVE, AppGraph, GraphNode
from migplan.core.enums import CLASS_LABELS, DISPOSITION_SHORT, DispositionKind, WorkloadClass
from migplan.core.ids import WaveId, WorkloadId


class ColourBy(StrEnum):
    WAVE = "wave"
    CLASS = "class"
    DISPOSITION = "disposition"
    RISK = "risk"

    @property
    def label(self) -> str:
        return {
            ColourBy.WAVE: "Wave",
            ColourBy.CLASS: "Workload class",
            ColourBy.DISPOSITION: "Disposition",
            ColourBy.RISK: "Risk of its wave",
        }[self]


OUTSIDE = "outside"
NONE = "none"
RISK_BANDS = ("low", "medium", "high", "critical")
#: Class precedence when an application's workloads are as many of one class as another.
_CLASS_ORDER = (
    WorkloadClass.AI_GPU,
    WorkloadClass.DATA_HEAVY,
    WorkloadClass.SHARED_SERVICE,
    WorkloadClass.LEGACY,
    WorkloadClass.PLATFORM,
)
_DISPOSITION_ORDER = (
    DispositionKind.RETAIN,
    DispositionKind.REHOST_KUBEVIRT,
    DispositionKind.CONTAINERIZE,
    DispositionKind.RETIRE,
)


@dataclass(frozen=True)
class LegendEntry:
    key: str
    label: str
    nodes: int


@dataclass(frozen=True)
class Colouring:
    by: ColourBy
    #: Node id -> category key.
    of_node: dict[str, str]
    #: The categories present, in a fixed reading order, with how many nodes each has.
    legend: tuple[LegendEntry, ...]


def colour_nodes(
    graph: AppGraph,
    by: ColourBy,
    classes: Mapping[WorkloadId, WorkloadClass] | None = None,
    dispositions: Mapping[WorkloadId, DispositionKind] | None = None,
    wave_bands: Mapping[WaveId, str] | None = None,
) -> Colouring:
    """The category of every node of ``graph`` read ``by`` one of the four ways.

    An application takes its workloads' most common class or disposition (ties go to the
    first in reading order: AI-GPU before data-heavy before shared service before legacy);
    its risk is the band of its wave (an application split across waves is a node per
    wave). Nodes outside the inventory (externals)
    and, for risk, nodes in no wave have categories of their own. Without ``classes`` (the
    assessment still running) every workload node is "Not assessed yet".
    """
    keys: list[tuple[str, str]] = []  # (key, label) in reading order
    if by is ColourBy.WAVE:
        keys = [(f"wave:{i}", title) for i, title in enumerate(graph.columns) if i]
        keys.append(("wave:0", NO_WAVE))
    elif by is ColourBy.CLASS:
        keys = [(c.value, CLASS_LABELS[c]) for c in _CLASS_ORDER]
    elif by is ColourBy.DISPOSITION:
        keys = [(d.value, DISPOSITION_SHORT[d]) for d in _DISPOSITION_ORDER]
    else:
        keys = [(b, f"{b.capitalize()} risk") for b in RISK_BANDS]
        keys.append(("wave:0", NO_WAVE))
    keys += [(NONE, "Not assessed yet"), (OUTSIDE, "Outside the inventory")]
    of_node = {
        node.id: _category(graph, node, by, classes, dispositions, wave_bands)
        for node in graph.nodes.values()
    }
    counts = Counter(of_node.values())
    legend = tuple(LegendEntry(k, label, counts[k]) for k, label in keys if counts.get(k))
    return Colouring(by, of_node, legend)


def _category(
    graph: AppGraph,
    node: GraphNode,
    by: ColourBy,
    classes: Mapping[WorkloadId, WorkloadClass] | None,
    dispositions: Mapping[WorkloadId, DispositionKind] | None,
    wave_bands: Mapping[WaveId, str] | None,
) -> str:
    if node.kind == "external":
        return OUTSIDE
    if by is ColourBy.WAVE:
        return f"wave:{node.column}"
    if by is ColourBy.RISK:
        if not node.column:
            return "wave:0"
        if wave_bands is None:
            return NONE
        wave = graph.column_waves[node.column] if graph.column_waves else None
        band = wave_bands.get(wave) if wave else None
        return band if band in RISK_BANDS else NONE
    table: Mapping[WorkloadId, object] | None = classes if by is ColourBy.CLASS else dispositions
    if table is None:
        return NONE
    found = Counter(table[w] for w in node.workloads if w in table)
    if not found:
        return NONE
    order: tuple[StrEnum, ...] = _CLASS_ORDER if by is ColourBy.CLASS else _DISPOSITION_ORDER
    best = max(found.values())
    winner = next(c for c in order if found.get(c) == best)
    return winner.value
