"""Commands: the only way a plan document changes.

Each command is plain, serialisable data. ``apply`` changes the document and returns the
inverse command and a change summary; applying the inverse restores the document exactly.
A command that fails raises ``CommandError`` and leaves the document unchanged.

Commands that change a workload's wave keep the edit rules of ``core.locks`` (a locked wave
keeps its workloads, a pinned workload stays in its wave) whoever asks: a change breaking
one is refused with a ``LockedError`` naming the workload and the wave. Inverses restore the
document exactly (``guarded=False``): undoing a step never meets a lock it did not meet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from migplan.core.changes import ChangeSummary
from migplan.core.document import InvalidPlanError, PlanData, PlanDocument, kind_of
from migplan.core.enums import EntityKind
from migplan.core.errors import CommandError, describe_validation_error
from migplan.core.locks import Move, check_added, check_moves, check_removed
from migplan.core.models import FILE_FIELDS, Entity, Wave, Workload
from migplan.core.settings import PlanSettings

#: Fields a person's edit marks as curated (attributes are merged key by key and blockers
#: rule by rule, never curated).
CURATABLE = frozenset(FILE_FIELDS) - {"attributes", "blockers"}

#: Fields that point at other entities, by kind: (field, kind it points at).
_REFERENCES: dict[EntityKind, tuple[tuple[str, EntityKind], ...]] = {
    EntityKind.WORKLOAD: (
        ("application_id", EntityKind.APPLICATION),
        ("wave_id", EntityKind.WAVE),
        ("host_id", EntityKind.HOST),
    ),
}


class Command(Protocol):
    @property
    def label(self) -> str: ...

    def apply(self, doc: PlanDocument) -> tuple[Command, ChangeSummary]: ...


def _describe(entity: Entity) -> str:
    return f"{kind_of(entity).value} {getattr(entity, 'name', '') or entity.id}"  # type: ignore[attr-defined]


@dataclass(frozen=True)
class AddEntities:
    """Add new entities (any kinds). Ids must be new and references must resolve; a new
    workload may not land in a locked wave (WAVE-LOCKED) unless ``guarded`` is off."""

    entities: tuple[Entity, ...]
    label: str = "Add"
    guarded: bool = True

    def apply(self, doc: PlanDocument) -> tuple[Command, ChangeSummary]:
        ids = [e.id for e in self.entities]  # type: ignore[attr-defined]
        seen = set(ids)
        if len(seen) != len(ids) or any(not seen.isdisjoint(c) for c in doc._collections()):
            self._refuse_duplicate(doc)
        by_kind: dict[EntityKind, list[Entity]] = {}
        for entity in self.entities:
            by_kind.setdefault(kind_of(entity), []).append(entity)
        for kind, entities in by_kind.items():
            if kind is EntityKind.DEPENDENCY:
                for entity in entities:
                    _check_references(doc, entity, seen)
                continue
            for fname, target_kind in _REFERENCES.get(kind, ()):
                refs = {getattr(e, fname) for e in entities}
                refs.discard(None)
                if refs - seen - doc.collection(target_kind).keys():
                    for entity in entities:  # the first that is wrong, named
                        _check_references(doc, entity, seen)
        if self.guarded and doc.waves:
            check_added(
                doc, [e for e in by_kind.get(EntityKind.WORKLOAD, ()) if isinstance(e, Workload)]
            )
        summary = ChangeSummary()
        for kind, entities in by_kind.items():
            doc.collection(kind).update((e.id, e) for e in entities)  # type: ignore[attr-defined]
            summary.note("added", kind, (e.id for e in entities))  # type: ignore[attr-defined]
        inverse = RemoveEntities(tuple(ids), label=self.label, guarded=False)
        return inverse, summary

    def _refuse_duplicate(self, doc: PlanDocument) -> None:
        seen: set[str] = set()
        for entity in self.entities:
            eid = entity.id  # type: ignore[attr-defined]
            if eid in seen or doc.get(eid) is not None:
                raise CommandError(f"cannot add {_describe(entity)}: the id {eid} is already used")
            seen.add(eid)


@dataclass(frozen=True)
class RemoveEntities:
    """Remove entities by id, with what hangs on them.

    Dependencies touching a removed node go too; workloads of a removed application, wave or
    host are detached (not removed): a removed wave's pinned workloads are unpinned too (the wave
    they were pinned to is gone). A locked wave is refused (WAVE-LOCKED) unless ``guarded``
    is off. The inverse puts everything back.
    """

    ids: tuple[str, ...]
    label: str = "Remove"
    guarded: bool = True

    def apply(self, doc: PlanDocument) -> tuple[Command, ChangeSummary]:
        targets: list[Entity] = []
        for eid in dict.fromkeys(self.ids):
            entity = doc.get(eid)
            if entity is None:
                raise CommandError(f"cannot remove {eid}: there is no such item in the plan")
            targets.append(entity)
        if self.guarded:
            for entity in targets:
                if isinstance(entity, Wave) and entity.locked:
                    check_removed(doc, entity, len(doc.workloads_in_wave(entity.id)))
        gone = {e.id for e in targets}  # type: ignore[attr-defined]
        cascade = [d for d in doc.dependencies_of(gone) if d.id not in gone]
        detach: dict[str, dict[str, Any]] = {}
        for wl in doc.workloads.values():
            if wl.id in gone:
                continue
            changes: dict[str, Any] = {}
            if wl.application_id in gone:
                changes["application_id"] = None
            if wl.host_id in gone:
                changes["host_id"] = None
            if wl.wave_id in gone:
                changes["wave_id"] = None
                changes["pinned"] = False
            if changes:
                detach[wl.id] = changes
        restore_fields = UpdateEntities(tuple(detach.items()), self.label, guarded=False).apply(
            doc
        )[0]
        summary = ChangeSummary()
        if detach:
            summary.note("updated", EntityKind.WORKLOAD, detach)
            summary.note_fields(EntityKind.WORKLOAD, {k for c in detach.values() for k in c})
        removed = [*targets, *cascade]
        for entity in removed:
            doc.delete(kind_of(entity), entity.id)  # type: ignore[attr-defined]
            summary.note("removed", kind_of(entity), [entity.id])  # type: ignore[attr-defined]
        inverse = Composite(
            (AddEntities(tuple(removed), self.label, guarded=False), restore_fields),
            label=self.label,
        )
        return inverse, summary


@dataclass(frozen=True)
class UpdateEntities:
    """Change fields of existing entities: ``changes`` pairs an id with its new field values.

    All changes are validated before any is stored, so a bad value changes nothing. A change
    ``by_user`` (the default: imports and the planner say otherwise) to a field that files
    fill marks that field ``curated`` on the workload, so that a re-import keeps it. A change
    of a workload's ``wave_id`` keeps WAVE-LOCKED and WORKLOAD-PINNED (``core.locks``) unless
    ``guarded`` is off (inverses, which restore what was).
    """

    changes: tuple[tuple[str, Mapping[str, Any]], ...]
    label: str = "Edit"
    by_user: bool = True
    #: The values were taken from entities already validated (an import's merge, an undo):
    #: stored without validating them again (10,000 workloads in a few milliseconds).
    checked: bool = False
    guarded: bool = True

    @classmethod
    def same(cls, ids: Iterable[str], label: str = "Edit", **values: Any) -> UpdateEntities:
        """The same field values for every id (bulk edit)."""
        return cls(tuple((i, values) for i in ids), label)

    def apply(self, doc: PlanDocument) -> tuple[Command, ChangeSummary]:
        new_entities: list[Entity] = []
        undo: list[tuple[str, dict[str, Any]]] = []
        summary = ChangeSummary()
        changes = _merged(self.changes)
        if self.guarded:
            _check_moves(doc, changes)
        for eid, values in changes:
            old = doc.get(eid)
            if old is None:
                raise CommandError(f"cannot edit {eid}: there is no such item in the plan")
            if "id" in values and values["id"] != eid:
                raise CommandError(f"cannot change the id of {_describe(old)}")
            unknown = set(values) - set(type(old).model_fields)
            if unknown:
                raise CommandError(
                    f"cannot edit {_describe(old)}: unknown field {', '.join(sorted(unknown))}"
                )
            if self.by_user and isinstance(old, Workload) and "curated" not in values:
                marked = [k for k in values if k in CURATABLE and k not in old.curated]
                if marked and any(values[k] != getattr(old, k) for k in marked):
                    values = {**values, "curated": old.curated + tuple(sorted(marked))}
            try:
                new = old.with_valid(values) if self.checked else old.with_changes(**values)
            except ValidationError as exc:
                raise CommandError(describe_validation_error(exc, _describe(old))) from None
            _check_references(doc, new, set())
            new_entities.append(new)
            undo.append((eid, {k: getattr(old, k) for k in values}))
            kind = kind_of(old)
            summary.note("updated", kind, [eid])
            summary.note_fields(kind, values)
        for entity in new_entities:
            doc.put(entity)
        inverse = UpdateEntities(
            tuple(reversed(undo)), self.label, by_user=False, checked=self.checked, guarded=False
        )
        return inverse, summary


@dataclass(frozen=True)
class SetSettings:
    """New settings, except the plan's metadata: only saving adds to its log of saved
    versions, so neither this change nor its undo takes a save out of it."""

    settings: PlanSettings
    label: str = "Change settings"

    def apply(self, doc: PlanDocument) -> tuple[Command, ChangeSummary]:
        old = doc.settings
        new = self.settings
        if new.metadata != old.metadata:
            new = new.with_valid({"metadata": old.metadata})
        doc.settings = new
        return SetSettings(old, self.label), ChangeSummary(settings=True)


@dataclass(frozen=True)
class ReplaceContents:
    """Every entity and the settings replaced by another plan's (a merge applied) as one
    step; the summary names what was added, removed and changed."""

    data: PlanData
    label: str = "Replace the plan"

    def apply(self, doc: PlanDocument) -> tuple[Command, ChangeSummary]:
        try:
            new = PlanDocument.from_data(self.data)
        except InvalidPlanError as exc:
            raise CommandError(str(exc)) from None
        old = doc.to_data()
        summary = ChangeSummary(settings=doc.settings != new.settings)
        for kind in EntityKind:
            mine, theirs = doc.collection(kind), new.collection(kind)
            for what, ids in (
                ("added", theirs.keys() - mine.keys()),
                ("removed", mine.keys() - theirs.keys()),
                ("updated", {i for i in mine.keys() & theirs.keys() if mine[i] != theirs[i]}),
            ):
                if ids:
                    summary.note(what, kind, ids)
            # In place: views hold the document, and the document its dicts.
            mine.clear()
            mine.update(theirs)
        doc.settings = new.settings
        return ReplaceContents(old, self.label), summary


@dataclass(frozen=True)
class Composite:
    """Several commands as one step; if one fails (in any way), those already applied are
    rolled back."""

    commands: tuple[Command, ...]
    label: str = "Change"

    def apply(self, doc: PlanDocument) -> tuple[Command, ChangeSummary]:
        inverses: list[Command] = []
        summary = ChangeSummary()
        try:
            for command in self.commands:
                inverse, part = command.apply(doc)
                inverses.append(inverse)
                summary.merge(part)
        except BaseException:
            # Any failure, not only a refused change: the document is left as it was.
            for inverse in reversed(inverses):
                inverse.apply(doc)
            raise
        return Composite(tuple(reversed(inverses)), self.label), summary


def _merged(
    changes: tuple[tuple[str, Mapping[str, Any]], ...],
) -> list[tuple[str, Mapping[str, Any]]]:
    """One entry per id, its changes merged in order (a later value of a field wins): the
    same id twice in one update is one change, never a first change silently dropped."""
    if len({eid for eid, _ in changes}) == len(changes):
        return list(changes)
    merged: dict[str, dict[str, Any]] = {}
    for eid, values in changes:
        merged.setdefault(eid, {}).update(values)
    return list(merged.items())


def _check_moves(doc: PlanDocument, changes: list[tuple[str, Mapping[str, Any]]]) -> None:
    """WAVE-LOCKED and WORKLOAD-PINNED for every workload whose wave the changes set."""
    moves = [
        Move(wl, values["wave_id"], unpins=values.get("pinned") is False)
        for eid, values in changes
        if "wave_id" in values
        and (wl := doc.workloads.get(eid)) is not None  # type: ignore[call-overload]
        and values["wave_id"] != wl.wave_id
    ]
    if moves:
        check_moves(doc, moves)


def _check_references(doc: PlanDocument, entity: Entity, also: set[str]) -> None:
    kind = kind_of(entity)
    for fname, target_kind in _REFERENCES.get(kind, ()):
        ref = getattr(entity, fname)
        if ref is None or ref in also:
            continue
        if ref not in doc.collection(target_kind):
            raise CommandError(
                f"{_describe(entity)}: {fname.removesuffix('_id')} {ref} is not in the plan"
            )
    if kind is EntityKind.DEPENDENCY:
        if entity.loop_problem:  # type: ignore[attr-defined]
            raise CommandError(entity.loop_problem)  # type: ignore[attr-defined]
        for end in (entity.source, entity.target):  # type: ignore[attr-defined]
            if end not in also and doc.kind_of_id(end) not in (
                EntityKind.WORKLOAD,
                EntityKind.APPLICATION,
                EntityKind.EXTERNAL,
            ):
                raise CommandError(f"dependency {entity.id}: endpoint {end} is not in the plan")  # type: ignore[attr-defined]


class History:
    """Undo/redo over a document without Qt (the GUI uses ``QUndoStack`` instead)."""

    def __init__(self, doc: PlanDocument) -> None:
        self.doc = doc
        self._undo: list[tuple[str, Command]] = []
        self._redo: list[tuple[str, Command]] = []

    def do(self, command: Command) -> ChangeSummary:
        inverse, summary = self.doc.apply(command)
        self._undo.append((command.label, inverse))
        self._redo.clear()
        return summary

    def undo(self) -> ChangeSummary:
        label, inverse = self._undo.pop()
        redo, summary = self.doc.apply(inverse)
        self._redo.append((label, redo))
        return summary

    def redo(self) -> ChangeSummary:
        label, command = self._redo.pop()
        inverse, summary = self.doc.apply(command)
        self._undo.append((label, inverse))
        return summary

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)
