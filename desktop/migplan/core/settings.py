"""Plan settings: capacities, calendars, target pools and scoring weights, saved in the plan."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from migplan.core.enums import GpuMode
from migplan.core.metadata import PlanMetadata
from migplan.core.models import Entity, Name, NonNegFloat, ShortText, Text
from migplan.core.target_settings import TargetSettings

PosInt = Annotated[int, Field(ge=1)]
PosFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class CapacityRamp(Entity):
    """Workloads per wave: ``start`` in the first wave, ``step`` more each wave, at most ``max``.

    This is how AWS Cloud Migration Factory sizes waves (50, +10, max 100 by default there);
    smaller defaults here favour pilot waves.
    """

    start: PosInt = 10
    step: Annotated[int, Field(ge=0)] = 10
    max: PosInt = 50

    @model_validator(mode="after")
    def _start_within_max(self) -> Self:
        if self.start > self.max:
            raise ValueError(
                f"the first wave ({self.start}) is larger than the maximum ({self.max})"
            )
        return self

    def capacity(self, order: int) -> int:
        """Workloads allowed in the wave with this 1-based order."""
        return min(self.max, self.start + self.step * max(0, order - 1))


class LimitRamp(Entity):
    """How a per-wave limit grows from pilot waves: the first wave may use the share
    ``start`` of it, each later wave ``step`` more, up to all of it. The default (all of it
    from the first wave) is a flat limit."""

    start: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 1.0
    step: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0

    def share(self, order: int) -> float:
        """The share of the limit the wave with this 1-based order may use (never shrinks)."""
        return min(1.0, self.start + self.step * max(0, order - 1))


class WaveCapacity(Entity):
    """Every capacity a wave must respect. ``None`` means unbounded."""

    workloads: CapacityRamp = Field(default_factory=CapacityRamp)
    vcpu: PosInt | None = None
    memory_gib: PosFloat | None = None
    #: Hours per wave available to copy data; with the link speed it bounds storage per wave.
    transfer_window_hours: PosFloat = 48.0
    #: Explicit storage bound per wave (GiB), on top of what the transfer window allows.
    storage_gib: PosFloat | None = None
    #: How the vCPU, memory and storage limits grow wave by wave (the workload count has its
    #: own ramp, ``workloads``); the transfer window's bound does not ramp: it is the link's.
    vcpu_ramp: LimitRamp = Field(default_factory=LimitRamp)
    memory_ramp: LimitRamp = Field(default_factory=LimitRamp)
    storage_ramp: LimitRamp = Field(default_factory=LimitRamp)
    engineers: PosInt = 4
    hours_per_day: PosFloat = 8.0
    working_days_per_wave: PosFloat = 10.0
    #: Hands-on engineer hours per workload (kubev2v uses 1 h of troubleshooting per VM).
    engineer_hours_per_workload: NonNegFloat = 1.0

    @property
    def engineer_hours(self) -> float:
        return self.engineers * self.hours_per_day * self.working_days_per_wave


class Network(Entity):
    #: The hybrid link between legacy and target sites.
    link_mbps: PosFloat = 1000.0
    #: Share of the link a migration may plan on (ESnet: a quarter to a third of a shared path).
    usable_fraction: Annotated[float, Field(gt=0, le=1)] = 1 / 3
    #: Added round-trip time across the link, for latency-sensitive crossings.
    added_rtt_ms: NonNegFloat = 5.0
    rtt_budget_ms: PosFloat = 10.0

    @property
    def usable_mbps(self) -> float:
        return self.link_mbps * self.usable_fraction

    def transfer_gib(self, hours: float) -> float:
        """GiB the usable link moves in ``hours``."""
        return self.usable_mbps * 1e6 / 8 * hours * 3600 / 2**30


class GpuPool(Entity):
    """A target node pool with GPUs; the GPU Operator puts each pool in exactly one mode."""

    name: Name
    mode: GpuMode = GpuMode.CONTAINER
    gpus: Annotated[int, Field(ge=0)] = 0
    gpu_model: ShortText = ""
    mig_profile: ShortText = ""
    #: In ``vgpu`` mode: the vGPU profile the pool's GPUs are split into, such as A10-12Q
    #: (12 GB each, two per A10: NVIDIA's default halves the GPU's memory). The node pool says
    #: how many devices one GPU gives (``NodePool.vgpu_per_gpu``).
    vgpu_profile: ShortText = ""
    #: In ``shared`` (time-sliced) mode: how many containers take turns on one GPU (the
    #: ``replicas`` of NVIDIA's time-slicing configuration).
    replicas: Annotated[int, Field(ge=1, le=64)] = 4


class FreezePeriod(Entity):
    """A change freeze: no wave may run inside it."""

    name: Name
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(
                f"freeze {self.name!r} ends ({self.end}) before it starts ({self.start})"
            )
        return self

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return start <= self.end and self.start <= end


class PlannerSettings(Entity):
    #: "foundation": shared services move first in wave 0; "bridge": they stay and are bridged.
    shared_services: Annotated[str, Field(pattern="^(foundation|bridge)$")] = "foundation"
    #: Traffic above which a two-way flow binds both ends into one move group.
    strong_two_way_weight: NonNegFloat = 50.0
    #: Never mix production and non-production workloads in one wave.
    separate_environments: bool = True
    #: No high or mission-critical workload in the first N waves.
    pilot_waves: Annotated[int, Field(ge=0)] = 2
    peak_weight: NonNegFloat = 1.0
    lateness_weight: NonNegFloat = 10.0
    seed: int = 0
    #: First day of the first proposed wave, when the plan's waves carry no dates.
    start_date: dt.date | None = None
    #: Calendar days per proposed wave (used to date new waves and to skip freeze periods).
    wave_length_days: Annotated[int, Field(ge=1, le=366)] = 14
    #: Largest share of the movable workloads the planner may leave on the legacy side to
    #: keep the hybrid link within its usable share for good; beyond it the link is too
    #: small for the estate, and the proposal says so instead.
    link_left_behind_share: Annotated[float, Field(ge=0, le=1)] = 0.10
    #: Hours of the cutover window the planner gives each new dated wave, from
    #: ``cutover_start_hour`` on the wave's last day; 0 gives none (risk then compares the
    #: copy time with the transfer window, as for any wave without a cutover window).
    cutover_window_hours: Annotated[float, Field(ge=0, le=168, allow_inf_nan=False)] = 0.0
    #: Hour of the day (0-23) at which a new wave's cutover window opens.
    cutover_start_hour: Annotated[int, Field(ge=0, le=23)] = 20
    #: Hours of the rollback window that follows a new wave's cutover window; 0 gives none.
    rollback_window_hours: Annotated[float, Field(ge=0, le=168, allow_inf_nan=False)] = 0.0
    #: Also try an order that empties legacy hosts early (the most licensed cores per
    #: workload still to move first) and keep it when it keeps fewer licensed cores running
    #: with every hard rule held (``planning.hosts``). Off by default: on the example estate
    #: it raises the hybrid-link peak and the wave distance (docs/licences.md).
    empty_hosts_early: bool = False

    def cutover_windows(
        self, last_day: dt.date
    ) -> tuple[tuple[dt.datetime, dt.datetime] | None, tuple[dt.datetime, dt.datetime] | None]:
        """The cutover and rollback windows (start, end) of a new wave ending on
        ``last_day``; None where the setting gives none. The rollback window opens when the
        cutover window closes (no cutover window: at the hour a cutover would open)."""
        opens = dt.datetime.combine(last_day, dt.time(self.cutover_start_hour))
        cutover = None
        if self.cutover_window_hours > 0:
            cutover = (opens, opens + dt.timedelta(hours=self.cutover_window_hours))
            opens = cutover[1]
        rollback = None
        if self.rollback_window_hours > 0:
            rollback = (opens, opens + dt.timedelta(hours=self.rollback_window_hours))
        return cutover, rollback

    def days_past_last_day(self) -> int:
        """Days after a new wave's last day that its windows reach into (a freeze starting
        then would hold its cutover or rollback): the validator counts them as the wave's."""
        day = dt.date(2000, 1, 3)
        ends = [w[1].date() for w in self.cutover_windows(day) if w is not None]
        return max([(end - day).days for end in ends], default=0)


#: Workload factor weights of planning.md 3.3 (they sum to 100).
DEFAULT_WORKLOAD_WEIGHTS: dict[str, float] = {
    "F1": 15.0, "F2": 15.0, "F3": 15.0, "F4": 10.0, "F5": 10.0,
    "F6": 10.0, "F7": 10.0, "F8": 10.0, "F9": 5.0,
}  # fmt: skip
#: Phase factor weights (they sum to 100): planning.md 3.3's coupling factors C1..C4 (40, 30,
#: 20, 10 there) make room for blast radius (C5) and moving before a dependency (C6). Weights
#: are relative: a plan saved with C1..C4 only scores with these C5 and C6 beside its own.
DEFAULT_PHASE_WEIGHTS: dict[str, float] = {
    "C1": 25.0, "C2": 20.0, "C3": 10.0, "C4": 5.0, "C5": 25.0, "C6": 15.0,
}  # fmt: skip
#: ``<factor>.<n>``: the value from which the factor scores n (1..4); ``mix.*``: how the
#: phase score blends the worst workload, the criticality-weighted mean of the workloads, the
#: weighted mean of the phase factors (``coupling``) and the wave's impact (``impact``: the
#: higher of its most critical workload, F1, and its blast radius, C5); the mix is relative
#: (divided by its sum). ``unknown_share``: when inputs
#: count as unknown; ``missing_share``: the share of a wave's workloads an input may lack with
#: confidence still high; ``missing_low``: the share from which one input alone makes it low.
DEFAULT_RISK_THRESHOLDS: dict[str, float] = {
    "F3.1": 0.25, "F3.2": 0.5, "F3.3": 1.0, "F3.4": 2.0,
    "F8.1": 0.1, "F8.2": 0.25, "F8.3": 0.5, "F8.4": 1.0,
    "C1.1": 1.0, "C1.2": 3.0, "C1.3": 6.0, "C1.4": 11.0,
    "C2.1": 0.25, "C2.2": 0.5, "C2.3": 0.75, "C2.4": 1.0,
    "C3.1": 0.0, "C3.2": 0.25, "C3.3": 0.5, "C3.4": 1.0,
    "C4.1": 0.5, "C4.2": 0.75, "C4.3": 0.9, "C4.4": 1.0,
    "C5.1": 0.05, "C5.2": 0.15, "C5.3": 0.3, "C5.4": 0.5,
    "C6.1": 1.0, "C6.2": 3.0, "C6.3": 6.0, "C6.4": 11.0,
    "mix.max": 0.35, "mix.mean": 0.15, "mix.coupling": 0.25, "mix.impact": 0.25,
    "unknown_share": 0.15, "missing_share": 0.10, "missing_low": 0.5,
}  # fmt: skip


#: Defaults of risk model 1 that model 2 changed. A plan saved under model 1 holds them only
#: because every setting is saved: ``RiskSettings`` gives such a plan model 2's defaults
#: instead, and keeps any value its user changed.
_MODEL_1_PHASE_WEIGHTS = {"C1": 40.0, "C2": 30.0, "C3": 20.0, "C4": 10.0}
_MODEL_1_MIX = {"mix.max": 0.5, "mix.mean": 0.3, "mix.coupling": 0.2}
RISK_MODEL = 2


class RiskSettings(Entity):
    """Weights and thresholds of the phase-risk model; names are the factor ids (F1, C1, ...).

    Missing keys fall back to the defaults of planning.md 3.3, so a plan saved with fewer
    keys (or an older plan with empty maps) scores with the documented model.
    """

    #: The risk model these settings were saved for. 1 (absent): C1..C4 only, the band RED
    #: when gated; 2: blast radius (C5), moving before a dependency (C6), a CRITICAL band.
    model: Annotated[int, Field(ge=1)] = RISK_MODEL

    workload_weights: dict[str, NonNegFloat] = Field(
        default_factory=lambda: dict(DEFAULT_WORKLOAD_WEIGHTS)
    )
    phase_weights: dict[str, NonNegFloat] = Field(
        default_factory=lambda: dict(DEFAULT_PHASE_WEIGHTS)
    )
    band_medium: Annotated[float, Field(ge=0, le=100)] = 35.0
    band_high: Annotated[float, Field(ge=0, le=100)] = 60.0
    #: From this score a wave is CRITICAL (plans saved before it existed get the default).
    band_critical: Annotated[float, Field(ge=0, le=100)] = 80.0
    thresholds: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_RISK_THRESHOLDS))

    @model_validator(mode="before")
    @classmethod
    def _from_model_1(cls, data: Any) -> Any:
        """Settings saved under model 1 with its defaults get model 2's defaults."""
        if not isinstance(data, dict) or "model" in data:
            return data
        data = {**data, "model": RISK_MODEL}
        if data.get("phase_weights") == _MODEL_1_PHASE_WEIGHTS:
            data["phase_weights"] = dict(DEFAULT_PHASE_WEIGHTS)
        thresholds = data.get("thresholds")
        if isinstance(thresholds, dict) and all(
            thresholds.get(k) == v for k, v in _MODEL_1_MIX.items()
        ):
            mix = {k: v for k, v in DEFAULT_RISK_THRESHOLDS.items() if k.startswith("mix.")}
            data["thresholds"] = {**thresholds, **mix}
        return data


class LicenceSettings(Entity):
    """What the legacy virtualisation layer's licences cost, for what emptied hosts save.

    Defaults from ``economics-and-ai.md`` section 1 (``docs/licences.md`` repeats them):

    * ``min_cores_per_cpu`` 16: Broadcom KB 313548, "Counting Cores for VMware Cloud
      Foundation and vSphere Foundation": every physical CPU counts at least 16 cores.
    * ``price_per_core_year`` 350 (USD): the VCF list price per core per year quoted by
      redresscompliance.com, atonementlicensing.com and vmwaremadesimple.com (Broadcom
      publishes none; VVF is quoted at 135).
    * ``renewal_date`` none: the date is the customer's contract's. Savings start at a
      renewal only (no Broadcom source allows cutting cores mid-term; advisory sources cut
      them at renewal), so without it no saving is dated.
    * ``term_years`` 1: subscriptions run 1, 3 or 5 years (atonementlicensing.com,
      redresscompliance.com); the next renewal after ``renewal_date`` is a term later.
    """

    min_cores_per_cpu: Annotated[int, Field(ge=1, le=1024)] = 16
    price_per_core_year: NonNegFloat = 350.0
    #: LIC-RETAINED-CONSOLIDATED: VMs that stay on the legacy side are moved (vMotion) onto
    #: as few hosts as their memory needs, so the others can empty. Off: each keeps its host.
    consolidate_retained: bool = True
    #: Share of a host's memory the consolidated VMs may fill (the rest is HA headroom).
    consolidate_fill: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.8
    currency: Annotated[str, Field(max_length=8)] = "USD"
    renewal_date: dt.date | None = None
    term_years: Annotated[int, Field(ge=1, le=10)] = 1


#: Where the cost defaults come from (``docs/COSTS.md``; the settings dialog shows them).
EGRESS_SOURCE = (
    "Internet egress, first tier, as quoted in economics-and-ai.md section 5: AWS $0.09 per GB "
    "up to 10 TB a month, Azure about $0.087, GCP Premium $0.12 per GiB; the three clouds "
    "waive it for customers leaving within 60 days"
)


class CostSettings(Entity):
    """What the migration costs beyond the legacy licences (``core.economics.costs``).

    Amounts are in the licences' currency (``LicenceSettings.currency``). The target nodes'
    price is per node pool (``NodePool.price_per_node_month``). Defaults:

    * ``transfer_per_gib`` 0: copying between your own sites has no per-GB charge. Leaving a
      cloud or a colocation that bills egress: see ``EGRESS_SOURCE`` (AWS quotes 0.09).
    * ``legacy_host_per_month`` 0: what a legacy host costs to run besides its licences
      (hardware support, power, space) is your own figure; 0 leaves it out. It stops the day
      the host empties, unlike licences, which stop at a renewal.
    """

    transfer_per_gib: NonNegFloat = Field(
        0.0,
        description="Price per GiB copied to the target (egress or transfer). Default 0: a "
        "link between your own sites. " + EGRESS_SOURCE + ".",
    )
    legacy_host_per_month: NonNegFloat = Field(
        0.0,
        description="What one legacy host costs a month besides its licences (hardware "
        "support, power, space). Default 0: not counted until you enter your figure.",
    )


class PlanSettings(Entity):
    name: Name = "Untitled plan"
    description: Text = ""
    capacity: WaveCapacity = Field(default_factory=WaveCapacity)
    network: Network = Field(default_factory=Network)
    gpu_pools: tuple[GpuPool, ...] = ()
    #: The target clusters and node pools (``core.target_settings``).
    target: TargetSettings = Field(default_factory=TargetSettings)
    freeze_periods: tuple[FreezePeriod, ...] = ()
    planner: PlannerSettings = Field(default_factory=PlannerSettings)
    risk: RiskSettings = Field(default_factory=RiskSettings)
    licences: LicenceSettings = Field(default_factory=LicenceSettings)
    costs: CostSettings = Field(default_factory=CostSettings)
    #: Anything a later version or a plugin needs; kept verbatim.
    extra: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    notes: Text = ""
    metadata: PlanMetadata = Field(default_factory=PlanMetadata)
