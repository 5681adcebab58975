"""The array code of the phase factors C5 and C6 equals a readable per-wave definition.

``reference_c5`` and ``reference_c6`` say what risk_rubrics says the factors measure, one
wave at a time, on the document itself (no index, no numpy); the plan mixes what the
arrays must get right: a dependency on a whole application, an external endpoint, a
workload in no wave, two-way and hard dependencies, a dependant inside its own wave.
"""

from __future__ import annotations

import pytest

from migplan.core.assess import Assessment
from migplan.core.document import PlanDocument
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.ids import AppId, DependencyId, ExternalId, WaveId, WorkloadId
from migplan.core.models import Dependency, Entity, ExternalNode

from .factories import app, dep, make_doc, vid, wave, wl


def _members(doc: PlanDocument, node: str) -> set[WorkloadId]:
    """The workloads a dependency endpoint stands for (none for an external node)."""
    if node in doc.workloads:
        return {WorkloadId(node)}
    return {w.id for w in doc.workloads.values() if w.application_id == AppId(node)}


def _order(doc: PlanDocument) -> dict[WaveId | None, int]:
    return {w.id: k for k, w in enumerate(doc.waves_in_order(), start=1)}


def reference_c5(doc: PlanDocument, wave_id: WaveId) -> int:
    """Workloads outside the wave that depend directly on a workload of the wave."""
    dependants: set[WorkloadId] = set()
    for d in doc.dependencies.values():
        for target in _members(doc, d.target):
            if doc.workloads[target].wave_id != wave_id:
                continue
            for source in _members(doc, d.source):
                if doc.workloads[source].wave_id != wave_id:
                    dependants.add(source)
    return len(dependants)


def reference_c6(doc: PlanDocument, wave_id: WaveId) -> float:
    """Dependencies of the wave's workloads on workloads moving in a later wave (a workload
    in no wave is not later), two-way or hard ones counted double."""
    order = _order(doc)
    here = order[wave_id]
    pairs = {
        (s, t) for d in doc.dependencies.values() for s in _members(doc, d.source)
        for t in _members(doc, d.target)
    }  # fmt: skip
    total = 0.0
    for d in doc.dependencies.values():
        for s in _members(doc, d.source):
            for t in _members(doc, d.target):
                if s == t or doc.workloads[s].wave_id != wave_id:
                    continue
                there = doc.workloads[t].wave_id
                if there is not None and order[there] > here:
                    total += 2.0 if d.hard or (t, s) in pairs else 1.0
    return total


def _small_plan() -> PlanDocument:
    ents: list[Entity] = [app("Dir"), app("Shop"), *(wave(r) for r in (1, 2, 3))]
    ents += [wl("dns", wave_id=vid(1), application_id="a-Dir")]
    ents += [wl("ad", wave_id=vid(1), application_id="a-Dir")]
    ents += [wl(f"web{i}", wave_id=vid(2), application_id="a-Shop") for i in range(3)]
    ents += [wl("db", wave_id=vid(3)), wl("batch", wave_id=vid(3)), wl("idle")]
    ents += [
        dep("web0", "dns", port=53),
        dep("web1", "db", port=5432, hard=True),
        dep("db", "web1", port=9000),  # two-way with the one above
        dep("web2", "db", port=5432),
        dep("web2", "web0", port=80),  # inside wave 2
        dep("batch", "web2", port=443),  # wave 3 on wave 2: earlier, fine
        dep("idle", "ad", port=389),  # in no wave, depends on wave 1
        dep("web0", "idle", port=22),  # on a workload in no wave: not later
        dep("dns", "db", port=5432),  # foundation on wave 3
    ]
    ents.append(Dependency(id=DependencyId("d-app"), source="w-batch", target="a-Dir"))
    ents.append(Dependency(id=DependencyId("d-shop"), source="a-Shop", target="w-db"))
    ents.append(ExternalNode(id=ExternalId("x-1"), name="10.1.1.1"))
    ents.append(Dependency(id=DependencyId("d-ext"), source="w-db", target="x-1"))
    ents.append(Dependency(id=DependencyId("d-ext2"), source="x-1", target="w-dns"))
    return make_doc(*ents)


@pytest.mark.parametrize(
    "doc",
    [_small_plan(), generate_estate(EstateSpec(workloads=300, waves=6, seed=5))],
    ids=["small", "generated"],
)
def test_c5_and_c6_arrays_equal_the_readable_definition(doc: PlanDocument) -> None:
    a = Assessment(doc)
    for rank, w in enumerate(doc.waves_in_order(), start=1):
        assert int(a.arrays.dependants[rank]) == reference_c5(doc, w.id), w.name
        assert float(a.arrays.c6_value[rank]) == pytest.approx(reference_c6(doc, w.id)), w.name


def test_small_plan_by_hand() -> None:
    # wave 1 (dns, ad): web0 (on dns), idle (on ad), batch (on the Dir application) -> 3;
    #   dns depends on db in wave 3: 1 dependency moving later
    # wave 2 (web0-2): batch on web2, db on web1 -> 2; web1 on db is hard and two-way (2),
    #   web2 on db (1),
    #   and the Shop application on db for each of its three workloads (two-way for web1: 2)
    # wave 3 (db, batch): web1 and web2 on db, the Shop workloads on db, dns on db -> 4
    doc = _small_plan()
    a = Assessment(doc)
    assert a.arrays.dependants[1:4].tolist() == [3, 2, 4]
    assert a.arrays.c6_value[1:4].tolist() == [1.0, 7.0, 0.0]
    assert [a.risks[vid(r)].factors["C6"] for r in (1, 2, 3)] == [1, 3, 0]


def test_c6_counts_exactly_the_validators_precedence_violations() -> None:
    """One definition of "moves before what it depends on" for the risk and the validator."""
    doc = generate_estate(EstateSpec(workloads=300, waves=6, seed=5))
    a = Assessment(doc)
    by_wave: dict[WaveId, set[tuple[str, ...]]] = {}
    for v in a.violations:
        if v.rule_id == "PRECEDENCE":
            by_wave.setdefault(v.wave_ids[0], set()).add(v.workload_ids)
    index = a.index
    for rank, w in enumerate(doc.waves_in_order(), start=1):
        edges = a.arrays.late_edges[a.arrays.late_bounds[rank] : a.arrays.late_bounds[rank + 1]]
        # the validator reports a hard one as HARD-SPLIT instead
        soft = [e for e in edges.tolist() if not index.hard[e]]
        pairs = {(index.ids[index.src[e]], index.ids[index.dst[e]]) for e in soft}
        assert pairs == by_wave.get(w.id, set()), w.name
