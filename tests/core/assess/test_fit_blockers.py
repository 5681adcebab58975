"""Migration blockers in the fit and the plan: an RDM stops a container and gates the KubeVirt
move (fix first, kept out of the waves under its rule id), an independent disk gates only the
VM move, warnings are named, and the fixed workload is planned again."""

from __future__ import annotations

from typing import Any

from migplan.core.assess.fit import assess_fit
from migplan.core.assess.fit_rules import FitLevel
from migplan.core.commands import UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, DispositionKind, Environment, OsFamily
from migplan.core.models import Blocker, Dependency, Disposition, SourceRef, Workload
from migplan.core.planning.planner import propose_waves
from migplan.core.planning.unplaced import explain_unplaced
from migplan.core.rules import rule
from migplan.core.settings import CapacityRamp, PlannerSettings, PlanSettings, WaveCapacity

SRC = SourceRef(file="rvtools.xlsx", sheet="vDisk", row=4)


def _finding(rule_id: str, detail: str = "") -> Blocker:
    return Blocker(rule_id=rule_id, detail=detail, source=SRC, column="Raw Comp. Mode")


def _wl(i: int, *rule_ids: str, **kw: Any) -> Workload:
    base: dict[str, Any] = {
        "id": f"w-{i:02d}",
        "name": f"vm{i:02d}",
        "vcpu": 2,
        "os_family": OsFamily.LINUX,
        "os_distro": "ubuntu",
        "os_version": "22.04",
        "environment": Environment.PRODUCTION,
        "criticality": Criticality.LOW,
        "blockers": tuple(_finding(r, f"Hard disk {n + 1}") for n, r in enumerate(rule_ids)),
    }
    base.update(kw)
    return Workload(**base)


def test_a_clean_ubuntu_vm_is_a_container_candidate() -> None:
    fit = assess_fit(_wl(0))
    assert fit.suggested is DispositionKind.CONTAINERIZE and fit.fix_first == ()


def test_an_rdm_stops_the_container_and_gates_the_vm() -> None:
    fit = assess_fit(_wl(0, "vmware.disk.rdm.detected"))
    assert fit.level is FitLevel.NO_FIT
    assert [(f.rule_id, f.level) for f in fit.findings] == [
        ("vmware.disk.rdm.detected", FitLevel.NO_FIT)
    ]
    assert fit.findings[0].reason.startswith("raw device mapping (rdm) disk (Hard disk 1): ")
    assert fit.suggested is DispositionKind.REHOST_KUBEVIRT
    assert fit.fix_first == ("vmware.disk.rdm.detected",)
    assert (
        "; fix first: vmware.disk.rdm.detected: Raw device mapping (RDM) disk (Hard disk 1): "
        in fit.suggested_reason
    )
    assert "Convert the RDM to a VMDK" in fit.suggested_reason


def test_an_independent_disk_gates_only_the_vm_move() -> None:
    fit = assess_fit(_wl(0, "vmware.disk_mode.independent"))
    assert fit.suggested is DispositionKind.CONTAINERIZE  # the app's data moves, not the disk
    assert fit.fix_first == ()
    gated = assess_fit(_wl(1, "vmware.disk_mode.independent", os_distro="windows"))
    assert gated.suggested is DispositionKind.REHOST_KUBEVIRT  # a desktop OS: VM only
    assert gated.fix_first == ("vmware.disk_mode.independent",)


def test_warnings_are_named_not_gating() -> None:
    fit = assess_fit(_wl(0, "vmware.snapshot.detected", "migplan.vmware.secure_boot"))
    assert fit.fix_first == ()
    assert fit.suggested_reason.endswith("; warnings: vmware.snapshot.detected")
    assert fit.level is FitLevel.EXCELLENT


def _settings() -> PlanSettings:
    return PlanSettings(
        capacity=WaveCapacity(workloads=CapacityRamp(start=5, step=0, max=5)),
        planner=PlannerSettings(pilot_waves=0),
    )


def test_the_planner_keeps_a_blocked_vm_and_its_hard_partner_out_until_fixed() -> None:
    vm = Disposition(kind=DispositionKind.REHOST_KUBEVIRT)
    blocked = _wl(0, "vmware.disk_mode.independent", disposition=vm)
    partner = _wl(1)
    free = _wl(2, "vmware.snapshot.detected", disposition=vm)  # a warning does not gate
    hard = Dependency(id="d-01-00", source="w-01", target="w-00", hard=True)
    doc = PlanDocument.from_entities([blocked, partner, free, hard], _settings())
    p = propose_waves(doc, shared_ids=set())
    assert set(p.assignment) == {"w-02"}
    why = {u.workload_id: (u.rule_id, u.reason) for u in p.unplaceable}
    assert why["w-00"][0] == "vmware.disk_mode.independent"
    assert why["w-00"][1].startswith(
        "cannot move as a KubeVirt VM until it is fixed: vmware.disk_mode.independent: "
        "Independent disk (Hard disk 1): Switch the disk to dependent mode"
    )
    assert why["w-01"][0] == "HARD-SPLIT"
    # The unplaced list names it the same way, with the rule's title.
    listed = {u.workload_id: u.rule_id for u in explain_unplaced(doc, shared_ids=set())}
    assert listed["w-00"] == "vmware.disk_mode.independent"
    assert rule("vmware.disk_mode.independent").title == "Independent disk"
    # Fixed (a re-import without the finding): planned with its partner.
    doc.apply(UpdateEntities((("w-00", {"blockers": ()}),), "re-import"))
    again = propose_waves(doc, shared_ids=set())
    assert set(again.assignment) == {"w-00", "w-01", "w-02"}


def test_the_validator_flags_a_blocked_vm_placed_in_a_wave_by_hand() -> None:
    from migplan.core.assess.validate import validate_plan
    from migplan.core.models import Wave

    vm = Disposition(kind=DispositionKind.REHOST_KUBEVIRT)
    wave = Wave(id="v-1", name="Wave 1", order=1)
    docs = PlanDocument.from_entities(
        [
            wave,
            _wl(0, "vmware.disk.rdm.detected", disposition=vm, wave_id="v-1"),
            _wl(1, "vmware.snapshot.detected", disposition=vm, wave_id="v-1"),
            _wl(2, "vmware.disk.rdm.detected", disposition=Disposition(
                kind=DispositionKind.RETAIN)),
        ],
        _settings(),
    )  # fmt: skip
    found = [v for v in validate_plan(docs) if v.rule_id.startswith("vmware.")]
    assert [(v.rule_id, v.workload_ids, v.wave_ids) for v in found] == [
        ("vmware.disk.rdm.detected", ("w-00",), ("v-1",))
    ]
    assert found[0].message.startswith(
        "Wave 1: vm00 cannot move as a KubeVirt VM until it is fixed: vmware.disk.rdm.detected"
    )
    assert found[0].rule.title == "Raw device mapping (RDM) disk"
