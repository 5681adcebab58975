"""What a command changed, so views refresh only what they must (Anki's ``OpChanges``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from migplan.core.enums import EntityKind


@dataclass
class ChangeSummary:
    added: dict[EntityKind, set[str]] = field(default_factory=dict)
    removed: dict[EntityKind, set[str]] = field(default_factory=dict)
    updated: dict[EntityKind, set[str]] = field(default_factory=dict)
    #: Field names updated per kind (e.g. ``wave_id``), for views that show only some fields.
    fields: dict[EntityKind, set[str]] = field(default_factory=dict)
    settings: bool = False

    def note(self, what: str, kind: EntityKind, ids: Iterable[str]) -> None:
        bucket = getattr(self, what)
        bucket.setdefault(kind, set()).update(ids)

    def note_fields(self, kind: EntityKind, names: Iterable[str]) -> None:
        self.fields.setdefault(kind, set()).update(names)

    def merge(self, other: ChangeSummary) -> ChangeSummary:
        for what in ("added", "removed", "updated"):
            for kind, ids in getattr(other, what).items():
                self.note(what, kind, ids)
        for kind, names in other.fields.items():
            self.note_fields(kind, names)
        self.settings = self.settings or other.settings
        return self

    @property
    def kinds(self) -> set[EntityKind]:
        return set(self.added) | set(self.removed) | set(self.updated)

    def touches(self, kind: EntityKind) -> bool:
        return kind in self.kinds

    def structural(self, kind: EntityKind) -> bool:
        """True when rows of ``kind`` were added or removed (not only edited)."""
        return bool(self.added.get(kind) or self.removed.get(kind))

    def ids(self, kind: EntityKind) -> set[str]:
        out: set[str] = set()
        for bucket in (self.added, self.removed, self.updated):
            out |= bucket.get(kind, set())
        return out

    @property
    def empty(self) -> bool:
        return not self.kinds and not self.settings

    def describe(self) -> str:
        parts = []
        for what in ("added", "removed", "updated"):
            for kind, ids in sorted(getattr(self, what).items()):
                if ids:
                    parts.append(f"{what} {len(ids)} {_noun(kind, len(ids))}")
        if self.settings:
            parts.append("changed settings")
        return ", ".join(parts) or "no change"


_PLURALS = {"dependency": "dependencies", "external": "external nodes"}
_SINGULARS = {"external": "external node"}


def _noun(kind: EntityKind, n: int) -> str:
    if n == 1:
        return _SINGULARS.get(kind.value, kind.value)
    return _PLURALS.get(kind.value, kind.value + "s")
