"""The phase plan PDF and the Excel workbook of 10,000 workloads in 20 waves: time and size,
and reading an unedited workbook back.

Run: ``.venv/bin/python tests/benchmarks/bench_report.py [WORKLOADS] [WAVES]``.
Targets on a 2-core machine (issue 13, point 8): the PDF under 20 s, the workbook under 10 s
(each with the report data they share).
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
from migplan.io.reports.workbook_edits import read_workbook_edits
from migplan.io.reports.xlsx import write_xlsx


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
        book = Path(tmp) / "plan.xlsx"
        t = time.perf_counter()
        write_xlsx(doc, book, report)
        xlsx = time.perf_counter() - t
        book_size = book.stat().st_size
        t = time.perf_counter()
        edits = read_workbook_edits(doc, book)
        read_back = time.perf_counter() - t
    assert edits.command is None, "an unedited workbook changes nothing"
    print(f"write_pdf                               {pdf:6.2f} s")
    print(f"PDF size                                {size / 2**20:6.1f} MiB")
    print(f"write_xlsx                              {xlsx:6.2f} s")
    print(f"workbook size                           {book_size / 2**20:6.1f} MiB")
    print(f"workbook read back, unedited            {read_back:6.2f} s")
    total, book_total = built + pdf, built + xlsx
    print(f"report + PDF                            {total:6.2f} s")
    print(f"report + workbook                       {book_total:6.2f} s")
    print("target (PDF under 20 s):", "met" if total < 20 else "NOT met")
    print("target (workbook under 10 s):", "met" if book_total < 10 else "NOT met")


if __name__ == "__main__":
    main()
