"""Turning observed edges into one plan command: new edges, grown edges, new external nodes.

Observations are resolved to plan nodes, loopback and self-edges are left out (and reported),
and what remains is folded per (source node, target node, port): the plan's dependency id is
``dependency_id(source, target, port)``, so importing the same export again finds the same
edges. Against an edge already in the plan (same endpoints and port, whatever its id) the
imported count and weight are merged by taking the larger value: re-importing a file changes
nothing, and a fuller export only ever grows an edge. Within one import, observations from
several files add up. Hand-set fields (hard, latency-sensitive, notes) are never touched.

Weight: the sum of the traffic weights the files give (edge lists, MB/s or relative); when no
file gives one (Azure, netstat, CMDB), the observation count, so that busier edges weigh more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from migplan.core.commands import AddEntities, Command, Composite, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import OriginKind, Protocol
from migplan.core.ids import DependencyId, dependency_id
from migplan.core.models import Application, Dependency, EdgeOrigin, Entity, SourceRef
from migplan.core.progress import NullProgress, Progress
from migplan.io.importers.deps_resolve import (
    EndpointResolver,
    record_resolutions,
    warn_foreign_files,
)
from migplan.io.importers.deps_types import (
    DependencyReport,
    Endpoint,
    ObservedEdge,
    RowRef,
    is_loopback,
)

_MAX_PROCESSES = 4
_PROGRESS_EVERY = 20_000


@dataclass
class _Folded:
    """Observations that land on the same plan edge."""

    ref: RowRef
    label: str
    protocol: Protocol
    count: int = 0
    weight: float | None = None
    processes: list[str] = field(default_factory=list)

    def add(self, edge: ObservedEdge) -> None:
        self.count += edge.count
        if edge.weight is not None:
            self.weight = (self.weight or 0.0) + edge.weight
        if self.protocol is Protocol.UNKNOWN:
            self.protocol = edge.protocol
        if (
            edge.process
            and edge.process not in self.processes
            and len(self.processes) < _MAX_PROCESSES
        ):
            self.processes.append(edge.process)


EdgeSlot = tuple[str, str, int | None]


def fold_edges(
    edges: Iterable[ObservedEdge],
    resolver: EndpointResolver,
    report: DependencyReport,
    progress: Progress,
    total: int,
) -> dict[EdgeSlot, _Folded]:
    """Resolve and fold observations per plan edge; loopback and self-edges are reported."""
    folded: dict[EdgeSlot, _Folded] = {}
    uses: dict[Endpoint, int] = {}  # observations kept, per endpoint
    ends: dict[str, set[Endpoint]] = {}  # file -> the endpoints it names
    for n, edge in enumerate(edges):
        if n % _PROGRESS_EVERY == 0:
            progress.step(n, total, "Resolving endpoints")
        report.observations += 1
        if is_loopback(edge.source.ip) or is_loopback(edge.target.ip):
            report.skip_row(
                edge.ref, "loopback connection (stays inside one host)", rows=edge.count
            )
            continue
        in_file = ends.get(edge.ref.file)
        if in_file is None:
            in_file = ends[edge.ref.file] = set()
        in_file.add(edge.source)
        in_file.add(edge.target)
        src = resolver.resolve(edge.source, edge.ref)
        dst = resolver.resolve(edge.target, edge.ref)
        if src.node_id == dst.node_id:
            report.skip_row(
                edge.ref,
                "self-edge (both ends resolve to the same node)",
                rows=edge.count,
            )
            continue
        uses[edge.source] = uses.get(edge.source, 0) + 1
        uses[edge.target] = uses.get(edge.target, 0) + 1
        slot = (src.node_id, dst.node_id, edge.port)
        entry = folded.get(slot)
        if entry is None:
            entry = folded[slot] = _Folded(edge.ref, edge.label, edge.protocol)
        entry.add(edge)
    record_resolutions(report, resolver, uses)
    warn_foreign_files(report, resolver, ends)
    return folded


def build_command(
    folded: dict[EdgeSlot, _Folded],
    resolver: EndpointResolver,
    doc: PlanDocument,
    report: DependencyReport,
    new_apps: Sequence[Application] = (),
    progress: Progress | None = None,
) -> Command:
    """One command adding new edges, externals and apps and growing existing edges."""
    progress = progress or NullProgress()
    existing = {(d.source, d.target, d.port): d for d in doc.dependencies.values()}
    added: list[Entity] = []
    updates: list[tuple[str, dict[str, Any]]] = []
    used_externals: set[str] = set()
    total = len(folded)
    for n, ((source, target, port), entry) in enumerate(sorted(folded.items(), key=_order)):
        if n % _PROGRESS_EVERY == 0:
            progress.step(n, total, "Building dependencies")
        weight = entry.weight if entry.weight is not None else float(entry.count)
        old = existing.get((source, target, port))
        did = DependencyId("")
        if old is None:
            did = dependency_id(source, target, "" if port is None else str(port))
            old = doc.dependencies.get(did)
        if old is not None:
            changes: dict[str, Any] = {}
            if entry.count > old.count:
                changes["count"] = entry.count
            if weight > old.weight:
                changes["weight"] = weight
            if changes:
                updates.append((old.id, changes))
                report.merged += 1
            else:
                report.unchanged += 1
            continue
        added.append(_dependency(did, source, target, port, entry, weight))
        used_externals.update(e for e in (source, target) if e in resolver.new_externals)
        report.imported += 1
    externals = [resolver.new_externals[e] for e in sorted(used_externals)]
    reused = {node for slot in folded for node in (slot[0], slot[1]) if node in doc.externals}
    for what, n in (
        ("dependencies", report.imported),
        ("external nodes", len(externals)),
        ("applications", len(new_apps)),
    ):
        if n:
            report.created[what] += n
    report.externals_reused = len(reused)
    commands: list[Command] = []
    entities: list[Entity] = [*new_apps, *externals, *added]
    if entities:
        commands.append(AddEntities(tuple(entities), label="Import dependencies"))
    if updates:
        commands.append(UpdateEntities(tuple(updates), "Import dependencies", by_user=False))
    return Composite(tuple(commands), label="Import dependencies")


def _order(item: tuple[EdgeSlot, _Folded]) -> tuple[str, str, int]:
    (source, target, port), _ = item
    return (source, target, -1 if port is None else port)


def _dependency(
    did: DependencyId, source: str, target: str, port: int | None, entry: _Folded, weight: float
) -> Dependency:
    ref = entry.ref
    return Dependency(
        id=did,
        source=source,
        target=target,
        port=port,
        protocol=entry.protocol,
        process=", ".join(entry.processes)[:1000],
        count=entry.count,
        weight=weight,
        **EdgeOrigin(
            kind=OriginKind.IMPORTED,
            source=SourceRef(file=ref.file, sheet=ref.sheet, row=ref.row),
            label=entry.label[:1000],
        ).as_fields(),
    )
