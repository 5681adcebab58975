"""``migplan update PLAN WORKBOOK``: take back the edits made in an exported workbook."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from migplan.clicmd._common import EXIT_OK, EXIT_PROBLEM, error, load_or_report


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "update",
        help="take back wave and disposition edits made in an exported workbook",
        description=(
            "Read the workbook `migplan report -o OUT.xlsx` wrote, after someone edited it: "
            "workloads moved between waves, dispositions chosen, waves renamed or re-dated. "
            "The plan is saved with those changes (the previous file kept as .bak); edits to "
            "computed columns are ignored and listed."
        ),
    )
    parser.add_argument("plan", type=Path, metavar="PLAN")
    parser.add_argument("workbook", type=Path, metavar="WORKBOOK.xlsx")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="OUT", help="save here instead of over PLAN"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would change; write nothing"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from migplan.core.errors import MigPlanError
    from migplan.io.planfile import save_plan
    from migplan.io.reports.workbook_edits import read_workbook_edits

    doc = load_or_report(args.plan)
    if doc is None:
        return EXIT_PROBLEM
    try:
        edits = read_workbook_edits(doc, args.workbook)
    except MigPlanError as exc:
        return error(str(exc))
    print(edits.describe())
    if edits.command is None or args.dry_run:
        return EXIT_OK
    out = args.output or args.plan
    try:
        doc.apply(edits.command)
        save_plan(doc, out)
    except MigPlanError as exc:
        return error(str(exc))
    print(f"wrote {out}")
    return EXIT_OK
