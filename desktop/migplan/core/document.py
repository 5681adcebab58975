"""The plan document: one aggregate holding every entity of a plan.

The document is changed only through commands (``migplan.core.commands``); each returns its
inverse and a change summary, which is all undo/redo and the views need.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict, Field

from migplan.core.enums import EntityKind
from migplan.core.ids import AppId, DependencyId, ExternalId, HostId, WaveId, WorkloadId
from migplan.core.models import (
    Application,
    Dependency,
    Entity,
    ExternalNode,
    Host,
    Wave,
    Workload,
)
from migplan.core.settings import PlanSettings

if TYPE_CHECKING:
    from migplan.core.changes import ChangeSummary
    from migplan.core.commands import Command

ENTITY_TYPES: dict[EntityKind, type[Entity]] = {
    EntityKind.WORKLOAD: Workload,
    EntityKind.APPLICATION: Application,
    EntityKind.DEPENDENCY: Dependency,
    EntityKind.WAVE: Wave,
    EntityKind.EXTERNAL: ExternalNode,
    EntityKind.HOST: Host,
}
KIND_OF_TYPE: dict[type[Entity], EntityKind] = {t: k for k, t in ENTITY_TYPES.items()}


def kind_of(entity: Entity) -> EntityKind:
    return KIND_OF_TYPE[type(entity)]


class PlanData(BaseModel):
    """The whole plan as plain lists, each sorted by id: what the plan file stores."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    settings: PlanSettings = Field(default_factory=PlanSettings)
    applications: list[Application] = Field(default_factory=list)
    workloads: list[Workload] = Field(default_factory=list)
    externals: list[ExternalNode] = Field(default_factory=list)
    dependencies: list[Dependency] = Field(default_factory=list)
    waves: list[Wave] = Field(default_factory=list)
    #: Legacy hypervisor hosts (new in format 2; absent from older files: none known).
    hosts: list[Host] = Field(default_factory=list)


class InvalidPlanError(ValueError):
    """Entities that are each valid but cannot stand together in one plan."""


class DuplicateIdError(InvalidPlanError):
    pass


class PlanDocument:
    """Mutable aggregate over immutable entities, with O(1) lookup by id."""

    def __init__(self, settings: PlanSettings | None = None) -> None:
        self.settings: PlanSettings = settings or PlanSettings()
        self.workloads: dict[WorkloadId, Workload] = {}
        self.applications: dict[AppId, Application] = {}
        self.dependencies: dict[DependencyId, Dependency] = {}
        self.waves: dict[WaveId, Wave] = {}
        self.externals: dict[ExternalId, ExternalNode] = {}
        self.hosts: dict[HostId, Host] = {}
        #: Incremented by every applied command; caches key on it.
        self.revision = 0

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_data(cls, data: PlanData) -> PlanDocument:
        doc = cls(data.settings)
        doc.applications = {e.id: e for e in data.applications}
        doc.workloads = {e.id: e for e in data.workloads}
        doc.externals = {e.id: e for e in data.externals}
        doc.dependencies = {e.id: e for e in data.dependencies}
        doc.waves = {e.id: e for e in data.waves}
        doc.hosts = {e.id: e for e in data.hosts}
        total = sum(len(c) for c in (data.applications, data.workloads, data.externals))
        total += len(data.dependencies) + len(data.waves) + len(data.hosts)
        for dep in data.dependencies:
            if dep.source == dep.target:
                raise InvalidPlanError(dep.loop_problem)
        if len(set().union(*doc._collections())) != total:
            seen: set[str] = set()
            for coll in (
                data.applications,
                data.workloads,
                data.externals,
                data.dependencies,
                data.waves,
                data.hosts,
            ):
                for e in coll:
                    if e.id in seen:
                        raise DuplicateIdError(f"the id {e.id} is used twice")
                    seen.add(e.id)
        return doc

    @classmethod
    def from_entities(
        cls, entities: Iterable[Entity], settings: PlanSettings | None = None
    ) -> PlanDocument:
        doc = cls(settings)
        doc.insert_many(entities)
        return doc

    def to_data(self) -> PlanData:
        def ordered(coll: dict[Any, Any]) -> list[Any]:
            return [coll[k] for k in sorted(coll)]

        return PlanData.model_construct(
            settings=self.settings,
            applications=ordered(self.applications),
            workloads=ordered(self.workloads),
            externals=ordered(self.externals),
            dependencies=ordered(self.dependencies),
            waves=ordered(self.waves),
            hosts=ordered(self.hosts),
        )

    def snapshot(self) -> PlanDocument:
        """A copy to read on another thread while this one is edited.

        Entities and settings are immutable, so copying the collections is enough (a few
        milliseconds at 10,000 workloads).
        """
        copy = PlanDocument(self.settings)
        copy.workloads = dict(self.workloads)
        copy.applications = dict(self.applications)
        copy.dependencies = dict(self.dependencies)
        copy.waves = dict(self.waves)
        copy.externals = dict(self.externals)
        copy.hosts = dict(self.hosts)
        copy.revision = self.revision
        return copy

    # -- low-level storage (used by commands; views must not call these) -------------------

    def _collections(self) -> tuple[dict[Any, Any], ...]:
        """Every collection, in the order ids are looked up (``get``)."""
        return (
            self.workloads,
            self.dependencies,
            self.applications,
            self.waves,
            self.externals,
            self.hosts,
        )

    def collection(self, kind: EntityKind) -> dict[str, Entity]:
        coll = {
            EntityKind.WORKLOAD: self.workloads,
            EntityKind.APPLICATION: self.applications,
            EntityKind.DEPENDENCY: self.dependencies,
            EntityKind.WAVE: self.waves,
            EntityKind.EXTERNAL: self.externals,
            EntityKind.HOST: self.hosts,
        }[kind]
        return cast(dict[str, Entity], coll)

    def insert_many(self, entities: Iterable[Entity]) -> None:
        for entity in entities:
            eid = entity.id  # type: ignore[attr-defined]
            if self.get(eid) is not None:
                raise DuplicateIdError(f"the id {eid} is used twice")
            self.collection(kind_of(entity))[eid] = entity

    def put(self, entity: Entity) -> None:
        self.collection(kind_of(entity))[entity.id] = entity  # type: ignore[attr-defined]

    def delete(self, kind: EntityKind, eid: str) -> Entity:
        return self.collection(kind).pop(eid)

    # -- queries ------------------------------------------------------------------------

    def get(self, eid: str) -> Entity | None:
        for coll in self._collections():
            found = coll.get(eid)
            if found is not None:
                return cast(Entity, found)
        return None

    def kind_of_id(self, eid: str) -> EntityKind | None:
        found = self.get(eid)
        return kind_of(found) if found is not None else None

    def node_name(self, node_id: str) -> str:
        found = self.get(node_id)
        return getattr(found, "name", node_id) if found is not None else node_id

    def waves_in_order(self) -> list[Wave]:
        return sorted(self.waves.values(), key=lambda w: (w.order, w.name, w.id))

    def workloads_in_wave(self, wave: WaveId | None) -> list[Workload]:
        return [w for w in self.workloads.values() if w.wave_id == wave]

    def workloads_of_app(self, app: AppId) -> list[Workload]:
        return [w for w in self.workloads.values() if w.application_id == app]

    def dependencies_of(self, node_ids: set[str]) -> Iterator[Dependency]:
        for dep in self.dependencies.values():
            if dep.source in node_ids or dep.target in node_ids:
                yield dep

    def counts(self) -> dict[str, int]:
        return {
            "workloads": len(self.workloads),
            "applications": len(self.applications),
            "dependencies": len(self.dependencies),
            "waves": len(self.waves),
            "externals": len(self.externals),
        }

    # -- change -------------------------------------------------------------------------

    def apply(self, command: Command) -> tuple[Command, ChangeSummary]:
        """Apply ``command``; return its inverse and what changed. Raises ``CommandError``."""
        inverse, summary = command.apply(self)
        self.revision += 1
        return inverse, summary

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PlanDocument):
            return NotImplemented
        return (
            self.settings == other.settings
            and self.workloads == other.workloads
            and self.applications == other.applications
            and self.dependencies == other.dependencies
            and self.waves == other.waves
            and self.externals == other.externals
            and self.hosts == other.hosts
        )

    __hash__ = None  # type: ignore[assignment]
