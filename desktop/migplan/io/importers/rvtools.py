"""RVTools exports (3.x to 4.7): the xlsx workbook or the CSV-per-tab export
(``RVTools_tabvInfo.csv`` ...).

``vInfo`` is required; ``vNetwork`` (every IP and network), ``vDisk`` and ``vPartition``
(disk sizes, used space when vInfo lacks them), ``vHost`` (the legacy hosts, each VM
linked to its own by vInfo's ``Host``: ``rvtools_hosts``), ``vCluster``, ``vMetaData`` and ``vSource`` (version, vCenter) are used when present; the
migration blockers of each VM come from vDisk, vPartition, vSnapshot, vUSB, vCD, vTools,
vHealth, vCPU, vMemory and vInfo (``rvtools_blockers``), an absent sheet noted. Columns
are matched by normalised name, never position; ``MB`` and ``MiB`` headers are both mebibytes
(formats.md 1.4). Templates are left out by default and reported. A VM is keyed by its VM UUID
(or, when two VMs share one - clones before 4.3.1 copied the BIOS UUID - its VM ID) within
its vCenter (``VI SDK Server``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from migplan.core.ids import workload_id
from migplan.core.models import MAX_ATTRIBUTE_CHARS, AttributeValue, Host, Workload
from migplan.core.progress import NullProgress, Progress
from migplan.io.errors import ImportFormatError
from migplan.io.importers.build import ImportResult, natural_key
from migplan.io.importers.generic import import_table, merge_results
from migplan.io.importers.mapping import ColumnMapping
from migplan.io.importers.report import ImportReport
from migplan.io.importers.rows import RowRecord, attribute_value, split_ips
from migplan.io.importers.rvtools_blockers import SHEETS as BLOCKER_SHEETS
from migplan.io.importers.rvtools_blockers import BlockerScan, summary_note
from migplan.io.importers.rvtools_hosts import HostKey, read_hosts, row_facts
from migplan.io.tables import Table, check_cells, normalize_header, read_tables
from migplan.io.values import parse_float, size_unit

SHEETS = (
    "vInfo", "vNetwork", "vDisk", "vPartition", "vHost", "vCluster", "vMetaData", "vSource",
    *BLOCKER_SHEETS,
)  # fmt: skip
PER_VM_SHEETS = ("vNetwork", "vDisk", "vPartition")
_CSV_TAB_RE = re.compile(r"^(?P<prefix>.*?)tab(?P<tab>v[A-Za-z]+)$", re.IGNORECASE)
#: vHost columns copied onto the workloads of each host.
HOST_ATTRIBUTES = ("CPU Model", "# Cores", "# Memory", "ESX Version", "Vendor", "Model")
#: vCluster columns copied onto the workloads of each cluster.
CLUSTER_ATTRIBUTES = ("NumHosts", "HA enabled", "DRS enabled")

VmKey = tuple[str, str]


def csv_tab(path: Path) -> str | None:
    """The tab name of an RVTools CSV export file (``RVTools_tabvInfo.csv`` -> ``vInfo``)."""
    if path.suffix.lower() != ".csv":
        return None
    m = _CSV_TAB_RE.match(path.stem)
    if not m:
        return None
    tab = m.group("tab")
    return next((s for s in SHEETS if s.casefold() == tab.casefold()), tab)


def looks_like_rvtools(tables: Sequence[Table]) -> bool:
    return any(normalize_header(t.sheet) == "vinfo" for t in tables) or any(
        t.column("VI SDK Server") is not None and t.column("Powerstate") is not None for t in tables
    )


def group_exports(paths: Sequence[Path]) -> list[list[Path]]:
    """Workbooks alone; CSV tab files grouped by folder and prefix, with sibling tab files
    (``RVTools_tabvNetwork.csv`` beside ``RVTools_tabvInfo.csv``) picked up."""
    groups: dict[tuple[Path, str], list[Path]] = {}
    singles: list[list[Path]] = []
    for path in paths:
        m = _CSV_TAB_RE.match(path.stem) if path.suffix.lower() == ".csv" else None
        if m is None:
            singles.append([path])
            continue
        group = groups.setdefault((path.parent, m.group("prefix")), [])
        if path not in group:
            group.append(path)
    for (folder, prefix), files in groups.items():
        for sheet in SHEETS:
            sibling = folder / f"{prefix}tab{sheet}.csv"
            if sibling.is_file() and sibling not in files:
                files.append(sibling)
    return singles + list(groups.values())


def read_export(paths: Sequence[Path], progress: Progress) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for path in paths:
        tab = csv_tab(path)
        found = read_tables(path, sheets=None if tab else SHEETS, progress=progress, check=False)
        for table in found:
            if tab:
                table.sheet = tab
            tables.setdefault(table.sheet, table)
    return tables


def import_rvtools(
    paths: Sequence[Path],
    mapping: ColumnMapping | None = None,
    *,
    app_column: str | None = None,
    include_templates: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one or more RVTools exports (several vCenters stay apart by their key)."""
    progress = progress or NullProgress()
    total = ImportResult()
    for group in group_exports(paths):
        tables = read_export(group, progress)
        part = _import_export(group, tables, mapping, app_column, include_templates, progress)
        merge_results(total, part)
    return total


def _import_export(
    group: Sequence[Path],
    tables: dict[str, Table],
    mapping: ColumnMapping | None,
    app_column: str | None,
    include_templates: bool,
    progress: Progress,
) -> ImportResult:
    vinfo = tables.get("vInfo")
    if vinfo is None:
        found = ", ".join(tables) or "none"
        raise ImportFormatError(
            group[0],
            f"not a valid RVTools export: the required sheet vInfo is missing (sheets found: {found})",
        )
    for name, table in tables.items():
        if name != "vInfo":
            check_cells(table)  # vInfo is checked while it is converted
    report = ImportReport(files=[str(p) for p in group])
    server = _metadata(tables, report)
    hosts = read_hosts(tables.get("vHost"), tables.get("vCluster"), server, report)
    linker = _Linker(vinfo, tables, report, hosts, server)
    result = import_table(
        vinfo,
        mapping,
        app_column=app_column,
        include_templates=include_templates,
        defaults={"source_system": server} if server else None,
        enrich=linker.enrich,
        rekey=linker.rekey,
        derived=linker.derived(server),
        report=report,
        progress=progress,
    )
    linker.report_unmatched()
    result.hosts = sorted(hosts.values(), key=lambda h: h.id)
    result.checked_blockers[vinfo.path.name] = linker.blockers.checked
    report.notes.append(summary_note(result.workloads))
    return result


def _metadata(tables: dict[str, Table], report: ImportReport) -> str:
    """Version and vCenter from vMetaData/vSource, noted in the report; the vCenter name."""
    server = ""
    meta = tables.get("vMetaData")
    if meta is not None and meta.rows:
        row = meta.rows[0]
        version = attribute_value(Table.cell(row, meta.column("RVTools version")))
        server = str(Table.cell(row, meta.column("Server"))).strip()
        report.notes.append(f"RVTools {version or '(version not given)'} export of {server or '?'}")
    source = tables.get("vSource")
    if source is not None:
        for row in source.rows:
            name = str(Table.cell(row, source.column("Name", "VI SDK Server"))).strip()
            full = str(Table.cell(row, source.column("Fullname"))).strip()
            note = f"Source {name}: {full}".rstrip(": ")
            if (name or full) and note not in report.notes:
                report.notes.append(note)
                server = server or name
    return server


class _Linker:
    """Joins the per-VM sheets to vInfo rows and copies host/cluster facts onto workloads."""

    def __init__(
        self,
        vinfo: Table,
        tables: dict[str, Table],
        report: ImportReport,
        host_entities: dict[HostKey, Host] | None = None,
        server: str = "",
    ) -> None:
        self.vinfo = vinfo
        #: The hosts of vHost by (vCenter, name): each VM is linked to its own.
        self.host_entities = host_entities or {}
        self.server = server
        self.unhosted = 0
        self.report = report
        self._key_columns: dict[int, tuple[int | None, int | None, int | None]] = {}
        self.vinfo_headers = {normalize_header(h) for h in vinfo.headers}
        self.per_vm: dict[str, tuple[Table, dict[VmKey, list[int]], dict[VmKey, list[int]]]] = {}
        self.used: dict[str, set[int]] = defaultdict(set)
        for name in PER_VM_SHEETS:
            table = tables.get(name)
            if table is not None:
                by_id, by_name = self._index(table)
                self.per_vm[name] = (table, by_id, by_name)
                kept = [h.strip() for h in table.headers if normalize_header(h)
                        not in self.vinfo_headers]  # fmt: skip
                report.keep_attributes(table.label, [f"{name}.{h}" for h in kept])
        self.hosts = self._facts(tables.get("vHost"), "Host", HOST_ATTRIBUTES, "vHost")
        _capacity_notes(tables.get("vHost"), report)
        self.clusters = self._facts(tables.get("vCluster"), "Name", CLUSTER_ATTRIBUTES, "vCluster")
        self.sources = self._facts(tables.get("vSource"), "Name", None, "vSource")
        meta = tables.get("vMetaData")
        self.meta: dict[str, AttributeValue] = {}
        if meta is not None and meta.rows:
            self.meta = {
                f"vMetaData.{h.strip()}": attribute_value(v)
                for h, v in zip(meta.headers, meta.rows[0], strict=False)
                if v not in ("", None)
            }
        self.uuid_col = vinfo.column("VM UUID", "UUID")
        self.server_col = vinfo.column("VI SDK Server")
        self.id_col = vinfo.column("VM ID", "Object ID")
        # Clones made before RVTools 4.3.1 share a VM UUID: such VMs are keyed by VM ID. The
        # rows stream in, so the second row of a UUID is keyed by its VM ID when it comes and
        # the first row is keyed again at the end (``rekey``).
        self.first_uuid: dict[VmKey, tuple[int, str]] = {}
        self.dup_uuids: set[VmKey] = set()
        indexes = {name: (by_id, by_name) for name, (_, by_id, by_name) in self.per_vm.items()}
        self.blockers = BlockerScan(tables, vinfo, self._keys, report, indexes)

    def _keys(self, table: Table, row: list[object]) -> tuple[VmKey, VmKey]:
        cols = self._key_columns.get(id(table))
        if cols is None:
            cols = (
                table.column("VI SDK Server", "VI SDK UUID"),
                table.column("VM UUID", "UUID", "VM ID", "Object ID"),
                table.column("VM"),
            )
            self._key_columns[id(table)] = cols
        server = _text(Table.cell(row, cols[0]))
        ident = _text(Table.cell(row, cols[1]))
        name = _text(Table.cell(row, cols[2]))
        return (server, ident), (server, name)

    def _index(self, table: Table) -> tuple[dict[VmKey, list[int]], dict[VmKey, list[int]]]:
        by_id: dict[VmKey, list[int]] = defaultdict(list)
        by_name: dict[VmKey, list[int]] = defaultdict(list)
        for i, row in enumerate(table.rows):
            kid, kname = self._keys(table, row)
            if kid[1]:
                by_id[kid].append(i)
            if kname[1]:
                by_name[kname].append(i)
        return by_id, by_name

    def _facts(
        self, table: Table | None, key_col: str, columns: Sequence[str] | None, prefix: str
    ) -> dict[VmKey, dict[str, AttributeValue]]:
        """Facts per (vCenter, name) row of a host/cluster/source sheet: ``columns`` of it
        (all columns when None), as ``<sheet>.<header>`` attributes."""
        out: dict[VmKey, dict[str, AttributeValue]] = {}
        if table is None:
            return out
        key_idx = table.column(key_col)
        server_idx = table.column("VI SDK Server")
        facts = row_facts(table, prefix, columns if columns is not None else table.headers)
        for row in table.rows:
            key = (_text(Table.cell(row, server_idx)), _text(Table.cell(row, key_idx)))
            out[key] = facts(row)
        self.report.notes.append(f"{prefix}: {len(out)} rows (facts copied onto their workloads)")
        return out

    def derived(self, server: str) -> dict[str, str]:
        """Where the values computed from the per-VM sheets come from, per field."""
        out: dict[str, str] = {}
        if server:
            out["source_system"] = "the vCenter named in vMetaData/vSource"
        if "vDisk" in self.per_vm:
            out["storage_provisioned_mib"] = (
                "the sum of the VM's disks in vDisk 'Capacity MiB' where vDisk lists the VM"
            )
        if "vPartition" in self.per_vm:
            out["storage_used_mib"] = (
                "the sum of the VM's partitions in vPartition 'Consumed MiB' where vPartition "
                "lists the VM (what the guest uses, not what the datastore holds)"
            )
        if "vNetwork" in self.per_vm:
            out["ips"] = "vInfo's IP column and every IPv4/IPv6 address of the VM in vNetwork"
        return out

    def enrich(self, rec: RowRecord) -> dict[str, Any] | None:
        row = rec.raw
        server = _text(Table.cell(row, self.server_col))
        if self.uuid_col is not None and self.id_col is not None:
            uuid = _text(Table.cell(row, self.uuid_col))
            if uuid:
                key = (server, uuid)
                if key not in self.first_uuid:
                    self.first_uuid[key] = (rec.row, _text(Table.cell(row, self.id_col)))
                else:
                    self.dup_uuids.add(key)
                    moref = _text(Table.cell(row, self.id_col))
                    if moref:
                        rec.values["source_key"] = moref
        extra: dict[str, Any] = {}
        if self.per_vm or self.blockers.per_vm:
            kid, kname = self._keys(self.vinfo, row)
            if self.per_vm:
                self._per_vm(kid, kname, row, rec, extra)
            found = self.blockers.findings(row, rec.row, kid, kname)
        else:
            found = self.blockers.findings(row, rec.row, None, None)
        if found:
            extra["blockers"] = tuple(found)
        if self.host_entities:
            entity = self.host_entities.get(
                (server or self.server, _text(rec.values.get("host", "")))
            )
            if entity is not None:
                extra["host_id"] = entity.id
            else:
                self.unhosted += 1
        if self.hosts:
            host = self.hosts.get((server, _text(rec.values.get("host", ""))))
            if host:
                rec.attributes.update(host)
        if self.clusters:
            cluster = self.clusters.get((server, _text(rec.values.get("cluster", ""))))
            if cluster:
                rec.attributes.update(cluster)
        if self.sources:
            source = self.sources.get((server, server))
            if source:
                rec.attributes.update(source)
        if self.meta:
            rec.attributes.update(self.meta)
        return extra

    def rekey(self, workloads: list[Workload]) -> list[Workload]:
        """The first row of each shared VM UUID keyed by its VM ID, like the rows after it."""
        firsts = {
            row: moref
            for key, (row, moref) in self.first_uuid.items()
            if moref and key in self.dup_uuids
        }
        if not firsts:
            return workloads
        out: list[Workload] = []
        for wl in workloads:
            moref = firsts.get(wl.sources[0].row) if wl.sources else None
            if moref:
                key = natural_key(wl.name, wl.source_system, moref)
                wl = wl.model_copy(update={"source_key": moref, "id": workload_id(wl.name, *key)})
            out.append(wl)
        return out

    def _per_vm(
        self, kid: VmKey, kname: VmKey, row: list[object], rec: RowRecord, extra: dict[str, Any]
    ) -> None:
        """IPs, disk sizes and every other cell of this VM's vNetwork/vDisk/vPartition rows."""
        ips: list[str] = list(rec.values.get("ips", ()))
        disk_mib = used_mib = 0.0
        for sheet, (table, by_id, by_name) in self.per_vm.items():
            rows = by_id.get(kid) if kid[1] else None
            if not rows:
                rows = by_name.get(kname, [])
            if not rows:
                continue
            self.used[sheet].update(rows)
            self._attributes(sheet, table, rows, row, rec)
            if sheet == "vNetwork":
                for i in rows:
                    for col in ("IPv4 Address", "IPv6 Address", "IP Address"):
                        cell = Table.cell(table.rows[i], table.column(col))
                        if cell not in ("", None):
                            good, _bad = split_ips(cell)
                            ips += [ip for ip in good if ip not in ips]
            elif sheet == "vDisk":
                disk_mib = self._sum(table, rows, "Capacity MiB", "Capacity MB")
            elif sheet == "vPartition":
                used_mib = self._sum(table, rows, "Consumed MiB", "Consumed MB")
        if ips:
            rec.values["ips"] = tuple(ips)
        if disk_mib:
            extra["storage_provisioned_mib"] = round(disk_mib)
        if used_mib:
            extra["storage_used_mib"] = round(used_mib)

    def _attributes(
        self, sheet: str, table: Table, rows: list[int], vinfo_row: list[object], rec: RowRecord
    ) -> None:
        vinfo_values = {
            normalize_header(h): attribute_value(v)
            for h, v in zip(self.vinfo.headers, vinfo_row, strict=False)
        }
        for j, header in enumerate(table.headers):
            norm = normalize_header(header)
            values: list[str] = []
            for i in rows:
                value = Table.cell(table.rows[i], j)
                if value in ("", None):
                    continue
                shown = attribute_value(value)
                if norm in self.vinfo_headers and vinfo_values.get(norm) == shown:
                    continue
                values.append(str(shown))
            if values:
                key = f"{sheet}.{header.strip()}"
                joined = values[0] if len(values) == 1 else "; ".join(values)
                if len(joined) > MAX_ATTRIBUTE_CHARS:  # (hundreds of disks, each a long path)
                    joined = joined[: MAX_ATTRIBUTE_CHARS - 1] + "\u2026"
                rec.attributes[key] = joined

    @staticmethod
    def _sum(table: Table, rows: list[int], *columns: str) -> float:
        idx = table.column(*columns)
        if idx is None:
            return 0.0
        unit = size_unit(table.headers[idx])
        factor = unit.to_mib if unit else 1.0
        total = 0.0
        for i in rows:
            try:
                total += (parse_float(Table.cell(table.rows[i], idx)) or 0.0) * factor
            except ValueError:
                continue
        return total

    def report_unmatched(self) -> None:
        if self.unhosted:
            self.report.warn(
                f"{self.unhosted} VM(s) run on a host vHost does not list (or name none): "
                "they are linked to no host",
                self.vinfo.path.name,
                "vInfo",
            )
        for sheet, (table, _, _) in self.per_vm.items():
            left = len(table.rows) - len(self.used[sheet])
            if left:
                self.report.warn(
                    f"{left} row(s) match no imported VM in vInfo (templates left out, or VMs "
                    "missing from vInfo)",
                    table.path.name,
                    sheet,
                )


def _capacity_notes(vhost: Table | None, report: ImportReport) -> None:
    """Placement capacity per cluster from vHost (hosts, cores, memory), for the report."""
    if vhost is None:
        return
    cols = [vhost.column(c) for c in ("Cluster", "# Cores", "# Memory", "VI SDK Server")]
    if cols[0] is None:
        return
    totals: dict[tuple[str, str], list[float]] = {}
    for row in vhost.rows:
        key = (_text(Table.cell(row, cols[3])), _text(Table.cell(row, cols[0])))
        entry = totals.setdefault(key, [0, 0.0, 0.0])
        entry[0] += 1
        for n, idx in ((1, cols[1]), (2, cols[2])):
            try:
                entry[n] += parse_float(Table.cell(row, idx)) or 0.0
            except ValueError:
                continue
    for (server, cluster), (hosts, cores, memory) in sorted(totals.items()):
        where = f"{cluster or '(no cluster)'}" + (f" ({server})" if server else "")
        report.notes.append(
            f"Capacity of {where}: {hosts:.0f} hosts, {cores:.0f} cores, "
            f"{memory / 1024:.0f} GiB memory"
        )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
