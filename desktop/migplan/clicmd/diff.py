"""``migplan diff A B [--json]``: what changed from plan A to plan B.

Exit 0 when the plans are the same, 1 when they differ (as diff(1) does), 2 when a file
cannot be read (one message naming it).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from migplan.clicmd._common import EXIT_PROBLEM, load_all

EXIT_SAME = 0
EXIT_DIFFERENT = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="list what changed between two versions of a plan",
        description=(
            "List what changed from plan A to plan B: workloads added, removed, moved between "
            "waves and edited, applications, dependencies, waves, settings, and risk per wave "
            "before and after. Exit 0 when they are the same, 1 when they differ, 2 when a "
            "file cannot be read."
        ),
    )
    parser.add_argument("old", type=Path, metavar="A", help="the earlier version")
    parser.add_argument("new", type=Path, metavar="B", help="the later version")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--no-risk", action="store_true", help="skip risk per wave (faster on big plans)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from migplan.core.diff import compare

    docs = load_all(args.old, args.new)
    if docs is None:
        return EXIT_PROBLEM
    old, new = docs
    diff = compare(old, new, risk=not args.no_risk)
    if args.json:
        print(diff.to_json_text())
    else:
        print(f"{args.old} → {args.new}")
        print(diff.summary())
        for section in diff.sections():
            print()
            print(section.heading)
            for line in section.lines:
                print(f"  {line}")
    return EXIT_SAME if diff.same else EXIT_DIFFERENT
