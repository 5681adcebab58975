"""Wave-planner benchmark: baselines vs MigPlan's heuristic (and CP-SAT optimiser).

Run on demand: ``python tests/benchmarks/bench_planner.py [--estate layered|micro|both]
[--sizes 2000,10000,100000] [--optimize SECONDS [--reference SECONDS]] [--deps 50000]
[--deps-per-workload 10.5] [--validate]``. Prints, per estate and method: waves, workloads
placed / not placed, weighted wave distance, peak cut, precedence violations (n / weight),
capacity overflow, J, wall time and CPU time of this process (the fairer figure on a shared
machine), and with ``--validate`` the validator's hard violations by rule. The heuristic's
time includes classifying shared services. A TARGETS block ends the run (see ``targets``).

Estates:

* ``layered``: ``migplan.core.estate.generate_estate`` (web -> app -> database tiers,
  shared services, integrations, log-normal traffic, GPU and data-heavy workloads);
* ``micro``: ``migplan.core.estate_micro.generate_microservice_estate`` (per application a
  proxy -> gateway -> services -> config / discovery / database / broker DAG, integrations
  from later applications' services to earlier applications' gateways, estate-wide shared
  services, AI applications); its workload graph has no cycle, so every precedence
  violation and every "cycle" cutover is the planner's own.

Both get the capacity ramp of planning.md (50 -> +10 -> 150) and a 10 Gbit/s link so that
every data lake fits a transfer window. Shared services are replicated to the target first,
so their edges count in no method's figures (the same mask for every method); the "all
edges" column gives the distance with them for reference. J = distance + peak_weight * peak
+ lateness_weight * lateness (the planner's objective, default weights 1 and 10).

``--deps-per-workload 10.5`` pads every estate with random cross-application edges to the
density of planning.md's benchmark (a much harder, nearly structureless graph); ``--deps N``
is the speed target's estate: 10,000 workloads padded to N dependencies (a run of that size
is reused when it has at least N dependencies, otherwise one is generated for timing only).
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from migplan.core.assess import shared_service_ids
from migplan.core.document import PlanDocument
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.estate_micro import MicroSpec, generate_microservice_estate
from migplan.core.planning.baselines import connected_components_plan, louvain_plan
from migplan.core.planning.graph import PlanGraph, build_graph
from migplan.core.planning.metrics import PlanMetrics, compute_metrics, limits_matrix
from migplan.core.planning.planner import propose_waves
from migplan.core.planning.proposal import Proposal
from migplan.core.settings import CapacityRamp, Network

_HEADER = (
    f"{'method':<36} {'waves':>5} {'placed / not':>13} {'sum w*dW':>10} {'peak cut':>9} "
    f"{'prec n / weight':>15} {'overflow':>8} {'J':>10} {'all edges':>10} {'time s':>7} "
    f"{'cpu s':>6}"
)
_SPEED = (10_000, 3.0)  # workloads, seconds
_DISTANCE_RATIO = 0.15
_OPTIMIZE_RATIO = 1.1
_BASELINE = "Louvain, smallest first (CMF order)"


def estate(kind: str, n: int, deps: int | None, seed: int = 7) -> PlanDocument:
    if kind == "micro":
        doc = generate_microservice_estate(MicroSpec(workloads=n, dependencies=deps, seed=seed))
    else:
        doc = generate_estate(EstateSpec(workloads=n, dependencies=deps, seed=seed))
    s = doc.settings
    doc.settings = s.with_changes(
        capacity=s.capacity.with_changes(workloads=CapacityRamp(start=50, step=10, max=150)),
        network=Network(link_mbps=10_000.0),
    )
    return doc


def _row(
    name: str,
    m: PlanMetrics,
    placed: tuple[int, int],
    all_edges: float,
    seconds: float | None,
    cpu: float | None = None,
) -> str:
    t = f"{seconds:7.2f}" if seconds is not None else f"{'-':>7}"
    t += f" {cpu:6.2f}" if cpu is not None else f" {'-':>6}"
    prec = f"{m.precedence_violations:,} / {m.precedence_weight:,.0f}"
    where = f"{placed[0]:,} / {placed[1]:,}"
    return (
        f"{name:<36} {m.waves:>5} {where:>13} {m.weighted_wave_distance:>10,.0f} "
        f"{m.peak_cut:>9,.0f} {prec:>15} {m.capacity_overflow:>8,} {m.objective:>10,.0f} "
        f"{all_edges:>10,.0f} {t}"
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


def hard_violations(doc: PlanDocument, graph: PlanGraph, pos: np.ndarray) -> Counter[str]:
    """Hard violations the validator (``assess.validate``) finds, by rule, for a position array."""
    from migplan.core.assess.validate import validate_plan
    from migplan.core.ids import wave_id
    from migplan.core.models import Wave
    from migplan.core.rules import Severity

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
    return Counter(v.rule_id for v in validate_plan(planned) if v.severity is Severity.HARD)


def hard_rules(doc: PlanDocument, graph: PlanGraph, pos: np.ndarray) -> str:
    """``hard_violations`` as one line: ``RULE n, RULE n`` or ``none``."""
    found = hard_violations(doc, graph, pos)
    return ", ".join(f"{rule} {n}" for rule, n in sorted(found.items())) or "none"


@dataclass
class Outcome:
    """What the TARGETS block checks, for one estate."""

    kind: str
    workloads: int
    dependencies: int
    heuristic_s: float = 0.0
    heuristic_cpu: float = 0.0
    distance_ratio: float = float("nan")
    unexplained: int = 0
    placed: int = 0
    unplaced: int = 0
    hard: Counter[str] | None = None
    #: (J after the --optimize run, J after the --reference run), on the 2,000 estate.
    optimized: tuple[float, float] | None = None
    #: Hard violations of the last CP-SAT run (validator), when one ran.
    hard_optimized: dict[str, int] | None = None
    notes: list[str] = field(default_factory=list)


def _explained(doc: PlanDocument, proposal: Proposal) -> int:
    """Workloads neither placed nor listed as unplaceable with a reason."""
    reasons = {u.workload_id: u.reason for u in proposal.unplaceable}
    return sum(
        1 for wid in doc.workloads if wid not in proposal.assignment and not reasons.get(wid)
    )


def _kind_of(reason: str) -> str:
    """One line per kind of reason: names and figures (anything with a digit) become "#"."""
    return re.sub(r"[\w.-]*\d(?:[\w.-]|,\d)*", "#", reason).strip()


def _findings(doc: PlanDocument, proposal: Proposal, shared: set[str]) -> list[str]:
    """What the planner makes of structure the estate does not have (cycles, shared proxies)."""
    out: list[str] = []
    reasons = Counter(_kind_of(c.reason.split(";")[0]) for c in proposal.cutovers)
    cycles = [c for c in proposal.cutovers if "cycle" in c.reason]
    out.append(
        f"{len(proposal.cutovers)} coordinated cutovers, {len(cycles)} for a cycle "
        f"({sum(len(c.workload_ids) for c in cycles)} workloads)"
        + (f"; reasons: {dict(reasons)}" if reasons else "")
    )
    proxies = sorted((w.name, w.id) for w in doc.workloads.values() if "-proxy" in w.name)
    if proxies:
        called = [name for name, wid in proxies if wid in shared]
        out.append(
            f"classifier: {len(called):,} of {len(proxies):,} '-proxy' workloads called shared "
            f"services (e.g. {', '.join(called[:4]) or '-'})"
        )
    by_reason = Counter(_kind_of(u.reason) for u in proposal.unplaceable)
    for reason, n in by_reason.most_common(4):
        out.append(f"not placed ({n}): {reason[:110]}")
    if len(by_reason) > 4:
        out.append(f"not placed: {len(by_reason) - 4} more reasons")
    return out


def run(
    kind: str,
    n: int,
    deps: float,
    optimize_s: float,
    validate: bool = False,
    reference_s: float = 0.0,
) -> Outcome:
    t0 = time.perf_counter()
    doc = estate(kind, n, int(n * deps) or None)
    graph = build_graph(doc)
    out = Outcome(kind, len(doc.workloads), len(doc.dependencies))
    print(
        f"\n== {kind}: {len(doc.workloads):,} workloads, {len(doc.dependencies):,} dependencies, "
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
        (_BASELINE, lambda: louvain_plan(graph, doc.settings)),
    ):
        t, c = time.perf_counter(), time.process_time()
        pos = fn()
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        m, full = measure(doc, graph, pos, mask)
        results[name] = m
        placed = int((pos >= 0).sum())
        print(_row(name, m, (placed, len(doc.workloads) - placed), full, seconds, cpu))
        if validate:
            print(f"{'':<36} hard rules broken: {hard_rules(doc, graph, pos)}")
    t, c = time.perf_counter(), time.process_time()
    proposal = propose_waves(doc)
    out.heuristic_s, out.heuristic_cpu = time.perf_counter() - t, time.process_time() - c
    planned = PlanDocument.from_entities(
        [*doc.applications.values(), *doc.workloads.values()], doc.settings
    )
    planned.insert_many(proposal.waves)
    pos = positions(planned, graph, dict(proposal.assignment))
    _m, full = measure(doc, graph, pos, mask)
    out.placed, out.unplaced = len(proposal.assignment), len(proposal.unplaceable)
    out.unexplained = _explained(doc, proposal)
    hm = proposal.metrics
    print(
        _row(
            "MigPlan heuristic",
            hm,
            (out.placed, out.unplaced),
            full,
            out.heuristic_s,
            out.heuristic_cpu,
        )
    )
    print(f"{'':<36} ({proposal.stats})")
    out.hard = hard_violations(doc, graph, pos)
    print(
        f"{'':<36} hard rules broken: "
        + (", ".join(f"{r} {k}" for r, k in sorted(out.hard.items())) or "none")
    )
    base = results[_BASELINE]
    out.distance_ratio = hm.weighted_wave_distance / max(base.weighted_wave_distance, 1)
    print(
        f"{'':<36} vs smallest-first: distance x{out.distance_ratio:.3f}, "
        f"peak cut x{hm.peak_cut / max(base.peak_cut, 1):.3f}"
    )
    for line in _findings(doc, proposal, shared):
        print(f"{'':<36} {line}")
    if optimize_s > 0:
        from migplan.core.planning.optimize import optimize

        objectives = []
        for limit in (optimize_s, reference_s) if reference_s > 0 and n == 2000 else (optimize_s,):
            t = time.perf_counter()
            better = optimize(doc, proposal, time_limit_s=limit)
            seconds = time.perf_counter() - t
            objectives.append(better.metrics.objective)
            print(
                _row(
                    f"MigPlan + CP-SAT {limit:.0f} s",
                    better.metrics,
                    (len(better.assignment), len(better.unplaceable)),
                    float("nan"),
                    seconds,
                )
            )
            print(
                f"{'':<36} vs heuristic: distance x"
                f"{better.metrics.weighted_wave_distance / max(hm.weighted_wave_distance, 1):.3f}, "
                f"J x{better.metrics.objective / max(hm.objective, 1):.3f}"
            )
            refined = PlanDocument.from_entities(
                [*doc.applications.values(), *doc.workloads.values()], doc.settings
            )
            refined.insert_many(better.waves)
            cp_pos = positions(refined, graph, dict(better.assignment))
            broken = hard_violations(doc, graph, cp_pos)
            print(
                f"{'':<36} hard rules broken: "
                + (", ".join(f"{r} {k}" for r, k in sorted(broken.items())) or "none")
            )
            out.hard_optimized = dict(broken)
        if len(objectives) == 2:
            out.optimized = (objectives[0], objectives[1])
    return out


def speed(kind: str, deps: int) -> Outcome:
    """Plan a 10,000-workload estate padded to ``deps`` dependencies, for its time only."""
    doc = estate(kind, _SPEED[0], deps)
    out = Outcome(kind, len(doc.workloads), len(doc.dependencies))
    t, c = time.perf_counter(), time.process_time()
    propose_waves(doc)
    out.heuristic_s, out.heuristic_cpu = time.perf_counter() - t, time.process_time() - c
    print(
        f"\n== {kind} speed estate: {out.workloads:,} workloads, {out.dependencies:,} "
        f"dependencies: heuristic {out.heuristic_s:.2f} s ({out.heuristic_cpu:.2f} s CPU)"
    )
    return out


def _verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "FAIL")


def targets(outcomes: list[Outcome], fast: list[Outcome], optimize_s: float, ref_s: float) -> bool:
    """Print the TARGETS block; True when nothing failed."""
    lines: list[tuple[bool | None, str]] = []
    for o in outcomes:
        tag = f"{o.kind} {o.workloads:,}"
        lines.append(
            (
                o.unexplained == 0,
                f"{tag}: every workload placed or explained ({o.placed:,} placed, "
                f"{o.unplaced:,} not placed with a reason, {o.unexplained} unexplained)",
            )
        )
        hard = o.hard or Counter()
        lines.append(
            (
                not hard,
                f"{tag}: zero hard violations for the heuristic ("
                + (", ".join(f"{r} {k}" for r, k in sorted(hard.items())) or "none")
                + ")",
            )
        )
        if o.hard_optimized is not None:
            lines.append(
                (
                    not o.hard_optimized,
                    f"{tag}: zero hard violations after CP-SAT ("
                    + (", ".join(f"{r} {k}" for r, k in sorted(o.hard_optimized.items())) or "none")
                    + ")",
                )
            )
        if o.workloads in range(1900, 2101) or o.workloads in range(9500, 10501):
            lines.append(
                (
                    o.distance_ratio <= _DISTANCE_RATIO,
                    f"{tag}: weighted wave distance <= {_DISTANCE_RATIO}x smallest-first "
                    f"(x{o.distance_ratio:.3f})",
                )
            )
    for o in fast:
        lines.append(
            (
                o.heuristic_s < _SPEED[1],
                f"{o.kind}: {o.workloads:,} workloads / {o.dependencies:,} dependencies planned "
                f"in < {_SPEED[1]:.0f} s ({o.heuristic_s:.2f} s wall, {o.heuristic_cpu:.2f} s CPU)",
            )
        )
    for o in outcomes:
        if o.optimized is not None:
            j, ref = o.optimized
            lines.append(
                (
                    j <= _OPTIMIZE_RATIO * ref,
                    f"{o.kind} {o.workloads:,}: CP-SAT {optimize_s:.0f} s J {j:,.0f} within "
                    f"{_OPTIMIZE_RATIO}x of {ref_s:.0f} s J {ref:,.0f} (x{j / max(ref, 1e-9):.3f})",
                )
            )
    if not any(o.optimized for o in outcomes):
        lines.append((None, "CP-SAT within 1.1x of a longer run: needs --optimize, --reference "))
    print("\nTARGETS")
    for ok, text in lines:
        print(f"  {_verdict(ok)}  {text}")
    return all(ok is not False for ok, _ in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--estate", choices=("layered", "micro", "both"), default="layered")
    parser.add_argument("--sizes", default="2000,10000", help="workload counts, comma-separated")
    parser.add_argument(
        "--deps-per-workload",
        type=float,
        default=0.0,
        help="0 = what the generator makes (about 6.5 layered, 5 micro)",
    )
    parser.add_argument(
        "--deps",
        type=int,
        default=50_000,
        help="dependencies of the 10,000-workload speed estate (0 = no speed target)",
    )
    parser.add_argument(
        "--optimize", type=float, default=0.0, help="CP-SAT seconds (skipped above 20,000)"
    )
    parser.add_argument(
        "--reference",
        type=float,
        default=0.0,
        help="a longer CP-SAT run on the 2,000 estate that --optimize must come within 1.1x of",
    )
    parser.add_argument(
        "--validate", action="store_true", help="also count the baselines' hard violations"
    )
    args = parser.parse_args()
    kinds = ("layered", "micro") if args.estate == "both" else (args.estate,)
    outcomes: list[Outcome] = []
    fast: list[Outcome] = []
    for kind in kinds:
        for n in (int(s) for s in args.sizes.split(",")):
            outcomes.append(
                run(
                    kind,
                    n,
                    args.deps_per_workload,
                    args.optimize if n <= 20_000 else 0.0,
                    args.validate,
                    args.reference,
                )
            )
        if args.deps:
            done = [
                o
                for o in outcomes
                if o.kind == kind and o.workloads >= _SPEED[0] and o.dependencies >= args.deps
            ]
            fast.append(done[0] if done else speed(kind, args.deps))
    targets(outcomes, fast, args.optimize, args.reference)


if __name__ == "__main__":
    main()
