"""Wave-planner benchmark: baselines vs MigPlan's heuristic (and CP-SAT optimiser).

Run on demand: ``python tests/benchmarks/bench_planner.py [--sizes 2000,10000,100000]
[--optimize SECONDS] [--deps-per-workload 10.5]``. Prints, per estate and method: waves, weighted
wave distance, peak cut, precedence violations (n / weight), capacity overflow, J, wall time
and CPU time of this process (the fairer figure on a shared machine). The heuristic's time
includes classifying shared services.

Estates come from ``migplan.core.estate.generate_estate`` (layered applications, shared
services, integrations, log-normal traffic, GPU and data-heavy workloads), with the
capacity ramp of planning.md (50 -> +10 -> 150) and a 10 Gbit/s link so that every data lake
fits a transfer window. Shared services are replicated to the target first, so their edges
count in no method's figures (the same mask for every method); the "all edges" column
gives the distance with them for reference. J = distance + peak_weight * peak +
lateness_weight * lateness (the planner's objective, default weights 1 and 10).

``--deps-per-workload 10.5`` pads the estate with random cross-application edges to the
density of planning.md's benchmark (a much harder, nearly structureless graph).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from migplan.core.assess import shared_service_ids
from migplan.core.document import PlanDocument
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.planning.baselines import connected_components_plan, louvain_plan
from migplan.core.planning.graph import PlanGraph, build_graph
from migplan.core.planning.metrics import PlanMetrics, compute_metrics, limits_matrix
from migplan.core.planning.planner import propose_waves
from migplan.core.settings import CapacityRamp, Network

_HEADER = (
    f"{'method':<34} {'waves':>6} {'sum w*dW':>12} {'peak cut':>10} "
    f"{'prec n / weight':>18} {'overflow':>9} {'J':>12} {'all edges':>12} {'time s':>8} {'cpu s':>7}"
)


def estate(n: int, deps_per_workload: float, seed: int = 7) -> PlanDocument:
    doc = generate_estate(
        EstateSpec(workloads=n, dependencies=int(n * deps_per_workload) or None, seed=seed)
    )
    s = doc.settings
    doc.settings = s.with_changes(
        capacity=s.capacity.with_changes(workloads=CapacityRamp(start=50, step=10, max=150)),
        network=Network(link_mbps=10_000.0),
    )
    return doc


def _row(
    name: str, m: PlanMetrics, all_edges: float, seconds: float | None, cpu: float | None = None
) -> str:
    t = f"{seconds:8.2f}" if seconds is not None else f"{'-':>8}"
    t += f" {cpu:7.2f}" if cpu is not None else f" {'-':>7}"
    prec = f"{m.precedence_violations:,} / {m.precedence_weight:,.0f}"
    return (
        f"{name:<34} {m.waves:>6} {m.weighted_wave_distance:>12,.0f} {m.peak_cut:>10,.0f} "
        f"{prec:>18} {m.capacity_overflow:>9,} {m.objective:>12,.0f} {all_edges:>12,.0f} {t}"
    )


def measure(
    doc: PlanDocument, graph: PlanGraph, pos: np.ndarray, mask: np.ndarray
) -> tuple[PlanMetrics, float]:
    k = int(pos.max()) + 1 if pos.size else 0
    limits = limits_matrix(doc, list(range(1, k + 1)))
    planner = doc.settings.planner
    m = compute_metrics(
        pos,
        graph.edges,
        graph.loads,
        limits,
        replicated=mask,
        peak_weight=planner.peak_weight,
        lateness_weight=planner.lateness_weight,
    )
    full = compute_metrics(pos, graph.edges, graph.loads, limits)
    return m, full.weighted_wave_distance


def positions(doc: PlanDocument, graph: PlanGraph, assignment: dict[str, str]) -> np.ndarray:
    rank = {w.id: k for k, w in enumerate(sorted(doc.waves.values(), key=lambda w: w.order))}
    return np.array([rank.get(assignment.get(wid, ""), -1) for wid in graph.ids], dtype=np.int64)


def hard_rules(doc: PlanDocument, graph: PlanGraph, pos: np.ndarray) -> str:
    """Hard violations the validator (``assess.validate``) finds, by rule, for a position array."""
    from collections import Counter

    from migplan.core.assess.validate import Severity, validate_plan
    from migplan.core.ids import wave_id
    from migplan.core.models import Wave

    k = int(pos.max()) + 1 if pos.size else 0
    waves = [Wave(id=wave_id(f"b{i}"), name=f"Wave {i + 1}", order=i + 1) for i in range(k)]
    workloads = [
        doc.workloads[wid].with_changes(wave_id=waves[int(pos[i])].id if pos[i] >= 0 else None)
        for i, wid in enumerate(graph.ids)
    ]
    planned = PlanDocument.from_entities(
        [*doc.applications.values(), *workloads, *doc.dependencies.values(), *waves],
        doc.settings,
    )
    found = Counter(v.rule_id for v in validate_plan(planned) if v.severity is Severity.HARD)
    return ", ".join(f"{rule} {n}" for rule, n in sorted(found.items())) or "none"


def run(n: int, deps: float, optimize_s: float, validate: bool = False) -> None:
    t0 = time.perf_counter()
    doc = estate(n, deps)
    graph = build_graph(doc)
    print(
        f"\n== {len(doc.workloads):,} workloads, {len(doc.dependencies):,} dependencies, "
        f"{len(doc.applications):,} applications (generated in {time.perf_counter() - t0:.1f} s)"
    )
    print(_HEADER)
    shared = shared_service_ids(doc)
    mask = np.zeros(graph.n, dtype=np.bool_)
    mask[[graph.index[w] for w in shared]] = True
    results: dict[str, PlanMetrics] = {}
    for name, fn in (
        ("connected components (CMF)", lambda: connected_components_plan(graph, doc.settings)),
        ("Louvain, random order", lambda: louvain_plan(graph, doc.settings, order="random")),
        ("Louvain, smallest first (CMF order)", lambda: louvain_plan(graph, doc.settings)),
    ):
        t, c = time.perf_counter(), time.process_time()
        pos = fn()
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        m, full = measure(doc, graph, pos, mask)
        results[name] = m
        print(_row(name, m, full, seconds, cpu))
        if validate:
            print(f"{'':<34} hard rules broken: {hard_rules(doc, graph, pos)}")
    t, c = time.perf_counter(), time.process_time()
    proposal = propose_waves(doc)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    planned = PlanDocument.from_entities(
        [*doc.applications.values(), *doc.workloads.values()], doc.settings
    )
    planned.insert_many(proposal.waves)
    pos = positions(planned, graph, dict(proposal.assignment))
    _m, full = measure(doc, graph, pos, mask)
    print(_row("MigPlan heuristic", proposal.metrics, full, seconds, cpu))
    print(
        f"{'':<34} ({len(proposal.unplaceable)} not placed, {len(proposal.cutovers)} "
        f"coordinated cutovers, {proposal.stats})"
    )
    if validate:
        print(f"{'':<34} hard rules broken: {hard_rules(doc, graph, pos)}")
    base = results["Louvain, smallest first (CMF order)"]
    hm = proposal.metrics
    print(
        f"{'':<34} vs smallest-first: distance x{hm.weighted_wave_distance / max(base.weighted_wave_distance, 1):.3f}, "
        f"peak cut x{hm.peak_cut / max(base.peak_cut, 1):.3f}"
    )
    if optimize_s > 0:
        from migplan.core.planning.optimize import optimize

        t = time.perf_counter()
        better = optimize(doc, proposal, time_limit_s=optimize_s)
        seconds = time.perf_counter() - t
        print(_row(f"MigPlan + CP-SAT {optimize_s:.0f} s", better.metrics, float("nan"), seconds))
        print(
            f"{'':<34} vs heuristic: distance x"
            f"{better.metrics.weighted_wave_distance / max(hm.weighted_wave_distance, 1):.3f}, "
            f"J x{better.metrics.objective / max(hm.objective, 1):.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2000,10000", help="workload counts, comma-separated")
    parser.add_argument(
        "--deps-per-workload",
        type=float,
        default=0.0,
        help="0 = what the generator makes (about 6.5)",
    )
    parser.add_argument(
        "--optimize", type=float, default=0.0, help="CP-SAT seconds (skipped above 20,000)"
    )
    parser.add_argument(
        "--validate", action="store_true", help="also count the validator's hard violations"
    )
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        run(n, args.deps_per_workload, args.optimize if n <= 20_000 else 0.0, args.validate)


if __name__ == "__main__":
    main()
