"""Planner invariants on random small plans (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migplan.core.assess import Assessment
from migplan.core.document import PlanDocument
from migplan.core.planning.capacity import overflow, total_load, wave_limits
from migplan.core.planning.metrics import plan_metrics
from migplan.core.planning.planner import propose_waves
from migplan.core.planning.proposal import Proposal, proposal_command

from .factories import random_plan

SEEDS = st.integers(min_value=0, max_value=10_000)


def _check_invariants(doc: PlanDocument, proposal: Proposal) -> None:
    placed = set(proposal.assignment)
    unplaced = {u.workload_id for u in proposal.unplaceable}
    # Every workload placed exactly once, or reported with a reason.
    assert placed | unplaced == set(doc.workloads)
    assert not placed & unplaced
    assert all(u.reason for u in proposal.unplaceable)
    wave_ids = {w.id for w in proposal.waves}
    assert set(proposal.assignment.values()) <= wave_ids
    assert len(wave_ids) == len(proposal.waves)
    orders = [w.order for w in proposal.waves]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    # Locked waves and pinned workloads are never moved; nothing joins a locked wave.
    locked = {w.id for w in doc.waves.values() if w.locked}
    assert locked <= wave_ids
    for wl in doc.workloads.values():
        if wl.wave_id is not None and (wl.pinned or wl.wave_id in locked):
            assert proposal.assignment[wl.id] == wl.wave_id
    for wid, wave in proposal.assignment.items():
        if wave in locked:
            assert doc.workloads[wid].wave_id == wave
    # Capacities: a new wave fits every row; a kept wave gains nothing it cannot take.
    new = {w.id for w in proposal.new_waves}
    fixed_load = {
        w.id: total_load(
            [x for x in doc.workloads.values() if x.wave_id == w.id and (x.pinned or w.locked)],
            doc.settings,
        )
        for w in proposal.waves
        if w.id not in new
    }
    for position, wave in enumerate(proposal.waves, start=1):
        members = [doc.workloads[w] for w, v in proposal.assignment.items() if v == wave.id]
        limits = wave_limits(doc.settings, position)
        over = overflow(total_load(members, doc.settings), limits)
        if wave.id in new:
            assert not over, (wave.name, over)
        elif over:
            assert len(members) == fixed_load[wave.id].workloads
    # Environments are not mixed in new waves when the settings say so.
    if doc.settings.planner.separate_environments:
        for wave in proposal.new_waves:
            envs = {
                doc.workloads[w].environment.is_production
                or doc.workloads[w].environment.value == "unknown"
                for w, v in proposal.assignment.items()
                if v == wave.id
            }
            assert len(envs) <= 1, wave.name
    # DATA-GRAVITY (the validator's): no AI workload the planner placed moves before the data
    # it reads; only a person's pin or lock can break it.
    planned = PlanDocument.from_data(doc.to_data())
    planned.apply(proposal_command(planned, proposal))
    locked = {w.id for w in doc.waves.values() if w.locked}
    for v in Assessment(planned).violations:
        if v.rule_id == "DATA-GRAVITY":
            ai = doc.workloads[v.workload_ids[0]]
            assert ai.wave_id is not None and (ai.pinned or ai.wave_id in locked), v.message
    # New waves avoid the freeze period.
    for freeze in doc.settings.freeze_periods:
        for wave in proposal.new_waves:
            assert wave.start_date is not None and wave.end_date is not None
            assert not freeze.overlaps(wave.start_date, wave.end_date)


@settings(max_examples=100, deadline=None)
@given(SEEDS, st.integers(min_value=1, max_value=40))
def test_invariants_hold_on_random_plans(seed: int, n: int) -> None:
    doc, shared = random_plan(seed, n)
    proposal = propose_waves(doc, shared_ids=shared)
    _check_invariants(doc, proposal)
    assert proposal.metrics.capacity_overflow == 0 or any(
        w.locked or any(x.pinned for x in doc.workloads_in_wave(w.id)) for w in doc.waves.values()
    )


@settings(max_examples=15, deadline=None)
@given(SEEDS)
def test_deterministic_for_same_input_and_seed(seed: int) -> None:
    doc, shared = random_plan(seed, 35)
    first = propose_waves(doc, shared_ids=shared)
    again = propose_waves(random_plan(seed, 35)[0], shared_ids=shared)
    assert dict(first.assignment) == dict(again.assignment)
    assert first.waves == again.waves
    assert first.unplaceable == again.unplaceable
    assert first.metrics == again.metrics


@settings(max_examples=20, deadline=None)
@given(SEEDS)
def test_command_applies_proposal_and_undoes_exactly(seed: int) -> None:
    doc, shared = random_plan(seed, 30)
    before = PlanDocument.from_data(doc.to_data())
    proposal = propose_waves(doc, shared_ids=shared)
    inverse, _summary = doc.apply(proposal_command(doc, proposal))
    assert {w.id for w in doc.waves.values()} == {w.id for w in proposal.waves}
    for wid, wl in doc.workloads.items():
        assert wl.wave_id == proposal.assignment.get(wid), wid
        assert wl.pinned == before.workloads[wid].pinned
    foundation = doc.settings.planner.shared_services == "foundation"
    after = plan_metrics(doc, replicated=shared if foundation else set())
    assert np.isclose(after.weighted_wave_distance, proposal.metrics.weighted_wave_distance)
    assert np.isclose(after.peak_cut, proposal.metrics.peak_cut)
    doc.apply(inverse)
    assert doc == before


def test_deterministic_on_a_generated_estate() -> None:
    from migplan.core.estate import EstateSpec, generate_estate

    doc = generate_estate(EstateSpec(workloads=800, seed=12))
    first = propose_waves(doc)
    again = propose_waves(generate_estate(EstateSpec(workloads=800, seed=12)))
    assert dict(first.assignment) == dict(again.assignment)
    assert [w.id for w in first.waves] == [w.id for w in again.waves]
    assert first.metrics == again.metrics
    assert first.metrics.capacity_overflow == 0


def test_progress_is_monotonic_and_cancel_stops_planning() -> None:
    import pytest

    from migplan.core.progress import CallbackProgress, Cancelled

    doc, shared = random_plan(5, 30)
    seen: list[tuple[int, int]] = []
    progress = CallbackProgress(lambda done, total, _msg: seen.append((done, total)), rate=0)
    propose_waves(doc, progress, shared_ids=shared)
    assert seen and all(total == seen[0][1] for _d, total in seen)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert seen[-1][0] == seen[-1][1]
    stop = CallbackProgress()
    stop.cancel()
    with pytest.raises(Cancelled):
        propose_waves(doc, stop, shared_ids=shared)
