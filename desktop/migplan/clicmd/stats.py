"""``migplan stats FILE [--json]``: counts, totals and waves of a plan."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from migplan.clicmd._common import EXIT_OK, EXIT_PROBLEM, load_or_report


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="print counts, totals and waves of a plan",
        description="Print what a plan holds. With --json, a machine-readable object.",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--assignments",
        action="store_true",
        help="with --json: add a map from workload name to the order (1, 2, ...) of its wave",
    )
    parser.set_defaults(func=run)


def collect(args: argparse.Namespace, doc: Any) -> dict[str, Any]:
    from migplan.core.planning.kpis import plan_kpis, wave_positions
    from migplan.core.stats import plan_stats

    stats = plan_stats(doc)
    # Planning KPIs (issue 4): whole-plan metrics and, per wave, the phase risk.
    from migplan.core.assess.assessment import Assessment

    assessment = Assessment(doc)
    kpis = plan_kpis(doc, assessment)
    stats["metrics"] = kpis["metrics"]
    for wave in stats["waves"]:
        risk = kpis["waves"].get(wave["id"], {})
        wave["risk_score"] = risk.get("risk_score")
        wave["risk_band"] = risk.get("risk_band")
        wave["confidence"] = risk.get("confidence")
        wave["blocked"] = risk.get("blocked")
    stats["unplaced"] = kpis["unplaced"]
    # Per phase (issue 14): one row per wave, each concern adding its keys (core.stats);
    # the same figures, from the same calls, as the Capacity & cost tab and the reports.
    from migplan.io.reports.capacity import capacity_figures

    figures = capacity_figures(doc, assessment.target_phases(), assessment.dispositions)
    stats["phases"] = figures.phases
    stats["licences"] = figures.licences
    stats["costs"] = figures.costs
    if getattr(args, "assignments", False):
        stats["assignments"] = wave_positions(doc)
    return stats


def print_phases(phases: list[dict[str, Any]]) -> None:
    """The target, phase by phase: nodes per pool, GPUs in use, feed, data and copy time."""
    if not any(p["nodes"] for p in phases):
        if phases:
            print("  target: no clusters described (settings: target)")
        return
    print("  target after each wave:")
    for phase in phases:
        nodes = ", ".join(f"{pool} {n}" for pool, n in phase["nodes"].items())
        print(
            f"    {phase['order']:>3}. {phase['wave']}: nodes {nodes}; "
            f"{phase['data_gib']:,.1f} GiB to copy, {phase['transfer_hours']:,.1f} h"
        )
        for pool, gpus in phase["gpus"].items():
            feed = phase["storage_feed"][pool]
            reads = "tier rate not set" if feed["gbps"] is None else f"tier {feed['gbps']:g} GB/s"
            print(
                f"         {pool}: {gpus['used']:g}/{gpus['total']:g} {gpus['unit']}, "
                f"reads {feed['need_gbps']:g} GB/s needed, {reads}"
            )
        for finding in phase["findings"]:
            print(f"         [{finding['rule']}] {finding['message']}")


def run(args: argparse.Namespace) -> int:
    doc = load_or_report(args.file)
    if doc is None:
        return EXIT_PROBLEM
    stats = collect(args, doc)
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{stats['name']}: {args.file}")
    print(
        f"  {stats['workloads']} workloads, {stats['applications']} applications, "
        f"{stats['dependencies']} dependencies, {stats['externals']} external nodes"
    )
    print(
        f"  {stats['vcpu']} vCPU, {stats['memory_gib']} GiB memory, "
        f"{stats['storage_used_gib']} GiB storage, {stats['gpus']} GPUs"
    )
    print(f"  {len(stats['waves'])} waves, {stats['unassigned_workloads']} workloads in no wave")
    for wave in stats["waves"]:
        lock = " (locked)" if wave["locked"] else ""
        risk = (
            f", risk {wave['risk_score']:.0f} {wave['risk_band']} ({wave['confidence']} confidence)"
            + (", blocked" if wave.get("blocked") else "")
            if wave.get("risk_score") is not None
            else ""
        )
        print(f"    {wave['order']:>3}. {wave['name']}: {wave['workloads']} workloads{lock}{risk}")
    unplaced = stats["unplaced"]
    if unplaced:
        rules: dict[str, int] = {}
        for item in unplaced:
            rules[item["rule"]] = rules.get(item["rule"], 0) + 1
        listed = ", ".join(
            f"{rule} {n}" for rule, n in sorted(rules.items(), key=lambda kv: -kv[1])
        )
        print(f"  in no wave, and why ({listed}):")
        for item in unplaced[:20]:
            print(f"    {item['name']} [{item['rule']}]: {item['reason']}")
        if len(unplaced) > 20:
            print(f"    ... and {len(unplaced) - 20} more (--json lists all)")
    _print_licences(stats)
    print_phases(stats["phases"])
    print_costs(stats)
    m = stats["metrics"]
    print(
        f"  metrics: weighted wave distance {m['weighted_wave_distance']:,.1f}, peak cut "
        f"{m['peak_cut']:,.1f}, precedence violations {m['precedence_violations']}, capacity "
        f"overflow {m['capacity_overflow']}, hard violations {m['hard_violations']}"
    )
    return EXIT_OK


def print_costs(stats: dict[str, Any]) -> None:
    """What each phase costs, and the plan's totals over its months."""
    costs = stats["costs"]
    money = f"{costs['currency']} {{:,.0f}}".format
    print("  costs:")
    for phase in stats["phases"]:
        cost = phase["cost"]
        if not (cost["target_per_month"] or cost["transfer"]):
            continue
        dual = (
            f", dual running {cost['dual_running_days']} days {money(cost['dual_running'])}"
            if cost["dual_running"] is not None
            else ""
        )
        print(
            f"    {phase['order']:>3}. {phase['wave']}: target "
            f"{money(cost['target_per_month'])}/month after it, copying "
            f"{money(cost['transfer'])}{dual}"
        )
    t = costs["totals"]
    if costs["dated"]:
        print(
            f"    {costs['first_month']} to {costs['last_month']}: total {money(t['total'])} "
            f"(legacy licences {money(t['licences'])}, legacy hosts {money(t['legacy_hosts'])}, "
            f"target {money(t['target'])}, copying {money(t['transfer'])}); the legacy side "
            f"alone would have cost {money(t['legacy_if_nothing_moved'])}, so it costs "
            f"{money(t['saving'])} less"
        )
    for finding in costs["findings"]:
        print(f"    [{finding['rule']}] {finding['message']}")


def _print_licences(stats: dict[str, Any]) -> None:
    """The legacy licences section: hosts emptied and cores freed per phase, and totals."""
    lic = stats["licences"]
    if not lic["hosts_known"]:
        print("  legacy licences: hosts unknown (no vHost in the inventory), nothing computed")
        return
    money = f"{lic['currency']} {{:,.0f}}".format
    renewal = lic["renewal_date"] or "not set"
    print(
        f"  legacy licences: {lic['hosts']} hosts, {lic['licensed_cores_total']} licensed cores "
        f"(at least {lic['min_cores_per_cpu']} per CPU), "
        f"{money(lic['price_per_core_year'])} per core-year, renewal {renewal}"
    )
    for phase in stats["phases"]:
        if phase["licensed_cores_freed"]:
            start = f" from {phase['saving_from']}" if phase["saving_from"] else ""
            print(
                f"    {phase['order']:>3}. {phase['wave']}: empties "
                f"{len(phase['hosts_emptied'])} host(s), frees {phase['licensed_cores_freed']} "
                f"cores, saves {money(phase['saving_per_year'])}/year{start}; "
                f"{phase['licensed_cores']} cores still licensed"
            )
    months = lic["licensed_core_months"]
    print(
        f"    in total: {lic['licensed_cores_freed']} cores freed, "
        f"{money(lic['saving_per_year'])}/year saved, {lic['licensed_cores_at_end']} cores "
        f"still licensed after the last wave"
        + (f", {months:,.1f} licensed-core-months over the plan" if months is not None else "")
    )
    for finding in lic["findings"]:
        print(f"    [{finding['rule']}] {finding['message']}")
