"""What Propose and Optimise waves would change, worked out before applying (issue 12,
point 5): the validator's own rules on the plan as proposed, moves by wave name, the
document untouched; and how an optimiser run ends against its time budget."""

from __future__ import annotations

import time
from collections import Counter

from migplan.core.assess.assessment import Assessment
from migplan.core.document import PlanDocument
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.planning.optimize import optimize
from migplan.core.planning.planner import propose_waves
from migplan.core.planning.preview import preview_proposal
from migplan.core.planning.proposal import OptimiseRun, proposal_command
from migplan.core.rules import Severity


def _draft() -> PlanDocument:
    """A first draft drawn by hand: applications spread over 4 waves, rules broken."""
    return generate_estate(EstateSpec(workloads=120, waves=4, seed=23, ai_share=0.3))


def test_the_preview_is_what_applying_gives_and_leaves_the_plan_alone() -> None:
    doc = _draft()
    before = doc.to_data()
    proposal = propose_waves(doc)
    preview = preview_proposal(doc, proposal, "Propose waves")
    assert doc.to_data() == before

    now = Assessment(doc)
    doc.apply(proposal_command(doc, proposal))
    after = Assessment(doc)
    # The rules before and after are the validator's own, counted per named rule.
    assert {r.rule_id: r.before for r in preview.rules if r.before} == dict(
        Counter(v.rule_id for v in now.violations)
    )
    assert {r.rule_id: r.after for r in preview.rules if r.after} == dict(
        Counter(v.rule_id for v in after.violations)
    )
    hard_before, hard_after = preview.broken(Severity.HARD)
    assert hard_before > hard_after
    # A move is a workload whose wave, by name, changes; every other keeps its wave's name.
    names = {m.workload_id: (m.from_wave, m.to_wave) for m in preview.moves}
    for wl in doc.workloads.values():
        wave = doc.waves[wl.wave_id].name if wl.wave_id else None
        if wl.id in names:
            assert names[wl.id][1] == wave
    assert preview.waves_after == len(doc.waves)
    assert preview.unplaced_after == sum(1 for w in doc.workloads.values() if w.wave_id is None)
    assert [r.wave for r in preview.risks][: len(doc.waves)] == [
        w.name for w in doc.waves_in_order()
    ]


def test_a_wave_redrawn_under_its_name_is_neither_added_nor_removed() -> None:
    doc = _draft()
    proposal = propose_waves(doc)
    doc.apply(proposal_command(doc, proposal))
    again = propose_waves(doc)
    preview = preview_proposal(doc, again)
    # The planner redraws every unlocked wave (new ids) the same way: nothing moves.
    assert preview.moves == ()
    assert preview.added == () and preview.removed == ()
    assert len(preview.redrawn) == len(doc.waves)


def test_the_undo_step_is_named_after_the_command() -> None:
    doc = _draft()
    proposal = propose_waves(doc)
    assert proposal_command(doc, proposal).label == "Propose waves"
    assert proposal_command(doc, proposal, "Optimise waves").label == "Optimise waves"


def test_optimise_stops_early_only_when_the_solver_proves_it() -> None:
    # One window holds the whole plan: CP-SAT proves its answer optimal well inside 30 s.
    doc = generate_estate(EstateSpec(workloads=120, seed=5))
    start = propose_waves(doc)
    began = time.monotonic()
    out = optimize(doc, start, time_limit_s=30.0)
    run = out.optimised
    assert run is not None and run.ended == "optimal"
    assert run.seconds < 30 and time.monotonic() - began < 30
    assert "proved no better plan exists" in run.describe()


def test_optimise_in_windows_uses_its_whole_budget() -> None:
    # Solved in windows, no window's proof is the plan's: it runs to its budget.
    doc = generate_estate(EstateSpec(workloads=300, seed=5))
    start = propose_waves(doc)
    began = time.monotonic()
    out = optimize(doc, start, time_limit_s=2.0, window_groups=10)
    elapsed = time.monotonic() - began
    run = out.optimised
    assert run is not None and run.ended == "budget" and run.windows > 1
    assert 1.8 <= run.seconds <= elapsed < 6.0
    assert run.describe().startswith("Used the full 2.0 s budget")


def test_describe_says_each_ending() -> None:
    assert OptimiseRun(60, 12.3, "optimal").describe() == (
        "Stopped after 12 s of its 60 s budget: the solver proved no better plan exists "
        "for these waves."
    )
    assert OptimiseRun(60, 60.1, "budget").describe().startswith("Used the full 60 s budget")
    assert OptimiseRun(60, 3, "cancelled").describe() == "Cancelled after 3.0 s of its 60 s budget."
