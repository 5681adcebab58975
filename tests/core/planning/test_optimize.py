"""CP-SAT refinement: never worse, keeps every rule, cancellable."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.planning.optimize import optimize
from migplan.core.planning.planner import propose_waves
from migplan.core.planning.proposal import proposal_command

from .factories import random_plan
from .test_planner_properties import _check_invariants


class _Cancelled:
    cancelled = True

    def step(self, done: int, total: int, message: str = "") -> None:
        return None


@settings(max_examples=12, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_optimize_is_never_worse_and_keeps_the_rules(seed: int) -> None:
    doc, shared = random_plan(seed, 30)
    start = propose_waves(doc, shared_ids=shared)
    better = optimize(doc, start, time_limit_s=0.5, shared_ids=shared)
    assert better.metrics.objective <= start.metrics.objective + 1e-9
    assert better.metrics.capacity_overflow <= start.metrics.capacity_overflow
    _check_invariants(doc, better)


def test_optimize_improves_a_generated_estate_and_refines_the_document() -> None:
    doc = generate_estate(EstateSpec(workloads=300, seed=5))
    start = propose_waves(doc)
    better = optimize(doc, start, time_limit_s=3.0)
    assert better.metrics.objective < start.metrics.objective
    assert better.metrics.capacity_overflow == 0
    # Refining the document's own waves (no proposal given) is never worse either.
    doc.apply(proposal_command(doc, better))
    again = optimize(doc, None, time_limit_s=1.0)
    assert again.metrics.objective <= better.metrics.objective + 1e-6


def test_cancelled_optimize_returns_the_start() -> None:
    doc, shared = random_plan(3, 30)
    start = propose_waves(doc, shared_ids=shared)
    out = optimize(doc, start, time_limit_s=30.0, progress=_Cancelled(), shared_ids=shared)
    assert dict(out.assignment) == dict(start.assignment)
    assert out.metrics == start.metrics


def test_cancel_during_optimize_keeps_the_best_so_far() -> None:
    import threading
    import time

    from migplan.core.progress import CallbackProgress

    doc = generate_estate(EstateSpec(workloads=1200, seed=9))
    start = propose_waves(doc)
    progress = CallbackProgress()
    timer = threading.Timer(1.5, progress.cancel)
    timer.start()
    began = time.monotonic()
    out = optimize(doc, start, time_limit_s=60.0, progress=progress, window_groups=60)
    timer.cancel()
    assert time.monotonic() - began < 20
    assert out.metrics.objective <= start.metrics.objective + 1e-9
    assert out.metrics.capacity_overflow == 0


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.sampled_from([60.0, 150.0, 400.0]))
def test_the_cp_sat_model_itself_keeps_the_link(seed: int, link_mbps: float) -> None:
    """With the safety check after each window switched off, the windows' LINK rows alone
    keep the hybrid link within max(usable share, the starting plan's peak)."""
    from migplan.core.assess import shared_service_ids
    from migplan.core.planning import window
    from migplan.core.settings import Network

    doc, _shared = random_plan(seed, 30)
    doc.settings = doc.settings.with_changes(network=Network(link_mbps=link_mbps))
    shared = shared_service_ids(doc)  # what the validator replicates too
    start = propose_waves(doc, shared_ids=shared)
    from migplan.core.assess import Assessment

    first = doc.snapshot()
    first.apply(proposal_command(first, start))
    before = max(Assessment(first).loads.link_mbps, default=0.0)
    original = window.Model.link_peak
    window.Model.link_peak = lambda self: 0.0  # type: ignore[method-assign]
    try:
        better = optimize(doc, start, time_limit_s=0.5, shared_ids=shared)
    finally:
        window.Model.link_peak = original  # type: ignore[method-assign]
    doc.apply(proposal_command(doc, better))
    peak = max(Assessment(doc).loads.link_mbps, default=0.0)
    assert peak <= max(doc.settings.network.usable_mbps, before) + 1e-3
