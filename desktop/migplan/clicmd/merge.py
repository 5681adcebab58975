"""``migplan merge BASE OURS THEIRS -o OUT [--ours|--theirs]``: a three-way merge of plans.

Writes OUT when the edits combine without conflict, or when a side is chosen for every
conflict (``--ours``/``--theirs``); otherwise lists the conflicts and exits 1 without
writing. Exit 2 when a file cannot be read or written. Usable as a git merge driver:
``git config merge.migplan.driver "migplan merge %O %A %B -o %A"``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from migplan.clicmd._common import EXIT_OK, EXIT_PROBLEM, error, load_all

EXIT_CONFLICTS = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "merge",
        help="merge two people's edits of a plan (three-way)",
        description=(
            "Combine the edits made from BASE to OURS and from BASE to THEIRS. Without "
            "conflicts OUT is written; with conflicts they are listed and nothing is written "
            "(exit 1), unless --ours or --theirs chooses a side for all of them."
        ),
    )
    parser.add_argument("base", type=Path, metavar="BASE", help="the common earlier version")
    parser.add_argument("ours_path", type=Path, metavar="OURS", help="your version")
    parser.add_argument("theirs_path", type=Path, metavar="THEIRS", help="the other version")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    side = parser.add_mutually_exclusive_group()
    side.add_argument("--ours", action="store_true", help="take our side in every conflict")
    side.add_argument("--theirs", action="store_true", help="take their side in every conflict")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from migplan.core.merge3 import MergeError, merge, resolve
    from migplan.io.planfile import save_plan

    docs = load_all(args.base, args.ours_path, args.theirs_path)
    if docs is None:
        return EXIT_PROBLEM
    try:
        result = merge(*docs)
    except MergeError as exc:
        return error(f"cannot merge {args.ours_path} and {args.theirs_path}: {exc}")
    chosen = "ours" if args.ours else "theirs" if args.theirs else None
    if result.conflicts and chosen is None:
        n = len(result.conflicts)
        print(f"{n} conflict{'s' if n != 1 else ''}; {args.output} not written:")
        for conflict in result.conflicts:
            print(f"  {conflict.line()}")
        print("Choose a side for all of them with --ours or --theirs, or merge in the app.")
        return EXIT_CONFLICTS
    try:
        merged = resolve(result, chosen or "ours")
    except MergeError as exc:
        return error(f"cannot merge {args.ours_path} and {args.theirs_path}: {exc}")
    save_plan(merged, args.output, keep_backup=False)
    if result.conflicts:
        print(f"{len(result.conflicts)} conflicts resolved with {chosen}'s side")
    print(f"Merged into {args.output}")
    return EXIT_OK
