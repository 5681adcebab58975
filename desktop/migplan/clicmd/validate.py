"""``migplan validate FILE...``: exit 0 when every file loads and is consistent, else 2."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from migplan.clicmd._common import EXIT_OK, EXIT_PROBLEM, load_or_report


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check that plan files load and are consistent",
        description="Check plan files. Prints one line per problem; exit 0 if all are fine, 2 otherwise.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from migplan.core.consistency import check_consistency, summarize

    failed = False
    for path in args.files:
        doc = load_or_report(path)
        if doc is None:
            failed = True
            continue
        problems = check_consistency(doc)
        for line in summarize(problems):
            print(f"{path}: {line}")
        if problems:
            failed = True
        else:
            counts = doc.counts()
            print(
                f"{path}: ok ({counts['workloads']} workloads, {counts['applications']} applications, "
                f"{counts['dependencies']} dependencies, {counts['waves']} waves)"
            )
    return EXIT_PROBLEM if failed else EXIT_OK
