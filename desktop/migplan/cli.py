"""The ``migplan`` command: the desktop app with no arguments, headless subcommands otherwise.

Each subcommand lives in its own module under ``migplan.clicmd`` and exposes
``register(subparsers)``; the module sets ``func`` on its parser. A subcommand returns the exit
code: 0 for success, 2 for a problem the user can fix (one clear line per problem, never a
traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from migplan import __version__
from migplan.core.errors import MigPlanError
from migplan.crashlog import unexpected

#: Subcommand modules in ``migplan.clicmd``, in the order ``--help`` lists them.
SUBCOMMANDS = ("gui", "import_", "plan", "stats", "validate", "report", "update", "diff")

EXIT_OK = 0
EXIT_PROBLEM = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="migplan",
        description="Plan how an estate of VMs moves to containers and KubeVirt, wave by wave.",
    )
    parser.add_argument("--version", action="version", version=f"MigPlan {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"migplan.clicmd.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"migplan.clicmd.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or (args_list[0].endswith(".migplan") and not args_list[0].startswith("-")):
        args_list = ["gui", *args_list]
    args = parser.parse_args(args_list)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_PROBLEM
    try:
        return int(func(args))
    except MigPlanError as exc:
        return _error(str(exc))
    except RecursionError as exc:
        return _error(unexpected(exc, f"migplan {args.command}"))
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        name = exc.filename or ""
        return _error(f"{name}: {exc.strerror or exc}".lstrip(": "))
    except KeyboardInterrupt:
        print("migplan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``migplan plan ... | head``): stop quietly, as Unix tools do.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # never a traceback for the user: a message and the log
        return _error(unexpected(exc, f"migplan {args.command}"))


def _error(message: str) -> int:
    for line in message.splitlines() or [""]:
        print(f"migplan: {line}", file=sys.stderr)
    return EXIT_PROBLEM


if __name__ == "__main__":
    sys.exit(main())
