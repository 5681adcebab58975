"""Coexistence bridges: which dependencies cross platforms in each phase, and the link load."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from migplan.core.assess import Platform, phase_bridges
from migplan.core.assess.bridges import bridges_at, effective_dispositions, phase_loads
from migplan.core.assess.classify import shared_service_ids
from migplan.core.assess.index import PlanIndex
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind
from migplan.core.ids import DependencyId, ExternalId
from migplan.core.models import Dependency, Disposition, Entity, ExternalNode
from migplan.core.settings import PlannerSettings, PlanSettings

from .factories import dep, make_doc, vid, wave, wl


def _as(kind: DispositionKind) -> Disposition:
    return Disposition(kind=kind)


def _hand_plan() -> PlanDocument:
    ext = ExternalNode(id=ExternalId("x-partner"), name="partner-api")
    return make_doc(
        wave(1),
        wave(2),
        wave(3),
        wl("a", wave_id=vid(1), disposition=_as(DispositionKind.CONTAINERIZE)),
        wl("b", wave_id=vid(2), disposition=_as(DispositionKind.REHOST_KUBEVIRT)),
        wl("c", disposition=_as(DispositionKind.RETAIN)),
        wl("r", wave_id=vid(1), disposition=_as(DispositionKind.RETIRE)),
        ext,
        dep("a", "b", weight=1.0, port=8080, latency_sensitive=True),
        dep("b", "c", weight=2.0, port=5432),
        dep("a", "r", weight=3.0, port=22),
        Dependency(id=DependencyId("d-b-x"), source="w-b", target="x-partner", weight=4.0),
    )


def test_hand_plan_phase_by_phase() -> None:
    phases = phase_bridges(_hand_plan())
    assert [p.wave_id for p in phases] == [vid(1), vid(2), vid(3)]
    p1, p2, p3 = phases
    # phase 1: a is a container, b still legacy: a->b crosses the link; r is gone
    assert [(b.source, b.target, b.over_link) for b in p1.bridges] == [("w-a", "w-b", True)]
    assert p1.bridges[0].source_platform is Platform.CONTAINER
    assert p1.bridges[0].target_platform is Platform.LEGACY
    assert p1.link_mbps == 8.0 and p1.latency_sensitive == 1
    # phase 2: b is a KubeVirt VM: a->b stays in the cluster; b->c and b->partner cross
    crossing = {(b.source, b.target): b.over_link for b in p2.bridges}
    assert crossing == {("w-b", "x-partner"): True, ("w-b", "w-c"): True, ("w-a", "w-b"): False}
    assert p2.link_mbps == (2.0 + 4.0) * 8
    assert p2.peak_mbps == 48.0 and p2.latency_sensitive == 0
    # the retained and external ends keep the bridge open after the last wave
    assert p3.link_mbps == 48.0 and p3.peak_mbps == 48.0
    assert not p1.over_capacity and p1.usable_mbps > 48


def _shared_plan(mode: str, dns_wave: int, app_wave: int) -> PlanDocument:
    settings = PlanSettings(planner=PlannerSettings(shared_services=mode))
    return make_doc(
        wave(1),
        wave(2),
        wl("dns01", wave_id=vid(dns_wave), tags=("shared-service",)),
        wl("web01", wave_id=vid(app_wave)),
        dep("web01", "dns01", port=53, weight=1.0),
        settings=settings,
    )


def test_replicated_shared_service_is_not_a_bridge() -> None:
    phases = phase_bridges(_shared_plan("foundation", 1, 2))
    assert all(not p.bridges for p in phases)


def test_bridged_shared_service_is_a_bridge_until_its_clients_move() -> None:
    phases = phase_bridges(_shared_plan("bridge", 1, 2))
    assert [len(p.bridges) for p in phases] == [1, 0]


def test_client_ahead_of_its_shared_service_is_a_bridge_even_when_replicated() -> None:
    phases = phase_bridges(_shared_plan("foundation", 2, 1))
    assert [len(p.bridges) for p in phases] == [1, 0]


@st.composite
def _plans(draw: st.DrawFn) -> PlanDocument:
    n_waves = draw(st.integers(1, 4))
    n = draw(st.integers(2, 8))
    kinds = list(DispositionKind)
    ents: list[Entity] = [wave(k + 1) for k in range(n_waves)]
    names = [f"n{i}" for i in range(n)]
    for i, name in enumerate(names):
        rank = draw(st.integers(0, n_waves))
        role = {"Role": "DNS"} if i == 0 and draw(st.booleans()) else {}
        ents.append(
            wl(
                name,
                wave_id=vid(rank) if rank else None,
                disposition=_as(draw(st.sampled_from(kinds))),
                attributes=role,
            )
        )
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=15))
    seen = set()
    for s, t in pairs:
        if s != t and (s, t) not in seen:
            seen.add((s, t))
            ents.append(dep(s, t, weight=draw(st.floats(0.0, 50.0)), latency_sensitive=s < t))
    mode = draw(st.sampled_from(["foundation", "bridge"]))
    return make_doc(*ents, settings=PlanSettings(planner=PlannerSettings(shared_services=mode)))


@settings(max_examples=60, deadline=None)
@given(_plans())
def test_loads_match_phase_by_phase_bridges(doc: PlanDocument) -> None:
    index = PlanIndex(doc, effective_dispositions(doc), shared_service_ids(doc))
    loads = phase_loads(index)
    assert loads.link_mbps[0] == 0
    for rank in range(1, index.k + 1):
        bridges = bridges_at(doc, index, rank)
        link = [b for b in bridges if b.over_link]
        assert abs(loads.link_mbps[rank] - sum(b.mbps for b in link)) < 1e-6
        assert loads.crossing_edges[rank] == len(bridges)
        assert loads.link_edges[rank] == len(link)
        assert loads.latency_link_edges[rank] == sum(b.latency_sensitive for b in link)
        for b in bridges:
            assert Platform.GONE not in (b.source_platform, b.target_platform)
            assert b.source_platform is not b.target_platform


def test_dependency_on_an_application_reaches_each_of_its_workloads() -> None:
    from migplan.core.assess import Assessment, validate_plan
    from migplan.core.commands import UpdateEntities

    from .factories import app

    on_app = Dependency(id=DependencyId("d-w1-B"), source="w-w1", target="a-B", weight=2.0)
    doc = make_doc(
        app("B"),
        wave(1),
        wave(2),
        wl("w1", wave_id=vid(1)),
        wl("b1", application_id="a-B", wave_id=vid(2)),
        wl("b2", application_id="a-B", wave_id=vid(2)),
        wl("c1", wave_id=vid(2)),
        on_app,
    )
    first = phase_bridges(doc)[0]
    assert sorted(b.target for b in first.bridges) == ["w-b1", "w-b2"]
    assert {b.dependency_id for b in first.bridges} == {"d-w1-B"}
    assert first.link_mbps == 2.0 * 8  # the traffic is shared, not doubled
    late = [v for v in validate_plan(doc) if v.rule_id == "PRECEDENCE"]
    assert len(late) == 2
    # moving c1 into application B makes it a target too: the assessment rebuilds
    a = Assessment(doc)
    _, summary = doc.apply(UpdateEntities((("w-c1", {"application_id": "a-B"}),)))
    a.refresh(summary)
    assert a.risks == Assessment(doc).risks
    assert len(a.bridges_of(vid(1)).bridges) == 3
