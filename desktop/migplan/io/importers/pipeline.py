"""One import of a mix of files (inventories and dependency exports) as ONE command.

Inventory files are read first; dependency exports are then resolved against the plan *as it
will be* after the inventory import (a copy, so the caller's document is untouched), which is
how a dependency export lands on the workloads imported in the same step. The GUI wizard and
the ``migplan import`` command both come through here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from migplan.core.commands import Command, Composite
from migplan.core.document import PlanDocument
from migplan.core.models import Workload
from migplan.core.progress import NullProgress, Progress
from migplan.io.importers.build import ImportResult
from migplan.io.importers.inventory import import_inventory
from migplan.io.importers.mapping import ColumnMapping
from migplan.io.importers.merge import plan_import
from migplan.io.importers.report import ImportReport


@dataclass
class ImportRequest:
    files: list[Path]
    mapping: ColumnMapping | None = None
    app_column: str | None = None
    app_map: Path | None = None
    include_templates: bool = False
    #: Files the caller already classified as dependency exports (None: detect).
    dependency_files: list[Path] | None = None
    label: str = "Import"
    extra: dict[str, str] = field(default_factory=dict)


FileKind = Literal["rvtools", "inventory", "dependencies", "unsupported"]

KIND_LABELS: dict[str, str] = {
    "rvtools": "RVTools inventory",
    "inventory": "inventory (column mapping)",
    "dependencies": "dependency export",
    "unsupported": "not importable",
}


def classify_file(path: Path) -> FileKind:
    """What ``path`` holds, from its sheets and headers (never from its position or name
    alone). The dependency importer's own format detection decides what is a dependency
    export, so the two can never disagree."""
    return file_verdict(path)[0]


def file_verdict(path: Path) -> tuple[FileKind, str]:
    """What ``path`` holds and, for a file no importer takes (an IPAM export, performance
    counters, installed software, a CMDB extract without sizing: ``sniff``), the sentence
    that says what it seems to be and what MigPlan expects ("" otherwise)."""
    from migplan.io.importers import rvtools
    from migplan.io.importers.deps import dependency_format_of
    from migplan.io.importers.generic import choose_table
    from migplan.io.importers.inventory import _sheet_names
    from migplan.io.importers.sniff import SAMPLE_ROWS, nature_of
    from migplan.io.tables import HEADER_SCAN_ROWS, read_tables

    if rvtools.csv_tab(path) or any(n.casefold() == "vinfo" for n in _sheet_names(path)):
        return "rvtools", ""
    if dependency_format_of(path) is not None:
        return "dependencies", ""
    try:
        tables = read_tables(path, check=False, head=HEADER_SCAN_ROWS + SAMPLE_ROWS)
        nature = nature_of(choose_table(tables, None))
    except Exception:  # the importer that reads it reports the problem properly
        return "inventory", ""
    if nature is not None:
        return "unsupported", f"{path.name} {nature.sentence()}"
    return "inventory", ""


def platform_note(doc: PlanDocument, workloads: Sequence[Workload], shown: int = 20) -> str:
    """The import report's line on the platform VMs among ``workloads`` (kept in the plan,
    left out of planning: rule PLATFORM-VM), or "" when there are none. A workload the user
    has already given another class in ``doc`` is planned, so it is not counted."""
    from migplan.core.assess.platform import platform_pattern

    kinds: dict[str, list[str]] = {}
    for wl in workloads:
        found = platform_pattern(wl.name)
        before = doc.workloads.get(wl.id)
        overridden = before is not None and before.workload_class is not None
        if found is not None and not overridden:
            kinds.setdefault(found.kind, []).append(wl.name)
    names = sorted(n for group in kinds.values() for n in group)
    if not names:
        return ""
    listed = ", ".join(names[:shown]) + (
        f" and {len(names) - shown} more" if len(names) > shown else ""
    )
    what = ", ".join(sorted(kinds))
    vms = "platform VM" if len(names) == 1 else "platform VMs"
    return f"{len(names)} {vms} ({what}) kept but not planned: {listed}."


def split_files(files: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(inventory files, dependency exports), in the order given."""
    deps = [p for p in files if classify_file(p) == "dependencies"]
    return [p for p in files if p not in deps], deps


@dataclass
class StagedImport:
    """Inventory files read (the slow part), not yet planned into a document: the wizard
    reviews ``preview`` and plans it again with the person's decisions."""

    request: ImportRequest
    inventory: ImportResult | None
    dependencies: list[Path]

    def preview(self, doc: PlanDocument) -> ImportReport:
        """The report of planning this read into ``doc`` with no decisions: what would be
        added, merged, matched, ambiguous and in conflict."""
        if self.inventory is None:
            return ImportReport()
        return plan_import(doc, self.inventory, self.request.label)[1]


def read_import(
    doc: PlanDocument, request: ImportRequest, progress: Progress | None = None
) -> StagedImport:
    """Read every inventory file of ``request`` (dependency exports are read when the import
    is finished, against the plan as it will be). Raises like ``run_import``."""
    progress = progress or NullProgress()
    if request.dependency_files is None:
        inventories, dependencies = split_files(request.files)
    else:
        dependencies = list(request.dependency_files)
        inventories = [p for p in request.files if p not in dependencies]
    result = None
    if inventories or request.app_map is not None:
        result = import_inventory(
            inventories,
            request.mapping,
            app_column=request.app_column,
            app_map=request.app_map,
            include_templates=request.include_templates,
            progress=progress,
        )
    return StagedImport(request, result, dependencies)


def finish_import(
    doc: PlanDocument,
    staged: StagedImport,
    progress: Progress | None = None,
    *,
    decisions: Mapping[str, str] | None = None,
    take_file: bool | Collection[tuple[str, str]] = False,
) -> tuple[Command | None, ImportReport]:
    """The command that brings a read import into ``doc``, with the person's ``decisions``
    (workload of the import -> workload to merge it into, or "" to keep it apart) and the
    conflicts whose file values to take (see ``merge.plan_import``), and the full report.
    ``doc`` is not modified."""
    progress = progress or NullProgress()
    label = staged.request.label
    commands: list[Command] = []
    report = ImportReport()
    scratch = doc
    if staged.inventory is not None:
        command, report = plan_import(
            doc, staged.inventory, label, decisions=decisions, take_file=take_file
        )
        note = platform_note(doc, staged.inventory.workloads)
        if note:
            report.notes.append(note)
        if command is not None:
            commands.append(command)
            if staged.dependencies:
                # Resolve dependencies against the plan as it will be, on a cheap copy
                # (entities are immutable, so only the dicts are copied).
                scratch = PlanDocument.from_data(doc.to_data())
                scratch.apply(command)
    if staged.dependencies:
        from migplan.io.importers.deps import import_dependencies

        dep_command, dep_report = import_dependencies(staged.dependencies, scratch, progress)
        if dep_command is not None:
            commands.append(dep_command)
        report.dependencies = dep_report
    if not commands:
        return None, report
    if len(commands) == 1:
        return commands[0], report
    return Composite(tuple(commands), label), report


def run_import(
    doc: PlanDocument,
    request: ImportRequest,
    progress: Progress | None = None,
    *,
    decisions: Mapping[str, str] | None = None,
    take_file: bool | Collection[tuple[str, str]] = False,
) -> tuple[Command | None, ImportReport]:
    """The command that brings every file of ``request`` into ``doc`` and the full report.

    ``doc`` is not modified. Raises ``ImportFormatError`` naming the file (and sheet, row,
    column) for input that cannot be read, and ``Cancelled`` when ``progress`` is cancelled.
    """
    staged = read_import(doc, request, progress)
    return finish_import(doc, staged, progress, decisions=decisions, take_file=take_file)
