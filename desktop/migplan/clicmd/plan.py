"""``migplan plan IN -o OUT [--optimize SECONDS] [--ramp START,STEP,MAX] [--settings FILE.json]``.

Proposes waves for a plan (keeping locked waves and pinned workloads), optionally refines them
with CP-SAT, writes the result and prints a summary. ``--ramp`` sets the workloads-per-wave
capacity (first wave START, STEP more per wave, never above MAX); ``--settings`` merges a JSON
object into the plan settings (e.g. ``{"planner": {"seed": 3}, "capacity": {"vcpu": 400}}``).
Exit 0, or 2 with one clear line.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from migplan.clicmd._common import EXIT_OK, EXIT_PROBLEM, error, load_or_report
from migplan.core.errors import MigPlanError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="propose waves for a plan",
        description=(
            "Propose waves (keeping locked waves and pinned workloads), optionally optimise "
            "them, and write the plan to OUT."
        ),
    )
    parser.add_argument("file", type=Path, metavar="IN.migplan")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.migplan")
    parser.add_argument(
        "--optimize", type=float, default=0.0, metavar="SECONDS", help="refine with CP-SAT"
    )
    parser.add_argument("--ramp", metavar="START,STEP,MAX", help="workloads per wave as a ramp")
    parser.add_argument("--settings", type=Path, metavar="FILE.json", help="settings to merge")
    parser.set_defaults(func=run)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def new_settings(current: Any, ramp: str | None, settings_file: Path | None) -> Any:
    """The settings after ``--settings`` and ``--ramp``; raises ``ValueError`` with the reason."""
    from pydantic import ValidationError

    from migplan.core.errors import describe_validation_error
    from migplan.core.settings import PlanSettings
    from migplan.io.jsonshape import JsonShapeError, loads_bounded

    data = current.model_dump(mode="json")
    if settings_file is not None:
        try:
            extra = loads_bounded(settings_file.read_bytes())
        except OSError as exc:
            raise ValueError(f"{settings_file}: cannot be read ({exc.strerror or exc})") from None
        except JsonShapeError as exc:
            raise ValueError(f"{settings_file}: {exc}") from None
        if not isinstance(extra, dict):
            raise ValueError(f"{settings_file}: expected a JSON object of settings")
        data = _merge(data, extra)
    if ramp is not None:
        parts = ramp.split(",")
        try:
            start, step, top = (int(p) for p in parts)
        except ValueError:
            raise ValueError(
                f"--ramp {ramp!r}: expected three whole numbers START,STEP,MAX such as 10,10,50"
            ) from None
        data = _merge(data, {"capacity": {"workloads": {"start": start, "step": step, "max": top}}})
    try:
        return PlanSettings.model_validate(data)
    except ValidationError as exc:
        where = str(settings_file) if settings_file else "--ramp"
        raise ValueError(describe_validation_error(exc, f"{where}").replace("\n", "; ")) from None


def run(args: argparse.Namespace) -> int:
    from migplan.core.commands import SetSettings
    from migplan.core.planning.optimize import optimize
    from migplan.core.planning.planner import propose_waves
    from migplan.core.planning.proposal import proposal_command
    from migplan.io.planfile import save_plan

    if args.optimize < 0:
        return error(f"--optimize {args.optimize:g}: expected a number of seconds, 0 or more")
    doc = load_or_report(args.file)
    if doc is None:
        return EXIT_PROBLEM
    try:
        settings = new_settings(doc.settings, args.ramp, args.settings)
    except ValueError as exc:
        return error(str(exc))
    try:
        if settings != doc.settings:
            doc.apply(SetSettings(settings))
        proposal = propose_waves(doc)
        if args.optimize > 0:
            proposal = optimize(doc, proposal, time_limit_s=args.optimize)
        doc.apply(proposal_command(doc, proposal))
        save_plan(doc, args.output)
    except MigPlanError as exc:
        return error(str(exc))
    _print_summary(args, proposal, doc)
    return EXIT_OK


def _print_summary(args: argparse.Namespace, proposal: Any, doc: Any) -> None:
    """What the plan now is, read back from the document the way ``stats`` reads it (hard
    violations from the validator, unplaced workloads from ``explain_unplaced``), so both
    commands print the same numbers for the same file."""
    from migplan.core.assess.assessment import Assessment
    from migplan.core.planning.unplaced import explain_assessed, unplaced_counts
    from migplan.core.rules import Severity

    assessment = Assessment(doc)
    hard = [v for v in assessment.violations if v.severity is Severity.HARD]
    unplaced = explain_assessed(assessment)
    m = proposal.metrics
    print(f"{args.file} -> {args.output}: {proposal.summary()}")
    for note in proposal.notes:
        print(f"  note: {note}")
    if proposal.optimised is not None:
        print(f"  optimiser: {proposal.optimised.describe()}")
    counts: dict[str, int] = {}
    for wave_id in proposal.assignment.values():
        counts[wave_id] = counts.get(wave_id, 0) + 1
    for wave in proposal.waves:
        tags = [t for t, on in (("locked", wave.locked), ("new", wave in proposal.new_waves)) if on]
        dates = f" {wave.start_date} .. {wave.end_date}" if wave.start_date else ""
        extra = f" ({', '.join(tags)})" if tags else ""
        print(f"  {wave.order:>4}. {wave.name}: {counts.get(wave.id, 0)} workloads{dates}{extra}")
    print(
        f"  metrics: weighted wave distance {m.weighted_wave_distance:,.1f}, peak cut "
        f"{m.peak_cut:,.1f}, precedence violations {m.precedence_violations} "
        f"(weight {m.precedence_weight:,.1f}), capacity overflow {m.capacity_overflow}, "
        f"hard violations {len(hard)}"
    )
    for v in hard[:10]:
        print(f"  hard rule broken: {v.rule_id} ({v.rule.title}): {v.message}")
    if unplaced:
        by_rule = ", ".join(f"{rule} {n}" for rule, n in unplaced_counts(unplaced).items())
        print(f"  in no wave: {len(unplaced)} workloads ({by_rule}):")
    for item in unplaced[:10]:
        print(f"  not placed: {item.name} [{item.rule_id}]: {item.reason}")
    if len(unplaced) > 10:
        print(f"  ... and {len(unplaced) - 10} more not placed (migplan stats --json lists all)")
    for cut in proposal.cutovers[:5]:
        print(f"  coordinated cutover over {len(cut.wave_ids)} waves: {cut.reason}")
