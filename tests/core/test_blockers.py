"""The blocker rules are named things: each has one home, an id (Forklift's where Forklift has
the check), a why and a fix, and the table in the module's docstring says the same."""

from __future__ import annotations

import re

from migplan.core import blockers
from migplan.core.blockers import (
    BLOCKER_RULES,
    blocked_reason,
    blocker_rule,
    blocking,
    fix_first,
    ordered,
)
from migplan.core.enums import DispositionKind
from migplan.core.models import Blocker, SourceRef, Workload
from migplan.core.rules import RULES, Severity


def test_every_rule_is_complete_and_named_like_its_source() -> None:
    for rule_id, rule in BLOCKER_RULES.items():
        assert rule.rule_id == rule_id
        assert rule.title and rule.statement and rule.why and rule.fix and rule.found_in
        if rule.forklift is not None:
            assert rule_id.startswith("vmware."), rule_id  # Forklift's concern id
        else:
            assert rule_id.startswith("migplan."), rule_id
        assert rule_id not in RULES  # no clash with the planning rules


def test_the_docstring_table_says_what_the_rules_say() -> None:
    doc = blockers.__doc__ or ""
    rows = {
        m.group(1): m.groups()[1:]
        for m in re.finditer(r"^\| ([A-Za-z_.]+) \| (\w+) \| ([\w-]+) \| (yes|no) \|", doc, re.M)
    }
    assert set(rows) == set(BLOCKER_RULES)
    for rule_id, (severity, forklift, container) in rows.items():
        rule = BLOCKER_RULES[rule_id]
        assert severity == rule.severity_label
        assert forklift == (rule.forklift.value if rule.forklift else "-")
        assert (container == "yes") is rule.blocks_container


def _wl(*rule_ids: str) -> Workload:
    src = SourceRef(file="export.xlsx", sheet="vDisk", row=7)
    return Workload(
        id="w-a",
        name="a",
        blockers=tuple(
            Blocker(rule_id=r, detail=f"d{n}", source=src) for n, r in enumerate(rule_ids)
        ),
    )


def test_what_blocks_which_move() -> None:
    wl = _wl(
        "vmware.snapshot.detected",  # warning: blocks nothing
        "vmware.disk_mode.independent",  # blocks the VM move only
        "vmware.usb_controller.detected",  # a warning for the VM, stops a container
    )
    vm = blocking(wl, DispositionKind.REHOST_KUBEVIRT)
    assert [b.rule_id for b in vm] == ["vmware.disk_mode.independent"]
    box = blocking(wl, DispositionKind.CONTAINERIZE)
    assert [b.rule_id for b in box] == ["vmware.usb_controller.detected"]
    assert blocking(wl, DispositionKind.RETAIN) == []
    rule_id, reason = blocked_reason(wl, DispositionKind.REHOST_KUBEVIRT) or ("", "")
    assert rule_id == "vmware.disk_mode.independent"
    assert reason.startswith("cannot move as a KubeVirt VM until it is fixed: ")
    assert "Switch the disk to dependent mode" in reason
    assert blocked_reason(_wl("vmware.snapshot.detected"), DispositionKind.REHOST_KUBEVIRT) is None


def test_order_and_fix_text() -> None:
    wl = _wl("migplan.vmware.secure_boot", "vmware.snapshot.detected", "vmware.disk.rdm.detected",
             "vmware.disk.rdm.detected")  # fmt: skip
    assert [b.rule_id for b in ordered(wl.blockers)] == [
        "vmware.disk.rdm.detected",
        "vmware.disk.rdm.detected",
        "vmware.snapshot.detected",
        "migplan.vmware.secure_boot",
    ]
    text = fix_first(blocking(wl, DispositionKind.REHOST_KUBEVIRT))
    assert text.startswith("vmware.disk.rdm.detected: Raw device mapping (RDM) disk (d2; d3): ")
    assert text.count("vmware.disk.rdm.detected") == 1


def test_an_unknown_rule_id_is_kept_as_information() -> None:
    rule = blocker_rule("vmware.some.future.rule")
    assert rule.severity is Severity.INFO and rule.title == "vmware.some.future.rule"
    assert not rule.blocks_vm and not rule.blocks_container
