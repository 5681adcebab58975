"""Any CSV or XLSX inventory through a column mapping, and the known layouts that need none:
Azure Migrate import CSV, AWS Migration Hub import template, Google Migration Center
``vmInfo.csv`` and Dell Live Optics' ``VMs`` sheet (all matched by header synonyms)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from migplan.core.errors import field_label
from migplan.core.ids import workload_id
from migplan.core.models import Application, Workload
from migplan.core.progress import NullProgress, Progress
from migplan.io.errors import ImportFormatError
from migplan.io.importers.apps import app_name_of, application_for, pick_app_column
from migplan.io.importers.build import ImportResult, WorkloadBuilder
from migplan.io.importers.mapping import FIELD_BY_NAME, ColumnMapping, auto_match
from migplan.io.importers.report import ImportReport
from migplan.io.importers.rows import RowConverter, RowRecord, attribute_value
from migplan.io.importers.sniff import nature_of, unsized_warning
from migplan.io.tables import Table, check_cells, normalize_header, read_tables
from migplan.io.values import parse_float, size_unit

#: Sheets preferred, in order, when a workbook has several (Live Optics, Azure assessment).
PREFERRED_SHEETS = (
    "vInfo",
    "VMs",
    "vmInfo",
    "All_Assessed_Machines",
    "Discovery_Report",
    "Servers",
    "Inventory",
)
_DISK_SIZE_RE = re.compile(r"^disk \d+ size$")

Enricher = Callable[[RowRecord], dict[str, Any] | None]
Rekeyer = Callable[[list[Workload]], list[Workload]]


def choose_table(tables: Sequence[Table], mapping: ColumnMapping | None) -> Table:
    """The sheet to import: a preferred name, else the one whose headers match most fields."""
    by_name = {normalize_header(t.sheet): t for t in tables}
    for name in PREFERRED_SHEETS:
        found = by_name.get(normalize_header(name))
        if found is not None:
            return found
    return max(tables, key=lambda t: len(auto_match(t.headers, mapping).columns))


def import_table(
    table: Table,
    mapping: ColumnMapping | None = None,
    *,
    app_column: str | None = None,
    include_templates: bool = False,
    defaults: dict[str, Any] | None = None,
    enrich: Enricher | None = None,
    rekey: Rekeyer | None = None,
    derived: dict[str, str] | None = None,
    report: ImportReport | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Workloads (and applications) from one table. Raises ``ImportFormatError`` when the name
    column is missing.

    ``rekey`` may change the keys of workloads once every row has been seen (RVTools: clones
    sharing a VM UUID); duplicate keys are then judged on the final keys. ``derived`` names,
    per field, where a value computed from other sheets came from (the column each field's
    value is recorded as coming from, and a line of the report)."""
    report = report or ImportReport()
    found = auto_match(table.headers, mapping)
    if not found.columns.get("name"):
        looked = ", ".join(FIELD_BY_NAME["name"].synonyms[:8])
        raise ImportFormatError(
            table.path,
            f"required column missing: no workload name column (looked for {looked}); "
            "headers found: " + ", ".join(h for h in table.headers if h.strip()),
            sheet=table.message_sheet,
        )
    app_header = pick_app_column(table, app_column)
    converter = RowConverter(table, found, report)
    disk_cols = _disk_size_columns(table) if "storage_provisioned_mib" not in found.columns else []
    columns = dict(report.mappings.get(table.label, {}))
    if "os_reported" in columns or "os_tools" in columns:
        os_column = columns.get("os_tools") or columns.get("os_reported", "")
        columns.update(dict.fromkeys(("os_family", "os_distro", "os_version"), os_column))
    if app_header:
        columns["application_id"] = app_header
    if disk_cols:
        summed = "the sum of " + ", ".join(repr(table.headers[i]) for i, _ in disk_cols)
        derived = {"storage_provisioned_mib": summed, **(derived or {})}
    for name, how in (derived or {}).items():
        if name not in columns or name.startswith("storage"):
            columns[name] = how
            label = field_label(name)
            report.notes.append(f"{label[:1].upper()}{label[1:]}: {how}.")
    builder = WorkloadBuilder(report, table.path.name, table.message_sheet, columns)
    result = ImportResult(report=report)
    apps: dict[str, Application] = {}
    file = table.path.name
    for rec in converter.records(progress or NullProgress()):
        report.rows_read += 1
        extra: dict[str, Any] = dict(defaults or {})
        if enrich is not None:
            extra.update(enrich(rec) or {})
        for k in list(extra):
            if k in rec.values:
                extra.pop(k)  # the row's own value wins over defaults
        if disk_cols:
            total = _sum_disks(table, rec, disk_cols)
            if total:
                extra["storage_provisioned_mib"] = total
        if rec.values.get("is_template") and not include_templates:
            report.skip("a template, left out of the plan (import with templates to keep it)",
                        file, table.message_sheet, rec.row, "", rec.values.get("name", ""))  # fmt: skip
            report.skipped += 1
            continue
        if app_header:
            app = app_name_of(
                rec.attributes.get(app_header.strip(), ""),
                report,
                (file, table.message_sheet, rec.row, app_header),
            )
            if app:
                application = apps.get(app.casefold()) or application_for(app)
                apps[app.casefold()] = application
                extra["application_id"] = application.id
        workload = builder.build(rec, path=str(table.path), extra=extra)
        if workload is not None:
            result.workloads.append(workload)
            report.imported += 1
    if rekey is not None:
        rekeyed = rekey(result.workloads)
        if rekeyed is not result.workloads:
            builder.collided = True  # keys changed: judge them again
            result.workloads = rekeyed
    result.workloads = builder.resolve_duplicates(result.workloads)
    result.applications = list(apps.values())
    result.scopes |= {w.source_system for w in result.workloads} or {""}
    report.created["workloads"] += len(result.workloads)
    report.created["applications"] += len(result.applications)
    return result


def _disk_size_columns(table: Table) -> list[tuple[int, float]]:
    """Azure's ``Disk 1 size (In GB)`` ... ``Disk 8 size``: summed when no total is given."""
    out = []
    for i, header in enumerate(table.headers):
        unit = size_unit(header)
        if unit and _DISK_SIZE_RE.match(normalize_header(unit.base)):
            out.append((i, unit.to_mib))
    return out


def _sum_disks(table: Table, rec: RowRecord, cols: list[tuple[int, float]]) -> int:
    total = 0.0
    for i, factor in cols:
        value = rec.attributes.get(table.headers[i].strip())
        try:
            number = parse_float(value, decimal_comma=table.decimal_comma)
        except ValueError:
            continue
        total += (number or 0.0) * factor
    return round(total)


def import_generic(
    paths: Sequence[Path],
    mapping: ColumnMapping | None = None,
    *,
    app_column: str | None = None,
    include_templates: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import each file's inventory sheet through ``mapping`` (or the detected one)."""
    progress = progress or NullProgress()
    total = ImportResult()
    for path in paths:
        tables = read_tables(path, progress=progress, check=False)
        table = choose_table(tables, mapping)
        nature = nature_of(table, mapping)
        if nature is not None:
            # Not machines: importing it would make workloads of nothing (0 vCPU, 0 MiB).
            raise ImportFormatError(path, nature.sentence(), sheet=table.message_sheet)
        unsized = unsized_warning(table, mapping)
        for other in tables:
            if other is not table:
                check_cells(other)  # the chosen table is checked while it is converted
        part = import_table(
            table,
            mapping,
            app_column=app_column,
            include_templates=include_templates,
            progress=progress,
        )
        _long_custom_attributes(tables, part)
        if unsized and part.workloads:
            part.report.warn(unsized, path.name, table.message_sheet)
        part.report.files.append(str(path))
        merge_results(total, part)
    return total


def _long_custom_attributes(tables: Sequence[Table], result: ImportResult) -> None:
    """Live Optics' ``Custom Attributes`` sheet (VM, attribute, content) as attributes."""
    sheet = next((t for t in tables if normalize_header(t.sheet) == "custom attributes"), None)
    if sheet is None:
        return
    vm, key, val = (
        sheet.column("Guest VM Name", "VM Name"),
        sheet.column("Custom Attribute"),
        sheet.column("Custom Content"),
    )
    if vm is None or key is None or val is None:
        return
    extra: dict[str, dict[str, Any]] = {}
    for row in sheet.rows:
        name = str(Table.cell(row, vm)).strip().casefold()
        attr = str(Table.cell(row, key)).strip()
        if name and attr:
            extra.setdefault(name, {})[attr] = attribute_value(Table.cell(row, val))
    result.workloads = [
        w.model_copy(update={"attributes": {**w.attributes, **extra[w.name.casefold()]}})
        if w.name.casefold() in extra
        else w
        for w in result.workloads
    ]
    result.report.keep_attributes(sheet.label, ["Custom Attribute", "Custom Content"])


def merge_results(into: ImportResult, part: ImportResult) -> ImportResult:
    """Fold ``part`` (another file) into ``into``. A workload with the same key as one of an
    earlier file stays in the list (``merge.plan_import`` makes them one workload), unless
    their MAC addresses or instance ids show two machines: then the later one is keyed by
    its own, like two such rows of one file (``WorkloadBuilder.resolve_duplicates``)."""
    from migplan.io.importers.build import natural_key
    from migplan.io.importers.reconcile import distinct_machines, strong_keys

    seen = {w.id: w for w in into.workloads}
    for i, wl in enumerate(part.workloads):
        first = seen.get(wl.id)
        if first is not None and distinct_machines(first, wl):
            key = sorted(k for k in strong_keys(wl) if not k.startswith("uuid:"))[0]
            value = key.split(":", 1)[1]
            wl = wl.model_copy(
                update={
                    "source_key": value,
                    "id": workload_id(wl.name, *natural_key(wl.name, wl.source_system, value)),
                }
            )
            part.workloads[i] = wl
            src = wl.sources[0] if wl.sources else None
            part.report.correct(
                f"shares its name with {first.sources[0].describe() if first.sources else '?'} "
                "but its MAC address (or instance id) differs: a workload of its own",
                src.file if src else "", src.sheet if src else "", src.row if src else 0,
            )  # fmt: skip
        seen.setdefault(wl.id, wl)
    into.workloads.extend(part.workloads)
    known = {a.id for a in into.applications}
    into.applications.extend(a for a in part.applications if a.id not in known)
    known_hosts = {h.id for h in into.hosts}
    into.hosts.extend(h for h in part.hosts if h.id not in known_hosts)
    into.scopes |= part.scopes
    into.checked_blockers.update(part.checked_blockers)
    into.report.extend(part.report)
    return into
