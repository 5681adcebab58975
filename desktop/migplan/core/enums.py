"""The closed vocabularies of the domain, with the labels a user sees."""

from __future__ import annotations

from enum import StrEnum


class PowerState(StrEnum):
    ON = "on"
    OFF = "off"
    SUSPENDED = "suspended"
    UNKNOWN = "unknown"


class OsFamily(StrEnum):
    WINDOWS = "windows"
    LINUX = "linux"
    UNIX = "unix"
    OTHER = "other"
    UNKNOWN = "unknown"


class Environment(StrEnum):
    PRODUCTION = "production"
    STAGING = "staging"
    TEST = "test"
    DEVELOPMENT = "development"
    DR = "dr"
    UNKNOWN = "unknown"

    @property
    def is_production(self) -> bool:
        # DR replicas carry production data and production rules.
        return self in (Environment.PRODUCTION, Environment.DR)


class Criticality(StrEnum):
    """Business criticality; ``rank`` orders it (unknown ranks as -1)."""

    UNKNOWN = "unknown"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    MISSION_CRITICAL = "mission-critical"

    @property
    def rank(self) -> int:
        return _CRITICALITY_RANK[self]


_CRITICALITY_RANK = {
    Criticality.UNKNOWN: -1,
    Criticality.LOW: 0,
    Criticality.MEDIUM: 1,
    Criticality.HIGH: 2,
    Criticality.MISSION_CRITICAL: 3,
}


class DispositionKind(StrEnum):
    RETAIN = "retain"
    REHOST_KUBEVIRT = "rehost-vm"
    CONTAINERIZE = "containerize"
    RETIRE = "retire"

    @property
    def label(self) -> str:
        return DISPOSITION_LABELS[self]

    @property
    def short(self) -> str:
        """A label short enough for a table cell."""
        return DISPOSITION_SHORT[self]


DISPOSITION_LABELS = {
    DispositionKind.RETAIN: "Retain on legacy hypervisor",
    DispositionKind.REHOST_KUBEVIRT: "Rehost as VM on Kubernetes",
    DispositionKind.CONTAINERIZE: "Containerize",
    DispositionKind.RETIRE: "Retire",
}


DISPOSITION_SHORT = {
    DispositionKind.RETAIN: "Retain",
    DispositionKind.REHOST_KUBEVIRT: "VM on Kubernetes",
    DispositionKind.CONTAINERIZE: "Containerize",
    DispositionKind.RETIRE: "Retire",
}


class GpuMode(StrEnum):
    NONE = "none"
    PASSTHROUGH = "passthrough"
    VGPU = "vgpu"
    MIG = "mig"
    CONTAINER = "container"
    #: Time-sliced: containers share whole GPUs in turns (no memory isolation).
    SHARED = "shared"


class WorkloadClass(StrEnum):
    LEGACY = "legacy"
    AI_GPU = "ai-gpu"
    DATA_HEAVY = "data-heavy"
    SHARED_SERVICE = "shared-service"
    #: A VM the source platform runs for itself (vCLS, Horizon internals): not planned.
    PLATFORM = "platform"

    @property
    def label(self) -> str:
        """The class as a person names it ("Shared service")."""
        return CLASS_LABELS[self]


CLASS_LABELS = {
    WorkloadClass.LEGACY: "Legacy",
    WorkloadClass.AI_GPU: "AI-GPU",
    WorkloadClass.DATA_HEAVY: "Data-heavy",
    WorkloadClass.SHARED_SERVICE: "Shared service",
    WorkloadClass.PLATFORM: "Platform VM",
}


class Protocol(StrEnum):
    TCP = "tcp"
    UDP = "udp"
    OTHER = "other"
    UNKNOWN = "unknown"


class OriginKind(StrEnum):
    IMPORTED = "imported"
    MANUAL = "manual"
    GENERATED = "generated"


class EntityKind(StrEnum):
    WORKLOAD = "workload"
    APPLICATION = "application"
    DEPENDENCY = "dependency"
    WAVE = "wave"
    EXTERNAL = "external"
    HOST = "host"
