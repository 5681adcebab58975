"""Konveyor / Red Hat MTA application import CSV: applications and the dependencies between them.

One file mixes two record types in the first column (``Record Type 1`` in the hub's own
fixture, ``Record Type`` elsewhere): ``1`` is an application (name, description, comments,
business service, owner, contributors, binary and repository coordinates, up to 20 tag
category/tag pairs), ``2`` a dependency (``Application Name``, ``Dependency``, ``Dependency
Direction``). Dependency rows are ragged (7 fields against 57 headers).

Direction follows the Konveyor hub: *southbound* means the application depends on the named
dependency (edge application -> dependency); *northbound* means the dependency depends on the
application (edge dependency -> application).

Applications already in the plan (same name, any case) are reused and never edited; new ones
get the id ``app_id(name.casefold())``, the same the inventory importers use.
"""

from __future__ import annotations

from migplan.core.document import PlanDocument
from migplan.core.ids import app_id
from migplan.core.models import Application, AttributeValue
from migplan.core.progress import Progress
from migplan.io.importers.deps_cells import (
    DependencyImportOptions,
    cell_text,
    require_columns,
    row_ref,
)
from migplan.io.importers.deps_resolve import EndpointResolver
from migplan.io.importers.deps_types import (
    DependencyReport,
    EdgeAccumulator,
    Endpoint,
    EndpointKind,
    normalize_name,
)
from migplan.io.tables import Table

LABEL = "Konveyor application import"

#: Application columns kept as attributes of the application (when not blank).
_ATTRIBUTE_COLUMNS = (
    "Business Service", "Comments", "Contributors", "Binary Group", "Binary Artifact",
    "Binary Version", "Binary Packaging", "Repository Type", "Repository URL",
    "Repository Branch", "Repository Path",
)  # fmt: skip


def matches(headers: set[str]) -> bool:
    has_type = "record type 1" in headers or "record type" in headers
    return has_type and "application name" in headers


def read_konveyor(
    table: Table,
    acc: EdgeAccumulator,
    report: DependencyReport,
    options: DependencyImportOptions,
    progress: Progress,
    doc: PlanDocument,
    resolver: EndpointResolver,
    new_apps: dict[str, Application],
) -> None:
    """Applications go to ``new_apps`` (and the resolver); dependencies to ``acc``."""
    cols = require_columns(
        table,
        {"type": ("Record Type 1", "Record Type"), "name": ("Application Name",)},
        "a Konveyor application import CSV",
    )
    dep_col = table.column("Dependency")
    dir_col = table.column("Dependency Direction")
    existing = {normalize_name(a.name) for a in doc.applications.values()}
    for i, row in enumerate(table.rows):
        if not any(cell_text(v) for v in row):
            continue
        report.rows_read += 1
        ref = row_ref(table, i)
        kind = cell_text(table.cell(row, cols["type"]))
        name = cell_text(table.cell(row, cols["name"]))[:400]
        if not name:
            report.skip_row(ref, "no application name", column=table.headers[cols["name"]])
            continue
        if kind == "1":
            key = normalize_name(name)
            if key in existing or key in new_apps:
                report.warn("application already in the plan; kept as it is",
                            ref.file, ref.sheet, ref.row, "Application Name", name)  # fmt: skip
                continue
            app = _application(table, row, name)
            new_apps[key] = app
            resolver.add_application(name, app.id)
        elif kind == "2":
            other = cell_text(table.cell(row, dep_col))[:400]
            way = cell_text(table.cell(row, dir_col)).casefold()
            if not other:
                report.skip_row(ref, "dependency row without a Dependency", column="Dependency")
                continue
            if way not in ("northbound", "southbound"):
                report.skip_row(ref, "dependency direction must be northbound or southbound",
                                column="Dependency Direction", value=way)  # fmt: skip
                continue
            app_end = Endpoint(name, "", EndpointKind.APPLICATION)
            dep_end = Endpoint(other, "", EndpointKind.APPLICATION)
            source, target = (app_end, dep_end) if way == "southbound" else (dep_end, app_end)
            acc.add(source, target, port=None, ref=ref, label=LABEL)
        else:
            report.skip_row(ref, "record type must be 1 (application) or 2 (dependency)",
                            column=table.headers[cols["type"]], value=kind)  # fmt: skip


def _application(table: Table, row: list[object], name: str) -> Application:
    def text(header: str) -> str:
        return cell_text(table.cell(row, table.column(header)))

    tags: list[str] = []
    for n in range(1, 21):
        tag = text(f"Tag {n}")
        category = text(f"Tag Category {n}") or text(f"Tag Type {n}")
        if tag:
            tags.append(f"{category}: {tag}" if category else tag)
    attributes: dict[str, AttributeValue] = {}
    for header in _ATTRIBUTE_COLUMNS:
        value = text(header)
        if value:
            attributes[header] = value[:1000]
    return Application(
        id=app_id(name.casefold()),
        name=name,
        owner=text("Owner")[:1000],
        description=text("Description"),
        tags=tuple(dict.fromkeys(tags)),
        attributes=attributes,
    )
