"""Turning an import into ONE command on a plan: new workloads are added, workloads already
in the plan (same stable key) are updated field by field, and workloads of the same source
systems that the new files no longer list are reported as missing.

Hand edits survive a re-import: disposition, wave, pin, workload class, GPU needs and tags
are never touched, nor is an application the user chose when the import names none. Only
fields the import supplied are compared; attributes are merged (new values win, keys the
new file lacks are kept).
"""

from __future__ import annotations

from typing import Any

from migplan.core.commands import AddEntities, Command, Composite, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, Environment, OsFamily, PowerState
from migplan.core.models import Entity, Workload
from migplan.io.importers.build import IMPORTED_FIELDS, ImportResult, workload_key
from migplan.io.importers.report import FieldChange, ImportReport

#: Fields whose "empty" value in a new import means "not given", so the plan keeps its own.
_EMPTY: dict[str, Any] = {
    "power_state": PowerState.UNKNOWN,
    "os_family": OsFamily.UNKNOWN,
    "environment": Environment.UNKNOWN,
    "criticality": Criticality.UNKNOWN,
    "application_id": None,
}
#: Changes to these are reported but they are not "real" content changes.
_QUIET = frozenset({"sources"})


def plan_import(
    doc: PlanDocument, result: ImportResult, label: str = "Import"
) -> tuple[Command | None, ImportReport]:
    """The command that brings ``result`` into ``doc`` (None when nothing changes), and the
    report completed with added / changed / missing. ``doc`` is not modified."""
    report = result.report
    existing: dict[tuple[str, str, str], Workload] = {}
    by_name: dict[tuple[str, str], Workload] = {}
    for wl in doc.workloads.values():
        existing.setdefault(workload_key(wl), wl)
        by_name.setdefault((wl.source_system.casefold(), wl.name.casefold()), wl)
    add: list[Entity] = []
    updates: list[tuple[str, dict[str, Any]]] = []
    matched: set[str] = set()
    for app in result.applications:
        if app.id not in doc.applications:
            add.append(app)
    taken_ids = set(doc.workloads)
    pending = result.workloads
    ids = [w.id for w in pending] if not doc.workloads else []
    if ids and len(set(ids)) == len(ids):
        # Into a plan without workloads (a first import): everything is added.
        add.extend(pending)
        report.added.extend(ids)
        pending = []
    for new in pending:
        old = existing.get(workload_key(new))
        if old is None:
            # A newer RVTools may key the same VM differently (VM UUID changed meaning in 4.3.1):
            # fall back to the name within the same vCenter when that VM is not claimed yet.
            candidate = by_name.get((new.source_system.casefold(), new.name.casefold()))
            if candidate is not None and candidate.id not in matched:
                old = candidate
        if old is None or old.id in matched:
            if new.id in taken_ids:
                report.skip(
                    f"its id {new.id} is already used in the plan by another workload",
                    new.sources[0].file if new.sources else "",
                )
                report.skipped += 1
                continue
            add.append(new)
            taken_ids.add(new.id)
            report.added.append(new.id)
            continue
        matched.add(old.id)
        changes = _field_changes(old, new, report)
        if changes:
            updates.append((old.id, changes))
        report.merged += 1
    scopes = {s.casefold() for s in result.scopes}
    for wl in doc.workloads.values():
        if wl.id not in matched and wl.source_system.casefold() in scopes:
            report.missing.append(wl.id)
    report.created["workloads"] = sum(isinstance(e, Workload) for e in add)
    report.created["applications"] = len(add) - report.created["workloads"]
    commands: list[Command] = []
    if add:
        commands.append(AddEntities(tuple(add), label))
    if updates:
        commands.append(UpdateEntities(tuple(updates), label))
    if not commands:
        return None, report
    return Composite(tuple(commands), label), report


def _field_changes(old: Workload, new: Workload, report: ImportReport) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in IMPORTED_FIELDS:
        value = getattr(new, name)
        if name in _EMPTY and value == _EMPTY[name]:
            continue
        if name == "attributes":
            value = {**old.attributes, **new.attributes}
        elif name in ("source_key",) and not value:
            continue
        before = getattr(old, name)
        if value != before:
            changes[name] = value
            if name == "attributes":
                for key in sorted(set(value) | set(before)):
                    if value.get(key) != before.get(key):
                        report.changed.append(
                            FieldChange(old.id, old.name, f"attributes.{key}", before.get(key),
                                        value.get(key))
                        )  # fmt: skip
            else:
                report.changed.append(FieldChange(old.id, old.name, name, before, value))
    if changes:
        changes["sources"] = new.sources
    return changes
