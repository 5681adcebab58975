"""``migplan report PLAN -o OUT.pdf|OUT.xlsx``: the phase plan as a PDF or an Excel workbook."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from migplan.clicmd._common import EXIT_OK, EXIT_PROBLEM, error, load_or_report


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the phase plan as a PDF or an Excel workbook",
        description="Write the phase plan of PLAN: a PDF to print, or an Excel workbook (by the output's suffix).",
    )
    parser.add_argument("plan", type=Path, metavar="PLAN")
    parser.add_argument(
        "-o", "--output", type=Path, required=True, action="append", metavar="OUT.pdf|OUT.xlsx"
    )
    parser.add_argument(
        "--paper",
        choices=("a4", "letter"),
        default="a4",
        help="paper size of the PDF, printed landscape (default: a4)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from migplan.core.errors import MigPlanError
    from migplan.io.reports.data import build_report

    outputs: list[Path] = args.output
    bad = [p for p in outputs if p.suffix.lower() not in (".pdf", ".xlsx")]
    if bad:
        return error(f"{bad[0]}: the output must end in .pdf or .xlsx")
    doc = load_or_report(args.plan)
    if doc is None:
        return EXIT_PROBLEM
    report = build_report(doc)
    for out in outputs:
        try:
            if out.suffix.lower() == ".pdf":
                from migplan.io.reports.pdf import write_pdf

                write_pdf(doc, out, report, paper=args.paper)
            else:
                from migplan.io.reports.xlsx import write_xlsx

                write_xlsx(doc, out, report)
        except MigPlanError as exc:
            return error(str(exc))
        print(f"wrote {out}")
    return EXIT_OK
