"""The phase plan PDF of 10,000 workloads in 20 waves: time and size.

Run: ``.venv/bin/python tests/benchmarks/bench_report.py [WORKLOADS] [WAVES]``.
Target on a 2-core machine (issue 13, point 8): the PDF in under 20 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from migplan.core.assess.assessment import Assessment
from migplan.core.estate import EstateSpec, generate_estate
from migplan.io.reports.data import build_report
from migplan.io.reports.pdf import write_pdf


def main() -> None:
    workloads = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    waves = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    t = time.perf_counter()
    doc = generate_estate(
        EstateSpec(workloads=workloads, dependencies=5 * workloads, waves=waves, seed=1)
    )
    print(f"generated {doc.counts()} in {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    assessment = Assessment(doc)
    print(f"assessment (the window has it already)  {time.perf_counter() - t:6.2f} s")
    t = time.perf_counter()
    report = build_report(doc, assessment)
    built = time.perf_counter() - t
    print(f"build_report                            {built:6.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "plan.pdf"
        t = time.perf_counter()
        write_pdf(doc, out, report)
        pdf = time.perf_counter() - t
        size = out.stat().st_size
    print(f"write_pdf                               {pdf:6.2f} s")
    print(f"PDF size                                {size / 2**20:6.1f} MiB")
    total = built + pdf
    print(f"report + PDF                            {total:6.2f} s")
    print("target (PDF under 20 s):", "met" if total < 20 else "NOT met")


if __name__ == "__main__":
    main()
