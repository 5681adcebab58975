"""The microservice estate generator: deterministic, acyclic, proxies private, services shared."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pytest

from migplan.core.document import PlanDocument
from migplan.core.enums import Environment, GpuMode
from migplan.core.estate_micro import MicroSpec, generate_microservice_estate

SHARED_ROLES = {"DNS", "Active Directory", "NTP", "Syslog", "Backup", "Monitoring"}


@pytest.fixture(scope="module", params=[2000, 10_000])
def estate(request: pytest.FixtureRequest) -> PlanDocument:
    return generate_microservice_estate(MicroSpec(workloads=request.param, seed=7))


def _workload_graph(doc: PlanDocument) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(doc.workloads)
    g.add_edges_from(
        (d.source, d.target)
        for d in doc.dependencies.values()
        if d.source in doc.workloads and d.target in doc.workloads
    )
    return g


def _fingerprint(doc: PlanDocument) -> tuple[object, ...]:
    return (
        sorted(
            (w.id, w.vcpu, w.memory_mib, w.storage_provisioned_mib, w.environment)
            for w in doc.workloads.values()
        ),
        sorted((d.source, d.target, d.port, d.weight, d.hard) for d in doc.dependencies.values()),
        sorted((a.id, a.environment, a.criticality, a.owner) for a in doc.applications.values()),
    )


def test_the_same_seed_gives_the_same_estate() -> None:
    a = generate_microservice_estate(MicroSpec(workloads=300, seed=5))
    b = generate_microservice_estate(MicroSpec(workloads=300, seed=5))
    c = generate_microservice_estate(MicroSpec(workloads=300, seed=6))
    assert _fingerprint(a) == _fingerprint(b)
    assert _fingerprint(a) != _fingerprint(c)


def test_size_is_reached_within_five_percent(estate: PlanDocument) -> None:
    target = 2000 if len(estate.workloads) < 5000 else 10_000
    assert abs(len(estate.workloads) - target) <= 0.05 * target


def test_about_five_dependencies_per_workload(estate: PlanDocument) -> None:
    per_workload = len(estate.dependencies) / len(estate.workloads)
    # 4.87 at 2,000 and 4.95 at 10,000 (seed 7)
    assert 4.0 <= per_workload <= 6.0, per_workload


def test_the_workload_graph_has_no_cycle(estate: PlanDocument) -> None:
    g = _workload_graph(estate)
    assert g.number_of_edges() == len(estate.dependencies)
    assert nx.is_directed_acyclic_graph(g)


def test_a_proxy_has_clients_only_in_its_own_application(estate: PlanDocument) -> None:
    wl = estate.workloads
    proxies = {wid for wid, w in wl.items() if "-proxy" in w.name}
    assert len(proxies) > 50
    with_clients = set()
    for d in estate.dependencies.values():
        if d.target in proxies:
            with_clients.add(d.target)
            assert wl[d.source].application_id == wl[d.target].application_id
    assert with_clients  # web front ends call their own api-proxy


def test_shared_services_have_clients_from_many_applications(estate: PlanDocument) -> None:
    wl = estate.workloads
    shared = {wid for wid, w in wl.items() if w.attributes.get("Role") in SHARED_ROLES}
    assert len(shared) >= 12
    apps: dict[str, set[str | None]] = defaultdict(set)
    ports: dict[str, set[int | None]] = defaultdict(set)
    for d in estate.dependencies.values():
        if d.target in shared:
            apps[d.target].add(wl[d.source].application_id)
            ports[d.target].add(d.port)
    assert all(len(apps[s]) >= 3 for s in shared), {wl[s].name: len(apps[s]) for s in shared}
    used = set().union(*ports.values())
    assert {53, 88, 389, 123, 514, 9100, 10000} <= used


def test_every_application_is_a_whole_microservice_system(estate: PlanDocument) -> None:
    names: dict[str | None, set[str]] = defaultdict(set)
    for w in estate.workloads.values():
        if "-" in w.name:  # shared services are dns01, dc01...
            names[w.application_id].add(w.name.split("-", 1)[1].rstrip("0123456789"))
    business = [a for a in estate.applications.values() if not a.tags]  # not AI, not shared
    assert business
    for app in business:
        parts = names[app.id]
        assert {"gateway", "config", "discovery", "broker", "db", "api-proxy"} <= parts, parts
        assert any(p.endswith("-svc") for p in parts)
    assert {a.environment for a in estate.applications.values()} >= {
        Environment.PRODUCTION,
        Environment.STAGING,
        Environment.TEST,
        Environment.DEVELOPMENT,
    }
    assert any(w.os_family.value == "windows" for w in estate.workloads.values())


def test_hard_edges_are_location_bound_and_gpus_have_pools(estate: PlanDocument) -> None:
    wl = estate.workloads
    for d in estate.dependencies.values():
        if d.hard:
            role = str(wl[d.source].attributes["Role"])
            assert role.endswith("replica") or role == "gpu-training", role
    gpu = [w for w in wl.values() if w.gpu is not None and w.gpu.count > 0]
    assert gpu
    modes = {p.mode for p in estate.settings.gpu_pools}
    assert {GpuMode.CONTAINER, GpuMode.PASSTHROUGH, GpuMode.VGPU} <= modes
    cross = [
        d
        for d in estate.dependencies.values()
        if wl[d.source].application_id != wl[d.target].application_id
        and "-gateway" in wl[d.target].name
    ]
    assert len(cross) >= len(estate.applications) // 4


def test_padding_keeps_the_graph_acyclic() -> None:
    doc = generate_microservice_estate(MicroSpec(workloads=1000, dependencies=6000, seed=3))
    assert len(doc.dependencies) == 6000
    assert nx.is_directed_acyclic_graph(_workload_graph(doc))
