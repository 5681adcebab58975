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
    parser.set_defaults(func=run)


def collect(args: argparse.Namespace, doc: Any) -> dict[str, Any]:
    from migplan.core.stats import plan_stats

    return plan_stats(doc)


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
        print(f"    {wave['order']:>3}. {wave['name']}: {wave['workloads']} workloads{lock}")
    return EXIT_OK
