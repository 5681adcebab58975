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

from .factories import dep, make_doc, wid, wl


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


def test_shared_role_name_and_tag() -> None:
    assert (
        classify_workload(wl("x2", attributes={"Role": "Domain Controller"})).workload_class
        is WorkloadClass.SHARED_SERVICE
    )
    assert classify_workload(wl("ntp01")).workload_class is WorkloadClass.SHARED_SERVICE
    assert (
        classify_workload(wl("x3", tags=("shared-service",))).workload_class
        is WorkloadClass.SHARED_SERVICE
    )
    # an application code that happens to start with "ad" is not a directory server
    assert classify_workload(wl("ad307-web01")).workload_class is WorkloadClass.LEGACY


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
    clients = [wl(f"c{i}") for i in range(5)]
    doc = make_doc(wl("box7"), *clients, *[dep(c.name, "box7", port=8080) for c in clients])
    assert classify_workloads(doc)[wid("box7")].workload_class is WorkloadClass.LEGACY


def test_hub_rule() -> None:
    # 40 workloads; "hub" talks to 30 of them on an ordinary port: above the 95th percentile
    # and above a tenth of all workloads.
    others = [wl(f"n{i}") for i in range(39)]
    edges = [dep(o.name, "hub", port=8443) for o in others[:30]]
    doc = make_doc(wl("hub"), *others, *edges)
    found = classify_workloads(doc)
    assert found[wid("hub")].workload_class is WorkloadClass.SHARED_SERVICE
    assert "hub" in found[wid("hub")].reasons[0]
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
