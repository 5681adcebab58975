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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from migplan.core.errors import MigPlanError

    try:
        return _run(args)
    except MigPlanError as exc:
        return error(str(exc))
    except OSError as exc:
        return error(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except Exception as exc:  # never a traceback for the user
        return error(f"import failed: {type(exc).__name__}: {exc}")


def _run(args: argparse.Namespace) -> int:
    from migplan.core.document import PlanDocument
    from migplan.core.progress import NullProgress
    from migplan.io.importers.mapping import load_mapping_arg
    from migplan.io.importers.pipeline import ImportRequest, run_import
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
    command, report = run_import(doc, request, NullProgress())
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
