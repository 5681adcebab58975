"""``migplan gui [FILE] [--screenshot OUT.png]``: the desktop application."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from migplan.clicmd._common import EXIT_PROBLEM, error


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop application (the default)",
        description="Open the MigPlan window, optionally on a plan file.",
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="OUT.png",
        help="render the loaded window to a PNG and exit (for docs and checks)",
    )
    parser.add_argument(
        "--tab",
        choices=("inventory", "waves", "dependencies", "dependencies-workloads", "capacity"),
        default="inventory",
        help="with --screenshot: which tab to show",
    )
    parser.set_defaults(func=run)


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal", "vnc"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    if args.screenshot is not None and not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not has_display():
        return error(
            "no display found (DISPLAY is not set). Run it under a virtual screen: "
            "xvfb-run -a migplan gui [FILE], or set QT_QPA_PLATFORM=offscreen for --screenshot."
        )
    try:
        from migplan.gui.app import run_app
    except ImportError as exc:
        return error(f"the desktop interface cannot start: {exc}")
    if args.file is not None and not args.file.exists():
        return error(f"{args.file}: no such file")
    if args.screenshot is not None:
        from migplan.gui.app import screenshot

        return screenshot(args.file, args.screenshot, tab=args.tab)
    code = run_app(args.file)
    return code if code is not None else EXIT_PROBLEM
