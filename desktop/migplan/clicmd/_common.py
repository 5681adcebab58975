"""Helpers shared by the subcommands: clean one-line errors, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

from migplan.core.document import PlanDocument
from migplan.core.errors import MigPlanError

EXIT_OK = 0
EXIT_PROBLEM = 2


def error(message: str) -> int:
    """Print ``message`` to stderr prefixed with ``migplan:`` and return the problem exit code."""
    for line in message.splitlines() or [""]:
        print(f"migplan: {line}", file=sys.stderr)
    return EXIT_PROBLEM


def load_or_report(path: Path) -> PlanDocument | None:
    """Load a plan, or print why it cannot be loaded and return None."""
    from migplan.io.planfile import load_plan

    try:
        return load_plan(path)
    except MigPlanError as exc:
        error(str(exc))
        return None


def load_all(*paths: Path) -> list[PlanDocument] | None:
    """Load every plan in order, or print why the first that cannot be loaded cannot and
    return None (the later ones are not read)."""
    docs = []
    for path in paths:
        doc = load_or_report(path)
        if doc is None:
            return None
        docs.append(doc)
    return docs
