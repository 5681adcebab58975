"""Capacity & cost as charts see them: the series to draw, read from the figures core
computed once (``core.stats.phase_stats`` and the plan's cost months), so the window
(``gui.charts``) and the PDF (``pdf_charts``) draw the same lines from the same numbers.

Nothing here computes a cost or a node count: it picks values out of the JSON-ready rows
and names them. Round axis ticks (``nice_ticks``) live here too, one definition for both.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from migplan.core.document import PlanDocument
    from migplan.core.enums import DispositionKind
    from migplan.core.ids import WorkloadId
    from migplan.core.target import Phase

#: One palette for both painters, taken from the window's (gui/style.py, style.qss).
LEGACY_COLOUR = "#b26a00"
TARGET_COLOUR = "#2f6fde"
TOTAL_COLOUR = "#1f2430"
CORES_COLOUR = "#b26a00"
POOL_COLOURS = (
    "#2f6fde",
    "#2e9d8f",
    "#8e5bd0",
    "#d08a1f",
    "#c62828",
    "#5b8c2a",
    "#7a8294",
    "#1f4e79",
)

#: How a series is drawn: stacked bars, a line, or a dashed line (a limit, a total).
BAR, LINE, DASHED = "bar", "line", "dashed"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    colour: str
    kind: str = LINE


@dataclass(frozen=True)
class Chart:
    """One chart: points along ``x_labels`` (months or phases), in ``unit``."""

    title: str
    unit: str
    x_labels: tuple[str, ...]
    series: tuple[Series, ...]
    #: What each point is, for a tooltip or a table ("after 3. Wave 3", "March 2027").
    x_long: tuple[str, ...] = ()
    #: Why the chart shows what it shows when it is a fallback; empty otherwise.
    caption: str = ""
    #: Whether values are money (formatted with the unit after them, no decimals).
    money: bool = False

    @property
    def empty(self) -> bool:
        return not self.x_labels or not any(v is not None for s in self.series for v in s.values)

    def stack_top(self, i: int) -> float:
        """Height of the stacked bars at ``i``."""
        return sum(s.values[i] or 0.0 for s in self.series if s.kind == BAR)

    def value_range(self) -> tuple[float, float]:
        """The smallest and largest value drawn (stacked bars counted together)."""
        lows, highs = [0.0], [0.0]
        for s in self.series:
            if s.kind != BAR:
                vals = [v for v in s.values if v is not None]
                lows += vals
                highs += vals
        highs += [self.stack_top(i) for i in range(len(self.x_labels))]
        return min(lows), max(highs)

    def describe(self, i: int) -> str:
        """The values at point ``i`` in words (the window's tooltip)."""
        head = self.x_long[i] if i < len(self.x_long) else self.x_labels[i]
        lines = [head]
        for s in self.series:
            v = s.values[i] if i < len(s.values) else None
            lines.append(f"{s.name}: {'—' if v is None else self.format(v)}")
        return "\n".join(lines)

    def format(self, value: float) -> str:
        if self.money:
            return f"{value:,.0f} {self.unit.split()[0]}"
        return f"{value:,.1f}".removesuffix(".0") + f" {self.unit}"


@dataclass(frozen=True)
class CapacityFigures:
    """Every Capacity & cost figure of a plan, as ``migplan stats --json`` prints them."""

    #: ``core.stats.phase_stats``: one row per wave in order.
    phases: list[dict[str, Any]]
    #: ``licence_totals``: the legacy side's licence totals and findings.
    licences: dict[str, Any]
    #: ``core.stats.cost_stats``: the plan's costs month by month and in total (None: not
    #: computed, the charts then fall back to licensed cores).
    costs: dict[str, Any] | None
    currency: str

    @property
    def has_target(self) -> bool:
        return any(p["nodes"] for p in self.phases)

    @property
    def has_hosts(self) -> bool:
        return bool(self.licences.get("hosts_known"))

    def charts(self) -> list[Chart]:
        """The burn-down, the target's growth and (with GPU pools) the GPUs in use."""
        out = [burn_down(self.phases, self.costs, self.currency), target_growth(self.phases)]
        gpus = gpu_use(self.phases)
        return out + ([gpus] if gpus is not None else [])


def capacity_figures(
    doc: PlanDocument,
    target: list[Phase] | None = None,
    dispositions: Mapping[WorkloadId, DispositionKind] | None = None,
) -> CapacityFigures:
    """The figures, each computed once by core (``target``, ``dispositions``: an
    ``Assessment``'s, to reuse them; else computed from the document). The same calls,
    in the same order, as ``migplan stats --json``."""
    from migplan.core.economics.costs import plan_costs
    from migplan.core.economics.licences import legacy_costs, licence_totals
    from migplan.core.stats import cost_stats, phase_stats
    from migplan.core.target import phase_capacity

    target = phase_capacity(doc) if target is None else target
    legacy = legacy_costs(doc, dispositions)
    money = plan_costs(doc, target, legacy)
    return CapacityFigures(
        phases=phase_stats(doc, target, legacy, money),
        licences=licence_totals(doc, legacy),
        costs=cost_stats(money),
        currency=money.currency,
    )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering ``low``..``high``,
    about ``count`` of them, starting at or below ``low`` and ending at or above ``high``."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    start = math.floor(low / step + 1e-9) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def tick_label(value: float) -> str:
    """A tick as people read it: thousands separators, no needless decimals."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _month_label(month: str, long: bool = False) -> str:
    try:
        day = dt.date.fromisoformat(month + "-01")
    except ValueError:
        return month
    return f"{day:%B %Y}" if long else f"{day:%b %y}"


def _phase_labels(phases: Sequence[dict[str, Any]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    short = tuple(str(p["order"]) for p in phases)
    long = tuple(f"After {p['order']}. {p['wave']}" for p in phases)
    return short, long


def burn_down(
    phases: Sequence[dict[str, Any]], costs: dict[str, Any] | None, currency: str
) -> Chart:
    """Month by month: the legacy side's cost (licences and hosts), the target's and the
    total, from the plan's cost months. Without them (costs not computed, waves undated),
    the licensed cores still in use after each phase, and a caption that says why."""
    months = (costs or {}).get("months") or []
    if months:
        cur = (costs or {}).get("currency") or currency
        return Chart(
            title="Cost month by month",
            unit=f"{cur} a month",
            x_labels=tuple(_month_label(m["month"]) for m in months),
            x_long=tuple(_month_label(m["month"], long=True) for m in months),
            series=(
                Series(
                    "Legacy side (licences and hosts)",
                    tuple(float(m["licences"]) + float(m["legacy_hosts"]) for m in months),
                    LEGACY_COLOUR,
                ),
                Series("Target platform", tuple(float(m["target"]) for m in months), TARGET_COLOUR),
                Series("Total", tuple(float(m["total"]) for m in months), TOTAL_COLOUR, DASHED),
            ),
            money=True,
        )
    why = (
        "Costs month by month need dated waves: set the waves' dates to see them."
        if costs is not None
        else "Costs are not computed for this plan."
    )
    short, long = _phase_labels(phases)
    known = [p for p in phases if p.get("licensed_cores") is not None]
    if not known:
        return Chart(
            title="Licensed cores after each wave",
            unit="licensed cores",
            x_labels=(),
            series=(),
            caption=why + " Licensed cores are unknown too: the inventory has no host list.",
        )
    return Chart(
        title="Licensed cores after each wave",
        unit="licensed cores",
        x_labels=short,
        x_long=long,
        series=(
            Series(
                "Licensed cores still in use",
                tuple(p.get("licensed_cores") for p in phases),
                CORES_COLOUR,
                BAR,
            ),
        ),
        caption=why + " Shown instead: the legacy cores still licensed after each wave.",
    )


def target_growth(phases: Sequence[dict[str, Any]]) -> Chart:
    """Nodes each target pool needs after each phase, stacked."""
    pools = _pools(phases, "nodes")
    short, long = _phase_labels(phases)
    colour_of = pool_colours(phases)
    name_of = pool_names(phases)
    return Chart(
        title="Target nodes after each wave",
        unit="nodes",
        x_labels=short if pools else (),
        x_long=long,
        series=tuple(
            Series(
                name_of[pool],
                tuple(float(p["nodes"].get(pool, 0)) for p in phases),
                colour_of[pool],
                BAR,
            )
            for pool in pools
        ),
        caption="" if pools else "No target pools: describe them in Plan > Settings > Target.",
    )


def gpu_use(phases: Sequence[dict[str, Any]]) -> Chart | None:
    """GPUs (or slices, vGPU devices, replicas) in use after each phase against what each
    GPU pool holds; None when no pool carries GPUs."""
    pools = _pools(phases, "gpus")
    if not pools:
        return None
    short, long = _phase_labels(phases)
    units = {g["unit"] for p in phases for g in p["gpus"].values()}
    colour_of = pool_colours(phases)
    name_of = pool_names(phases)
    series: list[Series] = []
    for pool in pools:
        colour = colour_of[pool]
        name = name_of.get(pool, pool)
        gpus = [p["gpus"].get(pool) for p in phases]
        series.append(
            Series(f"{name} in use", tuple(g["used"] if g else None for g in gpus), colour)
        )
        series.append(
            Series(
                f"{name}: pool size",
                tuple(g["total"] if g else None for g in gpus),
                colour,
                DASHED,
            )
        )
    return Chart(
        title="GPUs in use after each wave",
        unit=units.pop() if len(units) == 1 else "GPU devices",
        x_labels=short,
        x_long=long,
        series=tuple(series),
    )


def _pools(phases: Sequence[dict[str, Any]], key: str) -> list[str]:
    seen: dict[str, None] = {}
    for p in phases:
        for pool in p.get(key) or {}:
            seen.setdefault(pool, None)
    return list(seen)


def pool_names(phases: Sequence[dict[str, Any]]) -> dict[str, str]:
    """What to call each pool: ``cluster/pool`` as keyed, or just the pool's name when the
    target has one cluster (every key then starts the same)."""
    pools = _pools(phases, "nodes")
    clusters = {p.split("/", 1)[0] for p in pools}
    if len(clusters) == 1 and all("/" in p for p in pools):
        return {p: p.split("/", 1)[1] for p in pools}
    return {p: p for p in pools}


def pool_colours(phases: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Each node pool's colour, the same in every chart (pools in the order described)."""
    return {
        pool: POOL_COLOURS[i % len(POOL_COLOURS)] for i, pool in enumerate(_pools(phases, "nodes"))
    }


def nodes_text(row: dict[str, Any], names: dict[str, str]) -> str:
    """Nodes per pool after a phase, pools needing none left out."""
    if not row["nodes"]:
        return "no target pools"
    used = [f"{names.get(pool, pool)} {n:,}" for pool, n in row["nodes"].items() if n]
    return ", ".join(used) if used else "none yet"


def gpus_text(row: dict[str, Any], names: dict[str, str]) -> str:
    """GPUs in use of each GPU pool after a phase (pools with none in use left out)."""
    used = [
        f"{names.get(pool, pool)}: {g['used']:,g} of {g['total']:,g} {g['unit']}"
        for pool, g in row["gpus"].items()
        if g["used"]
    ]
    return ", ".join(used) if used else ("none in use" if row["gpus"] else "—")


def feed_text(row: dict[str, Any], names: dict[str, str]) -> str:
    """Read GB/s the moved GPU workloads of each pool need, and what its tier gives."""
    feeds = [
        f"{names.get(pool, pool)}: needs {f['need_gbps']:,g} GB/s"
        + (f" of {f['gbps']:,g}" if f.get("gbps") is not None else " (tier not given)")
        for pool, f in row["storage_feed"].items()
        if f.get("need_gbps")
    ]
    return ", ".join(feeds) if feeds else "—"


def _month_words(month: str | None) -> str:
    return _month_label(month, long=True) if month else ""


def cost_totals_line(costs: dict[str, Any]) -> str:
    """The plan's cost in plain words: its total over its months, what the legacy side
    would have cost over the same months had nothing moved, what it costs less, and the
    balance once the target and the copying are paid (``cost_stats`` totals)."""
    t = costs.get("totals") or {}
    cur = costs.get("currency", "")
    if not costs.get("dated") or t.get("total") is None:
        return (
            f"Costs per wave only (copying {t.get('transfer') or 0:,.0f} {cur}): month by "
            "month they need dated waves."
        )
    months = len(costs.get("months") or [])
    span = f"{_month_words(costs.get('first_month'))} to {_month_words(costs.get('last_month'))}"
    net = t.get("net")
    balance = ""
    if net is not None:
        balance = (
            f"; with the target and the copying paid, the plan saves {net:,.0f} {cur}"
            if net >= 0
            else f"; with the target and the copying paid, the plan costs {-net:,.0f} {cur} "
            "more than leaving everything where it is, over these months"
        )
    return (
        f"Over {months} months ({span}) the plan costs {t['total']:,.0f} {cur}: legacy "
        f"licences {t['licences']:,.0f}, legacy hosts {t['legacy_hosts']:,.0f}, target "
        f"{t['target']:,.0f} (of which dual running {t.get('dual_running') or 0:,.0f}), "
        f"copying {t['transfer']:,.0f}. Had nothing moved, the legacy side alone would cost "
        f"{t['legacy_if_nothing_moved']:,.0f} {cur}, {t['saving']:,.0f} {cur} more than it "
        f"now does{balance}."
    )
