"""Platform VMs (issue 10, point 6): vCLS agents and Horizon instant-clone internals are
classed by name, kept in the plan and left out of planning (PLATFORM-VM), unless a person
gives them another class."""

from __future__ import annotations

from typing import Any

import pytest

from migplan.core.assess.classify import classify_workload, is_platform_vm
from migplan.core.document import PlanDocument
from migplan.core.enums import Environment, WorkloadClass
from migplan.core.models import Workload
from migplan.core.planning.planner import propose_waves
from migplan.core.planning.unplaced import explain_unplaced
from migplan.core.rules import RULES, Severity
from migplan.core.settings import CapacityRamp, PlannerSettings, PlanSettings, WaveCapacity

PLATFORM_NAMES = {
    "vCLS-8f3c1a2e-55d1-4b7e-9a0c-1d2e3f405162": "vSphere Cluster Services",
    "vCLS (1)": "vSphere Cluster Services",
    "vCLS": "vSphere Cluster Services",
    "cp-parent-4a1b2c3d-0e9f-4a5b-8c7d-6e5f4a3b2c1d": "Horizon instant-clone internals",
    "cp-replica-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b": "Horizon instant-clone internals",
    "CP-TEMPLATE-77aa88bb": "Horizon instant-clone internals",
    "SupervisorControlPlaneVM (2)": "vSphere Supervisor control plane",
}
#: Ordinary VMs whose names come close.
ORDINARY_NAMES = [
    "vclsweb01",
    "web-vCLS-1",
    "cp-parental-portal",
    "cp-parent",
    "app-cp-replica-1",
    "cpu-template-01",
    "cp-replicator01",
    "supervisor01",
]


def _wl(name: str, i: int = 0, **kw: Any) -> Workload:
    return Workload(id=f"w-{i:02d}", name=name, vcpu=2, environment=Environment.TEST, **kw)


@pytest.mark.parametrize("name", sorted(PLATFORM_NAMES))
def test_platform_names_are_platform_vms_with_evidence(name: str) -> None:
    found = classify_workload(_wl(name))
    assert found.workload_class is WorkloadClass.PLATFORM
    assert found.workload_class.label == "Platform VM"
    (reason,) = found.reasons
    assert reason.startswith(PLATFORM_NAMES[name] + ": ")
    assert is_platform_vm(_wl(name))


@pytest.mark.parametrize("name", ORDINARY_NAMES)
def test_names_that_only_look_alike_are_not(name: str) -> None:
    assert classify_workload(_wl(name)).workload_class is not WorkloadClass.PLATFORM
    assert not is_platform_vm(_wl(name))


def test_the_class_set_by_a_person_wins_both_ways() -> None:
    planned = _wl("vCLS (1)", workload_class=WorkloadClass.LEGACY)
    assert classify_workload(planned).workload_class is WorkloadClass.LEGACY
    assert not is_platform_vm(planned)
    marked = _wl("edge-gw-01", workload_class=WorkloadClass.PLATFORM)
    assert classify_workload(marked).overridden
    assert is_platform_vm(marked)


def _doc(*extra: Workload) -> PlanDocument:
    settings = PlanSettings(
        capacity=WaveCapacity(workloads=CapacityRamp(start=10, step=0, max=10)),
        planner=PlannerSettings(pilot_waves=0),
    )
    ordinary = [_wl(f"app{i:02d}", i) for i in range(4)]
    return PlanDocument.from_entities([*ordinary, *extra], settings)


def test_the_planner_leaves_platform_vms_out_with_their_rule() -> None:
    vcls = _wl("vCLS-8f3c1a2e", 10)
    replica = _wl("cp-replica-0f1e2d3c", 11)
    doc = _doc(vcls, replica)
    proposal = propose_waves(doc, shared_ids=set())
    assert set(proposal.assignment) == {f"w-{i:02d}" for i in range(4)}
    out = {u.workload_id: u for u in proposal.unplaceable}
    assert {wid: u.rule_id for wid, u in out.items()} == {
        "w-10": "PLATFORM-VM",
        "w-11": "PLATFORM-VM",
    }
    assert "vSphere Cluster Services agent VM" in out["w-10"].reason
    assert "Horizon instant-clone pool" in out["w-11"].reason
    # Kept in the plan; the window's "why not planned" says the same.
    assert {"w-10", "w-11"} <= set(doc.workloads)
    assert {u.workload_id: u.rule_id for u in explain_unplaced(doc, shared_ids=set())} == {
        "w-00": "NOT-PLANNED",
        "w-01": "NOT-PLANNED",
        "w-02": "NOT-PLANNED",
        "w-03": "NOT-PLANNED",
        "w-10": "PLATFORM-VM",
        "w-11": "PLATFORM-VM",
    }


def test_a_platform_vm_given_another_class_is_planned() -> None:
    doc = _doc(_wl("vCLS-8f3c1a2e", 10, workload_class=WorkloadClass.LEGACY))
    proposal = propose_waves(doc, shared_ids=set())
    assert "w-10" in proposal.assignment
    assert not proposal.unplaceable


def test_the_rule_is_registered() -> None:
    rule = RULES["PLATFORM-VM"]
    assert rule.severity is Severity.INFO
    assert "not planned" in rule.statement
