"""The Excel workbook of a 10,000-workload plan in 20 waves: how long writing it takes, its
size, and how long reading an edited copy back takes (issue 13, point 8).

Run: ``.venv/bin/python tests/benchmarks/bench_workbook.py [WORKLOADS] [WAVES]``.
Target on a 2-core machine: the workbook under 10 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from migplan.core.estate import EstateSpec, generate_estate
from migplan.io.reports.data import build_report
from migplan.io.reports.workbook_edits import read_workbook_edits
from migplan.io.reports.xlsx import write_xlsx


def main() -> None:
    workloads = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    waves = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    t = time.perf_counter()
    doc = generate_estate(
        EstateSpec(workloads=workloads, dependencies=workloads * 5, waves=waves, seed=1)
    )
    print(f"generated {doc.counts()} in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "plan.xlsx"
        t = time.perf_counter()
        report = build_report(doc)
        built = time.perf_counter() - t
        t = time.perf_counter()
        write_xlsx(doc, out, report)
        written = time.perf_counter() - t
        t = time.perf_counter()
        edits = read_workbook_edits(doc, out)
        read_back = time.perf_counter() - t
        size = out.stat().st_size
    assert edits.command is None, "an unedited workbook changes nothing"
    total = built + written
    print(f"report data (shared with the PDF)  {built:7.2f} s")
    print(f"workbook written                   {written:7.2f} s   ({size / 2**20:.1f} MiB)")
    print(f"read back, unedited                {read_back:7.2f} s")
    print(f"export total                       {total:7.2f} s")
    print("target (export under 10 s):", "met" if total < 10 else "NOT met")


if __name__ == "__main__":
    main()
