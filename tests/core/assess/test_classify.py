"""Workload class: each kind of evidence makes its class, and its absence keeps it quiet."""

from __future__ import annotations

from migplan.core.assess.classify import (
    MIN_SHARED_CLIENTS,
    classify_workload,
    classify_workloads,
    shared_service_ids,
)
from migplan.core.enums import GpuMode, WorkloadClass
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.models import GpuNeeds

from .factories import app, dep, make_doc, wid, wl


def test_plain_vm_is_legacy() -> None:
    found = classify_workload(wl("billing-app01", attributes={"Role": "app"}))
    assert found.workload_class is WorkloadClass.LEGACY
    assert not found.overridden


def test_gpu_needs_make_ai_gpu() -> None:
    gpu = GpuNeeds(count=2, model="A100", mode=GpuMode.PASSTHROUGH)
    found = classify_workload(wl("train01", gpu=gpu))
    assert found.workload_class is WorkloadClass.AI_GPU
    assert "A100" in found.reasons[0] and "passthrough" in found.reasons[0]


def test_ai_role_without_gpu_is_ai_gpu() -> None:
    found = classify_workload(wl("x1", attributes={"Server Role": "Inference API"}))
    assert found.workload_class is WorkloadClass.AI_GPU


def test_role_or_name_only_suggests_a_shared_service_and_a_tag_decides() -> None:
    by_role = classify_workload(wl("x2", attributes={"Role": "Domain Controller"}))
    assert by_role.workload_class is WorkloadClass.LEGACY
    assert any("suggests a shared service" in r for r in by_role.reasons)
    by_name = classify_workload(wl("ntp01"))
    assert by_name.workload_class is WorkloadClass.LEGACY
    assert any("name suggests" in r and "ntp" in r for r in by_name.reasons)
    tagged = classify_workload(wl("x3", tags=("shared-service",)))
    assert tagged.workload_class is WorkloadClass.SHARED_SERVICE
    # an application code that happens to start with "ad" suggests nothing
    plain = classify_workload(wl("ad307-web01"))
    assert plain.workload_class is WorkloadClass.LEGACY
    assert not any("suggests" in r for r in plain.reasons)


def test_an_applications_own_proxy_stays_in_it() -> None:
    """``api-proxy`` and ``nginx-proxy`` used only by their application are not shared."""
    orders = app("orders")
    own = [wl(f"ord-svc{i}", application_id=orders.id) for i in range(6)]
    proxies = [wl(n, application_id=orders.id) for n in ("ord-api-proxy01", "ord-nginx-proxy01")]
    edges = [dep("ord-api-proxy01", "ord-nginx-proxy01")]
    edges += [dep("ord-nginx-proxy01", s.name, port=8080) for s in own]
    edges += [dep(s.name, "ord-api-proxy01", port=443) for s in own[:3]]
    found = classify_workloads(make_doc(orders, *own, *proxies, *edges))
    for proxy in proxies:
        finding = found[proxy.id]
        assert finding.workload_class is WorkloadClass.LEGACY
        assert any("proxy" in r and "do not show one" in r for r in finding.reasons)
    assert "3 clients belong to one application" in " ".join(found[wid("ord-api-proxy01")].reasons)


def test_clients_from_many_applications_prove_a_shared_service() -> None:
    apps = [app(f"a{i}") for i in range(5)]
    clients = [wl(f"c{i}", application_id=a.id) for i, a in enumerate(apps)]
    doc = make_doc(*apps, wl("gw-proxy"), *clients, *[dep(c.name, "gw-proxy") for c in clients])
    finding = classify_workloads(doc)[wid("gw-proxy")]
    assert finding.workload_class is WorkloadClass.SHARED_SERVICE
    assert finding.reasons[0] == "used by workloads of 5 other applications"
    assert "name suggests" in finding.reasons[-1]


def test_shared_port_needs_enough_clients() -> None:
    clients = [wl(f"c{i}") for i in range(MIN_SHARED_CLIENTS)]
    resolver = wl("box7")
    edges = [dep(c.name, "box7", port=53) for c in clients]
    doc = make_doc(resolver, *clients, *edges)
    found = classify_workloads(doc)[wid("box7")]
    assert found.workload_class is WorkloadClass.SHARED_SERVICE
    assert any("DNS" in r for r in found.reasons)
    quiet = make_doc(resolver, *clients, *edges[:-1])
    assert classify_workloads(quiet)[wid("box7")].workload_class is WorkloadClass.LEGACY


def test_non_shared_port_is_quiet() -> None:
    one = app("one")
    clients = [wl(f"c{i}", application_id=one.id) for i in range(5)]
    edges = [dep(c.name, "box7", port=8080) for c in clients]
    doc = make_doc(one, wl("box7", application_id=one.id), *clients, *edges)
    assert classify_workloads(doc)[wid("box7")].workload_class is WorkloadClass.LEGACY


def test_hub_rule() -> None:
    # 40 workloads; "hub" talks to 30 of them on an ordinary port: above the 95th percentile
    # and above a tenth of all workloads.
    others = [wl(f"n{i}") for i in range(39)]
    edges = [dep(o.name, "hub", port=8443) for o in others[:30]]
    doc = make_doc(wl("hub"), *others, *edges)
    found = classify_workloads(doc)
    assert found[wid("hub")].workload_class is WorkloadClass.SHARED_SERVICE
    assert any(r.startswith("hub: 30 neighbours") for r in found[wid("hub")].reasons)
    assert found[wid("n0")].workload_class is WorkloadClass.LEGACY


def test_data_heavy_by_size_role_and_database() -> None:
    big = wl("big1", storage_provisioned_mib=5 * 1024 * 1024, storage_used_mib=0)
    assert classify_workload(big).workload_class is WorkloadClass.DATA_HEAVY
    lake = wl("x4", attributes={"Role": "data-lake"})
    assert classify_workload(lake).workload_class is WorkloadClass.DATA_HEAVY
    db = wl(
        "x5",
        attributes={"Role": "postgres"},
        storage_used_mib=0,
        storage_provisioned_mib=2 * 1024 * 1024,
    )
    assert classify_workload(db).workload_class is WorkloadClass.DATA_HEAVY
    small_db = wl("x6", attributes={"Role": "postgres"})
    assert classify_workload(small_db).workload_class is WorkloadClass.LEGACY


def test_user_override_wins() -> None:
    gpu = GpuNeeds(count=1, mode=GpuMode.CONTAINER)
    found = classify_workload(wl("t1", gpu=gpu, workload_class=WorkloadClass.LEGACY))
    assert found.workload_class is WorkloadClass.LEGACY
    assert found.overridden


def test_generated_estate_shared_services() -> None:
    doc = generate_estate(EstateSpec(workloads=300, seed=3))
    shared = shared_service_ids(doc)
    names = {doc.workloads[w].name for w in shared}
    assert {"dns01", "dc01", "ntp01", "syslog01", "backup01", "mon01"} <= names
    assert all(
        doc.workloads[w].attributes.get("Application") == "Shared Infrastructure" for w in shared
    )
