"""Three-way merge of two people's edits of one plan (``merge(base, ours, theirs)``).

Entities are matched by id; per entity and per field, a change made on one side only is
taken, the same change made on both sides is taken once, and two different changes of the
same field are a ``Conflict`` holding the base, ours and theirs values. An entity deleted on
one side and edited on the other, or added on both sides with different content, is a
conflict on the whole entity. Settings merge value by value (by dotted path); the plan's
metadata merges without conflict (``merge_metadata``). Tags and the fields a person set
(``curated``) merge as sets; imported columns (``attributes``) key by key.

Nothing is dropped silently: every change from base to either side is in the result or in a
conflict. Where a clean merge would break the plan's consistency (a wave deleted on one side
while the other moved a workload into it, two new waves with the same order, a pinned
workload left in no wave), the entities involved become one conflict, so that choosing a
side gives a consistent plan. ``resolve(result, choices)`` picks "ours" or "theirs" per
conflict and returns the merged document; ``result.doc`` holds the base values where
conflicts remain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from migplan.core.consistency import check_consistency
from migplan.core.diff import label_of, show_value
from migplan.core.document import ENTITY_TYPES, PlanDocument
from migplan.core.enums import EntityKind
from migplan.core.errors import MigPlanError
from migplan.core.metadata import merge_metadata
from migplan.core.models import Entity
from migplan.core.settings import PlanSettings
from migplan.core.settings_fields import FIELD_BY_PATH, LISTS, set_path

Side = Literal["ours", "theirs"]
SIDES: tuple[Side, Side] = ("ours", "theirs")
#: Fields merged as sets (both sides' additions kept, both sides' removals made).
SET_FIELDS = frozenset({"tags", "curated"})
#: Fields merged key by key.
DICT_FIELDS = frozenset({"attributes"})
#: Rounds of consistency repair before the merge gives up (each round joins conflicts).
MAX_ROUNDS = 20

_BOTH_CHANGED = "changed differently on both sides"
#: A settings item's kind.
SETTINGS = "settings"


class MergeError(MigPlanError):
    """The merge (or a choice of sides) cannot give a consistent plan."""


@dataclass(frozen=True)
class ConflictItem:
    """One value the two sides disagree on. ``field`` None is the whole entity (None as a
    value: the entity is not there); for settings, ``kind`` is "settings" and ``field`` a
    dotted path (None: the settings as a whole)."""

    kind: EntityKind | str
    entity_id: str
    field: str | None
    base: Any
    ours: Any
    theirs: Any
    #: For a key of a dict field: the sides on which the key is not there at all.
    absent_on: tuple[Side, ...] = ()

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (str(self.kind), self.entity_id, self.field)

    def value(self, side: Side) -> Any:
        return self.ours if side == "ours" else self.theirs


@dataclass(frozen=True)
class Conflict:
    """What a person decides: one side's values for every item together.

    ``title`` names the entity and field ("workload web-01: wave"), ``reason`` says why in a
    sentence, and the ``*_text`` values are the first item's values as a person reads them.
    """

    items: tuple[ConflictItem, ...]
    title: str
    reason: str
    base_text: str
    ours_text: str
    theirs_text: str
    #: Every item in a line ("Workload app-01: wave: ours Wave 2 (order 2), theirs no wave").
    details: tuple[str, ...] = ()

    @property
    def keys(self) -> set[tuple[str, str, str | None]]:
        return {i.key for i in self.items}

    def line(self) -> str:
        linked = len(self.items) - 1
        more = f" (and {linked} linked change{'s' if linked != 1 else ''})" if linked else ""
        return (
            f"{self.title}: {self.reason}; base {self.base_text}, ours {self.ours_text}, "
            f"theirs {self.theirs_text}{more}"
        )


@dataclass
class MergeResult:
    """The merged plan and the conflicts left for a person (``doc`` holds base values where
    a conflict remains: use ``resolve`` for a plan to save)."""

    doc: PlanDocument
    conflicts: tuple[Conflict, ...]
    base: PlanDocument = field(repr=False)
    ours: PlanDocument = field(repr=False)
    theirs: PlanDocument = field(repr=False)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge(base: PlanDocument, ours: PlanDocument, theirs: PlanDocument) -> MergeResult:
    """Combine the changes base→ours and base→theirs; see the module's docstring."""
    merger = _Merger(base, ours, theirs)
    doc = merger.run()
    return MergeResult(doc, tuple(merger.conflicts()), base, ours, theirs)


def resolve(result: MergeResult, choices: Mapping[int, Side] | Side) -> PlanDocument:
    """The merged plan with each conflict (by its index in ``result.conflicts``) taken from
    the side chosen for it; a single side applies to all. Raises ``MergeError`` when a
    conflict has no choice or the choices together leave the plan inconsistent."""
    if isinstance(choices, str):
        chosen: dict[int, Side] = dict.fromkeys(range(len(result.conflicts)), choices)
    else:
        chosen = dict(choices)
    missing = [i for i in range(len(result.conflicts)) if i not in chosen]
    if missing:
        raise MergeError(
            f"{len(missing)} conflict{'s' if len(missing) != 1 else ''} not resolved, e.g. "
            + result.conflicts[missing[0]].title
        )
    picks = [(c, chosen[i]) for i, c in enumerate(result.conflicts)]
    doc = _materialise(result.doc, picks)
    problems = check_consistency(doc)
    if problems:
        raise MergeError(
            "these choices leave the plan inconsistent: "
            + "; ".join(p.message for p in problems[:3])
            + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        )
    return doc


# -- applying choices -------------------------------------------------------------------------


def _materialise(clean: PlanDocument, picks: Iterable[tuple[Conflict, Side]]) -> PlanDocument:
    """A copy of ``clean`` with each conflict's items set to the chosen side's values."""
    doc = clean.snapshot()
    doc.revision = 0
    whole: list[tuple[ConflictItem, Side]] = []
    fields: list[tuple[ConflictItem, Side]] = []
    for conflict, side in picks:
        for item in conflict.items:
            (whole if item.field is None else fields).append((item, side))
    settings = doc.settings.model_dump()
    settings_touched = False
    for item, side in whole:
        value = item.value(side)
        if item.kind == SETTINGS:
            # The chosen side's settings, with the merged metadata (it never conflicts).
            settings = {**value.model_dump(), "metadata": doc.settings.metadata}
            settings_touched = True
            continue
        coll = doc.collection(EntityKind(item.kind))
        if value is None:
            coll.pop(item.entity_id, None)
        else:
            coll[item.entity_id] = value
    touched: dict[tuple[EntityKind, str], dict[str, Any]] = {}
    for item, side in fields:
        assert item.field is not None
        if item.kind == SETTINGS:
            set_path(settings, item.field, item.value(side))
            settings_touched = True
            continue
        kind = EntityKind(item.kind)
        if item.entity_id not in doc.collection(kind):
            continue  # deleted by a whole-entity item of the same choice
        values = touched.setdefault((kind, item.entity_id), {})
        name, _, key = item.field.partition(".")
        if key:  # a key of a dict field
            current = values.get(name, getattr(doc.collection(kind)[item.entity_id], name))
            new = dict(current)
            if side in item.absent_on:
                new.pop(key, None)
            else:
                new[key] = item.value(side)
            values[name] = new
        else:
            values[name] = item.value(side)
    for (kind, eid), values in touched.items():
        old = doc.collection(kind)[eid]
        try:
            doc.collection(kind)[eid] = type(old).model_validate({**old.__dict__, **values})
        except ValidationError as exc:
            raise MergeError(
                f"{kind.value} {_name_of(old)}: the chosen values do not fit together: {exc.errors()[0]['msg']}"
            ) from None
    if settings_touched:
        try:
            doc.settings = PlanSettings.model_validate(settings)
        except ValidationError as exc:
            raise MergeError(
                f"settings: the chosen values do not fit together: {exc.errors()[0]['msg']}"
            ) from None
    return doc


# -- the merge --------------------------------------------------------------------------------


class _Merger:
    def __init__(self, base: PlanDocument, ours: PlanDocument, theirs: PlanDocument) -> None:
        self.base, self.ours, self.theirs = base, ours, theirs
        self.groups: list[list[ConflictItem]] = []
        self.reasons: list[str] = []
        #: The order a wave one side lacks gets when that side is chosen (see ``orders``).
        self._after: dict[str, int] = {}

    def side(self, side: Side) -> PlanDocument:
        return self.ours if side == "ours" else self.theirs

    # conflicts as groups: items sharing a key, or an entity one of them replaces whole, are
    # chosen together (the later of two groups joins the earlier)
    def add(self, items: list[ConflictItem], reason: str) -> None:
        keys = {i.key for i in items}
        wholes = {(i.key[0], i.key[1]) for i in items if i.field is None}
        ents = {(i.key[0], i.key[1]) for i in items}
        joined = [
            n
            for n, group in enumerate(self.groups)
            if keys & {i.key for i in group}
            or wholes & {(i.key[0], i.key[1]) for i in group}
            or ents & {(i.key[0], i.key[1]) for i in group if i.field is None}
        ]
        if not joined:
            self.groups.append(list(items))
            self.reasons.append(reason)
            return
        first = joined[0]
        merged = {i.key: i for i in self.groups[first]}
        for n in joined[1:]:
            merged.update({i.key: i for i in self.groups[n]})
        for item in items:
            merged.setdefault(item.key, item)
        # An entity deleted or added whole names the conflict (the fields follow from it).
        self.groups[first] = sorted(merged.values(), key=lambda i: i.field is not None)
        parts = [p for r in (*(self.reasons[n] for n in joined), reason) for p in r.split("; ")]
        # What happened to a whole entity first; a field changed on both sides after it.
        parts.sort(key=lambda p: p == _BOTH_CHANGED)
        self.reasons[first] = "; ".join(dict.fromkeys(parts))
        for n in reversed(joined[1:]):
            del self.groups[n]
            del self.reasons[n]

    def run(self) -> PlanDocument:
        doc = PlanDocument()
        for kind in ENTITY_TYPES:
            b, o, t = (d.collection(kind) for d in (self.base, self.ours, self.theirs))
            out = doc.collection(kind)
            for eid in sorted(b.keys() | o.keys() | t.keys()):
                value = self.entity(kind, eid, b.get(eid), o.get(eid), t.get(eid))
                if value is not None:
                    out[eid] = value
        doc.settings = self.settings()
        self.repair(doc)
        return doc

    def entity(
        self, kind: EntityKind, eid: str, b: Entity | None, o: Entity | None, t: Entity | None
    ) -> Entity | None:
        """The clean merge of one entity (base's where a conflict remains)."""
        if o == t:
            return o
        if t == b:
            return o
        if o == b:
            return t
        if o is None or t is None:
            gone, kept = ("ours", "theirs") if o is None else ("theirs", "ours")
            if b is None:  # cannot happen: added on one side only has o == b or t == b
                return o or t
            self.add(
                [ConflictItem(kind, eid, None, b, o, t)],
                f"deleted by {gone}, edited by {kept}",
            )
            return b
        if b is None:
            self.add(
                [ConflictItem(kind, eid, None, None, o, t)], "added on both sides, differently"
            )
            return None
        values: dict[str, Any] = {}
        items: list[ConflictItem] = []
        for name in type(b).model_fields:
            bv, ov, tv = getattr(b, name), getattr(o, name), getattr(t, name)
            if ov == tv or tv == bv:
                values[name] = ov
            elif ov == bv:
                values[name] = tv
            elif name in SET_FIELDS:
                values[name] = _merge_set(bv, ov, tv)
            elif name in DICT_FIELDS:
                values[name] = self._merge_dict(kind, eid, name, bv, ov, tv, items)
            else:
                values[name] = bv
                items.append(ConflictItem(kind, eid, name, bv, ov, tv))
        try:
            merged = type(b).model_validate(values)
        except ValidationError as exc:
            self.add(
                [ConflictItem(kind, eid, None, b, o, t)],
                "both sides edited it and the edits do not fit together ("
                + str(exc.errors()[0]["msg"])
                + ")",
            )
            return b
        for item in items:
            self.add([item], _BOTH_CHANGED)
        return merged

    def _merge_dict(
        self,
        kind: EntityKind,
        eid: str,
        name: str,
        bv: dict[str, Any],
        ov: dict[str, Any],
        tv: dict[str, Any],
        items: list[ConflictItem],
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        missing = object()
        for key in list(dict.fromkeys([*bv, *ov, *tv])):
            b, o, t = (d.get(key, missing) for d in (bv, ov, tv))
            if o == t or t == b:
                value = o
            elif o == b:
                value = t
            else:
                value = b
                absent = tuple(s for s, v in zip(SIDES, (o, t), strict=True) if v is missing)
                items.append(
                    ConflictItem(
                        kind,
                        eid,
                        f"{name}.{key}",
                        None if b is missing else b,
                        None if o is missing else o,
                        None if t is missing else t,
                        absent,
                    )
                )
            if value is not missing:
                out[key] = value
        return out

    def settings(self) -> PlanSettings:
        b, o, t = self.base.settings, self.ours.settings, self.theirs.settings
        meta = merge_metadata(b.metadata, o.metadata, t.metadata)
        dumps = [s.model_dump(exclude={"metadata"}) for s in (b, o, t)]
        merged, items = _merge_tree(dumps[0], dumps[1], dumps[2], "")
        try:
            settings = PlanSettings.model_validate({**merged, "metadata": meta})
        except ValidationError as exc:
            self.add(
                [ConflictItem(SETTINGS, "", None, b, o, t)],
                "both sides changed settings that do not fit together ("
                + str(exc.errors()[0]["msg"])
                + ")",
            )
            return b.with_changes(metadata=meta)
        for item in items:
            self.add([item], _BOTH_CHANGED)
        return settings

    # -- consistency ------------------------------------------------------------------------

    def repair(self, doc: PlanDocument) -> None:
        """Join into conflicts what a choice of sides would leave inconsistent (problems a
        side's own plan already has are its own, not the merge's)."""
        inherited = set(_problems(self.ours)) | set(_problems(self.theirs))
        for _ in range(MAX_ROUNDS):
            found = False
            for side in SIDES:
                trial = _materialise(doc, [(c, side) for c in self.conflicts()])
                problems = [p for p in _problems(trial) if p not in inherited]
                for problem in problems:
                    found = self.explain(doc, trial, side, problem) or found
                if problems and not found:
                    raise MergeError(
                        "the merge cannot give a consistent plan: "
                        + "; ".join(str(p) for p in problems[:3])
                    )
            if not found:
                return
        raise MergeError("the merge cannot give a consistent plan (conflicts keep growing)")

    def explain(
        self, doc: PlanDocument, trial: PlanDocument, side: Side, problem: tuple[Any, ...]
    ) -> bool:
        """Add the conflict behind one problem; False when it adds nothing new."""
        before = [{i.key for i in g} for g in self.groups]
        what = problem[0]
        if what == "dangling":
            _, kind, eid, fname, target = problem
            self.dangling(doc, trial, kind, eid, fname, target)
        elif what == "pinned":
            _, eid = problem
            items = [self.field_item(EntityKind.WORKLOAD, eid, f) for f in ("pinned", "wave_id")]
            self.add(
                items,
                "pinned on one side, taken out of its wave on the other",
            )
        elif what == "order":
            _, ids = problem
            self.orders(trial, ids)
        return [{i.key for i in g} for g in self.groups] != before

    def field_item(self, kind: EntityKind, eid: str, name: str) -> ConflictItem:
        """One field of an entity on each side; a side without the entity gives the
        field's default (no wave, not pinned): what the entity would have there."""
        default = ENTITY_TYPES[kind].model_fields[name].get_default(call_default_factory=True)
        values = []
        for d in (self.base, self.ours, self.theirs):
            e = d.collection(kind).get(eid)
            values.append(getattr(e, name) if e is not None else default)
        return ConflictItem(kind, eid, name, values[0], values[1], values[2])

    def whole_item(self, kind: EntityKind, eid: str) -> ConflictItem:
        b, o, t = (d.collection(kind).get(eid) for d in (self.base, self.ours, self.theirs))
        return ConflictItem(kind, eid, None, b, o, t)

    def dangling(
        self,
        doc: PlanDocument,
        trial: PlanDocument,
        kind: EntityKind,
        eid: str,
        fname: str,
        target: str,
    ) -> None:
        target_kind = (
            self.base.kind_of_id(target)
            or self.ours.kind_of_id(target)
            or self.theirs.kind_of_id(target)
        )
        items: list[ConflictItem] = []
        if target_kind is not None:
            items.append(self.whole_item(target_kind, target))
        if kind is EntityKind.DEPENDENCY:
            items.append(self.whole_item(kind, eid))
        else:
            item = self.field_item(kind, eid, fname)
            items.append(item)
        # What the side deleting the target detached or removed with it comes back with it.
        for wl in self.base.workloads.values():
            for f in ("wave_id", "application_id"):
                if getattr(wl, f) == target:
                    item = self.field_item(EntityKind.WORKLOAD, wl.id, f)
                    if item.ours != item.theirs:
                        items.append(item)
                        if f == "wave_id":
                            pin = self.field_item(EntityKind.WORKLOAD, wl.id, "pinned")
                            if pin.ours != pin.theirs:
                                items.append(pin)
        for dep in self.base.dependencies.values():
            if target in (dep.source, dep.target):
                item = self.whole_item(EntityKind.DEPENDENCY, dep.id)
                if item.ours != item.theirs:
                    items.append(item)
        gone = [s for s in SIDES if self.side(s).get(target) is None]
        kept = [s for s in SIDES if s not in gone]
        reason = (
            f"deleted by {gone[0]}, still used by {kept[0]}"
            if len(gone) == 1
            else "used but in neither side's plan"
        )
        self.add(items, reason)

    def orders(self, trial: PlanDocument, ids: list[str]) -> None:
        top = max(
            (w.order for d in (self.base, self.ours, self.theirs) for w in d.waves.values()),
            default=0,
        )
        items = []
        for wid in sorted(ids):
            values = []
            for d in (self.base, self.ours, self.theirs):
                w = d.waves.get(wid)  # type: ignore[call-overload]
                values.append(w.order if w is not None else None)
            b, o, t = values
            # A wave one side does not have goes after every wave if that side is chosen,
            # each such wave to an order of its own.
            after = self._after.setdefault(wid, min(10_000, top + len(self._after) + 1))
            items.append(
                ConflictItem(
                    EntityKind.WAVE,
                    wid,
                    "order",
                    b,
                    o if o is not None else after,
                    t if t is not None else after,
                )
            )
        names = ", ".join(sorted(trial.waves[w].name for w in ids if w in trial.waves))  # type: ignore[index]
        self.add(items, f"waves {names} would share an order")

    def conflicts(self) -> list[Conflict]:
        return [self._conflict(g, r) for g, r in zip(self.groups, self.reasons, strict=True)]

    def _conflict(self, items: list[ConflictItem], reason: str) -> Conflict:
        first = items[0]
        docs = (self.base, self.ours, self.theirs)
        if first.kind == SETTINGS:
            title = f"Setting {_setting_label(first.field)}" if first.field else "Settings"
        else:
            name = _describe_id(self, first.entity_id)
            title = name + (f": {_field_label(first.field)}" if first.field else "")
        texts = [
            _value_text(first, v, d, base=n == 0)
            for n, (v, d) in enumerate(
                zip((first.base, first.ours, first.theirs), docs, strict=True)
            )
        ]
        return Conflict(
            tuple(items),
            title,
            reason,
            texts[0],
            texts[1],
            texts[2],
            details=tuple(self._detail(i) for i in items),
        )

    def _detail(self, item: ConflictItem) -> str:
        if item.kind == SETTINGS:
            what = f"Setting {_setting_label(item.field)}" if item.field else "Settings"
        else:
            what = _describe_id(self, item.entity_id)
            what += f": {_field_label(item.field)}" if item.field else ""
        ours = _value_text(item, item.ours, self.ours)
        theirs = _value_text(item, item.theirs, self.theirs)
        return f"{what}: ours {ours}, theirs {theirs}"


def _problems(doc: PlanDocument) -> list[tuple[Any, ...]]:
    """The consistency problems of ``doc`` (``check_consistency``, their one home), each as
    what the merge repairs: the entity, the field and what it points at. A problem of a rule
    the merge does not know stays as its message, and the merge refuses rather than guess."""
    out: list[tuple[Any, ...]] = []
    for problem in check_consistency(doc):
        rule, eid = problem.rule, problem.entity_id
        if rule in ("missing-wave", "missing-application"):
            field_name = "wave_id" if rule == "missing-wave" else "application_id"
            target = getattr(doc.workloads[eid], field_name)  # type: ignore[index]
            out.append(("dangling", EntityKind.WORKLOAD, eid, field_name, target))
        elif rule == "pinned-no-wave":
            out.append(("pinned", eid))
        elif rule == "dangling-end":
            dep = doc.dependencies[eid]  # type: ignore[index]
            for end, name in ((dep.source, "source"), (dep.target, "target")):
                if doc.kind_of_id(end) in (None, EntityKind.WAVE, EntityKind.DEPENDENCY):
                    out.append(("dangling", EntityKind.DEPENDENCY, eid, name, end))
        elif rule == "wave-order":
            by_order: dict[int, list[str]] = {}
            for wave in doc.waves.values():
                by_order.setdefault(wave.order, []).append(wave.id)
            out += [("order", tuple(sorted(ids))) for ids in by_order.values() if len(ids) > 1]
        else:
            out.append(("other", problem.message))
    return list(dict.fromkeys(out))


_MISSING: Any = object()


def _merge_set(b: tuple[Any, ...], o: tuple[Any, ...], t: tuple[Any, ...]) -> tuple[Any, ...]:
    """Both sides' additions, without what either removed, in ours' order then theirs'."""
    removed = (set(b) - set(o)) | (set(b) - set(t))
    return tuple(v for v in dict.fromkeys([*o, *t]) if v not in removed)


def _merge_tree(b: Any, o: Any, t: Any, path: str) -> tuple[Any, list[ConflictItem]]:
    """Three-way merge of nested dicts by path (lists and values whole)."""
    if o == t or t == b:
        return o, []
    if o == b:
        return t, []
    if isinstance(b, dict) and isinstance(o, dict) and isinstance(t, dict):
        out: dict[str, Any] = {}
        items: list[ConflictItem] = []
        for key in dict.fromkeys([*b, *o, *t]):
            value, found = _merge_tree(
                b.get(key, _MISSING),
                o.get(key, _MISSING),
                t.get(key, _MISSING),
                f"{path}.{key}" if path else key,
            )
            if value is not _MISSING:
                out[key] = value
            items += found
        return out, items
    plain = [None if v is _MISSING else v for v in (b, o, t)]
    return plain[0], [ConflictItem(SETTINGS, "", path, plain[0], plain[1], plain[2])]


def _describe_id(merger: _Merger, eid: str) -> str:
    for d in (merger.ours, merger.theirs, merger.base):
        found = d.get(eid)
        if found is not None:
            kind = d.kind_of_id(eid).value  # type: ignore[union-attr]
            name = _name_of(found)
            if name.casefold().startswith(kind):  # "Wave 3", not "wave Wave 3"
                return name
            return f"{kind.capitalize()} {name}"
    return eid


def _name_of(entity: Entity) -> str:
    return str(getattr(entity, "name", "") or entity.id)  # type: ignore[attr-defined]


def _setting_label(path: str) -> str:
    """ "link bandwidth (network.link_mbps)": the settings dialog's name and the path."""
    known = FIELD_BY_PATH.get(path)
    label = known.label_in_text if known is not None else LISTS.get(path)
    return f"{label} ({path})" if label else path


def _field_label(name: str) -> str:
    head, _, key = name.partition(".")
    return f"column {key!r}" if key else label_of(head)


def _value_text(item: ConflictItem, value: Any, doc: PlanDocument, base: bool = False) -> str:
    """``value`` of ``item`` as a person reads it (``base``: it is the base's value)."""
    if item.field is None:
        if value is None:
            return "not there" if base or item.base is None else "deleted"
        if base:
            return "in the plan"
        if item.base is None:
            return "added"
        return "kept" if value == item.base else "edited"
    if item.kind == SETTINGS:
        known = FIELD_BY_PATH.get(item.field)
        unit = f" {known.unit}" if known is not None and known.unit and value is not None else ""
        return show_value(value, "", None) + unit
    return show_value(value, item.field.partition(".")[0], doc)
