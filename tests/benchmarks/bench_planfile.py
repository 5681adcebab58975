"""Save and load a 10,000-workload / 50,000-dependency plan, beside plain json.

Run: ``.venv/bin/python tests/benchmarks/bench_planfile.py [WORKLOADS] [DEPENDENCIES]``.
Targets on a 2-core machine: save and load each under 1.5 s and within 4x of json.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from migplan.core.estate import EstateSpec, generate_estate
from migplan.io.planfile import dump_plan, load_plan, save_plan


def best_of(n: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    workloads = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    deps = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    t = time.perf_counter()
    doc = generate_estate(EstateSpec(workloads=workloads, dependencies=deps, waves=40, seed=1))
    print(f"generated {doc.counts()} in {time.perf_counter() - t:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.migplan"
        save = best_of(3, lambda: save_plan(doc, path))
        load = best_of(3, lambda: load_plan(path))
        raw = path.read_bytes()
        obj = json.loads(raw)
        jload = best_of(3, lambda: json.loads(raw))
        jdump = best_of(3, lambda: json.dumps(obj))
        jdump_indent = best_of(3, lambda: json.dumps(obj, indent=1))
        assert load_plan(path) == doc
        dump_only = best_of(3, lambda: dump_plan(doc))
    print(f"file size           {len(raw) / 2**20:8.1f} MiB")
    print(f"save_plan           {save:8.3f} s   (serialise only {dump_only:.3f} s)")
    print(f"load_plan           {load:8.3f} s")
    print(f"json.dumps          {jdump:8.3f} s   (indent=1: {jdump_indent:.3f} s)")
    print(f"json.loads          {jload:8.3f} s")
    print(f"save / json.dumps   {save / jdump:8.2f} x")
    print(f"load / json.loads   {load / jload:8.2f} x")
    ok = save < 1.5 and load < 1.5 and save / jdump <= 4 and load / jload <= 4
    print("targets (each < 1.5 s, within 4x of json):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
