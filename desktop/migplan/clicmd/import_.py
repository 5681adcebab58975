"""``migplan import FILE... [--into PLAN] -o OUT.migplan``: import inventories (RVTools, any
CSV/XLSX through a mapping) and dependency exports into a new or existing plan.

Everything is read and checked before anything is written: on any problem the command prints
one line naming the file (and sheet, row, column) and exits 2, and no output file is written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from migplan.clicmd._common import EXIT_OK, error

#: Where named mapping presets live unless --presets-dir says otherwise.
DEFAULT_PRESETS = Path(
    os.environ.get("MIGPLAN_PRESETS", Path.home() / ".config" / "migplan" / "mappings")
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import inventories and dependency exports into a plan",
        description=(
            "Import RVTools exports, other inventory CSV/XLSX files (Azure Migrate, AWS "
            "Migration Hub, Google Migration Center, Live Optics, or any sheet through a "
            "column mapping) and dependency exports into a plan, and print the import report."
        ),
    )
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE")
    parser.add_argument("--into", type=Path, metavar="PLAN", help="merge into this plan")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.migplan")
    parser.add_argument(
        "--mapping", metavar="PRESET", help="a mapping preset name or a preset .json file"
    )
    parser.add_argument("--presets-dir", type=Path, default=None, help="where presets live")
    parser.add_argument("--report-json", type=Path, metavar="R.json", help="write the report")
    parser.add_argument(
        "--app-column",
        metavar="NAME",
        help="column naming each workload's application "
        "(default: the first of Application, App, Business Service, Service)",
    )
    parser.add_argument(
        "--app-map", type=Path, metavar="FILE", help="a workload-to-application sheet or CSV"
    )
    parser.add_argument(
        "--include-templates", action="store_true", help="keep VM templates in the plan"
    )
    review = parser.add_argument_group(
        "review",
        "Values a person set are kept when a file disagrees (a conflict in the report), and "
        "a workload that may be one already in the plan but nothing confirms it (ambiguous) "
        "is imported apart. These options decide otherwise.",
    )
    review.add_argument(
        "--take-file-values",
        action="store_true",
        help="take the file's value for every conflict",
    )
    review.add_argument(
        "--take-file-value",
        action="append",
        default=[],
        metavar="WORKLOAD:FIELD",
        help="take the file's value for this workload's field (e.g. app01:owner); repeatable",
    )
    review.add_argument(
        "--merge",
        action="append",
        default=[],
        metavar="NEW=EXISTING",
        help="merge the imported workload NEW into the plan's workload EXISTING (names); "
        "repeatable",
    )
    review.add_argument(
        "--keep-apart",
        action="append",
        default=[],
        metavar="NAME",
        help="import the workload NAME as a workload of its own even if it matched; repeatable",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from migplan.core.errors import MigPlanError

    try:
        return _run(args)
    except MigPlanError as exc:
        return error(str(exc))
    except OSError as exc:
        return error(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except Exception as exc:  # never a traceback for the user: a message and the log
        from migplan.crashlog import unexpected

        return error(unexpected(exc, "The import"))


def _run(args: argparse.Namespace) -> int:
    from migplan.core.document import PlanDocument
    from migplan.core.progress import NullProgress
    from migplan.io.importers.mapping import load_mapping_arg
    from migplan.io.importers.pipeline import ImportRequest, finish_import, read_import
    from migplan.io.planfile import load_plan, save_plan

    for path in [*args.files, *([args.app_map] if args.app_map else [])]:
        if not path.is_file():
            return error(f"{path}: no such file")
    if args.output.suffix != ".migplan":
        return error(f"{args.output}: the output file must end in .migplan")
    mapping = None
    if args.mapping:
        mapping = load_mapping_arg(args.mapping, args.presets_dir or DEFAULT_PRESETS)
    doc = load_plan(args.into) if args.into else PlanDocument()
    request = ImportRequest(
        files=list(args.files),
        mapping=mapping,
        app_column=args.app_column,
        app_map=args.app_map,
        include_templates=args.include_templates,
    )
    # One command for everything (inventories first, then dependencies resolved against
    # them), applied only when every file was read.
    staged = read_import(doc, request, NullProgress())
    decisions, take = _review_options(args, doc, staged)
    command, report = finish_import(
        doc, staged, NullProgress(), decisions=decisions, take_file=take
    )
    if command is not None:
        doc.apply(command)
    # Write first, print after: a reader that stops early (``| head``) must not cost the plan.
    save_plan(doc, args.output)
    if args.report_json:
        args.report_json.write_text(report.to_json() + "\n", encoding="utf-8")
    try:
        for line in report.summary_lines():
            print(line)
        print(f"Saved {args.output}: {len(doc.workloads)} workloads.")
        sys.stdout.flush()
    except BrokenPipeError:
        # Quiet like other command-line tools; stdout goes nowhere from here on.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


def _review_options(
    args: argparse.Namespace, doc: Any, staged: Any
) -> tuple[dict[str, str], bool | set[tuple[str, str]]]:
    """--merge/--keep-apart as decisions and --take-file-value(s) as conflicts to take, by
    name; a name that is not there is an error (exit 2), never silently ignored."""
    from migplan.core.errors import MigPlanError
    from migplan.core.models import FILE_FIELDS

    new = {}
    for wl in staged.inventory.workloads if staged.inventory is not None else ():
        new.setdefault(wl.name.casefold(), wl.id)
    plan = {}
    for wl in doc.workloads.values():
        plan.setdefault(wl.name.casefold(), wl.id)

    def one(names: dict[str, str], name: str, where: str) -> str:
        found = names.get(name.strip().casefold())
        if found is None:
            raise MigPlanError(f"{name!r}: no workload of that name {where}")
        return found

    decisions: dict[str, str] = {}
    for pair in args.merge:
        left, sep, right = pair.partition("=")
        if not sep:
            raise MigPlanError(f"--merge {pair!r}: write NEW=EXISTING")
        decisions[one(new, left, "in the files")] = one(plan, right, "in the plan")
    for name in args.keep_apart:
        decisions[one(new, name, "in the files")] = ""
    if args.take_file_values:
        return decisions, True
    take: set[tuple[str, str]] = set()
    for pair in args.take_file_value:
        name, sep, field = pair.rpartition(":")
        if not sep or field not in FILE_FIELDS:
            raise MigPlanError(
                f"--take-file-value {pair!r}: write WORKLOAD:FIELD with a field such as "
                "owner, notes, tags, environment, criticality"
            )
        take.add((one(plan, name, "in the plan"), field))
    return decisions, take
