"""The entities of a plan, as immutable pydantic models.

Entities are frozen: a change makes a new entity (``Workload.with_changes``), which is what lets
every command hand back an exact inverse. Validation messages are written for the person
editing the plan, not for a programmer.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from migplan.core.enums import (
    Criticality,
    DispositionKind,
    Environment,
    GpuMode,
    OriginKind,
    OsFamily,
    PowerState,
    Protocol,
    WorkloadClass,
)
from migplan.core.ids import (
    ID_PATTERN,
    AppId,
    DependencyId,
    ExternalId,
    HostId,
    WaveId,
    WorkloadId,
)

#: Longest text an attribute may hold: a spreadsheet cell's (the importers refuse longer), so a
#: plan file cannot make MigPlan hold a 900 MB string.
MAX_ATTRIBUTE_CHARS = 100_000
#: A value kept verbatim from an imported column.
AttributeValue = Annotated[str, Field(max_length=MAX_ATTRIBUTE_CHARS)] | int | float | bool | None

Name = Annotated[str, Field(min_length=1, max_length=400)]
Text = Annotated[str, Field(max_length=100_000)]
ShortText = Annotated[str, Field(max_length=1_000)]
NonNegInt = Annotated[int, Field(ge=0)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Entity(BaseModel):
    """Base of every stored record: frozen, strict about unknown fields, whitespace stripped."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        validate_default=False,
        use_enum_values=False,
    )

    def with_changes(self, **changes: Any) -> Self:
        """A validated copy with ``changes`` applied (``model_copy`` would skip validation)."""
        # Unchanged nested models are reused as they are (pydantic does not revalidate them).
        data = dict(self.__dict__)
        data.update(changes)
        return self.__class__.model_validate(data)

    def with_valid(self, changes: Mapping[str, Any]) -> Self:
        """A copy with ``changes`` that are known valid, not validated again: values taken
        from entities already validated (an import's merge of 10,000 workloads, an undo).
        ``model_copy`` without its copies; a rule across fields is the caller's to keep."""
        new = self.__class__.__new__(self.__class__)
        object.__setattr__(new, "__dict__", {**self.__dict__, **changes})
        object.__setattr__(new, "__pydantic_fields_set__", self.model_fields_set | set(changes))
        object.__setattr__(new, "__pydantic_extra__", None)
        object.__setattr__(new, "__pydantic_private__", None)
        return new


class SourceRef(Entity):
    """Where a record (or some of its values) came from: file, sheet and 1-based row."""

    file: ShortText
    sheet: ShortText = ""
    row: Annotated[int, Field(ge=0)] = 0
    #: Fields this row supplied; empty means the whole record came from it, unless the row
    #: was merged from another source (``key``): then it lists what it filled, maybe nothing.
    fields: tuple[str, ...] = ()
    #: The column each of ``fields`` was read from (same order; empty when not recorded).
    columns: tuple[ShortText, ...] = ()
    #: The row's identity in its source ("system/key" or "system/name"), recorded when the
    #: row was merged into a workload first imported from another source.
    key: ShortText = ""

    def column_of(self, name: str) -> str | None:
        """The column this row gave ``name`` from: "" when the row gave it but the column
        was not recorded, None when the row did not give it."""
        if not self.fields:
            return None if self.key else ""
        try:
            i = self.fields.index(name)
        except ValueError:
            return None
        return self.columns[i] if i < len(self.columns) else ""

    def describe(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row:
            parts.append(f"row {self.row}")
        return ", ".join(parts)


class Blocker(Entity):
    """A migration blocker or warning found on a workload, and the cell it was read from.

    ``rule_id`` names a rule of ``core.blockers`` (Forklift's concern id where Forklift has
    one); the rule says how severe it is, why it matters and what to fix first.
    """

    rule_id: Annotated[str, Field(min_length=1, max_length=200)]
    #: What was found on this workload, in a few words (``Hard disk 2, physicalMode``).
    detail: ShortText = ""
    source: SourceRef | None = None
    column: ShortText = ""
    value: ShortText = ""

    def where(self) -> str:
        """File, sheet, row and column of the cell it was read from, as far as known."""
        parts = [self.source.describe()] if self.source is not None else []
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.value:
            parts.append(f"value {self.value!r}")
        return ", ".join(parts)


class GpuNeeds(Entity):
    count: NonNegInt = 0
    model: ShortText = ""
    mode: GpuMode = GpuMode.NONE
    #: MIG profile such as ``3g.20gb`` when mode is MIG.
    mig_profile: ShortText = ""
    memory_gib: NonNegFloat = 0.0

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.mode is GpuMode.MIG and not self.mig_profile:
            raise ValueError("a MIG GPU needs a MIG profile such as 3g.20gb")
        if self.mode is not GpuMode.NONE and self.count == 0:
            raise ValueError(f"GPU mode {self.mode.value} needs a GPU count of at least 1")
        return self


class Disposition(Entity):
    """Where a workload goes, why, and whether a person decided it."""

    kind: DispositionKind
    reason: ShortText = ""
    #: True when a person chose it; the planner never overwrites such a choice.
    by_user: bool = True


class Workload(Entity):
    """One VM or physical server from the inventory."""

    id: Annotated[WorkloadId, Field(pattern=ID_PATTERN)]
    name: Name
    source_system: ShortText = ""
    #: Stable key within the source system (VM UUID, moref); empty if none was given.
    source_key: ShortText = ""
    power_state: PowerState = PowerState.UNKNOWN
    is_template: bool = False
    os_reported: ShortText = ""
    os_family: OsFamily = OsFamily.UNKNOWN
    os_distro: ShortText = ""
    os_version: ShortText = ""
    vcpu: NonNegInt = 0
    memory_mib: NonNegInt = 0
    storage_provisioned_mib: NonNegInt = 0
    storage_used_mib: NonNegInt = 0
    ips: tuple[str, ...] = ()
    dns_name: ShortText = ""
    datacenter: ShortText = ""
    cluster: ShortText = ""
    host: ShortText = ""
    #: The legacy host the workload runs on (a ``Host`` of the plan), when the inventory
    #: says so (RVTools vInfo 'Host' matched to a vHost row); None: not known.
    host_id: HostId | None = None
    environment: Environment = Environment.UNKNOWN
    criticality: Criticality = Criticality.UNKNOWN
    owner: ShortText = ""
    tags: tuple[str, ...] = ()
    gpu: GpuNeeds | None = None
    application_id: AppId | None = None
    wave_id: WaveId | None = None
    #: Pinned workloads stay in their wave when the planner proposes waves.
    pinned: bool = False
    disposition: Disposition | None = None
    #: The user's override of the computed workload class.
    workload_class: WorkloadClass | None = None
    notes: Text = ""
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    sources: tuple[SourceRef, ...] = ()
    #: Fields a person set (``FILE_FIELDS`` only): a re-import never overwrites them; where
    #: the file disagrees, the import reports a conflict the user can accept per field.
    curated: tuple[str, ...] = ()
    #: Migration blockers and warnings found by the import (``core.blockers`` names the rules).
    blockers: tuple[Blocker, ...] = ()

    @field_validator("ips")
    @classmethod
    def _valid_ips(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for raw in value:
            try:
                out.append(str(ipaddress.ip_address(raw.strip())))
            except ValueError:
                raise ValueError(f"{raw!r} is not an IPv4 or IPv6 address") from None
        return tuple(out)

    @model_validator(mode="after")
    def _used_within_provisioned(self) -> Self:
        problem = self.storage_problem(self.storage_provisioned_mib, self.storage_used_mib)
        if problem:
            raise ValueError(problem)
        return self

    @staticmethod
    def storage_problem(provisioned_mib: int, used_mib: int) -> str:
        """Why these storage figures cannot be one workload's, or "" (also used by the fast
        import path, so the rule lives here only). Thin-provisioned disks can report more used
        than provisioned only by rounding; anything larger is an import error worth stopping."""
        if provisioned_mib and used_mib > provisioned_mib * 1.05 + 1024:
            return (
                f"used storage ({used_mib} MiB) is larger than provisioned storage "
                f"({provisioned_mib} MiB)"
            )
        return ""

    @property
    def gpu_count(self) -> int:
        return self.gpu.count if self.gpu else 0

    @property
    def storage_gib(self) -> float:
        """The data that has to move: used storage when known, else provisioned."""
        return (self.storage_used_mib or self.storage_provisioned_mib) / 1024.0


#: Workload fields an import fills from files. A person's edit of one of them marks it
#: ``curated``; the other fields (wave, disposition, pin, class, GPU needs) are never touched
#: by an import at all.
FILE_FIELDS = (
    "name",
    "source_system",
    "source_key",
    "power_state",
    "is_template",
    "os_reported",
    "os_family",
    "os_distro",
    "os_version",
    "vcpu",
    "memory_mib",
    "storage_provisioned_mib",
    "storage_used_mib",
    "ips",
    "dns_name",
    "datacenter",
    "cluster",
    "host",
    "host_id",
    "environment",
    "criticality",
    "owner",
    "tags",
    "notes",
    "application_id",
    "attributes",
    "blockers",
)


class Application(Entity):
    id: Annotated[AppId, Field(pattern=ID_PATTERN)]
    name: Name
    owner: ShortText = ""
    criticality: Criticality = Criticality.UNKNOWN
    environment: Environment = Environment.UNKNOWN
    description: Text = ""
    tags: tuple[str, ...] = ()
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)


class Host(Entity):
    """A legacy hypervisor host (an ESXi host from RVTools vHost): what its licence counts.

    ``cpus`` and ``cores_per_cpu`` are 0 when the inventory does not give them; licensed
    cores are then unknown (``core.economics.licences`` says so, never guesses).
    """

    id: Annotated[HostId, Field(pattern=ID_PATTERN)]
    name: Name
    #: The vCenter (RVTools 'VI SDK Server') the host was read from; "" when not given.
    source_system: ShortText = ""
    datacenter: ShortText = ""
    cluster: ShortText = ""
    #: Physical CPUs (sockets): RVTools vHost '# CPU'.
    cpus: NonNegInt = 0
    #: Physical cores of each CPU: RVTools vHost 'Cores per CPU'.
    cores_per_cpu: NonNegInt = 0
    memory_gib: NonNegFloat = 0.0
    notes: Text = ""
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    sources: tuple[SourceRef, ...] = ()

    @property
    def cores(self) -> int:
        """Physical cores of the host (0 when not known)."""
        return self.cpus * self.cores_per_cpu


class ExternalNode(Entity):
    """A dependency endpoint that matched no workload (an unresolved IP or name)."""

    id: Annotated[ExternalId, Field(pattern=ID_PATTERN)]
    name: Name
    address: ShortText = ""
    notes: Text = ""


@dataclass(frozen=True)
class EdgeOrigin:
    """Where a dependency came from: an imported file (and row), the planner, or a person.

    Stored flat on ``Dependency`` (``origin_*`` fields): one model per edge instead of three
    halves the load time of a plan with 50,000 edges. Build one with ``EdgeOrigin(...)`` and
    pass ``**origin.as_fields()`` to ``Dependency``; read it back with ``dependency.origin``.
    """

    kind: OriginKind = OriginKind.MANUAL
    source: SourceRef | None = None
    #: A label such as ``Azure Migrate dependency export`` or the user who drew it.
    label: str = ""

    def as_fields(self) -> dict[str, Any]:
        src = self.source
        return {
            "origin_kind": self.kind,
            "origin_file": src.file if src else "",
            "origin_sheet": src.sheet if src else "",
            "origin_row": src.row if src else 0,
            "origin_label": self.label,
        }

    def describe(self) -> str:
        if self.kind is OriginKind.IMPORTED and self.source is not None:
            return f"imported from {self.source.describe()}"
        if self.kind is OriginKind.MANUAL:
            return "drawn by hand" + (f" ({self.label})" if self.label else "")
        return self.label or self.kind.value


#: Dependency weights are MB/s; links and reports speak Mbit/s.
MBIT_PER_MBYTE = 8.0


class Dependency(Entity):
    """A directed edge: ``source`` depends on ``target`` (workload, application or external)."""

    id: Annotated[DependencyId, Field(pattern=ID_PATTERN)]
    source: Annotated[str, Field(pattern=ID_PATTERN)]
    target: Annotated[str, Field(pattern=ID_PATTERN)]
    port: Annotated[int, Field(ge=0, le=65535)] | None = None
    protocol: Protocol = Protocol.UNKNOWN
    process: ShortText = ""
    #: How many times the connection was observed (time slots, snapshots).
    count: NonNegInt = 1
    #: Traffic weight; MB/s when known, a relative weight otherwise.
    weight: NonNegFloat = 1.0
    latency_sensitive: bool = False
    #: A hard dependency must not be split across waves (shared LUN, all-reduce, data gravity).
    hard: bool = False
    origin_kind: OriginKind = OriginKind.MANUAL
    origin_file: ShortText = ""
    origin_sheet: ShortText = ""
    origin_row: NonNegInt = 0
    origin_label: ShortText = ""
    notes: Text = ""

    @property
    def traffic_mbps(self) -> float:
        """The traffic in Mbit/s (``weight`` is MB/s), as the link load counts it."""
        return self.weight * MBIT_PER_MBYTE

    @property
    def origin(self) -> EdgeOrigin:
        source = None
        if self.origin_file:
            source = SourceRef(file=self.origin_file, sheet=self.origin_sheet, row=self.origin_row)
        return EdgeOrigin(kind=self.origin_kind, source=source, label=self.origin_label)

    # A dependency from a node to itself is refused by the document (``loop_problem``), not
    # by a model validator: a Python validator per edge doubled the load time of big plans.

    @property
    def loop_problem(self) -> str:
        """Why this edge cannot be stored, or "" when it can."""
        if self.source == self.target:
            return f"dependency {self.id}: a dependency cannot point from {self.source} to itself"
        return ""


class TimeWindow(Entity):
    start: dt.datetime
    end: dt.datetime

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if (self.start.tzinfo is None) != (self.end.tzinfo is None):
            raise ValueError(
                "the window's start and end must both name a time zone or both not "
                "(found by the plan-file fuzz test: comparing them failed)"
            )
        if self.end <= self.start:
            raise ValueError(
                f"the window ends ({self.end:%Y-%m-%d %H:%M}) before it starts "
                f"({self.start:%Y-%m-%d %H:%M})"
            )
        return self

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0


class Wave(Entity):
    """An ordered batch of workloads (a phase) with its dates and windows."""

    id: Annotated[WaveId, Field(pattern=ID_PATTERN)]
    name: Name
    order: Annotated[int, Field(ge=0, le=10_000)]
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    cutover_window: TimeWindow | None = None
    rollback_window: TimeWindow | None = None
    notes: Text = ""
    #: A locked wave keeps its workloads when the planner proposes waves.
    locked: bool = False

    @property
    def first_day(self) -> dt.date | None:
        """The day the wave's moves begin: its start date, else its end date."""
        return self.start_date or self.end_date

    @property
    def last_day(self) -> dt.date | None:
        """The day the wave's moves are done: its end date, else its start date."""
        return self.end_date or self.start_date

    @model_validator(mode="after")
    def _dates_ordered(self) -> Self:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(
                f"wave {self.name!r} ends ({self.end_date}) before it starts ({self.start_date})"
            )
        return self
