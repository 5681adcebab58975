"""Full assessment and live rescoring after a move, at 10,000 workloads.

Builds ``generate_estate(EstateSpec(workloads=10000, dependencies=50000, waves=40))``, times
the pure functions (classify, fit, validate, score) and the full ``Assessment``, then moves one
workload at a time to another wave with ``UpdateEntities`` and times ``Assessment.refresh``
(revalidation + rescoring). Ordinary workloads and a shared-service hub (thousands of edges)
are measured separately, then structural edits (add a wave, rename one, add a dependency),
which rebuild while reusing per-workload results. Also checks that the refreshed results
equal a fresh assessment.

Run: ``python tests/benchmarks/bench_rescore.py [--workloads N] [--dependencies N]
[--waves N] [--moves N]``. Target: median refresh under 100 ms at 10,000 workloads.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from migplan.core.assess import (
    Assessment,
    classify_workloads,
    phase_bridges,
    score_plan,
    validate_plan,
)
from migplan.core.assess.fit import assess_all
from migplan.core.commands import UpdateEntities
from migplan.core.enums import WorkloadClass
from migplan.core.estate import EstateSpec, generate_estate


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workloads", type=int, default=10_000)
    parser.add_argument("--dependencies", type=int, default=50_000)
    parser.add_argument("--waves", type=int, default=40)
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    spec = EstateSpec(
        workloads=args.workloads, dependencies=args.dependencies, waves=args.waves, seed=args.seed
    )
    t, doc = _timed(lambda: generate_estate(spec))
    counts = doc.counts()
    print(
        f"estate: {counts['workloads']:,} workloads, {counts['dependencies']:,} dependencies, "
        f"{counts['waves']} waves (generated in {t:.2f} s)"
    )

    t, classes = _timed(lambda: classify_workloads(doc))
    print(f"classify_workloads       {t * 1000:8.0f} ms")
    t, _ = _timed(lambda: assess_all(doc))
    print(f"assess_fit (all)         {t * 1000:8.0f} ms")
    t, violations = _timed(lambda: validate_plan(doc))
    print(f"validate_plan            {t * 1000:8.0f} ms  ({len(violations):,} violations)")
    t, risks = _timed(lambda: score_plan(doc))
    print(f"score_plan               {t * 1000:8.0f} ms  ({len(risks)} waves)")
    t, bridges = _timed(lambda: phase_bridges(doc))
    print(
        f"phase_bridges (detailed) {t * 1000:8.0f} ms  "
        f"(peak {max(p.peak_mbps for p in bridges):,.0f} Mbit/s)"
    )
    t, assessment = _timed(lambda: Assessment(doc))
    print(f"Assessment (full)        {t * 1000:8.0f} ms")
    print("  violations:", dict(Counter(v.rule_id for v in assessment.violations)))
    print("  bands:", dict(Counter(r.band.value for r in assessment.risks.values())))

    rng = random.Random(args.seed)
    waves = [w.id for w in doc.waves_in_order()]
    shared = {w for w, c in classes.items() if c.workload_class is WorkloadClass.SHARED_SERVICE}
    ordinary = [w for w in sorted(doc.workloads) if w not in shared and doc.workloads[w].wave_id]
    hubs = sorted(shared)

    def moves(pool: list[Any], n: int) -> tuple[list[float], list[int]]:
        times, touched = [], []
        for _ in range(n):
            wid = rng.choice(pool)
            target = rng.choice([w for w in waves if w != doc.workloads[wid].wave_id])
            _, summary = doc.apply(UpdateEntities(((wid, {"wave_id": target}),), "Move"))
            t, changed = _timed(lambda s=summary: assessment.refresh(s))
            times.append(t)
            touched.append(len(changed))
        return times, touched

    for label, pool, n in (("ordinary", ordinary, args.moves), ("shared hub", hubs, 5)):
        if not pool:
            continue
        times, touched = moves(pool, n)
        print(
            f"move one {label:<10} x{n:<3} refresh: median {statistics.median(times) * 1000:6.1f} ms"
            f", max {max(times) * 1000:6.1f} ms, waves rebuilt median "
            f"{statistics.median(touched):.0f}"
        )

    from migplan.core.commands import AddEntities
    from migplan.core.ids import DependencyId, WaveId
    from migplan.core.models import Dependency, Wave

    a, b = ordinary[0], ordinary[-1]
    structural = (
        ("add a wave", AddEntities((Wave(id=WaveId("v-bench"), name="Extra", order=999),))),
        ("rename a wave", UpdateEntities(((waves[3], {"name": "Renamed"}),))),
        (
            "add a dependency",
            AddEntities((Dependency(id=DependencyId("d-bench"), source=a, target=b),)),
        ),
    )
    for label, command in structural:
        _, summary = doc.apply(command)
        t, changed = _timed(lambda s=summary: assessment.refresh(s))
        print(f"{label:<26} refresh: {t * 1000:6.0f} ms ({len(changed)} waves rescored)")

    fresh = Assessment(doc)
    same = fresh.risks == assessment.risks and sorted(
        (v.rule_id, v.message) for v in fresh.violations
    ) == sorted((v.rule_id, v.message) for v in assessment.violations)
    print(f"incremental results equal a fresh assessment: {same}")


if __name__ == "__main__":
    main()
