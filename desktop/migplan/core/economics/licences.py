"""Legacy licences, phase by phase: hosts emptied, licensed cores freed, savings at renewal.

The legacy side is licensed per physical core of every host still running (VMware VCF/VVF
after Broadcom, KB 313548). A host stops needing a licence once no VM runs on it; the
subscription only shrinks at a renewal. ``legacy_costs(doc)`` computes the figures ONCE;
``migplan stats``, the window and the reports read them from here.

The rules, by name (STYLE.md rule 13); ``docs/licences.md`` gives their sources:

| id | what it says |
|---|---|
| LIC-CORES-PER-CPU | licensed cores of a host = sum over its CPUs of max(cores, minimum) |
| LIC-HOST-EMPTIED | a host empties after the wave moving or retiring its last VM |
| LIC-RETAINED-CONSOLIDATED | VMs that stay are moved onto as few hosts as their memory needs, so the others empty |
| LIC-SAVING-AT-RENEWAL | an emptied host saves from the first renewal on or after that day |
| LIC-HOSTS-UNKNOWN | no hosts in the plan: nothing is computed, nothing invented |
| LIC-HOST-CORES-UNKNOWN | a host without CPU or core counts has no licensed-core figure |
| LIC-WORKLOAD-NO-HOST | a workload linked to no host holds no host |
| LIC-RENEWAL-UNSET | no renewal date: savings per year are known, not when they start |
| LIC-UNDATED | a wave without dates: its savings cannot be dated |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind
from migplan.core.ids import HostId, WaveId, WorkloadId
from migplan.core.models import Host, Wave, Workload
from migplan.core.rules import RULES as ALL_RULES
from migplan.core.settings import LicenceSettings

#: Days in a year and in a month when savings and core-months are counted over dates.
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


#: The licence findings' rules live with every other rule, in ``core.rules`` (LIC-*).
RULES = {rule_id: r for rule_id, r in ALL_RULES.items() if rule_id.startswith("LIC-")}


@dataclass(frozen=True)
class LicenceFinding:
    rule_id: str
    message: str
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class HostLicence:
    """One host and when it empties."""

    host_id: HostId
    name: str
    cluster: str
    #: None when the host's CPUs or cores are not known (LIC-HOST-CORES-UNKNOWN).
    licensed_cores: int | None
    #: 0: it holds no VM before the first wave; k: empties after the k-th wave in order;
    #: None: never within the plan (a retained or unplanned VM stays on it).
    emptied_after: int | None
    #: The workloads that keep it running to the end (retained or in no wave).
    kept_by: tuple[WorkloadId, ...] = ()
    #: VMs that stay on the legacy side but are moved off it onto a host that keeps running
    #: (LIC-RETAINED-CONSOLIDATED).
    consolidated: tuple[WorkloadId, ...] = ()


@dataclass(frozen=True)
class PhaseLicences:
    """The licence figures after one wave (a phase), in wave order."""

    wave_id: WaveId
    #: 1-based position of the wave in order.
    rank: int
    name: str
    #: The day the wave ends (its end date, else its start date), None when undated.
    emptied_on: dt.date | None
    hosts_emptied: tuple[HostId, ...]
    #: Licensed cores still in use once this phase is done.
    licensed_cores: int
    licensed_cores_freed: int
    saving_per_year: float
    #: First renewal on or after ``emptied_on`` (None: undated or renewal unset).
    saving_from: dt.date | None


@dataclass(frozen=True)
class LegacyCosts:
    """Every licence figure of a plan, computed once by ``legacy_costs``."""

    hosts_known: bool
    settings: LicenceSettings
    hosts: tuple[HostLicence, ...] = ()
    #: Licensed cores of every host whose cores are known, before the first wave.
    licensed_cores_total: int = 0
    #: Hosts that hold no VM before the first wave (freed from the first renewal).
    already_empty: tuple[HostId, ...] = ()
    already_empty_cores: int = 0
    already_empty_saving_from: dt.date | None = None
    phases: tuple[PhaseLicences, ...] = ()
    never_emptied: tuple[HostId, ...] = ()
    #: First and last day of the plan's calendar (None when the waves carry no dates).
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None
    #: Licensed cores in use times months, from the plan's first day to its last.
    licensed_core_months: float | None = None
    #: What the savings bring from their renewal to the plan's last day.
    saving_to_plan_end: float | None = None
    findings: tuple[LicenceFinding, ...] = field(default=())

    @property
    def licensed_cores_freed(self) -> int:
        return self.already_empty_cores + sum(p.licensed_cores_freed for p in self.phases)

    @property
    def saving_per_year(self) -> float:
        return self.licensed_cores_freed * self.settings.price_per_core_year

    @property
    def licensed_cores_at_end(self) -> int:
        return self.licensed_cores_total - self.licensed_cores_freed


def licensed_cores(host: Host, settings: LicenceSettings) -> int | None:
    """LIC-CORES-PER-CPU: sum over the host's CPUs of max(cores per CPU, the minimum);
    None when the inventory did not give its CPUs and cores (LIC-HOST-CORES-UNKNOWN)."""
    if host.cpus <= 0 or host.cores_per_cpu <= 0:
        return None
    return host.cpus * max(host.cores_per_cpu, settings.min_cores_per_cpu)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def next_renewal(day: dt.date, settings: LicenceSettings) -> dt.date | None:
    """LIC-SAVING-AT-RENEWAL: the renewal date when ``day`` is on or before it, else the first
    renewal a whole number of terms later that is on or after ``day``; None when unset."""
    renewal = settings.renewal_date
    if renewal is None:
        return None
    while renewal < day:
        renewal = _add_years(renewal, settings.term_years)
    return renewal


def plan_span(waves: Sequence[Wave]) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of the waves' calendar (None when no wave carries a date)."""
    days = [d for w in waves for d in (w.start_date, w.end_date) if d is not None]
    return min(days, default=None), max(days, default=None)


def _leaves_after(
    wl: Workload, kind: DispositionKind, rank: Mapping[WaveId, int], platform: bool
) -> int | None:
    """LIC-HOST-EMPTIED for one VM: after which wave it no longer runs on its host (0: it
    holds none), None when it stays to the end."""
    if platform:
        return 0
    if kind is DispositionKind.RETAIN:
        return None
    wave = rank.get(wl.wave_id) if wl.wave_id is not None else None
    if kind is DispositionKind.RETIRE:
        return wave if wave is not None else 0
    return wave


def legacy_costs(
    doc: PlanDocument, dispositions: Mapping[WorkloadId, DispositionKind] | None = None
) -> LegacyCosts:
    """The legacy licence figures of ``doc`` per phase (waves in order) and in total.

    ``dispositions``: the disposition each workload is planned with (the user's, else the
    suggested one, as the planner uses them) when omitted.
    """
    settings = doc.settings.licences
    if not doc.hosts:
        return LegacyCosts(
            hosts_known=False,
            settings=settings,
            findings=(LicenceFinding("LIC-HOSTS-UNKNOWN", _HOSTS_UNKNOWN),),
        )
    if dispositions is None:
        from migplan.core.assess.bridges import effective_dispositions

        dispositions = effective_dispositions(doc)
    from migplan.core.assess.classify import is_platform_vm

    waves = doc.waves_in_order()
    rank = {w.id: i for i, w in enumerate(waves, start=1)}
    findings: list[LicenceFinding] = []
    # When each host empties: the latest wave any of its VMs leaves after.
    latest: dict[HostId, int | None] = dict.fromkeys(doc.hosts, 0)
    #: The latest wave any VM that leaves the host leaves after (whatever stays).
    leaving: dict[HostId, int] = dict.fromkeys(doc.hosts, 0)
    kept: dict[HostId, list[WorkloadId]] = {h: [] for h in doc.hosts}
    no_host: list[WorkloadId] = []
    for wl in doc.workloads.values():
        if wl.host_id is None or wl.host_id not in doc.hosts:
            no_host.append(wl.id)
            continue
        kind = dispositions.get(wl.id, DispositionKind.RETAIN)
        leaves = _leaves_after(wl, kind, rank, is_platform_vm(wl))
        if leaves is None:
            kept[wl.host_id].append(wl.id)
            latest[wl.host_id] = None
            continue
        leaving[wl.host_id] = max(leaving[wl.host_id], leaves)
        if (now := latest[wl.host_id]) is not None:
            latest[wl.host_id] = max(now, leaves)
    moved_off: dict[HostId, tuple[WorkloadId, ...]] = {}
    if settings.consolidate_retained and waves:
        keepers = consolidation_keepers(doc, kept, settings.consolidate_fill)
        for hid, ids in kept.items():
            if ids and keepers is not None and hid not in keepers:
                # Its staying VMs move to a keeper when its last leaving VM goes, or after
                # the last wave when none leaves.
                latest[hid] = leaving[hid] or len(waves)
                moved_off[hid] = tuple(sorted(ids))
                kept[hid] = []
        if moved_off and keepers is not None:
            n_vms = sum(len(ids) for ids in moved_off.values())
            findings.append(
                LicenceFinding(
                    "LIC-RETAINED-CONSOLIDATED",
                    f"{n_vms} VM(s) that stay on the legacy side are moved off "
                    f"{len(moved_off)} host(s) onto the {len(keepers)} that keep running "
                    f"(up to {settings.consolidate_fill:.0%} of each host's memory), so those "
                    "hosts empty",
                    tuple(sorted(moved_off)),
                )
            )
    hosts: list[HostLicence] = []
    unknown_cores: list[HostId] = []
    for hid in sorted(doc.hosts):
        host = doc.hosts[hid]
        cores = licensed_cores(host, settings)
        if cores is None:
            unknown_cores.append(hid)
        hosts.append(
            HostLicence(
                hid,
                host.name,
                host.cluster,
                cores,
                latest[hid],
                tuple(sorted(kept[hid])),
                moved_off.get(hid, ()),
            )
        )
    cores_of = {h.host_id: h.licensed_cores or 0 for h in hosts}
    total = sum(cores_of.values())
    already = tuple(h.host_id for h in hosts if h.emptied_after == 0)
    already_cores = sum(cores_of[h] for h in already)
    plan_start, plan_end = plan_span(waves)
    if plan_start is None:
        plan_start = doc.settings.planner.start_date
    price = settings.price_per_core_year
    in_use = total - already_cores
    phases: list[PhaseLicences] = []
    undated: list[str] = []
    for i, wave in enumerate(waves, start=1):
        emptied = tuple(h.host_id for h in hosts if h.emptied_after == i)
        freed = sum(cores_of[h] for h in emptied)
        in_use -= freed
        day = wave.last_day
        if day is None:
            undated.append(wave.id)
        phases.append(
            PhaseLicences(
                wave_id=wave.id,
                rank=i,
                name=wave.name,
                emptied_on=day,
                hosts_emptied=emptied,
                licensed_cores=in_use,
                licensed_cores_freed=freed,
                saving_per_year=freed * price,
                saving_from=next_renewal(day, settings) if day is not None and freed else None,
            )
        )
    already_from = (
        next_renewal(plan_start, settings) if already and plan_start is not None else None
    )
    never = tuple(h.host_id for h in hosts if h.emptied_after is None)
    if unknown_cores:
        findings.append(
            LicenceFinding(
                "LIC-HOST-CORES-UNKNOWN",
                f"{len(unknown_cores)} host(s) have no CPU or core counts in the inventory: "
                "their licensed cores are not counted",
                tuple(unknown_cores),
            )
        )
    if no_host:
        findings.append(
            LicenceFinding(
                "LIC-WORKLOAD-NO-HOST",
                f"{len(no_host)} workload(s) run on no host of the plan (the inventory did "
                "not link them): they keep no host running",
                tuple(sorted(no_host)),
            )
        )
    if settings.renewal_date is None:
        findings.append(LicenceFinding("LIC-RENEWAL-UNSET", RULES["LIC-RENEWAL-UNSET"].statement))
    if undated:
        findings.append(
            LicenceFinding(
                "LIC-UNDATED",
                f"{len(undated)} wave(s) have no dates: the savings of the hosts they empty "
                "are not dated",
                tuple(undated),
            )
        )
    months = saving = None
    if not undated and plan_start is not None and plan_end is not None:
        months = _core_months(hosts, phases, plan_start, plan_end)
        saving = _saving_to(plan_end, phases, already_cores, already_from, price)
    return LegacyCosts(
        hosts_known=True,
        settings=settings,
        hosts=tuple(hosts),
        licensed_cores_total=total,
        already_empty=already,
        already_empty_cores=already_cores,
        already_empty_saving_from=already_from,
        phases=tuple(phases),
        never_emptied=never,
        plan_start=plan_start,
        plan_end=plan_end,
        licensed_core_months=months,
        saving_to_plan_end=saving,
        findings=tuple(findings),
    )


def consolidation_keepers(
    doc: PlanDocument, kept: Mapping[HostId, list[WorkloadId]], fill: float
) -> frozenset[HostId] | None:
    """LIC-RETAINED-CONSOLIDATED: the hosts that keep running to hold every VM that stays.

    Hosts are taken in order of the staying memory they already hold (fewest moves), then
    the most memory per licensed core, until the staying VMs fit by memory, first-fit
    decreasing, within ``fill`` of each keeper's memory. None when they cannot fit (hosts'
    memory not in the inventory): then no VM is consolidated.
    """
    gib = {w: doc.workloads[w].memory_mib / 1024 for ids in kept.values() for w in ids}
    if not gib:
        return frozenset()
    held = {h: sum(gib[w] for w in kept.get(h, ())) for h in doc.hosts}
    cap = {h: doc.hosts[h].memory_gib * fill for h in doc.hosts}
    need = sum(gib.values())

    def per_core(h: HostId) -> float:
        host = doc.hosts[h]
        return -host.memory_gib / max(host.cpus * host.cores_per_cpu, 1)

    order = sorted((h for h in doc.hosts if cap[h] > 0), key=lambda h: (-held[h], per_core(h), h))
    keepers: list[HostId] = []
    room = 0.0
    for h in order:
        keepers.append(h)
        room += cap[h]
        if room + 1e-9 >= need and _fits(keepers, kept, gib, cap, held):
            return frozenset(keepers)
    return None


def _fits(
    keepers: list[HostId],
    kept: Mapping[HostId, list[WorkloadId]],
    gib: Mapping[WorkloadId, float],
    cap: Mapping[HostId, float],
    held: Mapping[HostId, float],
) -> bool:
    """The staying VMs of the other hosts fit the keepers' room, first-fit decreasing."""
    chosen = set(keepers)
    free = [max(0.0, cap[h] - held[h]) for h in keepers]
    movers = sorted(
        (gib[w] for h, ids in kept.items() if h not in chosen for w in ids), reverse=True
    )
    for size in movers:
        for i, left in enumerate(free):
            if size <= left + 1e-9:
                free[i] = left - size
                break
        else:
            return False
    return True


_HOSTS_UNKNOWN = (
    "Hosts unknown: the inventory gave no hosts (import an RVTools export with its vHost "
    "sheet), so licensed cores and their savings are not computed."
)


def _core_months(
    hosts: list[HostLicence], phases: list[PhaseLicences], start: dt.date, end: dt.date
) -> float:
    """Licensed cores in use times months from ``start`` to ``end``: a host counts until the
    day its wave ends (an already empty host not at all, one never emptied to ``end``)."""
    day_of = {p.rank: p.emptied_on for p in phases}
    total = 0.0
    for h in hosts:
        if not h.licensed_cores or h.emptied_after == 0:
            continue
        until = end if h.emptied_after is None else (day_of[h.emptied_after] or end)
        until = min(max(until, start), end)
        total += h.licensed_cores * (until - start).days / DAYS_PER_MONTH
    return total


def _saving_to(
    end: dt.date,
    phases: list[PhaseLicences],
    already_cores: int,
    already_from: dt.date | None,
    price: float,
) -> float | None:
    """What the freed cores save from their renewal to ``end`` (None: renewal unset)."""
    starts = [(p.licensed_cores_freed, p.saving_from) for p in phases if p.licensed_cores_freed]
    if already_cores:
        starts.append((already_cores, already_from))
    if any(start is None for _, start in starts):
        return None
    total = 0.0
    for cores, start in starts:
        assert start is not None
        if start < end:
            total += cores * price * (end - start).days / DAYS_PER_YEAR
    return total


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def licence_phases(doc: PlanDocument, costs: LegacyCosts) -> list[dict[str, object]]:
    """One JSON-ready entry per wave in order (``migplan stats --json`` ``phases``); the
    licence figures are None when hosts are unknown."""
    by_wave = {p.wave_id: p for p in costs.phases}
    names = {hid: h.name for hid, h in doc.hosts.items()}
    out: list[dict[str, object]] = []
    for rank, wave in enumerate(doc.waves_in_order(), start=1):
        phase = by_wave.get(wave.id)
        out.append(
            {
                "wave": wave.name,
                "wave_id": wave.id,
                "order": rank,
                "hosts_emptied": [names[h] for h in phase.hosts_emptied] if phase else None,
                "licensed_cores": phase.licensed_cores if phase else None,
                "licensed_cores_freed": phase.licensed_cores_freed if phase else None,
                "saving_per_year": round(phase.saving_per_year, 2) if phase else None,
                "saving_from": _day(phase.saving_from) if phase else None,
            }
        )
    return out


def licence_totals(doc: PlanDocument, costs: LegacyCosts) -> dict[str, object]:
    """The plan's licence totals, JSON-ready (``migplan stats --json`` ``licences``)."""
    lic = costs.settings
    names = {hid: h.name for hid, h in doc.hosts.items()}
    out: dict[str, object] = {
        "hosts_known": costs.hosts_known,
        "hosts": len(costs.hosts),
        "min_cores_per_cpu": lic.min_cores_per_cpu,
        "price_per_core_year": lic.price_per_core_year,
        "currency": lic.currency,
        "renewal_date": _day(lic.renewal_date),
        "findings": [{"rule": f.rule_id, "message": f.message} for f in costs.findings],
    }
    if not costs.hosts_known:
        return out
    months = costs.licensed_core_months
    saving = costs.saving_to_plan_end
    out.update(
        {
            "licensed_cores_total": costs.licensed_cores_total,
            "licensed_cores_freed": costs.licensed_cores_freed,
            "licensed_cores_at_end": costs.licensed_cores_at_end,
            "saving_per_year": round(costs.saving_per_year, 2),
            "already_empty": [names[h] for h in costs.already_empty],
            "never_emptied": [names[h] for h in costs.never_emptied],
            "plan_start": _day(costs.plan_start),
            "plan_end": _day(costs.plan_end),
            "licensed_core_months": round(months, 1) if months is not None else None,
            "saving_to_plan_end": round(saving, 2) if saving is not None else None,
        }
    )
    return out
