"""What the migration costs and saves, phase by phase and month by month.

``plan_costs(doc)`` computes it ONCE from the two sides already computed elsewhere: the
legacy licences (``licences.legacy_costs``: when each host empties and from which renewal
its cores stop costing) and the target (``core.target.phase_capacity``: the nodes each pool
needs after each wave). ``migplan stats``, the Capacity & cost tab and the PDF read it.

The rules, by name (STYLE.md rule 13; ``core.rules`` holds their statements, docs/COSTS.md
works an example by hand):

| id | what it says |
|---|---|
| COST-TARGET-NODES | target cost = nodes in place x the pool's price per node-month; a phase's nodes are paid from its wave's first day |
| COST-DUAL-RUNNING | from a wave's first day to its last both sides carry its applications: the nodes it adds are paid while the legacy copies run |
| COST-TRANSFER | data a wave copies x price per GiB, in the month the wave starts |
| COST-TARGET-UNPRICED | a node pool without a price adds nothing |
| COST-UNDATED | waves without dates: per phase figures only, no months |

Money accrues by the day: a yearly price x days / 365.25, a monthly one x days x 12 /
365.25, so a month's figure is exact whatever its length and a test can work it by hand.
Licences are paid until the renewal that drops a host's cores (LIC-SAVING-AT-RENEWAL), a
legacy host's running cost until the day after its wave's last day, the target from the day
a wave starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise

from migplan.core.document import PlanDocument
from migplan.core.economics.licences import DAYS_PER_YEAR, LegacyCosts, legacy_costs, plan_span
from migplan.core.target import Phase, phase_capacity

#: A monthly price times this is the price of one day.
_MONTHS_PER_DAY = 12.0 / DAYS_PER_YEAR
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class CostFinding:
    rule_id: str
    message: str


@dataclass(frozen=True)
class PhaseCost:
    """The costs of one phase (a wave, and the target as it stands after it)."""

    wave_id: str
    order: int
    name: str
    #: What the target's nodes cost a month once this phase is in place.
    target_per_month: float
    #: Copying this wave's data (COST-TRANSFER).
    transfer: float
    #: Days both sides carry the wave's applications and what the nodes it adds cost over
    #: them (COST-DUAL-RUNNING); None when the wave has no dates.
    dual_running_days: int | None
    dual_running: float | None


@dataclass(frozen=True)
class MonthCost:
    """What one calendar month costs."""

    month: dt.date
    licences: float
    legacy_hosts: float
    target: float
    transfer: float
    #: Cores still under subscription and nodes per pool in place on the month's last day.
    licensed_cores: int
    nodes: dict[str, int] = field(default_factory=dict)

    @property
    def legacy(self) -> float:
        return self.licences + self.legacy_hosts

    @property
    def total(self) -> float:
        return self.licences + self.legacy_hosts + self.target + self.transfer


@dataclass(frozen=True)
class PlanCosts:
    """Every cost figure of a plan, computed once by ``plan_costs``."""

    currency: str
    phases: tuple[PhaseCost, ...]
    #: Calendar months from the plan's first month to the month of its last wave or of the
    #: last renewal that drops cores, whichever is later; empty when waves are undated.
    months: tuple[MonthCost, ...] = ()
    #: What the legacy side would cost over the same months if nothing moved.
    legacy_if_nothing_moved: float = 0.0
    findings: tuple[CostFinding, ...] = ()

    def _sum(self, name: str) -> float:
        return float(sum(getattr(m, name) for m in self.months))

    @property
    def licences(self) -> float:
        return self._sum("licences")

    @property
    def legacy_hosts(self) -> float:
        return self._sum("legacy_hosts")

    @property
    def target(self) -> float:
        return self._sum("target")

    @property
    def transfer(self) -> float:
        return sum(p.transfer for p in self.phases)

    @property
    def dual_running(self) -> float:
        return sum(p.dual_running or 0.0 for p in self.phases)

    @property
    def total(self) -> float:
        return self._sum("total")

    @property
    def legacy_saved(self) -> float:
        """What the legacy side costs less, over the months, than if nothing moved."""
        if not self.months:
            return 0.0
        return self.legacy_if_nothing_moved - self.licences - self.legacy_hosts

    @property
    def net(self) -> float:
        """``legacy_saved`` less the target and the copying: negative while the plan costs
        more than it saves over its months."""
        return self.legacy_saved - self.target - self.transfer


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first``'s month to ``last``'s, and the one after."""
    out = [first.replace(day=1)]
    while out[-1] <= last:
        m = out[-1]
        out.append(m.replace(year=m.year + m.month // 12, month=m.month % 12 + 1))
    return out


def _days(a: dt.date, b: dt.date, lo: dt.date, hi: dt.date) -> int:
    """Days of [a, b) inside [lo, hi)."""
    return max(0, (min(b, hi) - max(a, lo)).days)


def plan_costs(
    doc: PlanDocument, target: list[Phase] | None = None, legacy: LegacyCosts | None = None
) -> PlanCosts:
    """The costs of ``doc`` per phase and per month (see the module docstring).

    ``target`` and ``legacy``: figures already computed (an ``Assessment``'s
    ``target_phases()``, ``legacy_costs``), else computed here.
    """
    target = phase_capacity(doc) if target is None else target
    legacy = legacy_costs(doc) if legacy is None else legacy
    settings = doc.settings
    currency = settings.licences.currency
    prices = {key: pool.price_per_node_month for key, pool in settings.target.pools}
    per_gib = settings.costs.transfer_per_gib
    waves = doc.waves_in_order()
    findings: list[CostFinding] = []
    unpriced = [key for key, price in prices.items() if price <= 0]
    if unpriced:
        findings.append(
            CostFinding(
                "COST-TARGET-UNPRICED",
                f"{len(unpriced)} node pool(s) have no price per node and month "
                f"({', '.join(unpriced[:5])}{'…' if len(unpriced) > 5 else ''}): their nodes "
                "add nothing to the target cost (Plan > Settings > Target)",
            )
        )
    monthly = [sum(prices.get(p.pool, 0.0) * p.nodes for p in phase.pools) for phase in target]
    phases = []
    for k, (wave, phase) in enumerate(zip(waves, target, strict=True)):
        first, last = wave.first_day, wave.last_day
        days = None if first is None or last is None else (last - first).days + 1
        added = max(0.0, monthly[k] - (monthly[k - 1] if k else 0.0))
        phases.append(
            PhaseCost(
                wave.id,
                k + 1,
                wave.name,
                monthly[k],
                phase.data_gib * per_gib,
                days,
                None if days is None else added * days * _MONTHS_PER_DAY,
            )
        )
    if not waves or any(w.first_day is None for w in waves):
        if waves:
            findings.append(CostFinding("COST-UNDATED", _UNDATED))
        return PlanCosts(currency, tuple(phases), findings=tuple(findings))
    return _by_month(doc, target, legacy, tuple(phases), findings, monthly)


_UNDATED = (
    "Some waves have no dates: each phase's costs are given, but not month by month (give "
    "the waves dates with the Waves tab's Dates… button, or set 'First wave starts' in Plan > "
    "Settings > Calendar and rules and propose waves again)."
)


def _by_month(
    doc: PlanDocument,
    target: list[Phase],
    legacy: LegacyCosts,
    phases: tuple[PhaseCost, ...],
    findings: list[CostFinding],
    monthly: list[float],
) -> PlanCosts:
    settings = doc.settings
    waves = doc.waves_in_order()
    firsts = [w.first_day for w in waves]
    start, end = plan_span(waves)
    assert start is not None and end is not None  # every wave is dated (plan_costs)
    # Licences: each host is paid until the renewal that drops it (None: to the end).
    phase_of = {p.rank: p for p in legacy.phases}
    paid: list[tuple[int, dt.date | None]] = []
    running: list[dt.date | None] = []
    for host in legacy.hosts:
        cores = host.licensed_cores or 0
        if host.emptied_after == 0:
            paid.append((cores, legacy.already_empty_saving_from))
            running.append(start)
        elif host.emptied_after is None:
            paid.append((cores, None))
            running.append(None)
        else:
            p = phase_of[host.emptied_after]
            paid.append((cores, p.saving_from))
            day = p.emptied_on
            running.append(None if day is None else day + _DAY)
    drops = [until for _c, until in paid if until is not None]
    months = _month_starts(start, max([end, *drops]))
    lo, hi = months[0], months[-1]
    price = settings.licences.price_per_core_year
    host_month = settings.costs.legacy_host_per_month
    pool_keys = [p.pool for p in target[0].pools] if target else []
    # The target: from each wave's first day, the nodes of the latest phase started by then.
    starts = sorted({d for d in firsts if d is not None})
    segments = [
        (day, until, max(k for k, f in enumerate(firsts) if f is not None and f <= day))
        for day, until in zip(starts, [*starts[1:], hi], strict=True)
    ]
    out: list[MonthCost] = []
    for m0, m1 in pairwise(months):
        licences = sum(
            cores * price * _days(lo, until or hi, m0, m1) / DAYS_PER_YEAR for cores, until in paid
        )
        hosts = sum(
            host_month * _MONTHS_PER_DAY * _days(lo, until or hi, m0, m1) for until in running
        )
        spend = 0.0
        nodes: dict[str, int] = dict.fromkeys(pool_keys, 0)
        for day, until, k in segments:
            spend += monthly[k] * _MONTHS_PER_DAY * _days(day, until, m0, m1)
            if day < m1:
                nodes = {p.pool: p.nodes for p in target[k].pools}
        transfer = sum(
            ph.transfer
            for ph, first in zip(phases, firsts, strict=True)
            if first and m0 <= first < m1
        )
        cores_left = sum(cores for cores, until in paid if until is None or until >= m1)
        out.append(MonthCost(m0, licences, hosts, spend, transfer, cores_left, nodes))
    days = (hi - lo).days
    baseline = sum(c for c, _u in paid) * price * days / DAYS_PER_YEAR
    baseline += len(running) * host_month * _MONTHS_PER_DAY * days
    return PlanCosts(
        settings.licences.currency,
        phases,
        tuple(out),
        legacy_if_nothing_moved=baseline,
        findings=tuple(findings),
    )
