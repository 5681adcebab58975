"""Turning an import into ONE command on a plan.

Each workload of the import is, in this order:

* **the same source again** (same stable key, or the same name in the same source system):
  the fields its file gives update the workload. A field the file does not give (no such
  column, or an empty cell) is never blanked. A field a person set (``curated``) is kept;
  where the file now says something else that is a **conflict**, listed in the report, and
  taken from the file only when the caller accepts it (``take_file``);
* **the same machine from another source** (``reconcile.Reconciler``: a shared UUID or MAC,
  or the same name with a shared IP): merged into that workload. The other source fills the
  fields the workload lacks; where both give a value and they differ, the value already there
  stays and the difference is listed. The workload keeps every source;
* **ambiguous** (the same name, nothing to confirm it): added as a workload of its own and
  listed with its candidates, until a person decides (``decisions``);
* **new**: added.

Workloads of the same source systems that the new files no longer list are reported as
missing (never removed). Hand edits outside the file fields (disposition, wave, pin,
workload class, GPU needs) are never touched. ``doc`` is never modified.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from migplan.core.commands import AddEntities, Command, Composite, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, Environment, OsFamily, PowerState
from migplan.core.gcpause import gc_paused
from migplan.core.ids import WorkloadId
from migplan.core.models import FILE_FIELDS, Application, Entity, Host, SourceRef, Workload
from migplan.io.importers.build import ImportResult, workload_key
from migplan.io.importers.reconcile import Match, Reconciler
from migplan.io.importers.report import Conflict, FieldChange, ImportReport

#: Values that mean "not given": a file giving them never changes a workload.
_EMPTY: dict[str, Any] = {
    "power_state": PowerState.UNKNOWN,
    "os_family": OsFamily.UNKNOWN,
    "environment": Environment.UNKNOWN,
    "criticality": Criticality.UNKNOWN,
    "application_id": None,
}
#: Identity fields: never changed by a merge (they are how the workload is found).
_IDENTITY = frozenset({"name", "source_system", "source_key"})

#: Host fields a re-import updates (a host's ``notes`` are a person's).
_HOST_FILE_FIELDS = (
    "name", "source_system", "datacenter", "cluster", "cpus", "cores_per_cpu", "memory_gib",
    "attributes", "sources",
)  # fmt: skip

#: Accept every conflicting value from the file.
TAKE_ALL = True


def _given(wl: Workload, name: str) -> bool:
    """Whether ``wl`` gives a value for ``name``: a file without the column, or with an empty
    cell, gives none (the model's default is not a value)."""
    if name not in wl.model_fields_set:
        return False
    value = getattr(wl, name)
    if name in _EMPTY:
        return bool(value != _EMPTY[name])
    return not (value is None or (value.__class__ in (str, tuple, dict) and not value))


def plan_import(
    doc: PlanDocument,
    result: ImportResult,
    label: str = "Import",
    *,
    decisions: Mapping[str, str] | None = None,
    take_file: bool | Collection[tuple[str, str]] = False,
) -> tuple[Command | None, ImportReport]:
    """The command that brings ``result`` into ``doc`` (None when nothing changes), and the
    report completed with added / changed / missing / conflicts / matches.

    ``decisions`` overrides the matching per workload of the import (by its id): the id of
    the workload to merge it into, or "" to import it as a workload of its own.
    ``take_file``: True takes every conflicting value from the file; a collection of
    (workload id, field) pairs takes those only. ``doc`` is not modified."""
    with gc_paused(freeze=True):  # (100,000 workloads alive: each collection walks them all)
        return _Merge(doc, result, label, decisions or {}, take_file).run()


class _Merge:
    def __init__(
        self,
        doc: PlanDocument,
        result: ImportResult,
        label: str,
        decisions: Mapping[str, str],
        take_file: bool | Collection[tuple[str, str]],
    ) -> None:
        self.doc = doc
        self.result = result
        # A fresh report each time: the wizard plans the same read twice (to review, then
        # with the person's decisions).
        self.report = replace(
            result.report,
            added=[], changed=[], missing=[], conflicts=[], disagreements=[], matches=[],
            names={}, created=Counter(result.report.created), issues=list(result.report.issues),
        )  # fmt: skip
        self.label = label
        self.decisions = decisions
        self.take_file = take_file
        # Entities to add, by id (a later row of another source may merge into one).
        self.add: dict[str, Entity] = {}
        self.updates: dict[str, dict[str, Any]] = {}
        self.current: dict[str, Workload] = {}
        self.matched: set[str] = set()
        self.taken: set[tuple[str, str]] = set()
        self.taken_by_file: dict[str, set[str]] = {}
        self.reconciler: Reconciler | None = None
        #: Keys of the workloads this import adds: the same key in a later file merges.
        self.pending_keys: dict[tuple[str, str, str], str] = {}

    def run(self) -> tuple[Command | None, ImportReport]:
        doc, result, report = self.doc, self.result, self.report
        for app in result.applications:
            if app.id not in doc.applications:
                self.add[app.id] = app
        self._merge_hosts()
        pending = result.workloads
        ids = [w.id for w in pending] if not doc.workloads else []
        if (
            ids
            and len(set(ids)) == len(ids)
            and not self.decisions
            and len({w.sources[0].file if w.sources else "" for w in pending}) == 1
        ):
            # Into a plan without workloads, from one file (one export, even of several
            # vCenters): nothing to reconcile, everything is added.
            self.add.update((w.id, w) for w in pending)
            report.added.extend(ids)
            pending = []
        else:
            self._merge_all(pending)
        scopes = {s.casefold() for s in result.scopes}
        for wl in doc.workloads.values():
            if wl.id not in self.matched and wl.source_system.casefold() in scopes:
                report.missing.append(wl.id)
        added = list(self.add.values())
        named = [*report.added, *report.missing, *(m.target_id for m in report.matches)]
        named += [c for m in report.matches for c in m.candidates]
        for wid in named:
            found = self._workload(wid)
            if found is not None:
                report.names[wid] = found.name
        report.created["workloads"] = sum(isinstance(e, Workload) for e in added)
        report.created["applications"] = sum(isinstance(e, Application) for e in added)
        hosts_added = sum(isinstance(e, Host) for e in added)
        if hosts_added:
            report.created["hosts"] = hosts_added
        commands: list[Command] = []
        if added:
            commands.append(AddEntities(tuple(added), self.label))
        changes = tuple((i, c) for i, c in self.updates.items() if c)
        if changes:
            commands.append(UpdateEntities(changes, self.label, by_user=False, checked=True))
        if not commands:
            return None, report
        return Composite(tuple(commands), self.label), report

    def _merge_hosts(self) -> None:
        """Hosts by id (their name within their vCenter): a new one is added, a known one
        takes what the file now says (its notes, a person's, are kept). A host the file no
        longer lists stays: its VMs may still name it."""
        updated = 0
        for host in self.result.hosts:
            old = self.doc.hosts.get(host.id)
            if old is None:
                self.add[host.id] = host
                continue
            values = {
                k: getattr(host, k)
                for k in _HOST_FILE_FIELDS
                if getattr(host, k) != getattr(old, k)
            }
            if values:
                self.updates[host.id] = values
                updated += 1
        if updated:
            self.report.notes.append(f"Hosts: {updated} updated from vHost")

    # -- matching -------------------------------------------------------------------------

    def _merge_all(self, pending: list[Workload]) -> None:
        doc, report = self.doc, self.report
        existing: dict[tuple[str, str, str], Workload] = {}
        by_name: dict[tuple[str, str], Workload] = {}
        by_source_key: dict[str, Workload] = {}
        for wl in doc.workloads.values():
            existing.setdefault(workload_key(wl), wl)
            by_name.setdefault((wl.source_system.casefold(), wl.name.casefold()), wl)
            for src in wl.sources:
                if src.key:
                    by_source_key.setdefault(src.key, wl)
        for new in pending:
            new_key = workload_key(new)
            key = _source_key(new_key)
            decided = self.decisions.get(new.id)
            if decided is not None:
                target = self._workload(decided) if decided else None
                if target is None:
                    self._add(new)
                    continue
                same = workload_key(target) == new_key
                self._merge_into(target, new, key, same_source=same)
                continue
            old = existing.get(new_key)
            if old is None:
                # A newer RVTools may key the same VM differently (VM UUID changed meaning in
                # 4.3.1): the name within the same vCenter, when that VM is not claimed yet.
                candidate = by_name.get((new.source_system.casefold(), new.name.casefold()))
                if candidate is not None and candidate.id not in self.matched:
                    old = candidate
            if old is not None and old.id not in self.matched:
                self._merge_into(old, new, key, same_source=True)
                continue
            earlier = self.pending_keys.get(new_key)
            file = new.sources[0].file if new.sources else ""
            if earlier is not None and (earlier, file) not in self.taken:
                # The same key in another file of this import: one workload, both sources.
                target = self._workload(earlier)
                if target is not None:
                    self._merge_into(target, new, key, same_source=False)
                    continue
            old = by_source_key.get(key)
            if old is not None and (old.id, key) not in self.taken:
                self._merge_into(old, new, key, same_source=False)
                continue
            match, target = self._reconciler().match(new, self._taken_for(new))
            if match is not None:
                report.matches.append(match)
            if target is not None:
                self._merge_into(target, new, key, same_source=False)
            else:
                self._add(new)

    def _reconciler(self) -> Reconciler:
        """Built when a workload is first not found by its key (a re-import of the same
        export never needs it): from the workloads as this import has left them so far."""
        if self.reconciler is None:
            now: dict[str, Workload] = {str(k): v for k, v in self.doc.workloads.items()}
            now.update((k, v) for k, v in self.add.items() if isinstance(v, Workload))
            now.update(self.current)
            self.reconciler = Reconciler(now.values())
        return self.reconciler

    def _taken_for(self, new: Workload) -> set[str]:
        return self.taken_by_file.setdefault(new.sources[0].file if new.sources else "", set())

    def _workload(self, wid: str) -> Workload | None:
        found = (
            self.current.get(wid) or self.doc.workloads.get(WorkloadId(wid)) or self.add.get(wid)
        )
        return found if isinstance(found, Workload) else None

    def _add(self, new: Workload) -> None:
        report = self.report
        if new.id in self.doc.workloads or new.id in self.add:
            report.skip(
                f"its id {new.id} is already used in the plan by another workload",
                new.sources[0].file if new.sources else "",
            )
            report.skipped += 1
            return
        self.add[new.id] = new
        self.pending_keys.setdefault(workload_key(new), new.id)
        report.added.append(new.id)
        if self.reconciler is not None:
            self.reconciler.add(new)

    # -- merging --------------------------------------------------------------------------

    def _merge_into(self, old: Workload, new: Workload, key: str, *, same_source: bool) -> None:
        """Merge ``new`` (whose identity in its source is ``key``) into ``old``."""
        report = self.report
        pending = old.id in self.add
        base = self._workload(old.id) or old
        file = new.sources[0].file if new.sources else ""
        self.taken.add((old.id, file))
        self.taken_by_file.setdefault(file, set()).add(old.id)
        self.taken.add((old.id, key))
        if not pending:
            self.matched.add(old.id)
        changes = self.updates.setdefault(old.id, {}) if not pending else {}
        values: dict[str, Any] = {}
        filled: list[str] = []
        checked = self.result.checked_blockers.get(file, frozenset())
        if checked:
            # The findings of the rules these files checked are theirs to replace or clear.
            kept = tuple(b for b in base.blockers if b.rule_id not in checked)
            found = kept + tuple(b for b in new.blockers if b.rule_id in checked)
            if found != base.blockers:
                values["blockers"] = found
                if not pending:
                    report.changed.append(
                        FieldChange(old.id, base.name, "blockers", base.blockers, found)
                    )
        given = new.model_fields_set
        for name in FILE_FIELDS:
            if name not in given or name == "blockers" or not _given(new, name):
                continue
            offered = getattr(new, name)
            before = getattr(base, name)
            if name == "attributes":
                merged = {**before, **offered} if same_source else {**offered, **before}
                if merged != before:
                    values[name] = merged
                    if not pending and same_source:
                        # (another source's columns are new facts, not changes: its row is
                        # listed among the sources and the match in the report)
                        self._note_attributes(base, before, merged)
                continue
            if offered == before:
                continue
            if not same_source and name in _IDENTITY:
                continue
            if name == "storage_used_mib" and Workload.storage_problem(
                values.get("storage_provisioned_mib", base.storage_provisioned_mib), offered
            ):
                # Every value comes from a validated workload; only this rule across two
                # fields can break when two sources each give one of them.
                report.disagreements.append(FieldChange(old.id, base.name, name, before, offered))
                continue
            if name in base.curated:
                take = self.take_file is TAKE_ALL or (
                    not isinstance(self.take_file, bool) and (old.id, name) in self.take_file
                )
                report.conflicts.append(
                    Conflict(old.id, base.name, name, before, offered,
                             new.sources[0].describe() if new.sources else "", take)
                )  # fmt: skip
                if not take:
                    continue
                values["curated"] = tuple(
                    f for f in values.get("curated", base.curated) if f != name
                )
            elif not same_source and _given(base, name):
                # Two sources disagree: the value already there stays (an OS named in other
                # words, "CentOS 7 (64-bit)" and "CentOS 7", is not a disagreement).
                if name != "os_reported" or (base.os_distro, base.os_version) != (
                    new.os_distro,
                    new.os_version,
                ):
                    report.disagreements.append(
                        FieldChange(old.id, base.name, name, before, offered)
                    )
                continue
            values[name] = offered
            filled.append(name)
            if not pending:
                report.changed.append(FieldChange(old.id, base.name, name, before, offered))
        if same_source and not values:
            report.merged += 1  # the same again: nothing to change, not even where it was read
            return
        values["sources"] = self._sources(base, new, key, same_source, filled)
        merged_wl = base.with_valid(values)
        if self.reconciler is not None:
            self.reconciler.replace(base, merged_wl, new)
        self.current[old.id] = merged_wl
        if pending:
            self.add[old.id] = merged_wl
        else:
            changes.update(values)
        report.merged += 1
        if not same_source:
            report.merged_across += 1

    def _note_attributes(self, wl: Workload, before: dict[str, Any], after: dict[str, Any]) -> None:
        for key in sorted(set(after) | set(before)):
            if after.get(key) != before.get(key):
                self.report.changed.append(
                    FieldChange(
                        wl.id, wl.name, f"attributes.{key}", before.get(key), after.get(key)
                    )
                )

    @staticmethod
    def _sources(
        base: Workload, new: Workload, key: str, same_source: bool, filled: list[str]
    ) -> tuple[SourceRef, ...]:
        """The sources after the merge, newest last (``provenance`` reads them backwards).

        The same source again replaces the rows of that source; another source is added,
        recording its key (to be found again on its next import) and, as the fields it
        gave, only those it filled."""
        if same_source:
            kept = [s for s in base.sources if s.key]
            return (*kept, *new.sources)
        kept = [s for s in base.sources if s.key != key]
        added = []
        for src in new.sources:
            pairs = [(f, src.column_of(f) or "") for f in filled]
            added.append(
                src.with_valid(
                    {
                        "key": key,
                        "fields": tuple(f for f, _ in pairs),
                        "columns": tuple(c for _, c in pairs),
                    },
                )
            )
        return (*kept, *added)


def _source_key(natural: tuple[str, str, str]) -> str:
    """The identity of a row in its source ("system/key:..." or "system/name:...") from its
    ``workload_key``, as ``SourceRef.key`` records it."""
    system, kind, value = natural
    return f"{system}/{kind}:{value}"[:1000]


__all__ = ["TAKE_ALL", "Match", "plan_import"]
