"""Every fit rule fires on a workload made for it and stays quiet on a plain one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migplan.core.assess.fit import assess_fit, effective_disposition
from migplan.core.assess.fit_rules import RULES, FitLevel
from migplan.core.enums import DispositionKind, GpuMode, OsFamily, PowerState
from migplan.core.models import Disposition, GpuNeeds

from .factories import wl

_WIN_2019 = {"os_family": OsFamily.WINDOWS, "os_distro": "windows-server", "os_version": "2019"}

#: rule id -> fields of a workload that must make exactly that rule fire (among others).
FIRING: dict[str, dict[str, Any]] = {
    "TPL-1": {"is_template": True},
    "PWR-1": {"power_state": PowerState.OFF, "attributes": {"Days powered off": 200}},
    "PWR-2": {"power_state": PowerState.OFF},
    "OS-0": {"os_family": OsFamily.UNKNOWN, "os_distro": "", "os_version": ""},
    "OS-1": {"os_family": OsFamily.UNIX, "os_distro": "solaris", "os_version": "10"},
    "OS-2": {"os_family": OsFamily.OTHER, "os_distro": "other", "os_version": ""},
    "OS-3": {"os_distro": "rhel", "os_version": "5"},
    "OS-4": {"os_distro": "ubuntu", "os_version": ""},
    "WIN-1": {**_WIN_2019, "os_version": "2008 R2"},
    "WIN-2": _WIN_2019,
    "WIN-3": {**_WIN_2019, "os_version": ""},
    "WIN-4": {"os_family": OsFamily.WINDOWS, "os_distro": "windows", "os_version": "10"},
    "WIN-5": {**_WIN_2019, "attributes": {"Role": "Active Directory"}},
    "DB-1": {"attributes": {"Role": "mssql"}},
    "DB-2": {"attributes": {"Installed software": "Oracle Database 19c"}},
    "DB-3": {"attributes": {"Role": "postgres"}},
    "GPU-1": {"gpu": GpuNeeds(count=1, mode=GpuMode.PASSTHROUGH)},
    "GPU-2": {"gpu": GpuNeeds(count=1, mode=GpuMode.VGPU)},
    "GPU-3": {"gpu": GpuNeeds(count=1, mode=GpuMode.MIG, mig_profile="3g.20gb")},
    "DRV-1": {"notes": "loads a custom kernel module for the capture card"},
    "HW-1": {"attributes": {"Comment": "licence dongle on USB"}},
    "GUI-1": {"attributes": {"Role": "Citrix published desktop app"}},
    "APP-3": {"attributes": {"Processes": "dockerd, containerd"}},
    "NET-1": {"ips": ("10.0.0.1", "10.0.1.1")},
    "SIZE-1": {"memory_mib": 512 * 1024},
    "SIZE-2": {"storage_provisioned_mib": 20 * 1024 * 1024, "storage_used_mib": 0},
    "SIZE-3": {"storage_provisioned_mib": 60 * 1024 * 1024, "storage_used_mib": 0},
}


def _ids(**fields: Any) -> set[str]:
    return {f.rule_id for f in assess_fit(wl("probe01", **fields)).findings}


def test_every_rule_has_a_firing_case() -> None:
    assert set(FIRING) == {r.rule_id for r in RULES}
    assert len({r.rule_id for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_rule_fires(rule_id: str) -> None:
    assert rule_id in _ids(**FIRING[rule_id])


def test_plain_linux_vm_is_excellent_with_no_findings() -> None:
    result = assess_fit(wl("web01", attributes={"Role": "web"}))
    assert result.findings == ()
    assert result.level is FitLevel.EXCELLENT
    assert result.suggested is DispositionKind.CONTAINERIZE


@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_rule_quiet_on_plain_vm(rule_id: str) -> None:
    assert rule_id not in _ids(attributes={"Role": "web"})


def test_quiet_near_misses() -> None:
    assert "WIN-1" not in _ids(**{**_WIN_2019, "os_version": "2016"})
    assert "OS-3" not in _ids(os_distro="rhel", os_version="7")
    assert "PWR-1" not in _ids(power_state=PowerState.OFF, attributes={"Days powered off": 10})
    assert "DB-2" not in _ids(attributes={"Role": "runs on Oracle Linux"})
    assert "SIZE-1" not in _ids(memory_mib=64 * 1024)


def test_level_is_worst_and_no_fit_beats_unknown() -> None:
    r = assess_fit(wl("m1", attributes={"Role": "postgres"}, memory_mib=512 * 1024))
    assert r.level is FitLevel.MAJOR_WORK
    r = assess_fit(wl("m2", os_family=OsFamily.UNKNOWN, os_distro="", notes="kernel driver"))
    assert r.level is FitLevel.NO_FIT
    r = assess_fit(wl("m3", os_family=OsFamily.UNKNOWN, os_distro="", os_version=""))
    assert r.level is FitLevel.UNKNOWN and r.score == -1


def test_suggestions_follow_the_decision_tree() -> None:
    assert assess_fit(wl("t", is_template=True)).suggested is DispositionKind.RETIRE
    assert assess_fit(wl("t", **FIRING["HW-1"])).suggested is DispositionKind.RETAIN
    assert assess_fit(wl("t", **FIRING["OS-1"])).suggested is DispositionKind.RETAIN
    assert assess_fit(wl("t", **FIRING["DB-1"])).suggested is DispositionKind.REHOST_KUBEVIRT
    assert assess_fit(wl("t", **FIRING["GUI-1"])).suggested is DispositionKind.REHOST_KUBEVIRT
    assert assess_fit(wl("t", **FIRING["WIN-2"])).suggested is DispositionKind.CONTAINERIZE
    assert assess_fit(wl("t", **FIRING["OS-2"])).suggested is DispositionKind.RETAIN


def test_user_disposition_wins_and_tool_disposition_does_not() -> None:
    mine = wl("u1", is_template=True, disposition=Disposition(kind=DispositionKind.CONTAINERIZE))
    assert effective_disposition(mine, assess_fit(mine)) is DispositionKind.CONTAINERIZE
    tool = wl(
        "u2",
        is_template=True,
        disposition=Disposition(kind=DispositionKind.CONTAINERIZE, by_user=False),
    )
    assert effective_disposition(tool, assess_fit(tool)) is DispositionKind.RETIRE


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.sampled_from(sorted(FIRING)), min_size=0, max_size=4, unique=True),
)
def test_level_never_better_than_any_finding(names: list[str]) -> None:
    fields: dict[str, Any] = {}
    for name in names:
        for key, value in FIRING[name].items():
            if key == "attributes":
                fields.setdefault("attributes", {}).update(value)
            else:
                fields[key] = value
    result = assess_fit(wl("h1", **fields))
    levels = {f.level for f in result.findings}
    if FitLevel.NO_FIT in levels:
        assert result.level is FitLevel.NO_FIT
    elif FitLevel.UNKNOWN in levels:
        assert result.level is FitLevel.UNKNOWN
    else:
        assert all(result.level.score >= f.level.score for f in result.findings)
    assert result.suggested_reason


def test_a_container_gpu_is_never_suggested_into_a_vm() -> None:
    """A big-memory trainer (SIZE-1: major work) with a container GPU: a VM could not use
    that GPU, so the suggestion is a container; a passthrough GPU stays a VM."""
    big = {"memory_mib": 262144, "vcpu": 32}
    for gpu in (
        GpuNeeds(count=2, mode=GpuMode.CONTAINER),
        GpuNeeds(count=1, mode=GpuMode.MIG, mig_profile="3g.20gb"),
    ):
        fit = assess_fit(wl("t", gpu=gpu, **big))
        assert fit.level is FitLevel.MAJOR_WORK
        assert fit.suggested is DispositionKind.CONTAINERIZE
        assert "only a container can use" in fit.suggested_reason
    vm = assess_fit(wl("t", gpu=GpuNeeds(count=2, mode=GpuMode.PASSTHROUGH), **big))
    assert vm.suggested is DispositionKind.REHOST_KUBEVIRT


def test_platform_facts_copied_onto_every_vm_are_not_notes() -> None:
    """A host, cluster or vCenter fact an export copies onto each VM (vHost.*, vCluster.*...)
    says nothing about the workload: a cluster named after Citrix does not make each VM on it
    a desktop app, nor a host's "kernel module" note a driver of each guest."""
    facts = {"vCluster.Name": "citrix-farm-cluster", "vHost.Comment": "kernel module for NIC"}
    assert not {"GUI-1", "DRV-1"} & _ids(attributes=facts)
    noted = {**facts, "Annotation": "Citrix published desktop app"}
    assert "GUI-1" in _ids(attributes=noted)
