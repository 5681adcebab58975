"""Generate ``tests/fixtures/imports/rvtools_blockers.xlsx``: an RVTools 4.7 export whose VMs
carry one migration blocker or warning each (deterministic, no real data).

It is the 4.7 workbook of ``make_import_fixtures`` (vInfo, vNetwork, vDisk, vPartition,
vHost, vCluster, vSource, vMetaData) with real values in vDisk's ``Raw``, ``Raw Comp. Mode``,
``Disk Mode``, ``Sharing mode``, ``Shared Bus`` and vInfo's ``CBT``, ``Consolidation
Needed``, ``FT State``, ``EFI Secure boot``, plus the sheets vSnapshot, vUSB, vCD, vTools,
vHealth, vCPU and vMemory. Headers: vCPU and vMemory as read from a 4.7.1.4 export
(formats.md Appendix A); vSnapshot as formats.md section 6 lists it; vCD, vUSB, vTools and
vHealth from third-party descriptions of RVTools 4.x (formats.md sections 1.5 and 6: the
lower-case ``OS according to the VMware tools`` of vUSB is a real quirk).

``BLOCKED`` says which VM carries which finding; ``blocker_sheets(vms, fixed=...)`` writes
the same export with the named rule ids fixed (for re-import tests).

Run: ``python scripts/make_blocker_fixtures.py [OUT_DIR]``.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_import_fixtures as base

OUT = base.OUT
NAME = "rvtools_blockers.xlsx"

V47_VCPU = (
    "VM", "Powerstate", "Template", "SRM Placeholder", "CPUs", "Sockets", "Cores p/s", "Max",
    "Overall", "Level", "Shares", "Reservation", "Entitlement", "DRS Entitlement", "Limit",
    "Hot Add", "Hot Remove", "Numa Hotadd Exposed", "Annotation", "Datacenter", "Cluster",
    "Host", "Folder", "OS according to the configuration file",
    "OS according to the VMware Tools", "VM ID", "VM UUID", "VI SDK Server", "VI SDK UUID",
)  # fmt: skip
V47_VMEMORY = (
    "VM", "Powerstate", "Template", "SRM Placeholder", "Size MiB",
    "Memory Reservation Locked To Max", "Overhead", "Max", "Consumed", "Consumed Overhead",
    "Private", "Shared", "Swapped", "Ballooned", "Active", "Entitlement", "DRS Entitlement",
    "Level", "Shares", "Reservation", "Limit", "Hot Add", "Annotation", "Datacenter", "Cluster",
    "Host", "Folder", "OS according to the configuration file",
    "OS according to the VMware Tools", "VM ID", "VM UUID", "VI SDK Server", "VI SDK UUID",
)  # fmt: skip
V47_VSNAPSHOT = (
    "VM", "Powerstate", "Template", "SRM Placeholder", "Name", "Description", "Date / time",
    "Filename", "Size MiB (vmsn)", "Size MiB (total)", "Quiesced", "State", "Annotation",
    "Datacenter", "Cluster", "Host", "Folder", "OS according to the configuration file",
    "OS according to the VMware Tools", "VM ID", "VM UUID", "VI SDK Server", "VI SDK UUID",
)  # fmt: skip
V47_VUSB = (
    "VM", "Powerstate", "Template", "SRM Placeholder", "Device Node", "Device Type",
    "Connected", "Family", "Speed", "EHCI enabled", "Auto connect", "Bus number",
    "Unit number", "Annotation", "Datacenter", "Cluster", "Host", "Folder",
    "OS according to the configuration file", "OS according to the VMware tools", "VM ID",
    "VM UUID", "VI SDK Server", "VI SDK UUID",
)  # fmt: skip
V47_VCD = (
    "VM", "Powerstate", "Template", "SRM Placeholder", "Device Node", "Connected",
    "Starts Connected", "Device Type", "Annotation", "Datacenter", "Cluster", "Host", "Folder",
    "OS according to the configuration file", "OS according to the VMware Tools", "VM ID",
    "VM UUID", "VI SDK Server", "VI SDK UUID",
)  # fmt: skip
V47_VTOOLS = (
    "VM", "Powerstate", "Template", "SRM Placeholder", "VM Version", "Tools", "Tools Version",
    "Required Version", "Upgradeable", "Upgrade Policy", "Sync time", "App status",
    "Heartbeat status", "Kernel Crash state", "Operation Ready", "State change support",
    "Interactive Guest", "Annotation", "Datacenter", "Cluster", "Host", "Folder",
    "OS according to the configuration file", "OS according to the VMware Tools", "VM ID",
    "VM UUID", "VI SDK Server", "VI SDK UUID",
)  # fmt: skip
V47_VHEALTH = ("Name", "Message", "Message type", "VI SDK Server", "VI SDK UUID")

#: VM index -> the rule its rows trigger (index 10 and 21 are templates: left alone).
BLOCKED: dict[int, str] = {
    1: "vmware.disk.rdm.detected",
    2: "vmware.disk_mode.independent",
    3: "vmware.disk.shared.detected",
    4: "migplan.vmware.disk.bus_sharing",
    5: "vmware.disk.capacity.invalid",
    6: "vmware.guestDisks.freespace",
    7: "vmware.changed_block_tracking.disabled",
    8: "vmware.snapshot.detected",
    9: "vmware.fault_tolerance.enabled",
    11: "vmware.consolidation_needed",
    12: "vmware.usb_controller.detected",
    13: "migplan.vmware.cdrom.connected",
    15: "migplan.vmware.tools.outdated",
    16: "migplan.vmware.tools.not_running",
    17: "migplan.rvtools.health",
    18: "vmware.cpu_memory.hotplug.enabled",
    19: "vmware.cpu_memory.hotplug.enabled",
    20: "migplan.vmware.secure_boot",
}
#: vm0003 and vm0004 also share one disk file (a shared disk by path, for both).
SHARED_PATH = "[ds01] cluster/quorum.vmdk"


def _key(header: str) -> str:
    return " ".join(header.split()).casefold()


def _row(headers: Sequence[str], vm: base.Vm, item: dict[str, object]) -> list[object]:
    return [item[_key(h)] if _key(h) in item else base._shared(h, vm, "4.7") for h in headers]


def _has(vm: base.Vm, rule_id: str, fixed: Collection[str]) -> bool:
    return BLOCKED.get(vm.index) == rule_id and rule_id not in fixed


def blocker_sheets(
    vms: Sequence[base.Vm], fixed: Collection[str] = ()
) -> dict[str, list[list[object]]]:
    """The 4.7 export of ``vms`` with the findings of ``BLOCKED`` (less the ``fixed`` ones)."""
    sheets = base.rvtools_sheets(vms, "4.7")
    by_name = {vm.name: vm for vm in vms}
    vinfo = sheets["vInfo"]
    cols = {_key(h): n for n, h in enumerate(vinfo[0])}
    for row in vinfo[1:]:
        vm = by_name[str(row[cols["vm"]])]
        row[cols["cbt"]] = str(not _has(vm, "vmware.changed_block_tracking.disabled", fixed))
        row[cols["consolidation needed"]] = str(_has(vm, "vmware.consolidation_needed", fixed))
        ft = _has(vm, "vmware.fault_tolerance.enabled", fixed)
        row[cols["ft state"]] = "running" if ft else "notConfigured"
        secure = _has(vm, "migplan.vmware.secure_boot", fixed)
        row[cols["efi secure boot"]] = str(secure)
        if secure:
            row[cols["firmware"]] = "efi"
    disk = sheets["vDisk"]
    cols = {_key(h): n for n, h in enumerate(disk[0])}
    seen: set[str] = set()
    for row in disk[1:]:
        vm = by_name[str(row[cols["vm"]])]
        first = vm.name not in seen
        seen.add(vm.name)
        rdm = first and _has(vm, "vmware.disk.rdm.detected", fixed)
        row[cols["raw"]] = str(rdm)
        row[cols["raw comp. mode"]] = "physicalMode" if rdm else ""
        row[cols["raw lun id"]] = "02000000006006016" if rdm else ""
        independent = first and _has(vm, "vmware.disk_mode.independent", fixed)
        row[cols["disk mode"]] = "independent_persistent" if independent else "persistent"
        multi = first and _has(vm, "vmware.disk.shared.detected", fixed)
        row[cols["sharing mode"]] = "sharingMultiWriter" if multi else "sharingNone"
        bus = first and _has(vm, "migplan.vmware.disk.bus_sharing", fixed)
        row[cols["shared bus"]] = "physicalSharing" if bus else "noSharing"
        row[cols["controller"]] = "SCSI controller 1" if bus else "SCSI controller 0"
        row[cols["path"]] = f"[ds01] {vm.name}/{vm.name}_{row[cols['disk key']]}.vmdk"
        if (multi or bus) and "vmware.disk.shared.detected" not in fixed:
            row[cols["path"]] = SHARED_PATH
        if not first and _has(vm, "vmware.disk.capacity.invalid", fixed):
            row[cols["capacity mib"]] = 0
    part = sheets["vPartition"]
    cols = {_key(h): n for n, h in enumerate(part[0])}
    for row in part[1:]:
        vm = by_name[str(row[cols["vm"]])]
        if row[cols["disk"]] == "C:\\" and _has(vm, "vmware.guestDisks.freespace", fixed):
            capacity = int(str(row[cols["capacity mib"]]))
            row[cols["free mib"]] = 42
            row[cols["consumed mib"]] = capacity - 42
            row[cols["free %"]] = 0
    live = [vm for vm in vms if not vm.template]
    sheets["vSnapshot"] = [list(V47_VSNAPSHOT)] + [
        _row(V47_VSNAPSHOT, vm, {"name": f"before patch {n}", "description": "monthly patching",
                                 "date / time": f"2025-11-0{n + 1} 22:00:00",
                                 "size mib (vmsn)": 32, "size mib (total)": 2048 * (n + 1),
                                 "quiesced": "False", "state": "poweredOn"})
        for vm in live if _has(vm, "vmware.snapshot.detected", fixed) for n in range(2)
    ]  # fmt: skip
    sheets["vUSB"] = [list(V47_VUSB)] + [
        _row(V47_VUSB, vm, {"device node": "USB 1", "device type": "HASP HL licence dongle",
                            "connected": "True", "auto connect": "True"})
        for vm in live if _has(vm, "vmware.usb_controller.detected", fixed)
    ]  # fmt: skip
    sheets["vCD"] = [list(V47_VCD)] + [
        _row(V47_VCD, vm, {"device node": "CD/DVD drive 1",
                           "connected": str(_has(vm, "migplan.vmware.cdrom.connected", fixed)),
                           "starts connected": "False",
                           "device type": "[ds01] iso/rhel-9.4.iso"
                           if _has(vm, "migplan.vmware.cdrom.connected", fixed) else "Client Device"})
        for vm in live if vm.index in (13, 14)
    ]  # fmt: skip
    # vm0014 is powered off: Tools cannot run there, which is no finding.
    tools = {15: "toolsOld", 16: "toolsNotRunning"}
    sheets["vTools"] = [list(V47_VTOOLS)] + [
        _row(V47_VTOOLS, vm, {"tools": tools[vm.index] if _has(vm, BLOCKED.get(vm.index, ""), fixed)
                              and vm.index in tools else "toolsNotRunning" if vm.index == 14
                              else "toolsOk", "tools version": 12352,
                              "required version": 12352, "upgradeable": "False"})
        for vm in live
    ]  # fmt: skip
    sheets["vHealth"] = [list(V47_VHEALTH)] + [
        [vm.name, "VM has a CD-ROM connected to an unavailable ISO", "CD-ROM", vm.vcenter,
         vm.vc_uuid]
        for vm in live if _has(vm, "migplan.rvtools.health", fixed)
    ] + [["[ds01] old/old.vmdk", "Possibly a Zombie vmdk file! Please check.", "Zombie",
          vms[0].vcenter, vms[0].vc_uuid]]  # fmt: skip
    sheets["vCPU"] = [list(V47_VCPU)] + [
        _row(V47_VCPU, vm, {"hot add": str(vm.index == 18 and _has(vm, BLOCKED[18], fixed)),
                            "hot remove": "False", "cpus": vm.cpus})
        for vm in live
    ]  # fmt: skip
    sheets["vMemory"] = [list(V47_VMEMORY)] + [
        _row(V47_VMEMORY, vm, {"hot add": str(vm.index == 19 and _has(vm, BLOCKED[19], fixed)),
                               "size mib": vm.memory})
        for vm in live
    ]  # fmt: skip
    return sheets


def blocker_vms() -> list[base.Vm]:
    return base.make_vms(24, seed=11)


def write_blockers(path: Path, fixed: Collection[str] = ()) -> Path:
    return base.write_xlsx(path, blocker_sheets(blocker_vms(), fixed))


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    print(f"wrote {write_blockers(out / NAME)}")
