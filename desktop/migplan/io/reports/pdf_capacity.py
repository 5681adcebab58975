"""The phase plan's "Capacity and cost" section: the plan's cost in a few figures, the cost
month by month and the target's growth as charts, then per wave the nodes, GPUs, storage
feed, hosts emptied, licensed cores and costs. Every number is read from the report's
``CapacityFigures`` (core computed them once; the window shows the same)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from migplan.io.reports.capacity import (
    CapacityFigures,
    feed_text,
    gpus_text,
    nodes_text,
    pool_names,
)
from migplan.io.reports.pdf_charts import chart_drawing
from migplan.io.reports.pdf_style import Raw, bullet, para, table

NO_FIGURES = (
    "Nothing to size or cost yet: the plan describes no target node pools and its inventory "
    "has no host list. Describe the target clusters in Plan > Settings > Target, and import "
    "an RVTools export with its vHost sheet for the legacy hosts and their licences."
)


@dataclass(frozen=True)
class _Column:
    head: str
    weight: float
    numeric: bool
    cell: Callable[[dict[str, Any]], Any]


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _count(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def capacity_section(fig: CapacityFigures, s: dict[str, Any], usable: float) -> list[Any]:
    """The section's body (its heading is the caller's, for the contents and bookmarks)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    if not fig.has_target and not fig.has_hosts:
        return [para(NO_FIGURES, s["body"])]
    cur = (fig.costs or {}).get("currency") or fig.currency
    out: list[Any] = [
        para(
            "What the new platform needs and the old one frees after each wave, and what it "
            f"costs. Amounts are in {cur}.",
            s["body"],
        )
    ]
    out += _key_figures(fig, cur, s, usable)
    # -- charts side by side (those with something to draw; the others say why below)
    charts = fig.charts()
    drawn = [c for c in charts if not c.empty]
    if drawn:
        gap = 7 * mm
        each = (usable - gap * (len(drawn) - 1)) / len(drawn)
        drawings = [chart_drawing(c, each, 215) for c in drawn]
        grid = Table([drawings], colWidths=[each + gap] * (len(drawn) - 1) + [each])
        grid.setStyle(
            TableStyle(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        grid.hAlign = "LEFT"
        out += [Spacer(1, 3 * mm), grid, Spacer(1, 2 * mm)]
    for c in charts:
        if c.caption:
            out.append(para(f"{c.title}: {c.caption}", s["small"]))
    # -- per wave
    out.append(para("Per wave, once it has moved", s["h2"]))
    columns = _columns(fig, cur)
    total = sum(c.weight for c in columns)
    widths = [usable * c.weight / total for c in columns]
    rows: list[list[Any]] = [[c.head for c in columns]]
    rows += [[c.cell(row) for c in columns] for row in fig.phases]
    numeric = [i for i, c in enumerate(columns) if c.numeric]
    out.append(table(rows, widths, s, numeric=numeric))
    out += _findings(fig, s)
    return out


def _key_figures(fig: CapacityFigures, cur: str, s: dict[str, Any], usable: float) -> list[Any]:
    """The plan's few figures a project manager quotes, as a row of labelled numbers."""
    head: list[Any] = []
    values: list[Any] = []
    costs = fig.costs or {}
    totals = costs.get("totals") or {}
    if costs.get("dated") and totals.get("total") is not None:
        months = len(costs.get("months") or [])
        net = totals.get("net")
        head += [
            f"Plan total over {months} months ({cur})",
            f"Legacy side alone, had nothing moved ({cur})",
            f"Legacy side costs less by ({cur})",
            f"{'Saved' if net is None or net >= 0 else 'Extra cost'} once the target and copying are paid ({cur})",
        ]
        values += [
            Raw(_money(totals["total"])),
            Raw(_money(totals.get("legacy_if_nothing_moved"))),
            Raw(_money(totals.get("saving"))),
            Raw(_money(None if net is None else abs(net))),
        ]
    lic = fig.licences
    if fig.has_hosts:
        head += ["Licensed cores today", "Freed by the plan", f"Licence saving a year ({cur})"]
        values += [
            Raw(f"{lic['licensed_cores_total']:,}"),
            Raw(f"{lic['licensed_cores_freed']:,}"),
            Raw(_money(lic["saving_per_year"])),
        ]
    if fig.has_target and fig.phases:
        head.append("Target nodes after the last wave")
        values.append(Raw(f"{sum(fig.phases[-1]['nodes'].values()):,}"))
    # Four figures to a row: a header wider than its number wraps onto few lines.
    out: list[Any] = []
    for i in range(0, len(head), 4):
        part = head[i : i + 4]
        out.append(table([part, values[i : i + 4]], [usable / 4] * len(part), s, numeric_from=0))
    return out


def _columns(fig: CapacityFigures, cur: str) -> list[_Column]:
    names = pool_names(fig.phases)
    cols = [_Column("Wave", 1.3, False, lambda r: f"{r['order']}. {r['wave']}")]
    if fig.has_target:
        pools = list(names)
        if len(pools) <= 2:
            for pool in pools:
                cols.append(
                    _Column(
                        f"{names[pool]} nodes",
                        max(0.7, 0.2 + 0.065 * len(names[pool])),
                        True,
                        _nodes_of(pool),
                    )
                )
        else:
            cols.append(_Column("Target nodes", 2.0, False, lambda r: nodes_text(r, names)))
        if any(r["gpus"] for r in fig.phases):
            cols.append(_Column("GPUs in use", 2.0, False, lambda r: gpus_text(r, names)))
            cols.append(_Column("Storage feed", 2.0, False, lambda r: feed_text(r, names)))
    if fig.has_hosts:
        cols += [
            _Column(
                "Hosts emptied",
                0.8,
                True,
                lambda r: Raw(
                    _count(len(r["hosts_emptied"]) if r["hosts_emptied"] is not None else None)
                ),
            ),
            _Column("Licensed cores", 0.85, True, lambda r: Raw(_count(r["licensed_cores"]))),
        ]
    if any("cost" in r for r in fig.phases) and fig.has_target:
        cols += [
            _Column(
                f"Target a month ({cur})",
                1.0,
                True,
                lambda r: Raw(_money(r["cost"].get("target_per_month"))),
            ),
            _Column(
                f"Dual running ({cur})",
                1.0,
                True,
                lambda r: Raw(_money(r["cost"].get("dual_running"))),
            ),
        ]
    if any("cost" in r for r in fig.phases):
        cols.append(
            _Column(
                f"Copy cost ({cur})", 0.9, True, lambda r: Raw(_money(r["cost"].get("transfer")))
            )
        )
    return cols


def _nodes_of(pool: str) -> Callable[[dict[str, Any]], Any]:
    return lambda r: Raw(f"{r['nodes'].get(pool, 0):,}")


def _findings(fig: CapacityFigures, s: dict[str, Any]) -> list[Any]:
    lines = [
        f"{r['order']}. {r['wave']}: {f['message']} ({f['rule']})"
        for r in fig.phases
        for f in r["findings"]
    ]
    lines += [f"{f['message']} ({f['rule']})" for f in fig.licences.get("findings", [])]
    lines += [f"{f['message']} ({f['rule']})" for f in (fig.costs or {}).get("findings", [])]
    if not lines:
        return []
    out: list[Any] = [para("What to look at", s["h2"])]
    shown = 30
    for text in lines[:shown]:
        out.append(bullet(text, s["bullet"]))
    if len(lines) > shown:
        out.append(para(f"… and {len(lines) - shown:,} more.", s["small"]))
    return out
