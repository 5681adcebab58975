"""What changed between two versions of a plan, in words a person reads.

``compare(old, new)`` matches entities by id and lists, per kind, what was added, removed and
edited (each edited field named in words, old value → new value); a workload's change of wave
is a move, named by the waves' names and orders. Settings are compared value by value and
named by their path. Risk per wave comes from ``Assessment`` on each side, waves matched by id,
then by name. The plan's metadata (who saved it when) is not a change of the plan and is left
out. ``PlanDiff.sections()`` is what the CLI prints and the Compare dialog shows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel

from migplan.core.document import PlanDocument
from migplan.core.enums import EntityKind
from migplan.core.models import Dependency, Disposition, Entity, GpuNeeds, TimeWindow, Wave

#: Entity fields in words; a field not listed is shown with its underscores as spaces.
FIELD_LABELS: dict[str, str] = {
    "name": "name",
    "source_system": "source system",
    "source_key": "source key",
    "power_state": "power state",
    "is_template": "template",
    "os_reported": "operating system (as reported)",
    "os_family": "operating system family",
    "os_distro": "OS distribution",
    "os_version": "OS version",
    "vcpu": "vCPU",
    "memory_mib": "memory (MiB)",
    "storage_provisioned_mib": "storage provisioned (MiB)",
    "storage_used_mib": "storage used (MiB)",
    "ips": "IP addresses",
    "dns_name": "DNS name",
    "application_id": "application",
    "wave_id": "wave",
    "pinned": "pinned to its wave",
    "disposition": "disposition",
    "workload_class": "workload class (set by hand)",
    "gpu": "GPU needs",
    "curated": "values set by a person",
    "blockers": "migration blockers",
    "sources": "source rows",
    "order": "order",
    "start_date": "start date",
    "end_date": "end date",
    "cutover_window": "cutover window",
    "rollback_window": "rollback window",
    "locked": "locked",
    "port": "port",
    "latency_sensitive": "latency sensitive",
    "hard": "hard (must move together)",
    "weight": "traffic weight",
    "count": "times observed",
    "origin_kind": "origin",
    "origin_file": "origin file",
    "origin_sheet": "origin sheet",
    "origin_row": "origin row",
    "origin_label": "origin label",
}
#: Longest value shown in a line; longer values end in "…".
MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class FieldChange:
    """One value that changed: ``field`` is the field name or settings path, ``label`` it in
    words, ``old`` and ``new`` the values as a person reads them."""

    field: str
    label: str
    old: str
    new: str

    def line(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


@dataclass(frozen=True)
class Item:
    """An entity added or removed."""

    id: str
    name: str


@dataclass(frozen=True)
class Changed:
    """An entity in both versions with some fields changed."""

    id: str
    name: str
    changes: tuple[FieldChange, ...]

    def line(self) -> str:
        return f"{self.name}: " + "; ".join(c.line() for c in self.changes)


@dataclass(frozen=True)
class Move:
    """A workload now in another wave (``old_wave``/``new_wave`` say "Wave 2 (order 2)" or
    "no wave")."""

    id: str
    name: str
    old_wave: str
    new_wave: str
    old_wave_id: str | None = None
    new_wave_id: str | None = None

    def line(self) -> str:
        return f"{self.name}: {self.old_wave} → {self.new_wave}"


@dataclass(frozen=True)
class RiskChange:
    """A wave's risk before and after (None where the wave is not in that version)."""

    wave: str
    before_score: float | None
    before_band: str | None
    after_score: float | None
    after_band: str | None

    @property
    def changed(self) -> bool:
        return (round(self.before_score or -1), self.before_band) != (
            round(self.after_score or -1),
            self.after_band,
        )

    def line(self) -> str:
        def show(score: float | None, band: str | None) -> str:
            return "not in this version" if score is None else f"{score:.0f} ({band})"

        mark = "" if self.changed else " (unchanged)"
        before = show(self.before_score, self.before_band)
        after = show(self.after_score, self.after_band)
        return f"{self.wave}: {before} → {after}{mark}"


@dataclass(frozen=True)
class Section:
    """A heading with its count and lines, as the CLI prints it and the dialog lists it."""

    title: str
    count: int
    lines: tuple[str, ...]

    @property
    def heading(self) -> str:
        """The title with its count ("Workloads moved to another wave (3)")."""
        return self.title if self.title.endswith(")") else f"{self.title} ({self.count})"


@dataclass(frozen=True)
class PlanDiff:
    """Everything that differs between two plans (``old`` → ``new``)."""

    workloads_added: tuple[Item, ...] = ()
    workloads_removed: tuple[Item, ...] = ()
    workloads_moved: tuple[Move, ...] = ()
    workloads_changed: tuple[Changed, ...] = ()
    applications_added: tuple[Item, ...] = ()
    applications_removed: tuple[Item, ...] = ()
    applications_changed: tuple[Changed, ...] = ()
    dependencies_added: tuple[Item, ...] = ()
    dependencies_removed: tuple[Item, ...] = ()
    dependencies_changed: tuple[Changed, ...] = ()
    externals_added: tuple[Item, ...] = ()
    externals_removed: tuple[Item, ...] = ()
    externals_changed: tuple[Changed, ...] = ()
    waves_added: tuple[Item, ...] = ()
    waves_removed: tuple[Item, ...] = ()
    waves_changed: tuple[Changed, ...] = ()
    settings_changed: tuple[FieldChange, ...] = ()
    risk: tuple[RiskChange, ...] = field(default=())

    @property
    def same(self) -> bool:
        """True when the plans hold the same entities and settings (risk then agrees too)."""
        return not any(getattr(self, name) for name in _CHANGE_FIELDS)

    def summary(self) -> str:
        """One line: "Workloads: 2 added, 3 moved; waves: 1 renamed; 2 settings changed"."""
        if self.same:
            return "No differences"
        parts: list[str] = []
        for noun, groups in (
            ("workloads", ("added", "removed", "moved", "changed")),
            ("applications", ("added", "removed", "changed")),
            ("dependencies", ("added", "removed", "changed")),
            ("external nodes", ("added", "removed", "changed")),
        ):
            attr = "externals" if noun == "external nodes" else noun
            counts = [
                f"{len(getattr(self, f'{attr}_{g}'))} {'edited' if g == 'changed' else g}"
                for g in groups
                if getattr(self, f"{attr}_{g}")
            ]
            if counts:
                parts.append(f"{noun}: {', '.join(counts)}")
        wave_words = self._wave_words()
        if wave_words:
            parts.append(f"waves: {', '.join(wave_words)}")
        if self.settings_changed:
            n = len(self.settings_changed)
            parts.append(f"{n} setting{'s' if n != 1 else ''} changed")
        text = "; ".join(parts)
        return text[0].upper() + text[1:]

    def _wave_words(self) -> list[str]:
        words: list[str] = []
        if self.waves_added:
            words.append(f"{len(self.waves_added)} added")
        if self.waves_removed:
            words.append(f"{len(self.waves_removed)} removed")
        kinds = {
            "renamed": {"name"},
            "re-dated": {"start_date", "end_date", "cutover_window", "rollback_window"},
            "locked or unlocked": {"locked"},
            "reordered": {"order"},
            "edited": {"notes"},
        }
        for word, fields in kinds.items():
            n = sum(1 for c in self.waves_changed if any(f.field in fields for f in c.changes))
            if n:
                words.append(f"{n} {word}")
        return words

    def sections(self) -> list[Section]:
        """The non-empty sections in reading order: workloads, applications, dependencies,
        external nodes, waves, settings, then risk per wave."""
        out: list[Section] = []

        def add(title: str, items: tuple[Any, ...], line: Callable[[Any], str]) -> None:
            if items:
                out.append(Section(title, len(items), tuple(line(i) for i in items)))

        def named(i: Item) -> str:
            return i.name

        def text(i: Changed | Move | FieldChange | RiskChange) -> str:
            return i.line()

        add("Workloads added", self.workloads_added, named)
        add("Workloads removed", self.workloads_removed, named)
        add("Workloads moved to another wave", self.workloads_moved, text)
        add("Workloads edited", self.workloads_changed, text)
        add("Applications added", self.applications_added, named)
        add("Applications removed", self.applications_removed, named)
        add("Applications edited", self.applications_changed, text)
        add("Dependencies added", self.dependencies_added, named)
        add("Dependencies removed", self.dependencies_removed, named)
        add("Dependencies edited", self.dependencies_changed, text)
        add("External nodes added", self.externals_added, named)
        add("External nodes removed", self.externals_removed, named)
        add("External nodes edited", self.externals_changed, text)
        add("Waves added", self.waves_added, named)
        add("Waves removed", self.waves_removed, named)
        add("Waves changed", self.waves_changed, text)
        add("Settings changed", self.settings_changed, text)
        if self.risk:
            n = sum(1 for r in self.risk if r.changed)
            title = f"Risk per wave, before → after ({n} of {len(self.risk)} changed)"
            out.append(Section(title, n, tuple(r.line() for r in self.risk)))
        return out

    def to_json(self) -> dict[str, Any]:
        """A plain dict (json.dumps-ready): every list, ``same`` and ``summary``."""
        data = asdict(self)
        data["same"] = self.same
        data["summary"] = self.summary()
        for r in data["risk"]:
            r["changed"] = RiskChange(**{k: r[k] for k in _RISK_KEYS}).changed
        return data

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)


_CHANGE_FIELDS = tuple(n for n in PlanDiff.__dataclass_fields__ if n != "risk")
_RISK_KEYS = ("wave", "before_score", "before_band", "after_score", "after_band")


def compare(old: PlanDocument, new: PlanDocument, risk: bool = True) -> PlanDiff:
    """What changed from ``old`` to ``new``; ``risk=False`` skips the two assessments (about
    a second each per 10,000 workloads)."""
    parts: dict[str, Any] = {}
    for kind, entity_kind in (
        ("workloads", EntityKind.WORKLOAD),
        ("applications", EntityKind.APPLICATION),
        ("dependencies", EntityKind.DEPENDENCY),
        ("externals", EntityKind.EXTERNAL),
        ("waves", EntityKind.WAVE),
    ):
        o: dict[str, Any] = old.collection(entity_kind)
        n: dict[str, Any] = new.collection(entity_kind)
        old_name = _namer(old, kind)
        new_name = _namer(new, kind)
        parts[f"{kind}_added"] = tuple(
            Item(i, new_name(n[i])) for i in _sorted(n.keys() - o.keys(), n, new_name)
        )
        parts[f"{kind}_removed"] = tuple(
            Item(i, old_name(o[i])) for i in _sorted(o.keys() - n.keys(), o, old_name)
        )
        changed: list[Changed] = []
        moves: list[Move] = []
        for eid in _sorted(o.keys() & n.keys(), n, new_name):
            before, after = o[eid], n[eid]
            if before == after:
                continue
            fields = entity_changes(before, after, old, new)
            if kind == "workloads" and before.wave_id != after.wave_id:
                moves.append(
                    Move(
                        eid,
                        new_name(after),
                        _wave_text(old, before.wave_id),
                        _wave_text(new, after.wave_id),
                        before.wave_id,
                        after.wave_id,
                    )
                )
                fields = tuple(f for f in fields if f.field != "wave_id")
            if fields:
                changed.append(Changed(eid, new_name(after), fields))
        parts[f"{kind}_changed"] = tuple(changed)
        if kind == "workloads":
            parts["workloads_moved"] = tuple(moves)
    parts["settings_changed"] = tuple(settings_changes(old.settings, new.settings))
    diff = PlanDiff(**parts)
    if risk and not diff.same:
        diff = PlanDiff(**{**parts, "risk": tuple(risk_changes(old, new))})
    return diff


def entity_changes(
    before: Entity, after: Entity, old_doc: PlanDocument, new_doc: PlanDocument
) -> tuple[FieldChange, ...]:
    """The fields of one entity that differ, in the model's field order; ``attributes``
    key by key."""
    out: list[FieldChange] = []
    for name in type(before).model_fields:
        a, b = getattr(before, name), getattr(after, name)
        if a == b or name in _BOOKKEEPING:
            continue
        if name == "attributes":
            for key in sorted(set(a) | set(b), key=str):
                if a.get(key) != b.get(key):
                    out.append(
                        FieldChange(
                            f"attributes.{key}",
                            f"column {key!r}",
                            show_value(a.get(key), "", old_doc),
                            show_value(b.get(key), "", new_doc),
                        )
                    )
            continue
        out.append(
            FieldChange(
                name, label_of(name), show_value(a, name, old_doc), show_value(b, name, new_doc)
            )
        )
    return tuple(out)


def settings_changes(old: BaseModel, new: BaseModel) -> list[FieldChange]:
    """Every settings value that differs, by dotted path (lists compared whole); the plan's
    metadata is not a setting and is left out."""
    from migplan.core.settings_fields import FIELD_BY_PATH, LISTS

    a = _flatten(old.model_dump(mode="json", exclude={"metadata"}))
    b = _flatten(new.model_dump(mode="json", exclude={"metadata"}))
    out = []
    for path in sorted(set(a) | set(b)):
        if a.get(path, _MISSING) == b.get(path, _MISSING):
            continue
        known = FIELD_BY_PATH.get(path)
        unit = f" {known.unit}" if known is not None and known.unit else ""
        label = known.label if known is not None else LISTS.get(path, path.replace("_", " "))
        out.append(
            FieldChange(
                path,
                f"{label} ({path})",
                show_value(a.get(path), "", None)
                + (unit if path in a and a[path] is not None else ""),
                show_value(b.get(path), "", None)
                + (unit if path in b and b[path] is not None else ""),
            )
        )
    return out


def risk_changes(old: PlanDocument, new: PlanDocument) -> list[RiskChange]:
    """Each wave's score and band in both versions, waves matched by id, then by name, in
    the new plan's order (waves only the old plan has last)."""
    from migplan.core.assess.assessment import Assessment

    before = Assessment(old).risks if old.waves else {}
    after = Assessment(new).risks if new.waves else {}
    old_by_name = {w.name: w for w in old.waves.values()}
    matched: set[str] = set()
    out: list[RiskChange] = []
    for wave in new.waves_in_order():
        twin = old.waves.get(wave.id) or old_by_name.get(wave.name)
        if twin is not None and twin.id in matched:
            twin = None
        b = before.get(twin.id) if twin is not None else None
        a = after.get(wave.id)
        if twin is not None:
            matched.add(twin.id)
        out.append(
            RiskChange(
                wave.name,
                b.score if b else None,
                b.band.value if b else None,
                a.score if a else None,
                a.band.value if a else None,
            )
        )
    for wave in old.waves_in_order():
        if wave.id not in matched:
            b = before.get(wave.id)
            out.append(
                RiskChange(
                    wave.name, b.score if b else None, b.band.value if b else None, None, None
                )
            )
    return out


# -- showing values -------------------------------------------------------------------------

_MISSING = object()
#: How an empty reference reads.
_NO_VALUE = {"wave_id": "no wave", "application_id": "no application"}
#: Fields that record how other fields were set, not what the plan says: not listed.
_BOOKKEEPING = frozenset({"curated"})


def label_of(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(_flatten(value, path + "."))
        else:
            out[path] = value
    return out


def show_value(value: Any, name: str, doc: PlanDocument | None) -> str:
    """A value of field ``name`` as a person reads it, at most ``MAX_VALUE_CHARS`` long."""
    text = _text(value, name, doc)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _text(value: Any, name: str, doc: PlanDocument | None) -> str:
    if value is None and name in _NO_VALUE:
        return _NO_VALUE[name]
    if value is None or value == "":
        return "none" if name.endswith("_id") or name in ("gpu", "disposition") else "(empty)"
    if name == "application_id" and doc is not None:
        app = doc.applications.get(value)
        return app.name if app is not None else str(value)
    if name == "wave_id" and doc is not None:
        return _wave_text(doc, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Disposition):
        return value.kind.value + ("" if value.by_user else " (suggested)")
    if isinstance(value, GpuNeeds):
        model = f" {value.model}" if value.model else ""
        return f"{value.count} GPU{'s' if value.count != 1 else ''}{model}, {value.mode.value}"
    if isinstance(value, TimeWindow):
        return f"{_text(value.start, '', doc)} to {_text(value.end, '', doc)}"
    if isinstance(value, tuple | list):
        if not value:
            return "(none)"
        if all(isinstance(v, str | int | float) for v in value):
            return ", ".join(str(v) for v in value)
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, BaseModel | dict):
        return json.dumps(
            value.model_dump(mode="json") if isinstance(value, BaseModel) else value, sort_keys=True
        )
    return str(value)


def _wave_text(doc: PlanDocument, wave_id: str | None) -> str:
    if wave_id is None:
        return "no wave"
    wave = doc.waves.get(wave_id)  # type: ignore[call-overload]
    if not isinstance(wave, Wave):
        return str(wave_id)
    return f"{wave.name} (order {wave.order})"


def _namer(doc: PlanDocument, kind: str) -> Callable[[Any], str]:
    if kind == "dependencies":
        return lambda dep: _dependency_text(doc, dep)
    return lambda entity: str(getattr(entity, "name", "") or entity.id)


def _dependency_text(doc: PlanDocument, dep: Dependency) -> str:
    proto = "" if dep.protocol.value == "unknown" else f"{dep.protocol.value}/"
    port = f" ({proto}{dep.port})" if dep.port is not None else ""
    return f"{doc.node_name(dep.source)} → {doc.node_name(dep.target)}{port}"


def _sorted(ids: Any, coll: Mapping[str, Any], name: Callable[[Any], str]) -> list[str]:
    return sorted(ids, key=lambda i: (name(coll[i]).casefold(), i))
