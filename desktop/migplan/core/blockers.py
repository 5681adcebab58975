"""Migration blockers, by name: what stops a VMware VM from moving as a KubeVirt VM (with
Forklift / MTV) or into a container, and what to fix first. One rule, one home (STYLE.md
rule 13, after Forklift's validation policies).

A rule's id is Forklift's concern id where Forklift checks the same thing (its rego files under
``validation/policies/io/konveyor/forklift/vmware/``, shared notes section 6), else a
``migplan.`` id. Severity reuses ``rules.Severity``: ``HARD`` is a *blocker* (the VM does not
arrive whole with a default MTV plan until it is fixed), ``SOFT`` a *warning* (it moves, but
something is lost or needs doing), ``INFO`` *information*. Where MigPlan is stricter than
Forklift's category it says why in ``why``: Forklift files RDM, shared and independent disks
under Warning, yet its own assessment says the VDDK transfer cannot copy them, so with a
default (VDDK) plan the VM lands without that disk.

| id | severity | Forklift | also stops a container | read from (RVTools) |
|---|---|---|---|---|
| vmware.disk.rdm.detected | blocker | Warning | yes | vDisk Raw, Raw Com. Mode |
| vmware.disk.shared.detected | blocker | Warning | yes | vDisk Sharing mode; one Path on two VMs |
| migplan.vmware.disk.bus_sharing | blocker | - | yes | vDisk Shared Bus |
| vmware.disk_mode.independent | blocker | Warning | no | vDisk Disk Mode |
| vmware.disk.capacity.invalid | blocker | Critical | no | vDisk Capacity MiB |
| vmware.guestDisks.freespace | blocker | Critical | no | vPartition Disk, Free MiB |
| vmware.disk.count.exceeds.limit | warning | Warning | no | vDisk rows |
| vmware.snapshot.detected | warning | Information | no | vSnapshot rows |
| vmware.consolidation_needed | warning | Warning | no | vInfo Consolidation Needed |
| vmware.changed_block_tracking.disabled | warning | Warning | no | vInfo CBT |
| vmware.cpu_memory.hotplug.enabled | warning | Warning | no | vCPU Hot Add/Remove, vMemory Hot Add |
| vmware.usb_controller.detected | warning | Warning | yes | vUSB rows |
| migplan.vmware.cdrom.connected | warning | - | no | vCD Connected, Starts Connected |
| migplan.vmware.tools.not_running | warning | - | no | vTools Tools |
| migplan.vmware.tools.outdated | information | - | no | vTools Tools |
| vmware.fault_tolerance.enabled | information | Information | no | vInfo FT State |
| migplan.vmware.secure_boot | information | - | no | vInfo EFI Secure boot, Firmware |
| migplan.rvtools.health | information | - | no | vHealth Message |
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from migplan.core.enums import DispositionKind
from migplan.core.models import Blocker, Workload
from migplan.core.rules import Rule, Severity

#: How each severity reads to a person.
SEVERITY_LABELS = {Severity.HARD: "blocker", Severity.SOFT: "warning", Severity.INFO: "information"}


class ForkliftCategory(StrEnum):
    CRITICAL = "Critical"
    WARNING = "Warning"
    INFORMATION = "Information"


@dataclass(frozen=True)
class BlockerRule(Rule):
    """A migration-blocker rule: the planning ``Rule`` shape plus why and what to fix."""

    #: Why it matters for a KubeVirt VM (and a container, when it stops one too).
    why: str = ""
    #: What to fix first, in one sentence.
    fix: str = ""
    #: Forklift's category when ``rule_id`` is Forklift's concern id; None for MigPlan's own.
    forklift: ForkliftCategory | None = None
    #: True when it also stops a move into a container (the disk or device is the app's).
    blocks_container: bool = False
    #: Where an RVTools export shows it.
    found_in: str = ""

    @property
    def blocks_vm(self) -> bool:
        return self.severity is Severity.HARD

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


_W = ForkliftCategory.WARNING
BLOCKER_RULES: dict[str, BlockerRule] = {
    r.rule_id: r
    for r in (
        BlockerRule(
            "vmware.disk.rdm.detected",
            Severity.HARD,
            "Raw device mapping (RDM) disk",
            "A disk of the VM is a raw device mapping of a SAN LUN.",
            why="MTV's VDDK transfer cannot copy an RDM, so the VM lands without that disk; a "
            "container cannot mount the LUN either (Forklift: Warning; blocker here for that).",
            fix="Convert the RDM to a VMDK (Storage vMotion for virtual mode; a guest-level "
            "copy for physical mode), or plan copy-offload (XCOPY) or re-presenting the LUN "
            "to OpenShift as a block PV.",
            forklift=_W,
            blocks_container=True,
            found_in="vDisk: Raw, Raw Com. Mode",
        ),
        BlockerRule(
            "vmware.disk.shared.detected",
            Severity.HARD,
            "Disk shared with another VM (multi-writer)",
            "A disk of the VM is shared with another VM (multi-writer, or one disk file "
            "attached to two VMs).",
            why="A shared disk needs the VMs that share it moved together onto a ReadWriteMany "
            "block volume, and a clustered application (Oracle RAC, failover cluster) "
            "re-validated on it (Forklift: Warning).",
            fix="Move the VMs sharing the disk together in one wave with a shared block PVC "
            "planned, or replace the shared disk (e.g. by a database replica) first.",
            forklift=_W,
            blocks_container=True,
            found_in="vDisk: Sharing mode; the same disk Path under two VMs",
        ),
        BlockerRule(
            "migplan.vmware.disk.bus_sharing",
            Severity.HARD,
            "SCSI bus sharing (guest cluster)",
            "A disk sits on a SCSI controller with bus sharing (physical or virtual), as "
            "Windows failover clusters (MSCS/WSFC) use.",
            why="A guest cluster on shared SCSI needs SCSI persistent reservations on the "
            "target (KubeVirt's reservation support) and its nodes moved together; MTV does "
            "not carry the bus sharing over.",
            fix="Plan the cluster nodes as one move with persistent reservations enabled on "
            "a shared block volume, or break the cluster to one node first.",
            blocks_container=True,
            found_in="vDisk: Shared Bus",
        ),
        BlockerRule(
            "vmware.disk_mode.independent",
            Severity.HARD,
            "Independent disk",
            "A disk of the VM is in independent (persistent or non-persistent) mode.",
            why="Independent disks are left out of snapshots, and MTV's VDDK transfer cannot "
            "copy them, so the VM lands without that disk (Forklift: Warning; blocker here "
            "for that).",
            fix="Switch the disk to dependent mode in vSphere, or plan copy-offload (XCOPY).",
            forklift=_W,
            found_in="vDisk: Disk Mode",
        ),
        BlockerRule(
            "vmware.disk.capacity.invalid",
            Severity.HARD,
            "Disk with no capacity",
            "A disk of the VM reports a capacity of zero or less.",
            why="MTV refuses a disk without a size (Forklift: Critical).",
            fix="Check the disk in vSphere: remove it or repair its descriptor.",
            forklift=ForkliftCategory.CRITICAL,
            found_in="vDisk: Capacity MiB",
        ),
        BlockerRule(
            "vmware.guestDisks.freespace",
            Severity.HARD,
            "Too little free space for conversion",
            "A guest filesystem has less free space than virt-v2v needs to convert the VM "
            "(100 MB on / and C:, 50 MB on /boot, 10 MB elsewhere).",
            why="virt-v2v installs drivers inside the guest during the conversion and fails "
            "when the filesystem is full (Forklift: Critical).",
            fix="Free up space on that filesystem (or grow it) before the migration.",
            forklift=ForkliftCategory.CRITICAL,
            found_in="vPartition: Disk, Free MiB",
        ),
        BlockerRule(
            "vmware.disk.count.exceeds.limit",
            Severity.SOFT,
            "More disks than a KubeVirt VM takes",
            "The VM has more than 165 disks, the limit per VM on OpenShift Virtualization.",
            why="Disks past the limit cannot be attached to the target VM.",
            fix="Consolidate disks (LVM or larger volumes) before the migration.",
            forklift=_W,
            found_in="vDisk: one row per disk",
        ),
        BlockerRule(
            "vmware.snapshot.detected",
            Severity.SOFT,
            "VM has snapshots",
            "The VM has one or more snapshots.",
            why="The VM moves at its current state: its snapshots do not come along, and long "
            "snapshot chains slow the copy (Forklift: Information; a warning here because "
            "someone may count on them as restore points).",
            fix="Agree with the owner, then delete or consolidate the snapshots.",
            forklift=ForkliftCategory.INFORMATION,
            found_in="vSnapshot: one row per snapshot",
        ),
        BlockerRule(
            "vmware.consolidation_needed",
            Severity.SOFT,
            "Disk consolidation needed",
            "vSphere says the VM's snapshot disks need consolidation.",
            why="Unconsolidated delta disks slow the warm-migration pre-copies.",
            fix="Consolidate the VM's disks in vSphere (Snapshots > Consolidate).",
            forklift=_W,
            found_in="vInfo: Consolidation Needed",
        ),
        BlockerRule(
            "vmware.changed_block_tracking.disabled",
            Severity.SOFT,
            "Changed Block Tracking (CBT) off",
            "Changed Block Tracking is not enabled on the VM.",
            why="A warm migration (pre-copy while the VM runs) needs CBT; without it only a "
            "cold migration with the VM shut down for the whole copy is possible.",
            fix="Enable CBT on the VM and its disks (takes effect after a stun: a snapshot "
            "create/delete or a power cycle).",
            forklift=_W,
            found_in="vInfo: CBT",
        ),
        BlockerRule(
            "vmware.cpu_memory.hotplug.enabled",
            Severity.SOFT,
            "CPU or memory hot-plug enabled",
            "CPU hot add, CPU hot remove or memory hot add is enabled on the VM.",
            why="MTV does not carry hot-plug over: the target VM starts without it.",
            fix="Nothing before the move; set CPU/memory hot-plug on the KubeVirt VM after it "
            "if the workload relies on it.",
            forklift=_W,
            found_in="vCPU: Hot Add, Hot Remove; vMemory: Hot Add",
        ),
        BlockerRule(
            "vmware.usb_controller.detected",
            Severity.SOFT,
            "USB device attached",
            "A USB device is attached to the VM.",
            why="MTV migrates the VM without its USB devices; a licence dongle or a reader the "
            "application needs stops working, and a container cannot own one at all.",
            fix="Find what the device is for; plan USB host passthrough on a target node or a "
            "network USB server before the move.",
            forklift=_W,
            blocks_container=True,
            found_in="vUSB: one row per device",
        ),
        BlockerRule(
            "migplan.vmware.cdrom.connected",
            Severity.SOFT,
            "CD/DVD drive connected",
            "A CD/DVD drive of the VM is connected or connects at power on (often an ISO on a "
            "datastore).",
            why="The ISO or host device does not exist on the target; MTV guidance is to "
            "unmount it before the migration.",
            fix="Disconnect the CD/DVD drive (and untick Connect at power on).",
            found_in="vCD: Connected, Starts Connected",
        ),
        BlockerRule(
            "migplan.vmware.tools.not_running",
            Severity.SOFT,
            "VMware Tools not running",
            "VMware Tools is not installed or not running in the guest.",
            why="Without Tools vSphere cannot report the guest's IP addresses and disks, so "
            "MTV cannot preserve static IPs or check free space, and cannot shut the guest "
            "down cleanly for the cutover.",
            fix="Install or start VMware Tools (or open-vm-tools) in the guest.",
            found_in="vTools: Tools",
        ),
        BlockerRule(
            "migplan.vmware.tools.outdated",
            Severity.INFO,
            "VMware Tools out of date",
            "The VMware Tools in the guest are older than the host offers.",
            why="Old Tools may report guest details poorly; virt-v2v removes Tools during the "
            "conversion either way.",
            fix="Optional: upgrade Tools if guest IPs or disks are missing from the export.",
            found_in="vTools: Tools",
        ),
        BlockerRule(
            "vmware.fault_tolerance.enabled",
            Severity.INFO,
            "Fault tolerance on",
            "vSphere Fault Tolerance protects the VM.",
            why="OpenShift Virtualization has no Fault Tolerance: the VM moves without it.",
            fix="Decide how the workload is protected on the target (application HA or live "
            "migration) before the move.",
            forklift=ForkliftCategory.INFORMATION,
            found_in="vInfo: FT State",
        ),
        BlockerRule(
            "migplan.vmware.secure_boot",
            Severity.INFO,
            "EFI with Secure Boot",
            "The VM boots with EFI firmware and Secure Boot.",
            why="The target VM needs EFI with Secure Boot (and SMM) set to boot the same way; "
            "Forklift dropped its UEFI check in 2025 as OpenShift Virtualization supports it.",
            fix="Check the boot of the first migrated Secure Boot VM of each OS.",
            found_in="vInfo: EFI Secure boot, Firmware",
        ),
        BlockerRule(
            "migplan.rvtools.health",
            Severity.INFO,
            "RVTools health message",
            "RVTools' health check reported something about the VM.",
            why="RVTools flags what an administrator should look at (a CD-ROM left connected, "
            "old Tools, inconsistent folders).",
            fix="Read the message and clear it if it touches the migration.",
            found_in="vHealth: Name, Message",
        ),
    )
}

_ORDER = {rule_id: n for n, rule_id in enumerate(BLOCKER_RULES)}
_RANK = {Severity.HARD: 0, Severity.SOFT: 1, Severity.INFO: 2}


def blocker_rule(rule_id: str) -> BlockerRule:
    """The rule ``rule_id`` names (a plain stand-in for ids this version does not know: a
    plan written by a newer MigPlan keeps them, shown as information)."""
    found = BLOCKER_RULES.get(rule_id)
    if found is not None:
        return found
    return BlockerRule(rule_id, Severity.INFO, rule_id, rule_id)


def ordered(blockers: Iterable[Blocker]) -> list[Blocker]:
    """Blockers first, then warnings, then information; the rule table's order within."""
    return sorted(
        blockers,
        key=lambda b: (
            _RANK[blocker_rule(b.rule_id).severity],
            _ORDER.get(b.rule_id, len(_ORDER)),
        ),
    )


def of_severity(wl: Workload, severity: Severity) -> list[Blocker]:
    return [b for b in ordered(wl.blockers) if blocker_rule(b.rule_id).severity is severity]


def blocking(wl: Workload, kind: DispositionKind) -> list[Blocker]:
    """What must be fixed before ``wl`` can move as ``kind``: the blockers for a KubeVirt VM;
    the findings that also stop a container for containerize; nothing for retain/retire."""
    if kind is DispositionKind.REHOST_KUBEVIRT:
        return [b for b in ordered(wl.blockers) if blocker_rule(b.rule_id).blocks_vm]
    if kind is DispositionKind.CONTAINERIZE:
        return [b for b in ordered(wl.blockers) if blocker_rule(b.rule_id).blocks_container]
    return []


def fix_first(blockers: Iterable[Blocker]) -> str:
    """One sentence naming each rule (once) and what to fix: for a reason or a tooltip."""
    seen: dict[str, list[str]] = {}
    for b in blockers:
        seen.setdefault(b.rule_id, [])
        if b.detail and b.detail not in seen[b.rule_id]:
            seen[b.rule_id].append(b.detail)
    parts = []
    for rule_id, details in seen.items():
        rule = blocker_rule(rule_id)
        what = (
            f" ({'; '.join(details[:3])}{'; ...' if len(details) > 3 else ''})" if details else ""
        )
        parts.append(f"{rule_id}: {rule.title}{what}: {rule.fix}")
    return " / ".join(parts)


def blocked_reason(wl: Workload, kind: DispositionKind) -> tuple[str, str] | None:
    """(rule id, reason) when ``wl`` cannot move as ``kind`` until something is fixed; the
    planner leaves such a workload out of the waves with this reason."""
    found = blocking(wl, kind)
    if not found:
        return None
    target = "a KubeVirt VM" if kind is DispositionKind.REHOST_KUBEVIRT else "a container"
    return found[0].rule_id, f"cannot move as {target} until it is fixed: {fix_first(found)}"
