"""ServiceNow CMDB relationships (``cmdb_rel_ci``) exported as CSV or XLSX.

Columns: ``parent, child, type`` with display values, or dot-walked ``parent.name,
child.name, type.name`` (``parent``/``child`` then hold 32-hex sys_ids). A type is named
``<parent descriptor>::<child descriptor>`` and reads "parent <parent descriptor> child":
``Depends on::Used by`` means the parent depends on the child, so the edge runs parent ->
child; the docs' own example "[Server1] [Managed by] [Server2]" makes Server1 the *child*.
The direction rule, by the parent descriptor:

* a consumer verb (``Depends on``, ``Runs on``, ``Hosted on``, ``Connects to``, ``Sends
  data to``, ``Consumes``, ``Uses``, ...): parent -> child;
* a provider verb (``Used by``, ``Runs``, ``Hosts``, ``Connected by``, ``Receives data
  from``, ``Consumed by``, ``Provides``, ...): child -> parent;
* a structural type (``Contains``, ``Members``, ``Cluster of``, ``Instantiates``, ...):
  not a dependency, skipped and reported;
* anything else: parent -> child, with a warning naming the type.

Endpoints may be servers or applications: each resolves to a workload first, then to an
application by name, else to an external node.
"""

from __future__ import annotations

import re

from migplan.core.progress import Progress
from migplan.io.importers.deps_cells import (
    DependencyImportOptions,
    cell_text,
    require_columns,
    row_ref,
)
from migplan.io.importers.deps_types import (
    DependencyReport,
    EdgeAccumulator,
    Endpoint,
    EndpointKind,
    normalize_ip,
)
from migplan.io.tables import Table

LABEL = "ServiceNow CMDB relationship"

CONSUMER_VERBS = frozenset({
    "depends on", "runs on", "hosted on", "connects to", "sends data to", "consumes", "uses",
    "virtualized by", "managed by", "calls", "owned by", "uses storage from", "stored on",
    "backed up by", "monitored by", "load balanced by", "exchanges data with",
})  # fmt: skip
PROVIDER_VERBS = frozenset({
    "used by", "runs", "hosts", "connected by", "receives data from", "consumed by",
    "provides", "virtualizes", "manages", "called by", "owns", "provides storage for",
    "stores", "backs up", "monitors", "load balances", "serves",
})  # fmt: skip
STRUCTURAL_VERBS = frozenset({
    "contains", "contained by", "members", "member of", "cluster of", "cluster",
    "instantiates", "instantiated by", "defines resources for", "located in", "location for",
    "part of", "has part", "ip connection", "has registered", "registered on",
})  # fmt: skip

_SYS_ID_RE = re.compile(r"^[0-9a-f]{32}$")


def matches(headers: set[str]) -> bool:
    has_parent = "parent" in headers or "parent.name" in headers
    has_child = "child" in headers or "child.name" in headers
    return has_parent and has_child and ("type" in headers or "type.name" in headers)


def direction(rel_type: str) -> str:
    """``forward`` (parent -> child), ``reverse`` (child -> parent), ``structural`` or
    ``unknown`` for a relationship type such as ``Depends on::Used by``."""
    parent_verb = rel_type.split("::", 1)[0].strip().casefold()
    if parent_verb in CONSUMER_VERBS:
        return "forward"
    if parent_verb in PROVIDER_VERBS:
        return "reverse"
    if parent_verb in STRUCTURAL_VERBS:
        return "structural"
    return "unknown"


def read_servicenow(
    table: Table,
    acc: EdgeAccumulator,
    report: DependencyReport,
    options: DependencyImportOptions,
    progress: Progress,
) -> None:
    cols = require_columns(
        table,
        {
            "parent": ("parent.name", "parent"),
            "child": ("child.name", "child"),
            "type": ("type.name", "type"),
        },
        "a ServiceNow cmdb_rel_ci export",
    )
    unknown_types: dict[str, int] = {}
    sys_ids = 0
    for i, row in enumerate(table.rows):
        if not any(cell_text(v) for v in row):
            continue
        report.rows_read += 1
        ref = row_ref(table, i)
        parent = cell_text(table.cell(row, cols["parent"]))
        child = cell_text(table.cell(row, cols["child"]))
        rel_type = cell_text(table.cell(row, cols["type"]))
        if not parent or not child:
            report.skip_row(ref, f"no {'parent' if not parent else 'child'} CI")
            continue
        sys_ids += sum(1 for v in (parent, child) if _SYS_ID_RE.match(v))
        way = direction(rel_type)
        if way == "structural":
            report.skip_row(ref, f"structural relationship {rel_type!r}, not a dependency")
            continue
        if way == "unknown":
            unknown_types[rel_type] = unknown_types.get(rel_type, 0) + 1
        source, target = (child, parent) if way == "reverse" else (parent, child)
        label = f"{LABEL}: {rel_type}" if rel_type else LABEL
        acc.add(_endpoint(source), _endpoint(target), port=None, ref=ref, label=label)
    for rel_type, n in sorted(unknown_types.items()):
        report.warn(
            f"relationship type {rel_type or '(blank)'!r} is not known; {n} row(s) read as "
            "'parent depends on child'",
            table.path.name,
            column=table.headers[cols["type"]],
        )
    if sys_ids:
        report.warn(
            f"{sys_ids} CI(s) are sys_ids, which match no workload; export display values "
            "(or the parent.name and child.name columns) to resolve them",
            table.path.name,
        )


def _endpoint(value: str) -> Endpoint:
    address = normalize_ip(value)
    if address:
        return Endpoint("", address, EndpointKind.ANY)
    return Endpoint(value, "", EndpointKind.ANY)
