"""Migration blockers from an RVTools export: each finding a ``core.blockers`` rule names, with
the cell it was read from (file, sheet, row, column).

Per-VM sheets (vDisk, vPartition, vSnapshot, vUSB, vCD, vTools, vCPU, vMemory, vHealth) are
read once each, row by row, into findings keyed like the rest of the export (VM UUID within
the vCenter, else VM name); vInfo's own columns (CBT, FT State, Consolidation Needed, EFI
Secure boot) are checked as each vInfo row is converted. A sheet or column that is absent
costs nothing and is noted in the report ("vUSB not in the file: USB devices not checked").

Values are matched against the vocabulary vSphere and RVTools write (``physicalMode``,
``independent_persistent``, ``sharingMultiWriter``, ``toolsNotRunning``, ``True``); anything
else is not a finding, so a trimmed or hand-edited column never invents a blocker.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from migplan.core.blockers import BLOCKER_RULES, blocker_rule
from migplan.core.models import Blocker, SourceRef, Workload
from migplan.core.rules import Severity
from migplan.io.importers.report import ImportReport
from migplan.io.tables import Table
from migplan.io.values import parse_float, size_unit

VmKey = tuple[str, str]
Keys = Callable[[Table, list[object]], tuple[VmKey, VmKey]]

#: Sheets read only for blockers, with what goes unchecked when the export lacks one.
SHEETS = ("vSnapshot", "vUSB", "vCD", "vTools", "vHealth", "vCPU", "vMemory")
UNCHECKED = {
    "vDisk": "RDM, shared, independent and empty disks not checked",
    "vPartition": "guest free space not checked",
    "vSnapshot": "snapshots not checked",
    "vUSB": "USB devices not checked",
    "vCD": "connected CD/DVD drives not checked",
    "vTools": "VMware Tools status not checked",
    "vHealth": "RVTools health messages not read",
    "vCPU": "CPU hot-plug not checked",
    "vMemory": "memory hot-plug not checked",
}
#: Free space virt-v2v needs per mount point, MiB (Forklift filesystem_size.rego).
_MIN_FREE_MIB = {"/": 100.0, "/boot": 50.0, "c:": 100.0, "c:\\": 100.0, "c:/": 100.0}
_MIN_FREE_OTHER_MIB = 10.0
#: CNV's limit on disks per VM (Forklift disk_count.rego).
MAX_DISKS = 165
_INDEPENDENT = {"independent_persistent", "independent_nonpersistent"}
_BUS_SHARING = {"physicalsharing", "virtualsharing"}
_FT_ON = {"enabled", "running", "needsecondary", "starting"}
_TOOLS_OFF = {"toolsnotrunning", "toolsnotinstalled"}
_NOT_RUNNING = {"poweredOff", "suspended"}
_TRUE = {"true", "yes", "1"}


def _spellings(*words: str) -> frozenset[object]:
    """The cells vSphere and RVTools write for ``words`` (as written, lower, upper case)."""
    return frozenset(w for word in words for w in (word, word.lower(), word.upper()))


#: vInfo cells that are a finding, matched exactly (``True`` is also the boolean cell).
_TRUE_CELLS = _spellings("True", "Yes") | {True}
_FALSE_CELLS = _spellings("False", "No") | {False}
_FT_ON_CELLS = _spellings("enabled", "running", "needSecondary", "starting")


def _text(value: object) -> str:
    if value.__class__ is float and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _true(value: object) -> bool:
    if value is True:
        return True
    return value.__class__ is str and value.strip().casefold() in _TRUE


def _false(value: object) -> bool:
    if value is False:
        return True
    return value.__class__ is str and value.strip().casefold() in {"false", "no", "0"}


class BlockerScan:
    """Findings per VM from the per-VM sheets, and the vInfo columns to check per row."""

    def __init__(
        self,
        tables: dict[str, Table],
        vinfo: Table,
        keys: Keys,
        report: ImportReport,
        indexes: dict[str, tuple[dict[VmKey, list[int]], dict[VmKey, list[int]]]] | None = None,
    ) -> None:
        """``keys`` gives a row's (VM UUID, name) keys as the linker reads them; ``indexes``
        are the linker's rows per VM of the per-VM sheets it joins (sheet -> by id, by name)."""
        self.report = report
        self._keys = keys
        self._indexes = indexes or {}
        # Findings of rows that carry a VM UUID (or VM ID) by it, of rows that carry none by
        # name; ``any_name`` has every row by name, for vInfo rows that carry no UUID.
        self.by_id: dict[VmKey, list[Blocker]] = defaultdict(list)
        self.by_name: dict[VmKey, list[Blocker]] = defaultdict(list)
        self.any_name: dict[VmKey, list[Blocker]] = defaultdict(list)
        #: vHealth rows of an export without a VI SDK Server column, by VM name alone.
        self.health_by_name: dict[str, list[Blocker]] = defaultdict(list)
        scans = {
            "vDisk": self._scan_disk,
            "vPartition": self._scan_partition,
            "vSnapshot": self._scan_snapshot,
            "vUSB": self._scan_usb,
            "vCD": self._scan_cd,
            "vTools": self._scan_tools,
            "vHealth": self._scan_health,
            "vCPU": self._scan_cpu,
            "vMemory": self._scan_memory,
        }
        present = {"vInfo"}
        for sheet, scan in scans.items():
            table = tables.get(sheet)
            if table is None:
                report.notes.append(f"{sheet} not in the file: {UNCHECKED[sheet]}")
            else:
                present.add(sheet)
                scan(table)
        self._vinfo = vinfo
        self._vinfo_checks = self._vinfo_columns(vinfo)
        in_vinfo = {rule_id for _, rule_id, _, _ in self._vinfo_checks}
        #: The rules this export could check: a re-import replaces only their findings (a
        #: file without vDisk neither finds nor clears an RDM).
        self.checked: frozenset[str] = frozenset(
            rule_id
            for rule_id, rule in BLOCKER_RULES.items()
            if rule_id in in_vinfo
            or (
                not rule.found_in.startswith("vInfo")
                and any(part.split(":")[0].strip() in present for part in rule.found_in.split(";"))
            )
        )

    # -- per-VM sheets: one pass each -------------------------------------------------------

    def _add(
        self,
        table: Table,
        i: int,
        rule_id: str,
        detail: str,
        column: int | None,
        value: object = None,
    ) -> None:
        row = table.rows[i]
        kid, kname = self._keys(table, row)
        shown = _text(Table.cell(row, column)) if value is None else _text(value)
        finding = Blocker.model_construct(
            rule_id=rule_id,
            detail=detail[:1000],
            source=SourceRef(
                file=table.path.name, sheet=table.message_sheet, row=table.row_number(i)
            ),
            column=table.headers[column].strip() if column is not None else "",
            value=shown[:1000],
        )
        if kid[1]:
            self.by_id[kid].append(finding)
        elif kname[1]:
            self.by_name[kname].append(finding)
        if kname[1]:
            self.any_name[kname].append(finding)

    def _scan_disk(self, table: Table) -> None:
        col = table.column
        raw, raw_mode = col("Raw"), col("Raw Com. Mode", "Raw Comp. Mode", "Raw Compatibility Mode")
        mode, sharing, bus = col("Disk Mode"), col("Sharing mode"), col("Shared Bus")
        cap = col("Capacity MiB", "Capacity MB")
        path, label = col("Path", "Disk Path"), col("Disk", "Label")
        cap_factor = 1.0
        if cap is not None:
            unit = size_unit(table.headers[cap])
            cap_factor = unit.to_mib if unit else 1.0
        by_path: dict[str, list[int]] = defaultdict(list)
        for i, row in enumerate(table.rows):
            disk = _text(Table.cell(row, label)) or f"disk on row {table.row_number(i)}"
            if raw is not None and _true(Table.cell(row, raw)):
                how = _text(Table.cell(row, raw_mode))
                cell_col = raw_mode if how else raw
                self._add(table, i, "vmware.disk.rdm.detected", f"{disk}, {how or 'RDM'}", cell_col)
            if mode is not None:
                value = _text(Table.cell(row, mode))
                if value.casefold() in _INDEPENDENT:
                    self._add(table, i, "vmware.disk_mode.independent", f"{disk}, {value}", mode)
            if sharing is not None and _text(Table.cell(row, sharing)).casefold() == (
                "sharingmultiwriter"
            ):
                self._add(table, i, "vmware.disk.shared.detected", f"{disk}, multi-writer", sharing)
            if bus is not None:
                value = _text(Table.cell(row, bus))
                if value.casefold() in _BUS_SHARING:
                    self._add(table, i, "migplan.vmware.disk.bus_sharing", f"{disk}, {value}", bus)
            if cap is not None:
                cell = Table.cell(row, cap)
                try:
                    size = parse_float(cell)
                except ValueError:
                    size = None
                if size is not None and size * cap_factor <= 0:
                    self._add(
                        table, i, "vmware.disk.capacity.invalid", f"{disk}, {_text(cell)} MiB", cap
                    )
            if path is not None:
                where = _text(Table.cell(row, path))
                if where:
                    by_path[where].append(i)
        # A disk file under two VMs is shared. Only the few paths seen twice need the VMs'
        # keys; the disk count per VM reuses the linker's index of vDisk rows.
        for where, rows in by_path.items():
            if len(rows) < 2:
                continue
            vms = [self._keys(table, table.rows[i]) for i in rows]
            owners = [kid if kid[1] else kname for kid, kname in vms]
            if len(set(owners)) < 2:
                continue
            for i, owner in zip(rows, owners, strict=True):
                others = sorted({kname[1] for (kid, kname), o in zip(vms, owners, strict=True)
                                 if o != owner})  # fmt: skip
                detail = f"{where} is also attached to {', '.join(others[:3])}"
                self._add(table, i, "vmware.disk.shared.detected", detail, path)
        for rows in self._disk_rows(table):
            if len(rows) > MAX_DISKS:
                detail = f"{len(rows)} disks (the limit is {MAX_DISKS})"
                self._add(table, rows[0], "vmware.disk.count.exceeds.limit", detail, label)

    def _disk_rows(self, table: Table) -> list[list[int]]:
        """The vDisk rows of each VM: the linker's index by VM UUID when the sheet has one,
        else by name (built here when the linker did not index vDisk)."""
        index = self._indexes.get("vDisk")
        if index is None:
            by_vm: dict[VmKey, list[int]] = defaultdict(list)
            for i, row in enumerate(table.rows):
                kid, kname = self._keys(table, row)
                by_vm[kid if kid[1] else kname].append(i)
            return list(by_vm.values())
        by_id, by_name = index
        return list((by_id or by_name).values())

    def _scan_partition(self, table: Table) -> None:
        mount, free = table.column("Disk"), table.column("Free MiB", "Free MB")
        if mount is None or free is None:
            return
        unit = size_unit(table.headers[free])
        factor = unit.to_mib if unit else 1.0
        for i, row in enumerate(table.rows):
            cell = Table.cell(row, free)
            try:
                value = parse_float(cell)
            except ValueError:
                continue
            if value is None:
                continue
            where = _text(Table.cell(row, mount))
            need = _MIN_FREE_MIB.get(where.casefold(), _MIN_FREE_OTHER_MIB)
            if value * factor < need:
                detail = f"{where or '?'}: {value * factor:,.0f} MiB free, {need:.0f} needed"
                self._add(table, i, "vmware.guestDisks.freespace", detail, free)

    def _scan_snapshot(self, table: Table) -> None:
        name, when = table.column("Name"), table.column("Date / time")
        for i, row in enumerate(table.rows):
            what = _text(Table.cell(row, name)) or "a snapshot"
            date = Table.cell(row, when)
            detail = f"{what}" + (f", taken {_text(date)[:19]}" if date not in ("", None) else "")
            self._add(table, i, "vmware.snapshot.detected", detail, name)

    def _scan_usb(self, table: Table) -> None:
        kind = table.column("Device Type", "Device")
        for i, row in enumerate(table.rows):
            what = _text(Table.cell(row, kind)) or "a USB device"
            self._add(table, i, "vmware.usb_controller.detected", what, kind)

    def _scan_cd(self, table: Table) -> None:
        connected, starts = table.column("Connected"), table.column("Starts Connected")
        kind = table.column("Device Type")
        for i, row in enumerate(table.rows):
            now = _true(Table.cell(row, connected))
            boot = _true(Table.cell(row, starts))
            if not (now or boot):
                continue
            how = "connected" if now else "connects at power on"
            what = _text(Table.cell(row, kind))
            self._add(table, i, "migplan.vmware.cdrom.connected",
                      f"{what}, {how}" if what else how, connected if now else starts)  # fmt: skip

    def _scan_tools(self, table: Table) -> None:
        tools, power = table.column("Tools", "Tools Status"), table.column("Powerstate")
        if tools is None:
            return
        for i, row in enumerate(table.rows):
            value = _text(Table.cell(row, tools))
            low = value.casefold()
            if low == "toolsnotrunning" and _text(Table.cell(row, power)) in _NOT_RUNNING:
                continue  # a VM that is off or suspended runs no Tools: nothing to fix
            if low in _TOOLS_OFF:
                self._add(table, i, "migplan.vmware.tools.not_running", value, tools)
            elif low == "toolsold":
                self._add(table, i, "migplan.vmware.tools.outdated", value, tools)

    def _scan_health(self, table: Table) -> None:
        name, message = table.column("Name"), table.column("Message")
        kind = table.column("Message type")
        server = table.column("VI SDK Server")
        if name is None or message is None:
            return
        for i, row in enumerate(table.rows):
            text = _text(Table.cell(row, message))
            vm = _text(Table.cell(row, name))
            if not text or not vm:
                continue
            label = _text(Table.cell(row, kind))
            finding = Blocker.model_construct(
                rule_id="migplan.rvtools.health",
                detail=(f"{label}: {text}" if label else text)[:1000],
                source=SourceRef(
                    file=table.path.name, sheet=table.message_sheet, row=table.row_number(i)
                ),
                column=table.headers[message].strip(),
                value=text[:1000],
            )
            # vHealth names the object only (a VM, a host, a file): matched by name.
            if server is None:
                self.health_by_name[vm].append(finding)
                continue
            key = (_text(Table.cell(row, server)), vm)
            self.by_name[key].append(finding)
            self.any_name[key].append(finding)

    def _scan_cpu(self, table: Table) -> None:
        for header in ("Hot Add", "Hot Remove"):
            self._hotplug(table, header, f"CPU {header.casefold()}")

    def _scan_memory(self, table: Table) -> None:
        self._hotplug(table, "Hot Add", "memory hot add")

    def _hotplug(self, table: Table, header: str, what: str) -> None:
        col = table.column(header)
        if col is None:
            return
        for i, row in enumerate(table.rows):
            if _true(Table.cell(row, col)):
                self._add(table, i, "vmware.cpu_memory.hotplug.enabled", f"{what} enabled", col)

    # -- vInfo: per row, as it is converted ---------------------------------------------------

    def _vinfo_columns(
        self, vinfo: Table
    ) -> list[tuple[int, str, frozenset[object], Callable[[object], str]]]:
        """(column, rule id, the values that are a finding, the finding's detail) for each
        vInfo column the export has. A set lookup per row and column: a 100,000-row vInfo
        pays a few milliseconds, whatever the other values are."""
        out: list[tuple[int, str, frozenset[object], Callable[[object], str]]] = []
        checks: tuple[tuple[tuple[str, ...], str, frozenset[object], Callable[[object], str]], ...] = (
            (("CBT",), "vmware.changed_block_tracking.disabled", _FALSE_CELLS,
             lambda v: "CBT off"),
            (("Consolidation Needed",), "vmware.consolidation_needed", _TRUE_CELLS,
             lambda v: "consolidation needed"),
            (("FT State",), "vmware.fault_tolerance.enabled", _FT_ON_CELLS,
             lambda v: f"FT {_text(v)}"),
            (("EFI Secure boot", "Secure Boot"), "migplan.vmware.secure_boot", _TRUE_CELLS,
             lambda v: "EFI, Secure Boot on"),
        )  # fmt: skip
        for names, rule_id, values, detail in checks:
            idx = vinfo.column(*names)
            if idx is not None:
                out.append((idx, rule_id, values, detail))
            else:
                self.report.notes.append(f"vInfo has no {names[0]} column: {rule_id} not checked")
        return out

    def findings(
        self, row: list[object], row_number: int, kid: VmKey | None, kname: VmKey | None
    ) -> list[Blocker]:
        """Every finding of the VM on this vInfo row (the per-VM sheets' and its own);
        ``kid``/``kname`` may be None when no per-VM sheet has findings (``per_vm``)."""
        found: list[Blocker] = []
        if kid is not None and kname is not None:
            if kid[1]:
                found.extend(self.by_id.get(kid, ()))
                found.extend(self.by_name.get(kname, ()))
            else:
                found.extend(self.any_name.get(kname, ()))
            if self.health_by_name:
                found.extend(self.health_by_name.get(kname[1], ()))
        n = len(row)
        for idx, rule_id, values, detail in self._vinfo_checks:
            if idx < n and row[idx] in values:
                value = row[idx]
                found.append(self._vinfo_finding(rule_id, detail(value), row_number, idx, value))
        return found

    @property
    def per_vm(self) -> bool:
        """True when some per-VM sheet row holds a finding (the row's VM keys are needed)."""
        return bool(self.any_name or self.health_by_name)

    def _vinfo_finding(
        self, rule_id: str, detail: str, row_number: int, idx: int, value: object
    ) -> Blocker:
        table = self._vinfo
        return Blocker.model_construct(
            rule_id=rule_id,
            detail=detail,
            source=SourceRef(file=table.path.name, sheet=table.message_sheet, row=row_number),
            column=table.headers[idx].strip(),
            value=_text(value)[:1000],
        )


def summary_note(workloads: list[Workload], shown: int = 10) -> str:
    """One line for the report: how many workloads have blockers and warnings, and the
    names of those with a blocker."""
    counts = {Severity.HARD: 0, Severity.SOFT: 0, Severity.INFO: 0}
    blocked: list[str] = []
    for wl in workloads:
        severities = {blocker_rule(b.rule_id).severity for b in wl.blockers}
        for severity in severities:
            counts[severity] += 1
        if Severity.HARD in severities:
            blocked.append(wl.name)
    line = (
        f"Migration blockers (the checks of Forklift's VMware validation): "
        f"{counts[Severity.HARD]:,} workload(s) with a blocker, {counts[Severity.SOFT]:,} with "
        f"a warning, {counts[Severity.INFO]:,} with information"
    )
    if blocked:
        more = f" and {len(blocked) - shown:,} more" if len(blocked) > shown else ""
        line += (
            f"; blocked until fixed (the details panel says what to fix): "
            f"{', '.join(blocked[:shown])}{more}"
        )
    return line
